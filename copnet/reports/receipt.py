"""The reporter's receipt in forms a child can keep: the status address as a QR code (SVG),
and a picture (PNG) of the two codes to save on the phone.

The QR code holds the status page's address with the tracking code only; the secret is put in
the address's fragment (never sent to the server) only when the reporter asks for it."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

import segno
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from copnet.core.links import absolute_reverse
from copnet.core.pdf import FONT_DIR


def status_url(tracking_code: str, secret: str = "") -> str:
    url = absolute_reverse("reports:status") + "?code=" + quote(tracking_code)
    return url + ("#secret=" + quote(secret) if secret else "")


def qr_svg(url: str) -> str:
    """An inline SVG (no XML declaration) of a QR code for `url`."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode("ascii")


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def receipt_png(tracking_code: str, secret: str) -> bytes:
    """A picture of the two codes with the status address and its QR code (code only)."""
    width = 720
    image = Image.new("RGB", (width, 760), "white")
    draw = ImageDraw.Draw(image)
    y = 30
    draw.text(
        (30, y), _("Child Online Protection Network"), fill="#1d4f91", font=_font(22, bold=True)
    )
    y += 60
    for label, value in ((_("Tracking code"), tracking_code), (_("Secret"), secret)):
        draw.text((30, y), label, fill="#333333", font=_font(24))
        y += 36
        draw.text((30, y), value, fill="black", font=_font(44, bold=True))
        y += 72
    draw.text(
        (30, y),
        _("Keep this picture private. With both codes you can see your report."),
        fill="#333333",
        font=_font(18),
    )
    y += 40
    url = status_url(tracking_code)
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=2)
    with Image.open(io.BytesIO(buffer.getvalue())) as code_image:
        image.paste(code_image.convert("RGB"), (30, y))
        y += code_image.height + 10
    draw.text((30, y), url, fill="#333333", font=_font(16))
    out = io.BytesIO()
    image.crop((0, 0, width, min(y + 40, 760))).save(out, "PNG")
    return out.getvalue()


def receipt_png_data_url(tracking_code: str, secret: str) -> str:
    return "data:image/png;base64," + base64.b64encode(receipt_png(tracking_code, secret)).decode(
        "ascii"
    )
