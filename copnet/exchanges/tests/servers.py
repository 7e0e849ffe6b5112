"""Local partners for the tests: real HTTP servers (threads) that speak each protocol as its
documentation describes, from data the tests put in, with failures on demand.

- `NcmecServer`: NCMEC Hash Sharing v2 (XML, basic auth, `from`/`to` window, `paging/next`,
  entries not in time order, `deletedImage` tombstones for retractions, votes by PUT).
- `StopNciiServer`: StopNCII (JSON, subscription + function keys, `nextPageToken`,
  `nextSetTimestamp`, Withdrawn/Deleted statuses, SubmitFeedback, SubmitHashes).
- `ThreatExchangeServer`: Meta ThreatExchange's Graph API (`threat_updates` with cursors,
  `should_delete` tombstones, reactions).
- `HotlineServer`: a foreign hotline taking reports out (`copnet.foreign-report/1`, idempotent
  by key) and answering their progress.

Failures: `script` (statuses to answer the next requests with, e.g. [429, 500]),
`fail_after_pages` (every entries page after that many answers 500, as a partner going down
mid-way), `after_page` (a hook after each page served: the tests SIGKILL a fetching
process there), `delay` (seconds to wait before answering: timeouts), `cut_body` (a page announced
longer than it is).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

NS = "https://hashsharing.ncmec.org/hashsharing/v2"
TE_TOKEN = "1234567890|tokentokentokentokentoken"  # noqa: S105 (a test server's token)


def iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> int:
    return int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp())


@dataclass
class Failures:
    script: list[int] = field(default_factory=list)
    fail_after_pages: int | None = None
    delay: float = 0.0
    cut_body: bool = False
    pages_served: int = 0
    # Called with the number of pages served once a page's answer is written (e.g. to
    # SIGKILL the fetching process while it writes that page).
    after_page: Callable[[int], None] | None = None


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        length = len(body) + (1000 if self.server.partner.failures.cut_body else 0)
        self.send_header("Content-Length", str(length))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method: str) -> None:
        partner = self.server.partner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with partner.lock:
            partner.requests.append((method, self.path, dict(self.headers), body))
            failures = partner.failures
            scripted = failures.script.pop(0) if failures.script else None
        if failures.delay:
            time.sleep(failures.delay)
        if scripted:
            extra = {"Retry-After": "0"} if scripted == 429 else {}
            self._answer(scripted, b"try later", "text/plain", **extra)
            return
        served = failures.pages_served
        status, payload, content_type = partner.route(method, self.path, self.headers, body)
        self._answer(status, payload, content_type)
        if failures.after_page and failures.pages_served != served:
            self.wfile.flush()
            failures.after_page(failures.pages_served)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_POST(self) -> None:
        self._handle("POST")


class _Partner:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.failures = Failures()
        self.feedback: list[tuple[str, bytes]] = []
        self.url = ""

    def route(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, str]:
        raise NotImplementedError

    def page_allowed(self) -> bool:
        with self.lock:
            limit = self.failures.fail_after_pages
            if limit is not None and self.failures.pages_served >= limit:
                return False
            self.failures.pages_served += 1
            return True

    @contextmanager
    def running(self) -> Iterator[_Partner]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.partner = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


@dataclass
class NcmecEntry:
    member: int
    id: str
    timestamp: int
    fingerprints: dict[str, str]
    classification: str = "A1"
    kind: str = "image"
    deleted: bool = False


class NcmecServer(_Partner):
    PAGE = 1000

    def __init__(self, username: str = "copnet", password: str = "secret") -> None:  # noqa: S107
        super().__init__()
        self.auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.entries: dict[tuple[int, str], NcmecEntry] = {}
        self.order: list[tuple[int, str]] = []
        self.reasons = [("9f1c2d3e-0000-4000-8000-000000000001", "Not CSAM")]

    def add(self, entries: list[NcmecEntry]) -> None:
        with self.lock:
            for entry in entries:
                key = (entry.member, entry.id)
                if key not in self.entries:
                    self.order.append(key)
                self.entries[key] = entry
            # NCMEC does not answer in time order: a fixed shuffle of the keys.
            random.Random(7).shuffle(self.order)

    def retract(self, ids: list[tuple[int, str]], timestamp: int) -> None:
        with self.lock:
            for key in ids:
                entry = self.entries[key]
                entry.deleted, entry.timestamp, entry.fingerprints = True, timestamp, {}

    def route(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, str]:
        if headers.get("Authorization") != self.auth:
            return 401, b"<error>unauthorised</error>", "application/xml"
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "GET" and parts.path == "/v2/entries":
            if not self.page_allowed():
                return 500, b"<error>internal</error>", "application/xml"
            return 200, self._entries(query), "application/xml"
        if method == "GET" and parts.path.startswith("/v2/feedback/"):
            reasons = "".join(
                f'<reason guid="{guid}" name="{escape(name)}"/>' for guid, name in self.reasons
            )
            xml = f'<feedbackReasons xmlns="{NS}"><availableFeedbackReasons>{reasons}'
            return (
                200,
                (xml + "</availableFeedbackReasons></feedbackReasons>").encode(),
                ("application/xml"),
            )
        if method == "PUT" and parts.path.endswith("/feedback"):
            with self.lock:
                self.feedback.append((parts.path, body))
            return 200, b"", "application/xml"
        return 404, b"<error>not found</error>", "application/xml"

    def _entries(self, query: dict[str, str]) -> bytes:
        start, end = parse_iso(query["from"]), parse_iso(query["to"])
        offset = int(query.get("start", 0))
        with self.lock:
            chosen = [
                self.entries[k] for k in self.order if start <= self.entries[k].timestamp <= end
            ]
        page = chosen[offset : offset + self.PAGE]
        groups: dict[str, list[str]] = {"image": [], "video": []}
        for entry in page:
            tag = ("deleted" + entry.kind.capitalize()) if entry.deleted else entry.kind
            prints = "".join(f"<{k}>{v}</{k}>" for k, v in entry.fingerprints.items())
            groups[entry.kind].append(
                f'<{tag}><id>{entry.id}</id><member id="{entry.member}">Member '
                f"{entry.member}</member><timestamp>{iso(entry.timestamp)}</timestamp>"
                + (
                    ""
                    if entry.deleted
                    else f"<classification>{entry.classification}"
                    f"</classification><fingerprints>{prints}</fingerprints>"
                )
                + f"</{tag}>"
            )
        body = [f'<queryResult xmlns="{NS}">']
        for kind, items in groups.items():
            if items:
                top = max(e.timestamp for e in page if e.kind == kind)
                body.append(
                    f'<{kind}s count="{len(items)}" maxTimestamp="{iso(top)}">'
                    + "".join(items)
                    + f"</{kind}s>"
                )
        if offset + self.PAGE < len(chosen):
            nxt = (
                f"/v2/entries?from={query['from']}&amp;to={query['to']}"
                f"&amp;start={offset + self.PAGE}&amp;size={self.PAGE}&amp;max={len(chosen)}"
            )
            body.append(f"<paging><next>{nxt}</next></paging>")
        body.append("</queryResult>")
        return "".join(body).encode()


class StopNciiServer(_Partner):
    def __init__(
        self,
        subscription_key: str = "sub",
        fetch_key: str = "fetch",
        feedback_key: str = "feedback",
        submit_key: str = "submit",
    ) -> None:
        super().__init__()
        self.keys = {
            "FetchHashes": fetch_key,
            "SubmitFeedback": feedback_key,
            "SubmitHashes": submit_key,
        }
        self.submitted: list[dict[str, Any]] = []  # SubmitHashes bodies
        self.subscription_key = subscription_key
        self.records: dict[str, dict[str, Any]] = {}
        self.token_epoch = 0  # tokens of an older epoch have expired

    def expire_tokens(self) -> None:
        with self.lock:
            self.token_epoch += 1

    def put(
        self,
        signal_type: str,
        value: str,
        timestamp: int,
        status: str = "Active",
        tags: tuple[str, ...] = (),
    ) -> None:
        with self.lock:
            self.records[f"{signal_type}:{value}"] = {
                "lastModtimestamp": timestamp,
                "signalType": signal_type,
                "hashValue": value,
                "hashStatus": status,
                "caseNumbers": {"CASE-1": status},
                "CSPFeedbacks": [{"feedbackValue": "Blocked", "tags": list(tags), "source": "x"}],
            }

    def route(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, str]:
        parts = urlsplit(path)
        name = parts.path.strip("/")
        if headers.get("Ocp-Apim-Subscription-Key") != self.subscription_key or headers.get(
            "x-functions-key"
        ) != self.keys.get(name):
            return 401, b'{"error": "unauthorised"}', "application/json"
        if method == "GET" and name == "FetchHashes":
            if not self.page_allowed():
                return 500, b'{"error": "internal"}', "application/json"
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            return self._fetch(query)
        if method == "POST" and name == "SubmitHashes":
            data = json.loads(body)
            records = data.get("hashRecords")
            if not isinstance(records, list) or data.get("count") != len(records):
                return 400, b'{"error": "bad count"}', "application/json"
            if any(r.get("signalType") not in {"ImagePDQ", "VideoMD5"} for r in records):
                return 400, b'{"error": "unknown signal type"}', "application/json"
            with self.lock:
                self.submitted.append(data)
            return 200, b'{"status": "ok"}', "application/json"
        if method == "POST" and name == "SubmitFeedback":
            with self.lock:
                self.feedback.append((name, body))
            return 200, b'{"status": "ok"}', "application/json"
        return 404, b'{"error": "not found"}', "application/json"

    def _fetch(self, query: dict[str, str]) -> tuple[int, bytes, str]:
        start = int(query["startTimestamp"])
        size = int(query.get("pageSize", 800))
        offset = 0
        if "nextPageToken" in query:
            token = json.loads(base64.urlsafe_b64decode(query["nextPageToken"]))
            if token.get("epoch") != self.token_epoch:
                return 400, b'{"error": "expired token"}', "application/json"
            if token["start"] != start:
                return 400, b'{"error": "token of another query"}', "application/json"
            offset = token["offset"]
        with self.lock:
            chosen = sorted(
                (r for r in self.records.values() if r["lastModtimestamp"] >= start),
                key=lambda r: (r["lastModtimestamp"], r["hashValue"]),
            )
        page = chosen[offset : offset + size]
        more = offset + size < len(chosen)
        token = base64.urlsafe_b64encode(
            json.dumps(
                {"start": start, "offset": offset + size, "epoch": self.token_epoch}
            ).encode()
        ).decode()
        answer = {
            "count": len(page),
            "nextPageToken": token if more else None,
            "nextSetTimestamp": (max(r["lastModtimestamp"] for r in chosen) + 1)
            if chosen
            else start,
            "hasMoreRecords": more,
            "hashRecords": page,
        }
        return 200, json.dumps(answer).encode(), "application/json"


class ThreatExchangeServer(_Partner):
    """Meta ThreatExchange's Graph API as its reference describes it: `GET
    /{privacy_group}/threat_updates/` with `access_token`, `start_time`/`stop_time` (on
    `last_updated`, both ends included), `limit`, `fields`, cursor paging (`paging.cursors.
    after` and a `next` link, here naming `next_host` when set, as a hostile answer would);
    tombstones with `should_delete`; reactions by `POST /{descriptor_id}` (form `reactions=`).
    Cursors of an older `cursor_epoch` are refused with 400 (expired)."""

    def __init__(self, token: str = TE_TOKEN, group: int = 555) -> None:
        super().__init__()
        self.token = token
        self.group = group
        self.records: dict[str, dict[str, Any]] = {}
        self.cursor_epoch = 0
        self.next_host = ""
        self.reactions: list[tuple[str, str]] = []  # (descriptor id, reactions)

    def put(
        self,
        indicator_id: int,
        te_type: str,
        indicator: str,
        last_updated: int,
        *,
        tags: tuple[str, ...] = ("csam",),
        status: str = "MALICIOUS",
        descriptors: list[dict[str, Any]] | None = None,
    ) -> None:
        rows = descriptors or [
            {
                "id": str(indicator_id * 10 + 1),
                "owner": {"id": "777", "name": "Partner A"},
                "tags": list(tags),
                "status": status,
                "reactions": [],
            }
        ]
        with self.lock:
            self.records[str(indicator_id)] = {
                "id": str(indicator_id),
                "indicator": indicator,
                "type": te_type,
                "last_updated": last_updated,
                "should_delete": False,
                "descriptors": {"data": rows},
            }

    def delete(self, indicator_id: int, last_updated: int) -> None:
        with self.lock:
            record = self.records[str(indicator_id)]
            record.update(should_delete=True, last_updated=last_updated)
            record.pop("descriptors", None)

    def route(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, str]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if query.get("access_token") != self.token:
            return self._error(400, 190, "Invalid OAuth access token.")
        segments = parts.path.strip("/").split("/")
        if method == "GET" and segments == [str(self.group), "threat_updates"]:
            if not self.page_allowed():
                return self._error(500, 2, "An unexpected error has occurred.")
            return self._updates(query)
        if method == "POST" and len(segments) == 1 and segments[0].isdigit():
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            with self.lock:
                self.reactions.append((segments[0], form.get("reactions", "")))
            return 200, b'{"success": true}', "application/json"
        return self._error(404, 803, "Unknown path.")

    @staticmethod
    def _error(status: int, code: int, message: str) -> tuple[int, bytes, str]:
        body = {"error": {"message": message, "type": "OAuthException", "code": code}}
        return status, json.dumps(body).encode(), "application/json"

    def _updates(self, query: dict[str, str]) -> tuple[int, bytes, str]:
        start, stop = int(query.get("start_time") or 0), int(query.get("stop_time") or 2**62)
        limit = min(int(query.get("limit") or 100), 1000)
        offset = 0
        if "after" in query:
            try:
                cursor = json.loads(base64.urlsafe_b64decode(query["after"]))
            except ValueError:
                return self._error(400, 100, "Invalid cursor.")
            if cursor.get("epoch") != self.cursor_epoch or cursor.get("window") != [start, stop]:
                return self._error(400, 100, "The cursor has expired.")
            offset = int(cursor["offset"])
        with self.lock:
            chosen = sorted(
                (r for r in self.records.values() if start <= r["last_updated"] <= stop),
                key=lambda r: (r["last_updated"], int(r["id"])),
            )
            page = [json.loads(json.dumps(r)) for r in chosen[offset : offset + limit]]
        answer: dict[str, Any] = {"data": page}
        if offset + limit < len(chosen):
            after = base64.urlsafe_b64encode(
                json.dumps(
                    {"offset": offset + limit, "epoch": self.cursor_epoch, "window": [start, stop]}
                ).encode()
            ).decode()
            host = self.next_host or self.url
            answer["paging"] = {
                "cursors": {"before": "b", "after": after},
                "next": f"{host}/{self.group}/threat_updates/?access_token={self.token}"
                f"&start_time={start}&stop_time={stop}&limit={limit}&after={after}",
            }
        return 200, json.dumps(answer).encode(), "application/json"


class HotlineServer(_Partner):
    """A foreign hotline receiving `copnet.foreign-report/1`: `POST /reports` (Bearer key,
    `Idempotency-Key`: the same key gives the same report back), `GET /reports/{id}` with the
    progress the test sets through `progress(id, status, **times)`."""

    def __init__(self, api_key: str = "hotline-key") -> None:
        super().__init__()
        self.api_key = api_key
        self.reports: dict[str, dict[str, Any]] = {}  # hotline id -> payload
        self.by_key: dict[str, str] = {}
        self.states: dict[str, dict[str, Any]] = {}

    def progress(self, report_id: str, status: str, **times: str) -> None:
        with self.lock:
            self.states[report_id] = {"id": report_id, "status": status, **times}

    def route(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes, str]:
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, b'{"error": "unauthorised"}', "application/json"
        parts = urlsplit(path)
        if method == "POST" and parts.path == "/reports":
            key = headers.get("Idempotency-Key") or ""
            payload = json.loads(body)
            if not key or payload.get("schema") != "copnet.foreign-report/1":
                return 400, b'{"error": "bad report"}', "application/json"
            with self.lock:
                if key in self.by_key:
                    answer = {"id": self.by_key[key], "status": "received"}
                    return 200, json.dumps(answer).encode(), "application/json"
                report_id = f"H-{len(self.reports) + 1}"
                self.reports[report_id] = payload
                self.by_key[key] = report_id
                self.states[report_id] = {"id": report_id, "status": "received"}
            return 201, json.dumps({"id": report_id}).encode(), "application/json"
        if method == "GET" and parts.path.startswith("/reports/"):
            with self.lock:
                state = self.states.get(parts.path.rsplit("/", 1)[1])
            if state is None:
                return 404, b'{"error": "not found"}', "application/json"
            return 200, json.dumps(state).encode(), "application/json"
        return 404, b'{"error": "not found"}', "application/json"
