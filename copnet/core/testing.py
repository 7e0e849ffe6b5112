"""Helpers shared by tests across apps."""

from __future__ import annotations

import io
import os
import shutil
import struct
import time
import zipfile
import zlib
from base64 import b32decode
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.utils import translation
from django.utils.html import escape

if TYPE_CHECKING:
    from copnet.accounts.models import User


def vi(msgid: str, *, html: bool = True) -> str:
    """The Vietnamese text of `msgid` (HTML-escaped as templates render it).

    Fails when the catalogue has no translation for it."""
    with translation.override("vi"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Vietnamese translation for {msgid!r}"
    return escape(text) if html else text


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# In CI a missing browser is a failure (the browser_page fixture says so), never a skip.
SKIP_BROWSER = not CHROMIUM and not os.environ.get("CI")


# --- hostile and ordinary files for upload tests ----------------------------------------------

# A complete (if tiny) PDF: header, one object, trailer and end-of-file marker.
TINY_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def picture(fmt: str, size: tuple[int, int] = (64, 48), **options: object) -> bytes:
    """A noisy RGB picture (noise does not compress, so cutting it really loses pixels)."""
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height that compresses to almost nothing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def zip_bytes(parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


# --- signing in ---------------------------------------------------------------------------------
# Tests sign people in with `client.force_login(user)`: the root conftest makes that session
# pass the second step too (pass_second_factor). Tests of the second step itself are marked
# `@pytest.mark.raw_second_factor` and see the real flow. Browser tests sign in with sign_in().


def pass_second_factor(client: Any, user: User | None = None) -> None:
    """Mark the test client's session as having passed the second step, as typing a code does.

    A user without a device gets a confirmed authenticator device named "test"."""
    from django.contrib.auth import SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from copnet.accounts.models import User

    session = client.session
    if user is None:
        user = User.objects.get(pk=session[SESSION_KEY])
    device = next(iter(devices_for_user(user, confirmed=True)), None)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def totp_now(secret: str, *, later: int = 0) -> str:
    """The code an authenticator app shows now (or `later` seconds from now) for a key in
    base32, as the setup page shows it (spaces allowed)."""
    from django_otp.oath import TOTP

    key = secret.replace(" ", "").upper()
    totp = TOTP(b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def fresh_totp(device: Any) -> str:
    """A code `device` accepts now and has not accepted yet. A code is good once: if this
    30-second step was used, the next step's code (within the device's tolerance) is taken, and
    failing that the helper waits for the clock."""
    from django_otp.oath import TOTP, hotp

    while True:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        step = max(totp.t(), device.last_t + 1)
        if step <= totp.t() + device.tolerance:
            return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"
        time.sleep(1)


SECOND_STEP_PATHS = ("/accounts/login/", "/accounts/second-step/", "/accounts/security/")


def sign_in(page: Any, base_url: str, user: User, password: str | None = None) -> None:
    """Sign `user` in through the real pages, in the browser: e-mail and password, then the
    second step. With an authenticator app, the code is computed from its key; without a second
    factor (every fixture user at first), it is set up on the QR page: the key shown beside the
    QR code gives the code, and the recovery codes page is passed. Ends on the landing page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from copnet.accounts.tests.factories import PASSWORD

    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(password or PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    path = urlsplit(page.url).path
    assert path != "/accounts/login/", f"the password of {user.email} was refused"
    if path == "/accounts/second-step/":
        device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).latest("pk")
        page.locator("input[name=code]").fill(fresh_totp(device))
        with page.expect_navigation():
            page.locator("form.form button[type=submit]").click()
    elif path == "/accounts/security/authenticator/":
        page.locator("input[name=code]").fill(totp_now(page.locator("#totp-secret").inner_text()))
        with page.expect_navigation():
            page.locator("form.form button[type=submit]").click()
        with page.expect_navigation():
            page.locator("#recovery-codes-saved").click()
    path = urlsplit(page.url).path
    assert not path.startswith(SECOND_STEP_PATHS), f"{user.email} is still at {path}"


# --- routes -------------------------------------------------------------------------------------
def url_patterns() -> list[tuple[str, list[str]]]:
    """Every named route of the URL resolver, with the names of its parameters, e.g.
    ("cases:detail", ["reference"]): for tests that try every page."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], namespace: str | None) -> list[tuple[str, list[str]]]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                found += walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", None)
                params = list(converters) if converters else list(pattern.pattern.regex.groupindex)
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append((name, params))
        return found

    return walk(get_resolver().url_patterns, None)


def every_url(
    values: dict[str, list[str]], skip: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """Every route of the resolver with every combination of `values` for its parameters
    (`values["*"]` for a parameter not named there); routes in `skip` are left out."""
    import itertools

    from django.urls import NoReverseMatch, reverse

    urls: set[str] = set()
    for name, params in url_patterns():
        if name in skip:
            continue
        choices = [values.get(p, values["*"]) for p in params]
        for combo in itertools.product(*choices):
            try:
                urls.add(reverse(name, kwargs=dict(zip(params, combo, strict=True))))
            except NoReverseMatch:
                continue
    return sorted(urls)


def api_operations() -> list[tuple[str, str]]:
    """(path template, method) of every operation in the API's OpenAPI document, e.g.
    ("/api/v1/volunteers/tasks/{task_id}/accept", "post")."""
    from copnet.api import api

    schema = api.get_openapi_schema()
    return [
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def response_bytes(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def response_text(response: Any) -> str:
    """The text a person would read: decoded HTML/JSON, or the text of a PDF."""
    content = response_bytes(response)
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", "replace")


def strip_tokens(html: bytes) -> bytes:
    """Remove the per-response CSRF tokens and the page's own path (in the language switch and
    the sign-in link), so that two pages can be compared byte for byte."""
    import re

    return re.sub(
        rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value="|name="next" value="|[?&]next=)'
        rb'[^"&]+',
        rb"\1",
        html,
    )


# --- the cross-organisation leak walker --------------------------------------------------------
# Every HTML route (from the resolver) and every API operation (from the OpenAPI document) that
# takes a parameter naming a record is called with values that name another organisation's
# records, and again with values that name nothing. The two answers must be the same: same
# status; the same Location for a redirect; the same body (after CSRF tokens and the address
# itself are taken out) for anything else. So a forbidden record answers exactly like a missing
# one, whether that is 404, or the redirect or 403 that a role without the permission gets for
# every record.


@dataclass(frozen=True)
class Caller:
    """Who calls a route: a signed-in person (`user`), a bearer key (`bearer`), or both (a
    volunteer's session for HTML and their key for the volunteers' API)."""

    label: str
    user: User | None = None
    bearer: str = ""


@dataclass(frozen=True)
class Probe:
    route: str  # route name or API path template
    method: str
    url: str  # naming the other organisation's record(s)
    missing_url: str  # the same route naming nothing


def _substitute(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def route_probes(
    records: dict[str, list[str]],
    missing: dict[str, str],
    fixed: dict[str, list[str]],
    *,
    skip_routes: set[str] | frozenset[str] = frozenset(),
    skip_namespaces: tuple[str, ...] = (),
    api_prefixes_public: tuple[str, ...] = (),
) -> tuple[list[Probe], list[str]]:
    """Probes for every route with a parameter: `records[param]` are values naming the other
    organisation's records (each tried against `missing[param]`), `fixed[param]` values that
    name no record (a file format, a survey phase), used alike in both addresses. Returns the
    probes and the parameters the walker was not told about (a test must fail on those, so a
    new kind of parameter is never skipped silently)."""
    import itertools
    import re

    from django.urls import NoReverseMatch, reverse

    unknown: set[str] = set()
    probes: list[Probe] = []

    def combos(params: list[str]) -> list[tuple[dict[str, str], dict[str, str]]]:
        out = []
        lists = []
        for p in params:
            if p in records:
                lists.append([(v, missing[p]) for v in records[p]])
            elif p in fixed:
                lists.append([(v, v) for v in fixed[p]])
            else:
                unknown.add(p)
                return []
        for combo in itertools.product(*lists):
            named = {p: c[0] for p, c in zip(params, combo, strict=True)}
            gone = {p: c[1] for p, c in zip(params, combo, strict=True)}
            if any(p in records for p in params):
                out.append((named, gone))
        return out

    for name, params in url_patterns():
        if not params or name in skip_routes or name.split(":")[0] in skip_namespaces:
            continue
        for named, gone in combos(params):
            try:
                url, missing_url = reverse(name, kwargs=named), reverse(name, kwargs=gone)
            except NoReverseMatch:
                continue
            for method in ("get", "post"):
                probes.append(Probe(name, method, url, missing_url))
    for path, method in api_operations():
        params = re.findall(r"{(\w+)}", path)
        if not params or path.startswith(api_prefixes_public):
            continue
        for named, gone in combos(params):
            probes.append(Probe(path, method, _substitute(path, named), _substitute(path, gone)))
    return sorted(set(probes), key=lambda p: (p.route, p.method, p.url)), sorted(unknown)


def call(client: Any, principal: Caller, method: str, url: str) -> Any:
    """One request as `principal`, inside a transaction that is rolled back (whatever a POST
    would change is undone, so every probe sees the same records)."""
    from django.db import transaction

    headers = {"HTTP_AUTHORIZATION": f"Bearer {principal.bearer}"} if principal.bearer else {}
    kwargs: dict[str, Any] = {}
    if url.startswith("/api/") and method != "get":
        kwargs = {"data": "{}", "content_type": "application/json"}
    with transaction.atomic():
        response = getattr(client, method)(url, **kwargs, **headers)
        response_bytes(response)  # read streamed files before the rollback
        transaction.set_rollback(True)
    client.cookies.pop("messages", None)  # a flash message would show on the next page
    return response


def answer_of(response: Any, url: str, replacement: str) -> tuple[int, str, bytes]:
    """What a response says, with the address it was asked at replaced (so that the answer for
    one address can be compared with the answer for another)."""
    from urllib.parse import quote

    location = response.get("Location", "")
    body = response_bytes(response)
    for text in (url, quote(url, safe=""), quote(url)):
        location = location.replace(text, replacement)
        body = body.replace(text.encode(), replacement.encode())
    return response.status_code, location, strip_tokens(body)


def differs(client: Any, principal: Caller, probe: Probe, cache: dict[Any, Any]) -> str:
    """'' when the principal gets the same answer for the record as for a missing one; else
    what differs."""
    key = (principal.label, probe.method, probe.missing_url)
    if key not in cache:
        cache[key] = answer_of(
            call(client, principal, probe.method, probe.missing_url), probe.missing_url, "<url>"
        )
    status, location, body = cache[key]
    got = answer_of(call(client, principal, probe.method, probe.url), probe.url, "<url>")
    if got[0] != status:
        return f"status {got[0]} for the record, {status} for a missing one"
    if got[1] != location:
        return f"redirect to {got[1]!r} for the record, {location!r} for a missing one"
    if got[2] != body:
        return "a different body for the record than for a missing one"
    return ""


def sign_in_client(client: Any, principal: Caller) -> None:
    client.logout()
    if principal.user is not None:
        client.force_login(principal.user)


def live_probes(
    client: Any, probes: list[Probe], owners: list[tuple[Caller, set[str]]]
) -> list[Probe]:
    """The probes whose record some owner (someone who may see it: a coordinator, the vendor,
    the teacher, the volunteer) really reaches: their answer differs from the missing one.
    `owners` pairs each owner with the addresses of their records; a probe of an address that
    no owner reaches names no record of that route and needs no check."""
    live: set[Probe] = set()
    for owner, urls in owners:
        sign_in_client(client, owner)
        cache: dict[Any, Any] = {}
        for probe in probes:
            if probe in live or not any(u in probe.url for u in urls):
                continue
            if owner.bearer == "" and probe.url.startswith("/api/") and owner.user is None:
                continue
            if differs(client, owner, probe, cache):
                live.add(probe)
    return sorted(live, key=lambda p: (p.route, p.method, p.url))


def leaks(client: Any, principals: list[Caller], probes: list[Probe]) -> list[str]:
    """For each principal and probe, what differs between a record and a missing one."""
    found = []
    for principal in principals:
        sign_in_client(client, principal)
        cache: dict[Any, Any] = {}
        for probe in probes:
            difference = differs(client, principal, probe, cache)
            if difference:
                found.append(f"{principal.label}: {probe.method.upper()} {probe.url}: {difference}")
    return found


def spread_primary_keys(base: int = 1_000_000) -> int:
    """Make every table number its next rows from its own range (table i from base × (i + 1)),
    so that an id names a row of one table only: a walker that tries an id on every route then
    finds the record on the routes of its own model and nothing anywhere else. Returns an id
    that no table will reach (`base - 1`), for "missing"."""
    from django.apps import apps
    from django.db import connection
    from django.db.models import AutoField, BigAutoField

    tables = sorted(
        (model._meta.db_table, model._meta.pk.column)
        for model in apps.get_models(include_auto_created=True)
        if isinstance(model._meta.pk, AutoField | BigAutoField) and model._meta.managed
    )
    with connection.cursor() as cursor:
        for index, (table, column) in enumerate(tables):
            start = base * (index + 1)
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
                )
            else:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, column, start]
                )
    return base - 1
