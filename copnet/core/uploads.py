"""One check for every uploaded file: its real type, its size, and proof that it opens.

The name and the browser's type are never trusted. The type comes from the content (magic
bytes, then the structure behind them), images are decoded with Pillow under a pixel limit read
from their headers first, and office packages are unpacked under limits (zip bombs). Each caller
says which types it takes and its limits; it keeps its own error codes by mapping `UploadError`.
"""

from __future__ import annotations

import hashlib
import io
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise, lazy
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image

from copnet.detection.video import VideoError, VideoHasher, VideoHashes, VideoLimits

from .image_headers import header_dimensions

JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {
    JPEG: "jpg",
    PNG: "png",
    GIF: "gif",
    WEBP: "webp",
    PDF: "pdf",
    DOCX: "docx",
    ODT: "odt",
}
IMAGE_TYPES = frozenset({JPEG, PNG, GIF, WEBP})
PACKAGE_TYPES = frozenset({DOCX, ODT})
# Pillow's format names for each image type (a JPEG holding several pictures opens as "MPO").
PILLOW_FORMATS = {JPEG: ("JPEG", "MPO"), PNG: ("PNG",), GIF: ("GIF",), WEBP: ("WEBP",)}
# Default limits of an office package: what it may unpack to, and in how many parts.
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PARTS = 2000

MESSAGES: dict[str, Promise] = {
    "empty": _("The file is empty."),
    "too_large": _("The file is too big: at most %(limit)s."),
    "unsupported_type": _("This type of file is not accepted here."),
    "not_an_image": _("We could not open this file as a picture. Please try another one."),
    "truncated": _("This picture is broken or only partly there. Please save it again and retry."),
    "decompression_bomb": _("This picture has too many pixels: at most %(limit)s million."),
    "zip_bomb": _("This document unpacks to too much data or too many parts."),
    "damaged": _("This file is damaged or incomplete. Please save it again and retry."),
    "polyglot": _("This file has another file hidden inside it. Please save it again and retry."),
    # Videos (`check_video`).
    "not_a_video": _("We could not open this file as a video. Please try another one."),
    "video_unsupported": _(
        "We can only take videos saved as MP4, MOV, WebM, MKV, AVI, FLV or WMV, with a common "
        "video codec."
    ),
    "video_too_long": _("This video is too long: at most %(limit)s minutes."),
    "video_too_many_pixels": _("This video's picture is too large: at most %(limit)s pixels."),
    "video_too_small": _("This video's picture is too small to be checked."),
    "video_too_many_streams": _("This video has too many tracks: at most %(limit)s."),
    "video_truncated": _(
        "This video is broken or only partly there. Please save it again and retry."
    ),
    "video_too_slow": _("This video takes too long to check. Please send a shorter part of it."),
}

# Videos: the MIME type and file name extension by the container PyAV found (FFmpeg's names).
VIDEO_TYPES = {
    "mov,mp4,m4a,3gp,3g2,mj2": ("video/mp4", "mp4"),
    "matroska,webm": ("video/x-matroska", "mkv"),
    "avi": ("video/x-msvideo", "avi"),
    "mpegts": ("video/mp2t", "ts"),
    "flv": ("video/x-flv", "flv"),
    "asf": ("video/x-ms-asf", "wmv"),
}
# Codecs that make a Matroska file a WebM one.
_WEBM_CODECS = frozenset({"vp8", "vp9", "av1"})
# VideoError codes -> this module's codes (and the limit each one names).
_VIDEO_CODES = {
    "empty": "empty",
    "too_large": "too_large",
    "not_a_video": "not_a_video",
    "no_video_stream": "not_a_video",
    "no_frames": "not_a_video",
    "unsupported_format": "video_unsupported",
    "unsupported_codec": "video_unsupported",
    "too_long": "video_too_long",
    "too_many_frames": "video_too_long",
    "too_many_pixels": "video_too_many_pixels",
    "too_small": "video_too_small",
    "too_many_streams": "video_too_many_streams",
    "truncated": "video_truncated",
    "too_slow": "video_too_slow",
}

# What decoding one frame of an animation costs at least, counted in pixels.
_FRAME_FLOOR = 64 * 64
# Errors Pillow raises on files that are broken or are not what they claim to be.
_PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error)
# Errors zipfile raises on broken packages (RuntimeError: encrypted part; NotImplementedError:
# unknown compression method).
_ZIP_ERRORS = (
    zipfile.BadZipFile, zlib.error, OSError, ValueError, KeyError, EOFError, RuntimeError,
    NotImplementedError,
)  # fmt: skip
_lazy_filesize = lazy(filesizeformat, str)


def _shown(code: str, params: dict[str, Any]) -> dict[str, Any]:
    if code == "too_large":
        return {"limit": _lazy_filesize(params["limit"])}
    if code == "decompression_bomb":
        return {"limit": f"{params['limit'] / 1e6:g}"}
    if code == "video_too_long":
        return {"limit": f"{params['limit'] / 60:g}"}
    return params


def _format(template: Promise, params: dict[str, Any]) -> str:
    """Named %-placeholders only: a translation cannot reach into the values (str.format can)."""
    return str(template) % params


_format_lazy = lazy(_format, str)


class UploadError(Exception):
    """A refused upload: `code` is stable, `params` are raw numbers (`limit` in bytes or
    pixels), `message` is translated when shown."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        template = MESSAGES[code]
        self.message: str | Promise = (
            _format_lazy(template, _shown(code, params)) if params else template
        )


@dataclass(frozen=True)
class CheckedUpload:
    mime: str
    extension: str
    size: int
    sha256: str


def check_upload(
    data: bytes,
    *,
    allowed: Collection[str],
    max_bytes: int,
    max_pixels: int | None = None,
    max_unpacked: int = MAX_UNPACKED,
    max_parts: int = MAX_PARTS,
    reject_polyglots: bool = True,
) -> CheckedUpload:
    """Accept `data` only if its content is one of `allowed` (MIME types) and opens fully.

    Raises UploadError; a TypeError or ValueError means the caller passed wrong arguments."""
    data, mime = _screen(data, allowed, max_bytes, reject_polyglots)
    if mime in IMAGE_TYPES:
        with _decoded(data, mime, max_pixels):
            pass
    elif mime == PDF:
        # A PDF ends with its trailer; a few bytes after it are common, more are not.
        if b"%%EOF" not in data[-2048:]:
            raise UploadError("damaged")
    else:
        mime = _check_package(data, allowed, max_unpacked, max_parts)
    return _checked(data, mime)


@contextmanager
def open_checked_image(
    data: bytes,
    *,
    allowed: Collection[str],
    max_bytes: int,
    max_pixels: int | None = None,
    reject_polyglots: bool = True,
) -> Iterator[tuple[CheckedUpload, Image.Image]]:
    """Like check_upload for images, and yields the decoded Pillow image (first frame)."""
    if not set(allowed) <= IMAGE_TYPES:
        raise ValueError(f"Not image types: {sorted(set(allowed) - IMAGE_TYPES)}")
    data, mime = _screen(data, allowed, max_bytes, reject_polyglots)
    with _decoded(data, mime, max_pixels) as img:
        yield _checked(data, mime), img


@dataclass(frozen=True)
class CheckedVideo:
    """A video that decoded completely within the limits, with its hashes (the decode that
    proves it opens is the one that hashes it: one pass)."""

    mime: str
    extension: str
    size: int
    sha256: str
    hashes: VideoHashes
    limits: VideoLimits


def looks_like_video(data: bytes) -> bool:
    """The signature of an allowed video container at the start of `data` (MP4/MOV/3GP,
    Matroska/WebM, AVI, FLV, ASF/WMV, MPEG-TS): which check an evidence file goes to. The
    decision is `check_video`'s, which opens only allow-listed demuxers."""
    head = bytes(data[:16])
    return (
        head[4:8] == b"ftyp"
        or head.startswith(b"\x1a\x45\xdf\xa3")
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
        or head.startswith(b"FLV")
        or head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11")
        or (len(data) > 376 and data[0] == 0x47 and data[188] == 0x47 and data[376] == 0x47)
    )


def video_limits(
    *,
    max_bytes: int | None = None,
    max_seconds: float | None = None,
    max_side: int | None = None,
    max_pixels: int | None = None,
    max_streams: int | None = None,
    max_decode_seconds: float | None = None,
) -> VideoLimits:
    """The limits of an evidence video: settings.EVIDENCE_VIDEO_* unless given."""

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    side = pick(max_side, settings.EVIDENCE_VIDEO_MAX_SIDE)
    seconds = pick(max_seconds, settings.EVIDENCE_VIDEO_MAX_SECONDS)
    return VideoLimits(
        max_bytes=pick(max_bytes, settings.EVIDENCE_VIDEO_MAX_BYTES),
        max_seconds=seconds,
        max_width=side,
        max_height=side,
        max_pixels=pick(max_pixels, settings.EVIDENCE_VIDEO_MAX_PIXELS),
        max_streams=pick(max_streams, settings.EVIDENCE_VIDEO_MAX_STREAMS),
        # every frame is decoded: 120 frames a second is the fastest rate we take in
        max_frames=max(1, int(seconds * 120)),
        max_decode_seconds=pick(max_decode_seconds, settings.EVIDENCE_VIDEO_MAX_DECODE_SECONDS),
    )


def check_video(data: bytes, *, limits: VideoLimits | None = None) -> CheckedVideo:
    """Accept `data` only if it is a video in an allowed container and codec that decodes
    completely within `limits` (default: `video_limits()`): size, streams, picture size,
    length, frames and decoding time. PyAV in this process, no shell-out; hostile input
    raises UploadError, never anything else."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"Upload data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    limits = limits or video_limits()
    if not data:
        raise UploadError("empty")
    if len(data) > limits.max_bytes:
        raise UploadError("too_large", limit=limits.max_bytes)
    try:
        hashes = VideoHasher(limits).hash_stream(io.BytesIO(data))
    except VideoError as error:
        raise _video_error(error.code, limits) from error
    mime, extension = VIDEO_TYPES.get(hashes.container, ("video/mp4", "mp4"))
    if extension == "mkv" and hashes.codec in _WEBM_CODECS:
        mime, extension = "video/webm", "webm"
    return CheckedVideo(
        mime=mime,
        extension=extension,
        size=len(data),
        sha256=hashes.sha256,
        hashes=hashes,
        limits=limits,
    )


def _video_error(code: str, limits: VideoLimits) -> UploadError:
    mapped = _VIDEO_CODES.get(code, "video_truncated")
    if mapped == "too_large":
        return UploadError(mapped, limit=limits.max_bytes)
    if mapped == "video_too_long":
        return UploadError(mapped, limit=limits.max_seconds)
    if mapped == "video_too_many_pixels":
        return UploadError(mapped, limit=f"{limits.max_width}×{limits.max_height}")
    if mapped == "video_too_many_streams":
        return UploadError(mapped, limit=limits.max_streams)
    return UploadError(mapped)


def safe_filename(filename: str | bytes | None, extension: str, *, default: str = "file") -> str:
    """A display name without folders, control characters or tricks, ending in `extension`."""
    if isinstance(filename, bytes):
        filename = filename.decode("utf-8", "replace")
    name = unicodedata.normalize("NFC", str(filename or "")).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    try:
        stem = get_valid_filename(stem.strip(" .")[:100])
    except Exception:  # SuspiciousFileOperation for names like ".."
        stem = ""
    return f"{stem or default}.{extension}"


def sniff(data: bytes) -> str | None:
    """The type announced by the first bytes ("application/zip" for any ZIP package).

    Seven fixed signatures: a magic-number library (filetype, puremagic) would add a dependency
    and still leave the checks that decide (decoding, package structure) to this module."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return "application/zip"
    return None


def _screen(
    data: bytes, allowed: Collection[str], max_bytes: int, reject_polyglots: bool
) -> tuple[bytes, str]:
    unknown = set(allowed) - set(EXTENSIONS)
    if unknown:
        raise ValueError(f"Unknown upload types: {allowed!r}")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"Upload data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise UploadError("empty")
    if len(data) > max_bytes:
        raise UploadError("too_large", limit=max_bytes)
    mime = sniff(data)
    if mime == "application/zip" and PACKAGE_TYPES & set(allowed):
        return data, mime
    if mime is None or mime not in allowed:
        raise UploadError("unsupported_type")
    if reject_polyglots and _holds_zip(data):
        raise UploadError("polyglot")
    return data, mime


def _checked(data: bytes, mime: str) -> CheckedUpload:
    return CheckedUpload(
        mime=mime,
        extension=EXTENSIONS[mime],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _holds_zip(data: bytes) -> bool:
    # A ZIP archive is read from its end, so one appended to a picture or PDF still opens.
    if b"PK\x05\x06" not in data:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except _ZIP_ERRORS:
        return False


def _pixel_limit(max_pixels: int | None) -> int:
    return settings.EVIDENCE_MAX_PIXELS if max_pixels is None else max_pixels


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise UploadError("decompression_bomb", limit=max_pixels)


@contextmanager
def _decoded(data: bytes, mime: str, max_pixels: int | None) -> Iterator[Image.Image]:
    limit = _pixel_limit(max_pixels)
    size = header_dimensions(mime, data)
    if size is None:
        raise UploadError("not_an_image")
    _check_pixels(size, limit)  # before Pillow allocates anything
    formats = PILLOW_FORMATS[mime]
    try:
        img = Image.open(io.BytesIO(data), formats=formats[:1])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadError("decompression_bomb", limit=limit) from error
    except _PILLOW_ERRORS as error:
        raise UploadError("not_an_image") from error
    with img:
        if img.format not in formats:
            raise UploadError("not_an_image")
        _decode_frames(img, limit)
        yield img


def _decode_frames(img: Image.Image, limit: int) -> None:
    """Decode the frames of an animation until `limit` pixels in all were decoded (the first
    frame always), so a truncated frame is caught without unbounded work; end on frame 0."""
    try:
        frames = int(getattr(img, "n_frames", 1))
        decoded = 0
        for index in range(frames):
            # A tiny frame still costs time: count it as _FRAME_FLOOR pixels at least.
            cost = max(img.width * img.height, _FRAME_FLOOR)
            if index:
                if decoded + cost > limit:
                    break
                img.seek(index)
            _check_pixels(img.size, limit)
            img.load()
            decoded += cost
        if frames > 1:
            img.seek(0)
            img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadError("decompression_bomb", limit=limit) from error
    except _PILLOW_ERRORS as error:
        raise UploadError("truncated") from error


def _check_package(data: bytes, allowed: Collection[str], max_unpacked: int, max_parts: int) -> str:
    """The type of an office package after proving it unpacks, within limits, without errors."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            if len(parts) > max_parts or sum(p.file_size for p in parts) > max_unpacked:
                raise UploadError("zip_bomb")
            mime = _package_type(package)
            if mime is None or mime not in allowed:
                raise UploadError("unsupported_type")
            # Reading checks every part's checksum; zipfile stops at the declared size, so a
            # part that lies about its size fails the checksum instead of unpacking further.
            for part in parts:
                with package.open(part) as stream:
                    while stream.read(1 << 20):
                        pass
    except _ZIP_ERRORS as error:
        raise UploadError("damaged") from error
    return mime


def _package_type(package: zipfile.ZipFile) -> str | None:
    names = set(package.namelist())
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "mimetype" in names:
        with package.open("mimetype") as stream:
            if stream.read(len(ODT) + 2).strip() == ODT.encode():
                return ODT
    return None
