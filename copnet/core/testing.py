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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils import translation
from django.utils.html import escape


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


def pass_second_factor(client: Any, user: Any = None) -> None:
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


def sign_in(page: Any, base_url: str, user: Any, password: str | None = None) -> None:
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
