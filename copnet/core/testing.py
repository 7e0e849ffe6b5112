"""Helpers shared by tests across apps."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

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
