"""StopNCII (JSON REST): the endpoints and documents of python-threatexchange's `StopNCIIAPI`.
Its higher layer (`StopNCIISignalExchangeAPI`) cannot be used: it tests the hash value instead
of the case status for Withdrawn/Deleted, so withdrawn hashes would be kept. The client
itself is small enough that COPNet speaks the protocol here rather than depend on the whole
package (faiss, a compiled Levenshtein) for it.

Fetch: `GET {endpoint}/FetchHashes?startTimestamp=…&pageSize=…[&nextPageToken=…]` with the
`Ocp-Apim-Subscription-Key` and the endpoint's `x-functions-key`; the answer has
`hashRecords`, `hasMoreRecords`, `nextPageToken` and `nextSetTimestamp` (the checkpoint once
the pages are exhausted). A record whose `hashStatus` is Withdrawn or Deleted must be deleted.
Feedback: `POST {endpoint}/SubmitFeedback` with `{"count", "hashFeedbacks": [{"hashValue",
"feedbackValue": "Blocked"|"NotBlocked", "tags"}]}`.
Submission (young people's own fingerprints, with their consent): `POST {endpoint}/SubmitHashes`
with the `submit_key` function key and `{"count", "hashRecords": [{"lastModtimestamp",
"signalType": "ImagePDQ", "hashValue", "CSPFeedbacks": [{"feedbackValue": "None", "tags"}]}]}`
(pytx's `submit_hashes` sends `str()` of its enum as the signal type, e.g.
"StopNCIISignalType.ImagePDQ"; the API names the type alone).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from .. import http
from ..errors import ExchangeErrorCode, ExchangeProtocolError, ExchangeUnavailable
from .base import Item, Page, hex_value

PAGE_SIZE = 800
START = 10  # StopNCII's own "from the beginning"
SIGNAL_TYPES = {"ImagePDQ": "pdq", "VideoMD5": "md5"}
REMOVED = {"Withdrawn", "Deleted"}
FEEDBACK = {"confirm": "Blocked", "deconfirm": "NotBlocked"}


class StopNciiAdapter:
    def __init__(self, endpoint: str, credentials: dict[str, Any]) -> None:
        self.endpoint = endpoint
        self.subscription_key = str(credentials.get("subscription_key", ""))
        self.fetch_key = str(credentials.get("fetch_key", ""))
        self.feedback_key = str(credentials.get("feedback_key", ""))
        self.submit_key = str(credentials.get("submit_key", ""))

    def _headers(self, function_key: str) -> dict[str, str]:
        return {
            "Ocp-Apim-Subscription-Key": self.subscription_key,
            "x-functions-key": function_key,
            "Accept": "application/json",
        }

    def _fetch(self, start: int, token: str) -> dict[str, Any]:
        params: dict[str, Any] = {"startTimestamp": start, "pageSize": PAGE_SIZE}
        if token:
            params["nextPageToken"] = token
        response = http.call(
            "GET",
            f"{self.endpoint}/FetchHashes?{urlencode(params)}",
            headers=self._headers(self.fetch_key),
        )
        data = http.json_object(response.body)
        if not isinstance(data.get("hashRecords", []), list):
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("The partner's answer has no list of hash records.")
            )
        return data

    def pages(self, checkpoint: dict[str, Any]) -> Iterator[Page]:
        start = int(checkpoint.get("start", START))
        token = str(checkpoint.get("page_token", ""))
        stored_token = token
        while True:
            try:
                data = self._fetch(start, token)
            except ExchangeUnavailable as error:
                if token and token == stored_token and error.status_code == 400:
                    # A stored page token has expired: read from the timestamp again (once).
                    token = stored_token = ""
                    continue
                raise
            page = self._page(data["hashRecords"])
            more = bool(data.get("hasMoreRecords")) and bool(data.get("nextPageToken"))
            if more:
                token = str(data["nextPageToken"])
                page.checkpoint = {"start": start, "page_token": token}
            else:
                next_start = data.get("nextSetTimestamp")
                if not isinstance(next_start, int):
                    raise ExchangeProtocolError(
                        ExchangeErrorCode.PROTOCOL, _("The partner's answer has no next timestamp.")
                    )
                page.checkpoint = {"start": max(start, next_start)}
            yield page
            if not more:
                return

    def _page(self, records: list[Any]) -> Page:
        items: list[Item] = []
        skipped = 0
        for record in records:
            if not isinstance(record, dict):
                raise ExchangeProtocolError(
                    ExchangeErrorCode.PROTOCOL, _("A hash record is not an object.")
                )
            kind = str(record.get("signalType", ""))
            raw = str(record.get("hashValue", ""))
            signal_type = SIGNAL_TYPES.get(kind)
            value = hex_value(signal_type, raw) if signal_type else None
            if not signal_type or not value:
                skipped += 1
                continue
            external_id = f"{kind}:{value}"
            if str(record.get("hashStatus", "")) in REMOVED:
                items.append(Item(external_id=external_id, removed=True))
                continue
            tags = sorted(
                {
                    str(tag)
                    for feedback in record.get("CSPFeedbacks") or []
                    if isinstance(feedback, dict)
                    for tag in feedback.get("tags") or []
                }
            )
            items.append(
                Item(
                    external_id=external_id,
                    signals=((signal_type, value),),
                    contributor="StopNCII",
                    tags=tuple(tags),
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
        body = {
            "count": 1,
            "hashFeedbacks": [{"hashValue": value, "feedbackValue": FEEDBACK[verdict], "tags": []}],
        }
        http.call(
            "POST",
            f"{self.endpoint}/SubmitFeedback",
            headers={**self._headers(self.feedback_key), "Content-Type": "application/json"},
            body=json.dumps(body).encode(),
        )
        return {"feedbackValue": FEEDBACK[verdict]}

    def submit_hashes(self, *, values: list[tuple[str, str]], tags: list[str]) -> dict[str, Any]:
        """Submit pictures' PDQ hashes (StopNCII takes images as ImagePDQ); returns what was
        sent for the log. Other signal types are not sent."""
        now = int(time.time())
        records = [
            {
                "lastModtimestamp": now,
                "signalType": "ImagePDQ",
                "hashValue": value,
                "CSPFeedbacks": [{"feedbackValue": "None", "tags": list(tags)}],
            }
            for signal_type, value in values
            if signal_type == "pdq"
        ]
        if not records:
            raise ExchangeProtocolError(
                ExchangeErrorCode.PROTOCOL, _("There is no fingerprint this partner takes.")
            )
        http.call(
            "POST",
            f"{self.endpoint}/SubmitHashes",
            headers={**self._headers(self.submit_key), "Content-Type": "application/json"},
            body=json.dumps({"count": len(records), "hashRecords": records}).encode(),
        )
        return {"hashes": len(records), "signal_type": "ImagePDQ"}
