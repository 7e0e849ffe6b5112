"""Evidence vault for images: validation, hashes, blurred previews and encrypted storage.

Uploaded bytes are never trusted: the type comes from magic bytes, the pixel count from the
header (checked before Pillow allocates anything), and the whole image is decoded once to prove
it is complete before it is hashed or stored.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pdqhash
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter

from copnet.core.crypto import decrypt_bytes, encrypt_bytes

MESSAGES: dict[str, Promise] = {
    "empty": _("This file is empty. Please choose a picture."),
    "too_large": _("This picture is too big. Each picture can be at most %(limit)s."),
    "not_an_image": _("We could not open this file as a picture. Please try another one."),
    "unsupported_type": _(
        "We can only take pictures saved as JPEG, PNG, WebP or GIF. This file is something else."
    ),
    "decompression_bomb": _(
        "This picture has too many pixels. It can have at most %(limit)s million pixels."
    ),
    "truncated": _("This picture is broken or only partly there. Please save it again and retry."),
    "too_many_files": _("You can add at most %(limit)s pictures."),
}

# Pillow's format names accepted for each type found by magic bytes (a JPEG holding several
# pictures, as some cameras write, opens as "MPO").
PILLOW_FORMATS: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("JPEG", "MPO"),
    "image/png": ("PNG",),
    "image/gif": ("GIF",),
    "image/webp": ("WEBP",),
}

# pdqhash needs about 30 bytes of working memory a pixel (over 1 GB for 40 megapixels), so
# larger pictures are box-reduced to this many pixels a side first. Up to it, hashes equal
# python-threatexchange's; above it they move by a few bits at most (the C++ reference itself
# hashes a 512 x 512 resize), far below the match threshold of 31.
PDQ_MAX_SIDE = 2048

# Errors Pillow raises on files that are broken or are not what they claim to be.
_PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)

_VAULT_PATH = re.compile(r"(?P<a>[0-9a-f]{2})/(?P<b>[0-9a-f]{2})/(?P=a)(?P=b)[0-9a-f]{28}\.bin")


def _format_message(template: Promise, params: dict[str, Any]) -> str:
    return str(template) % params


_lazy_message = lazy(_format_message, str)
_lazy_filesize = lazy(filesizeformat, str)


class EvidenceError(Exception):
    """An image that cannot be accepted; `code` is stable, `message` is for the person uploading."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        template = MESSAGES[code]
        self.message: Promise = _lazy_message(template, params) if params else template


@dataclass(frozen=True)
class ImageFacts:
    mime: str
    width: int
    height: int
    size: int
    sha256: str
    md5: str
    pdq: str  # all zeros, with quality 0, under 5 pixels a side: never match on it
    pdq_quality: int
    frames: int
    pdq_dihedral: tuple[str, ...]


def check_image_count(count: int) -> None:
    from django.conf import settings

    if count > settings.EVIDENCE_MAX_IMAGES:
        raise EvidenceError("too_many_files", limit=settings.EVIDENCE_MAX_IMAGES)


def inspect_image(data: bytes) -> ImageFacts:
    """Validate an uploaded image and compute its facts; raises EvidenceError when refused."""
    from django.conf import settings

    if not data:
        raise EvidenceError("empty")
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise EvidenceError("too_large", limit=_lazy_filesize(settings.EVIDENCE_MAX_BYTES))
    mime = sniff_mime(data)
    if mime is None:
        raise EvidenceError("unsupported_type")
    dimensions = header_dimensions(mime, data)
    if dimensions is None:
        raise EvidenceError("not_an_image")
    _check_pixels(dimensions)
    with _open(data, mime) as img:
        _check_pixels(img.size)
        frames = _count_frames(img)
        try:
            img.load()
        except Image.DecompressionBombError as error:
            raise _bomb_error() from error
        except _PILLOW_ERRORS as error:
            raise EvidenceError("truncated") from error
        pdq_hashes, quality = pdqhash.compute_dihedral(_pdq_array(img))
        width, height = img.size
    dihedral = tuple(pdq_hex(bits) for bits in pdq_hashes)
    return ImageFacts(
        mime=mime,
        width=width,
        height=height,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        pdq=dihedral[0],
        pdq_quality=int(quality),
        frames=frames,
        pdq_dihedral=dihedral,
    )


def sniff_mime(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def header_dimensions(mime: str, data: bytes) -> tuple[int, int] | None:
    """(width, height) read from the file header without decoding pixels; None if unreadable.

    Reads what Pillow will read, so that no file reaches Pillow with more pixels than allowed.
    """
    try:
        if mime == "image/png":
            return _png_dimensions(data)
        if mime == "image/gif":
            return _gif_dimensions(data)
        if mime == "image/webp":
            return _webp_dimensions(data)
        return _jpeg_dimensions(data)
    except (struct.error, IndexError):
        return None


def _png_dimensions(data: bytes) -> tuple[int, int] | None:
    if data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack_from(">II", data, 16)
    return width, height


def _gif_dimensions(data: bytes) -> tuple[int, int] | None:
    # Pillow grows the canvas when the first frame lies outside the logical screen.
    width, height = struct.unpack_from("<HH", data, 6)
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while pos < len(data):
        block = data[pos]
        if block == 0x2C:  # image descriptor
            left, top, frame_width, frame_height = struct.unpack_from("<4H", data, pos + 1)
            return max(width, left + frame_width), max(height, top + frame_height)
        if block == 0x3B:  # trailer
            return None
        if block == 0x21:  # extension: label, then sub-blocks up to an empty one
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
        pos += 1  # like Pillow, skip stray bytes
    return None


def _webp_dimensions(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = struct.unpack_from("<I", data, 21)[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return (
            int.from_bytes(data[24:27], "little") + 1,
            int.from_bytes(data[27:30], "little") + 1,
        )
    return None


_JPEG_STANDALONE = {0x01, 0xD8, *range(0xD0, 0xD8)}
_JPEG_SOF = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    # Every frame header up to the first scan counts, the largest one wins (Pillow keeps the
    # last one it reads).
    sizes: list[tuple[int, int]] = []
    pos = 2
    while pos + 1 < len(data):
        if data[pos] != 0xFF or data[pos + 1] == 0xFF:  # like Pillow, skip junk and fill bytes
            pos += 1
            continue
        marker = data[pos + 1]
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan
            break
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if marker in _JPEG_SOF:
            height, width = struct.unpack_from(">HH", data, pos + 5)
            sizes.append((width, height))
        pos += 2 + length
    return max(sizes, key=lambda size: size[0] * size[1], default=None)


def _check_pixels(size: tuple[int, int]) -> None:
    from django.conf import settings

    if size[0] * size[1] > settings.EVIDENCE_MAX_PIXELS:
        raise _bomb_error()


def _bomb_error() -> EvidenceError:
    from django.conf import settings

    return EvidenceError("decompression_bomb", limit=f"{settings.EVIDENCE_MAX_PIXELS / 1e6:g}")


def _open(data: bytes, mime: str) -> Image.Image:
    formats = PILLOW_FORMATS[mime]
    try:
        img = Image.open(io.BytesIO(data), formats=formats[:1])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _bomb_error() from error
    except _PILLOW_ERRORS as error:
        raise EvidenceError("not_an_image") from error
    if img.format not in formats:
        img.close()
        raise EvidenceError("not_an_image")
    return img


def _count_frames(img: Image.Image) -> int:
    try:
        frames = int(getattr(img, "n_frames", 1))
        img.seek(0)
    except _PILLOW_ERRORS as error:
        raise EvidenceError("truncated") from error
    return frames


def _eight_bit(img: Image.Image) -> Image.Image:
    # Pillow's convert() clips 16-bit greys to 255 instead of scaling them, and warns when a
    # palette with transparency is converted straight to RGB or L.
    if img.mode.startswith("I;16") or img.mode == "I":
        pixels = np.clip(np.asarray(img, dtype=np.int64), 0, 65535) >> 8
        return Image.fromarray(pixels.astype(np.uint8))
    if img.mode == "F":
        return Image.fromarray(np.clip(np.asarray(img), 0, 255).astype(np.uint8))
    if img.mode in ("P", "PA"):
        return img.convert("RGBA")
    return img


def _pdq_array(img: Image.Image) -> np.ndarray:
    # Alpha is dropped, not composited, as python-threatexchange does, so hashes match theirs.
    rgb = _eight_bit(img)
    if rgb.mode != "RGB":
        rgb = rgb.convert("RGB")
    factor = -(-max(rgb.size) // PDQ_MAX_SIDE)
    if factor > 1:
        rgb = rgb.reduce(factor)
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def pdq_hex(bits: Any) -> str:
    # pdqhash returns the bits most significant first (word 15 down to word 0), so packing them
    # big-endian gives the reference toHexString / python-threatexchange hex.
    return np.packbits(np.asarray(bits, dtype=bool)).tobytes().hex()


# EXIF orientation tag value -> the transposition that shows the picture upright.
_EXIF_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def make_preview(data: bytes, *, max_side: int = 480) -> bytes:
    """A blurred greyscale JPEG, at most max_side pixels a side, of an image inspect_image accepted.

    The blur scales with the preview so that faces and writing cannot be recognised; no
    metadata (EXIF, GPS) is carried over.
    """
    with Image.open(io.BytesIO(data)) as img:
        _check_pixels(img.size)
        img.draft("L", (max_side, max_side))  # JPEG decodes at 1/2, 1/4 or 1/8 scale: cheap
        turn = _EXIF_ORIENTATION.get(img.getexif().get(0x0112, 1))
        grey = _eight_bit(img).convert("L")
    grey.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if turn is not None:
        grey = grey.transpose(turn)
    blurred = grey.filter(ImageFilter.GaussianBlur(radius=max(2.0, max(grey.size) / 30)))
    out = io.BytesIO()
    blurred.save(out, "JPEG", quality=70)
    return out.getvalue()


class EvidenceVault:
    """Encrypted image files under root, at paths the vault generates itself.

    Paths are `<2 hex>/<2 hex>/<32 hex>.bin`; anything else (absolute, "..", a symlink leading
    out of root) is refused with ValueError.
    """

    def __init__(self, root: Path | None = None) -> None:
        from django.conf import settings

        self.root = Path(root if root is not None else settings.EVIDENCE_ROOT)

    def store(self, data: bytes) -> str:
        name = uuid.uuid4().hex
        relative = f"{name[:2]}/{name[2:4]}/{name}.bin"
        folder = self.root / name[:2] / name[2:4]
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.root / name[:2]).mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        path = self._path(relative)
        token = encrypt_bytes(data)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(token)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        _fsync_directory(folder)
        return relative

    def read(self, relative: str) -> bytes:
        fd = os.open(self._path(relative), os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            return decrypt_bytes(handle.read())

    def delete(self, relative: str) -> None:
        self._path(relative).unlink(missing_ok=True)

    def _path(self, relative: str) -> Path:
        if not isinstance(relative, str) or not _VAULT_PATH.fullmatch(relative):
            raise ValueError(f"Not an evidence vault path: {relative!r}")
        path = self.root / relative
        if not path.resolve().is_relative_to(self.root.resolve()) or path.is_symlink():
            raise ValueError(f"Evidence vault path leaves the vault: {relative!r}")
        return path


def _fsync_directory(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
