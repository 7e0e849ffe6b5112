"""Builders for referrals, and a real local HTTP server playing the hotline's own system."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.models import Case
from copnet.cases.services import do_reassign
from copnet.network.models import Organisation
from copnet.network.tests.factories import make_organisation
from copnet.reports.tests.factories import file_report
from copnet.support import signing
from copnet.support.models import HotlineEndpoint, Referral
from copnet.support.services import ReferralInput, do_refer

SECRET = "hotline-test-secret-0123456789"


def make_case(*, lead: Organisation, **extra: Any) -> Case:
    report, _secret = file_report(
        urls=["https://www.facebook.com/post/1"], platform="Facebook", **extra
    )
    case = report.case
    do_reassign(case=case, lead=lead, supporting=[], reason="test", actor=None)
    case.refresh_from_db()
    return case


def make_hotline(*, code: str = "HOTLINE111", url: str = "", with_user: bool = True) -> Any:
    """A Network member running hotline 111, with an officer and (given a URL) a webhook link."""
    org = make_organisation(code=code, name_en="Hotline 111")
    if url:
        HotlineEndpoint.objects.create(organisation=org, url=url, secret=SECRET)
    if with_user:
        make_user(email=f"operator@{code.lower()}.example", organisation=org, role=Role.OFFICER)
    return org


def referral_input(receiving_org: Any, **overrides: Any) -> ReferralInput:
    values: dict[str, Any] = {
        "receiving_org": receiving_org,
        "service": "hotline_111",
        "risk_level": "high",
        "reason": "Trẻ bị đe doạ tung ảnh, cần hỗ trợ tâm lý",
        "shared_fields": ["category", "age_band", "contact"],
        "child_name": "Nguyễn Văn A",
        "child_contact": "0900 000 000 (mẹ)",
        "summary": "Bị tống tiền qua Messenger",
        "child_age": 13,
        "child_views": "Em muốn được nói chuyện với ai đó",
        "child_consent": "given",
        "representative_consent": "given",
        "legal_ground": "consent",
    }
    values.update(overrides)
    return ReferralInput(**values)


def make_referral(*, case: Case, actor: Any, to: Any, **overrides: Any) -> Referral:
    return do_refer(case=case, data=referral_input(to, **overrides), actor=actor)


@dataclass
class Receiver:
    """The hotline's system: verifies each signature, counts each event id once.

    `script` maps an event name to answers for its first attempts ("500", "timeout");
    `always` answers every request that way (a receiver that never recovers)."""

    url: str = ""
    script: dict[str, list[str]] = field(default_factory=dict)
    always: str = ""
    sleep: float = 2.0
    attempts: list[dict[str, Any]] = field(default_factory=list)
    processed: dict[str, dict[str, Any]] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: Any, body: bytes) -> tuple[int, float]:
        event = headers.get(signing.EVENT_HEADER, "")
        event_id = headers.get(signing.EVENT_ID_HEADER, "")
        ok = signing.verify(
            SECRET, headers.get(signing.SIGNATURE_HEADER, ""), body, now=time.time()
        )
        with self.lock:
            self.attempts.append({"event": event, "event_id": event_id, "signed": ok is None})
            if ok is not None:
                self.bad_signatures += 1
                return 401, 0.0
            if self.always:
                answer = self.always
            elif self.script.get(event):
                answer = self.script[event].pop(0)
            else:
                answer = ""
            if answer == "500":
                return 500, 0.0
            if event_id in self.processed:
                self.duplicates.append(event_id)  # a retry of an event already applied
            else:
                self.processed[event_id] = json.loads(body)
            # "timeout": applied, but answered after the sender gave up; it will retry.
            return 200, (self.sleep if answer == "timeout" else 0.0)


@contextmanager
def hotline_receiver(**options: Any) -> Iterator[Receiver]:
    receiver = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, delay = receiver.handle(self.headers, body)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            except OSError:
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/copnet/webhooks"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
