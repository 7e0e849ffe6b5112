"""Builders for removal requests, and a real local HTTP server standing in for a platform."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.accounts.services import do_create_api_key
from copnet.accounts.tests.factories import make_user
from copnet.cases.models import Case
from copnet.cases.services import do_reassign
from copnet.network.tests.factories import make_organisation
from copnet.reports.tests.factories import file_report
from copnet.takedowns.models import Platform, RemovalRequest
from copnet.takedowns.services.platforms import PlatformInput


def make_case(*, lead: Any, url: str = "https://www.facebook.com/post/1", **extra: Any) -> Case:
    report, _secret = file_report(urls=[url], platform="Facebook", **extra)
    case = report.case
    do_reassign(case=case, lead=lead, supporting=[], reason="test", actor=None)
    case.refresh_from_db()
    return case


def make_request(
    *,
    case: Case,
    platform: Platform,
    actor: Any,
    urls: Sequence[str] = ("https://www.facebook.com/post/1",),
    accounts: Sequence[str] = (),
    legal_basis: str = "authority_request",
    urgency: str = "normal",
    send: bool = False,
) -> RemovalRequest:
    """A removal request made through the services (a draft, or sent with `send=True`)."""
    from copnet.takedowns import services

    removal = services.do_create_request(
        case=case,
        platform=platform,
        urls=list(urls),
        accounts=list(accounts),
        legal_basis=legal_basis,
        urgency=urgency,
        actor=actor,
    )
    if not send:
        return removal
    approve(removal)
    return services.do_send_request(request=removal, actor=actor)


def approver_of(removal: RemovalRequest) -> Any:
    """An officer of the request's issuing authority (made an authority if it has none)."""
    from copnet.accounts.choices import Role
    from copnet.accounts.models import User
    from copnet.accounts.tests.factories import make_user
    from copnet.takedowns.models import IssuingAuthority

    authority = removal.issuing_authority
    if authority is None:
        organisation = removal.case.lead_org or removal.requested_by_org
        authority, _new = IssuingAuthority.objects.get_or_create(
            organisation=organisation,
            defaults={
                "series": f"T-{organisation.code}"[:20],
                "signatory_title_vi": "Thủ trưởng",
                "signatory_title_en": "Head",
            },
        )
        RemovalRequest.objects.filter(pk=removal.pk).update(issuing_authority=authority)
        removal.issuing_authority = authority
    email = f"approver-{authority.organisation.code.lower()}@authority.example"
    existing = User.objects.filter(email=email).first()
    return existing or make_user(
        email=email, organisation=authority.organisation, role=Role.OFFICER
    )


def approve(removal: RemovalRequest) -> RemovalRequest:
    """The issuing authority's approval, as its officer gives it (`services.do_approve_request`)."""
    from copnet.takedowns import services

    approved = services.do_approve_request(request=removal, actor=approver_of(removal))
    removal.refresh_from_db()
    return approved


def make_platform(*, code: str = "facebook-test", **extra: Any) -> Platform:
    defaults = {
        "name": code.title(),
        "kind": "social",
        "channel": "email",
        "email": "legal@p.example",
    }
    defaults.update(extra)
    return Platform.objects.create(code=code, **defaults)


def platform_key(platform: Platform, *, code: str = "PLAT") -> str:
    """Link the platform to a new organisation and return a raw API key of that organisation."""
    org = make_organisation(code=code, name_en=f"Platform {code}")
    platform.organisation = org
    platform.save(update_fields=["organisation"])
    _key, raw = do_create_api_key(organisation=org, name="callbacks", actor=None)
    return raw


def platform_input(**overrides: Any) -> PlatformInput:
    """Valid details of a new platform reached by e-mail; override what a test is about."""
    values: dict[str, Any] = {
        "code": "nenxanh",
        "name": "Nền Xanh",
        "kind": "social",
        "channel": "email",
        "domains": "nenxanh.example",
        "email": "legal@nenxanh.example",
        "legal_contact": "Phòng pháp chế, Hà Nội",
    }
    values.update(overrides)
    return PlatformInput(**values)


def platform_form(**overrides: Any) -> dict[str, Any]:
    """What the platform page posts for a valid new platform; override what a test is about."""
    data: dict[str, Any] = {
        "code": "nenxanh",
        "name": "Nền Xanh",
        "kind": "social",
        "domains": "nenxanh.example",
        "channel": "email",
        "email": "legal@nenxanh.example",
        "web_form_url": "",
        "api_url": "",
        "api_token": "",
        "legal_contact": "Phòng pháp chế, Hà Nội",
        "languages": "vi,en",
        "organisation": "",
        "notes": "",
        "is_active": "on",
        "renotice_hours": "24",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def platform_staff(platform: Platform, *, role: str = Role.ANALYST) -> User:
    """A trust-and-safety person of the platform: a user of the organisation linked to it."""
    org = make_organisation(code=f"TS-{platform.code}"[:32], name_en=f"{platform.name} T&S")
    platform.organisation = org
    platform.save(update_fields=["organisation"])
    return make_user(email=f"{role}@ts-{platform.code}.example", organisation=org, role=role)


@dataclass
class Receiver:
    """What the local server received, and the statuses it answers with in turn."""

    statuses: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    url: str = ""


@contextmanager
def local_server() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _route(self) -> None:
            status, headers, body = receiver.routes.get(self.path, (200, {}, b"ok"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            receiver.received.append({"method": "GET", "path": self.path})
            self._route()

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.received.append(
                {
                    "method": "POST",
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "json": json.loads(body or b"{}"),
                }
            )
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            payload = json.dumps({"ticket": f"T-{len(receiver.received)}"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
