"""NCMEC Hash Sharing v2 (XML): the same endpoints and documents as python-threatexchange's
`NCMECHashAPI`, written here because that client cannot be pointed at another address than
its fixed environments, formats `from`/`to` in the process's local time while labelling them
UTC (COPNet runs with TIME_ZONE=Asia/Ho_Chi_Minh, which would shift every window by seven
hours and skip entries), and would pull faiss and a compiled Levenshtein package into the
platform for two hundred lines of HTTP.

Fetch: `GET {endpoint}/v2/entries?from=…&to=…` answers a page of `<image>`/`<video>` entries
(and `<deletedImage>`/`<deletedVideo>` tombstones: retractions) plus `<paging><next>` with the
path of the next page. Entries are not in time order, so the window's end becomes the next
`from` only once the window is exhausted; until then the checkpoint keeps the window and the
paging path (valid for 12 hours, after which the window is simply read again: writing an
entry twice changes nothing).

Feedback: `PUT {endpoint}/v2/entries/{member}/{entry}/{FINGERPRINT}/feedback` with an
`<affirmative/>` or a `<negative>` vote that names a reason from
`GET {endpoint}/v2/feedback/{FINGERPRINT}/reasons` (or the one configured).
"""

from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from .. import http
from ..errors import ExchangeErrorCode, ExchangeProtocolError
from .base import Item, Page, hex_value, parse_xml

NAMESPACE = "https://hashsharing.ncmec.org/hashsharing/v2"
PAGING_VALID_S = 12 * 3600
# NCMEC fingerprint element → COPNet signal type (others are counted as skipped)
FINGERPRINTS = {"md5": "md5", "pdq": "pdq"}
FEEDBACK_NAMES = {"md5": "MD5", "pdq": "PDQ"}
ENTRY_TAGS = {"image", "video", "deletedimage", "deletedvideo"}


def _utc(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


class NcmecAdapter:
    def __init__(self, endpoint: str, credentials: dict[str, Any]) -> None:
        self.endpoint = endpoint
        self.auth = (str(credentials.get("username", "")), str(credentials.get("password", "")))
        self.negative_reason = str(credentials.get("negative_reason_guid", ""))

    def _get(self, path_and_query: str) -> ET.Element:
        response = http.call("GET", self.endpoint + path_and_query, basic_auth=self.auth)
        return parse_xml(response.body)

    def pages(self, checkpoint: dict[str, Any]) -> Iterator[Page]:
        now = int(time.time())
        start = int(checkpoint.get("from", 0))
        end = int(checkpoint.get("to") or 0)
        next_path = str(checkpoint.get("next", ""))
        if next_path and now - int(checkpoint.get("next_at", 0)) > PAGING_VALID_S:
            next_path = ""  # paging paths expire: read the same window again
        if not end:
            end = now - 5  # not up to the second: entries of this second may still arrive
        if end <= start:
            return
        while True:
            query = "/v2/entries?" + urlencode({"from": _utc(start), "to": _utc(end)})
            root = self._get(next_path or query)
            page = self._page(root)
            next_path = _text(root.find("paging/next"))
            if next_path and not next_path.startswith("/v2/entries"):
                # Credentials go only to the configured host: a paging link elsewhere is refused.
                raise ExchangeProtocolError(
                    ExchangeErrorCode.PROTOCOL, _("The partner's paging link leaves its address.")
                )
            if next_path:
                page.checkpoint = {"from": start, "to": end, "next": next_path, "next_at": now}
            else:
                page.checkpoint = {"from": end}
            yield page
            if not next_path:
                return

    def _page(self, root: ET.Element) -> Page:
        items: list[Item] = []
        skipped = received = 0
        for group in ("images", "videos"):
            for element in root.findall(group + "/*"):
                kind = element.tag.lower()
                if kind not in ENTRY_TAGS:
                    continue
                received += 1
                entry_id = _text(element.find("id"))
                member = element.find("member")
                member_id = member.get("id", "") if member is not None else ""
                if not entry_id or not member_id:
                    raise ExchangeProtocolError(
                        ExchangeErrorCode.PROTOCOL, _("An entry has no id or no member.")
                    )
                external_id = f"{member_id}-{entry_id}"
                if kind.startswith("deleted"):
                    items.append(Item(external_id=external_id, removed=True))
                    continue
                signals = []
                for fingerprint in element.findall("fingerprints/*"):
                    signal_type = FINGERPRINTS.get(fingerprint.tag.lower())
                    value = hex_value(signal_type, fingerprint.text) if signal_type else None
                    if signal_type and value:
                        signals.append((signal_type, value))
                    else:
                        skipped += 1
                items.append(
                    Item(
                        external_id=external_id,
                        signals=tuple(signals),
                        contributor=f"{member_id} {_text(member)}".strip(),
                        classification=_text(element.find("classification")).upper(),
                        tags=(kind,),
                    )
                )
        return Page(items=items, checkpoint={}, skipped=skipped, received=received)

    def send_feedback(
        self,
        *,
        external_id: str,
        signal_type: str,
        value: str,
        verdict: str,
        descriptors: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        member_id, _sep, entry_id = external_id.partition("-")
        fingerprint = FEEDBACK_NAMES.get(signal_type)
        if not fingerprint or not entry_id:
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("This entry cannot receive a vote.")
            )
        root = ET.Element("feedbackSubmission", {"xmlns": NAMESPACE})
        reason = ""
        if verdict == "confirm":
            ET.SubElement(root, "affirmative")
        else:
            reason = self.negative_reason or self._first_reason(fingerprint)
            vote = ET.SubElement(root, "negative")
            ET.SubElement(ET.SubElement(vote, "reasonIds"), "guid").text = reason
        http.call(
            "PUT",
            f"{self.endpoint}/v2/entries/{member_id}/{entry_id}/{fingerprint}/feedback",
            headers={"Content-Type": "application/xml; charset=utf-8"},
            body=ET.tostring(root),
            basic_auth=self.auth,
        )
        return {"vote": "affirmative" if verdict == "confirm" else "negative", "reason": reason}

    def _first_reason(self, fingerprint: str) -> str:
        root = self._get(f"/v2/feedback/{fingerprint}/reasons")
        for reason in root.iter("reason"):
            if reason.get("guid"):
                return reason.get("guid", "")
        raise ExchangeProtocolError(
            ExchangeErrorCode.PROTOCOL, _("The partner offers no reason for a negative vote.")
        )
