"""Meta ThreatExchange (Graph API): incremental `threat_updates` of a privacy group, and
reactions on descriptors as the feedback form.

Written over the documented Graph API instead of python-threatexchange's
`FBThreatExchangeSignalExchangeAPI`, after reading it (1.2.17): its client's GET
(`ThreatExchangeAPI.get_json_from_url`) calls `requests.get` outside the session that carries
its timeout and retry policy, so a fetch has no timeout and no retry on 429/5xx; it follows
the `paging.next` link as given (credentials go wherever the answer points); its checkpoint is
the highest `last_updated` seen so far, so a fetch stopped between two pages of one window
resumes after entries of earlier pages it never read; and the package brings faiss-cpu,
numpy, pdqhash and a compiled Levenshtein module into the platform for these two calls.

Fetch: `GET {endpoint}/{privacy_group}/threat_updates/?access_token&start_time&stop_time&
limit&fields[&after]`. Each record is one indicator (`id`, `indicator`, `type`,
`last_updated`, `should_delete`, `descriptors{id,owner{id},tags,status,reactions}`); a record
with `should_delete` (or without descriptors, ThreatExchange issue 834) is a tombstone. The
window `[start, stop]` is fixed when it is first read and kept in the checkpoint with the
page cursor (`after`, from `paging.cursors`; the `next` link itself is never followed, so the
token only ever goes to the configured host). Once the window is exhausted the checkpoint is
`{"start": stop}`. A cursor the partner no longer accepts (HTTP 400) reads the window again:
writing a record twice changes nothing.

Feedback: `POST {endpoint}/{descriptor_id}?access_token` with `reactions=` —
SAW_THIS_TOO for a confirmed match (the object was observed on-platform), NON_MALICIOUS for
a false match (reviewed and found non-malicious; ThreatExchange's "Reacting" reference), on
every descriptor of the indicator.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.utils.translation import gettext as _

from .. import http
from ..errors import ExchangeErrorCode, ExchangeProtocolError, ExchangeUnavailable
from .base import Item, Page, hex_value

PAGE_SIZE = 500
# ThreatExchange indicator type → what COPNet keeps: a hash bank signal type (matched), or
# an indicator kind kept as a record (vPDQ, addresses, text).
BANK_TYPES = {"HASH_PDQ": "pdq", "HASH_MD5": "md5", "HASH_VIDEO_MD5": "md5"}
RECORD_TYPES = {
    "HASH_VIDEO_VPDQ": "vpdq",
    "URI": "url",
    "RAW_URI": "url",
    "UNCLICKABLE_URL": "url",
    "TEXT_STRING": "text",
}
FIELDS = (
    "id,indicator,type,last_updated,should_delete,"
    "descriptors{id,owner{id,name},tags,status,reactions}"
)
REACTIONS = {"confirm": "SAW_THIS_TOO", "deconfirm": "NON_MALICIOUS"}
# Strongest first: the indicator's classification is the strongest of its descriptors'.
STATUSES = ("MALICIOUS", "SUSPICIOUS", "UNKNOWN", "NON_MALICIOUS")
MAX_VALUE = 20_000  # a vPDQ of a long video is long; anything longer is refused


def _tags(descriptor: dict[str, Any]) -> list[str]:
    tags = descriptor.get("tags") or []
    if isinstance(tags, dict):  # the expanded form: {"data": [{"text": …}]}
        tags = [tag.get("text", "") for tag in tags.get("data") or [] if isinstance(tag, dict)]
    return [str(tag) for tag in tags if isinstance(tag, str | int) and str(tag)]


def _has_host(value: str) -> bool:
    try:
        return bool(urlsplit(value if "://" in value else "http://" + value).hostname)
    except ValueError:
        return False


class ThreatExchangeAdapter:
    def __init__(self, endpoint: str, credentials: dict[str, Any]) -> None:
        self.endpoint = endpoint
        self.token = str(credentials.get("access_token", ""))
        self.privacy_group = str(credentials.get("privacy_group", ""))

    def _updates(self, start: int, stop: int, after: str) -> dict[str, Any]:
        params: dict[str, Any] = {
            "access_token": self.token,
            "start_time": start,
            "stop_time": stop,
            "limit": PAGE_SIZE,
            "fields": FIELDS,
        }
        if after:
            params["after"] = after
        response = http.call(
            "GET",
            f"{self.endpoint}/{self.privacy_group}/threat_updates/?{urlencode(params)}",
            headers={"Accept": "application/json"},
        )
        data = http.json_object(response.body)
        if not isinstance(data.get("data", []), list):
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("The partner's answer has no list of updates.")
            )
        return data

    @staticmethod
    def _next_cursor(data: dict[str, Any]) -> str:
        paging = data.get("paging") if isinstance(data.get("paging"), dict) else {}
        if not paging or not paging.get("next"):
            return ""
        cursors = paging.get("cursors") if isinstance(paging.get("cursors"), dict) else {}
        after = str((cursors or {}).get("after") or "")
        if not after:  # only the link: take its cursor, never the link itself
            after = (parse_qs(urlsplit(str(paging["next"])).query).get("after") or [""])[0]
        if not after:
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("The partner's next page has no cursor.")
            )
        return after

    def pages(self, checkpoint: dict[str, Any]) -> Iterator[Page]:
        start = int(checkpoint.get("start", 0))
        stop = int(checkpoint.get("stop") or 0) or int(time.time()) - 5
        after = str(checkpoint.get("after", ""))
        stored_after = after
        if stop <= start:
            return
        while True:
            try:
                data = self._updates(start, stop, after)
            except ExchangeUnavailable as error:
                if after and after == stored_after and error.status_code == 400:
                    after = stored_after = ""  # an expired cursor: the window again (once)
                    continue
                raise
            page = self._page(data.get("data") or [])
            after = self._next_cursor(data)
            page.checkpoint = (
                {"start": start, "stop": stop, "after": after} if after else {"start": stop}
            )
            yield page
            if not after:
                return

    def _page(self, records: list[Any]) -> Page:
        items: list[Item] = []
        skipped = 0
        for record in records:
            if not isinstance(record, dict) or not str(record.get("id", "")).isdigit():
                raise ExchangeProtocolError(
                    ExchangeErrorCode.PROTOCOL, _("An update has no indicator id.")
                )
            external_id = str(record["id"])
            te_type = str(record.get("type", ""))
            descriptors = record.get("descriptors")
            rows = descriptors.get("data") if isinstance(descriptors, dict) else None
            if record.get("should_delete") or not isinstance(rows, list):
                items.append(Item(external_id=external_id, removed=True))
                continue
            # Descriptor ids go into reaction paths: digits only.
            rows = [row for row in rows if isinstance(row, dict) and str(row.get("id")).isdigit()]
            statuses = {str(row.get("status", "")).upper() for row in rows}
            if not rows or statuses == {"NON_MALICIOUS"}:
                # Nobody holds it harmful any more: it must not match.
                items.append(Item(external_id=external_id, removed=True))
                continue
            raw = str(record.get("indicator", ""))
            banked = te_type in BANK_TYPES
            kind = BANK_TYPES.get(te_type) or RECORD_TYPES.get(te_type) or ""
            if banked:
                value = hex_value(kind, raw)
            else:
                value = raw.strip() if kind and 0 < len(raw.strip()) <= MAX_VALUE else None
                if value and kind == "url" and not _has_host(value):
                    value = None  # not an address: counted as skipped
            if not kind or not value:
                skipped += 1
                continue
            tags = sorted({tag for row in rows for tag in _tags(row)})
            owners = sorted(
                {
                    str(row["owner"].get("name") or row["owner"].get("id"))
                    for row in rows
                    if isinstance(row.get("owner"), dict)
                }
            )
            classification = next((s for s in STATUSES if s in statuses), "")
            items.append(
                Item(
                    external_id=external_id,
                    signals=((kind, value),) if banked else (),
                    contributor=", ".join(owners)[:200],
                    classification=classification,
                    tags=tuple(tags),
                    record={
                        "kind": kind,
                        "type": te_type,
                        "value": value,
                        "descriptors": sorted(str(row["id"]) for row in rows),
                    },
                )
            )
        return Page(items=items, checkpoint={}, skipped=skipped, received=len(records))

    def send_feedback(
        self,
        *,
        external_id: str,
        signal_type: str,
        value: str,
        verdict: str,
        descriptors: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        if not descriptors:
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("This entry cannot receive a reaction.")
            )
        reaction = REACTIONS[verdict]
        for descriptor in descriptors:
            # Reacting twice with the same reaction changes nothing at the partner: a retry
            # after a partial failure is safe.
            response = http.call(
                "POST",
                f"{self.endpoint}/{descriptor}?{urlencode({'access_token': self.token})}",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=urlencode({"reactions": reaction}).encode(),
            )
            if http.json_object(response.body).get("success") is not True:
                raise ExchangeProtocolError(
                    ExchangeErrorCode.PROTOCOL, _("The partner did not accept the reaction.")
                )
        return {"reaction": reaction, "descriptors": list(descriptors)}
