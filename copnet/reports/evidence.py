"""Evidence vault for images and videos: validation, hashes, blurred previews and encrypted
storage.

Uploaded bytes are never trusted: `copnet.core.uploads` finds the type from magic bytes, the
pixel count from the header (checked before Pillow allocates anything), and decodes the image to
prove it is complete before it is hashed or stored. A video is opened by PyAV with allow-listed
containers and codecs only, decoded completely within the EVIDENCE_VIDEO_* limits, and hashed in
the same pass (MD5, SHA-256, vPDQ one frame a second); its preview is a blurred strip of a few
key frames.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter

from copnet.core import uploads
from copnet.core.filestore import FileStore, LocalFileStore, file_store
from copnet.detection.pdq import PdqHasher, eight_bit
from copnet.detection.video import VideoError, VideoHasher
from copnet.detection.vpdq import format_vpdq_file

MESSAGES: dict[str, Promise] = {
    "empty": _("This file is empty. Please choose a picture."),
    "too_large": _("This picture is too big. Each picture can be at most %(limit)s."),
    "not_an_image": _("We could not open this file as a picture. Please try another one."),
    "unsupported_type": _(
        "We can only take pictures saved as JPEG, PNG, WebP or GIF, and videos saved as MP4, "
        "MOV, WebM, MKV, AVI, FLV or WMV. This file is something else."
    ),
    "decompression_bomb": _(
        "This picture has too many pixels. It can have at most %(limit)s million pixels."
    ),
    "truncated": _("This picture is broken or only partly there. Please save it again and retry."),
    "too_many_files": _("You can add at most %(limit)s pictures."),
    # Videos (core.uploads.check_video).
    "video_too_large": _("This video is too big. Each video can be at most %(limit)s."),
    "not_a_video": _("We could not open this file as a video. Please try another one."),
    "video_unsupported": _(
        "We can only take videos saved as MP4, MOV, WebM, MKV, AVI, FLV or WMV, with a common "
        "video codec."
    ),
    "video_too_long": _("This video is too long. A video can be at most %(limit)s minutes."),
    "video_too_many_pixels": _(
        "This video's picture is too large. It can be at most %(limit)s pixels."
    ),
    "video_too_small": _("This video's picture is too small to be checked."),
    "video_too_many_streams": _("This video has too many tracks. It can have at most %(limit)s."),
    "video_truncated": _(
        "This video is broken or only partly there. Please save it again and retry."
    ),
    "video_too_slow": _("This video takes too long to check. Please send a shorter part of it."),
}

# Key frames in a video's preview strip, and their height in pixels.
VIDEO_PREVIEW_FRAMES = 4
VIDEO_PREVIEW_HEIGHT = 120

# pdqhash needs about 30 bytes of working memory a pixel (over 1 GB for 40 megapixels), so
# larger pictures are box-reduced to this many pixels a side first. Up to it, hashes equal
# python-threatexchange's; above it they move by a few bits at most (the C++ reference itself
# hashes a 512 x 512 resize), far below the match threshold of 31.
PDQ_MAX_SIDE = 2048


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
        self.message: str | Promise = _lazy_message(template, params) if params else template


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


@dataclass(frozen=True)
class VideoFacts:
    """What the vault knows of an accepted video. `vpdq` is its vPDQ hash file
    (`detection.vpdq.format_vpdq_file`): one PDQ hash a second, with frame number, quality
    and time."""

    mime: str
    width: int
    height: int
    size: int
    sha256: str
    md5: str
    duration: float
    vpdq: str
    frames: int  # frames hashed
    key_frames: tuple[int, ...]  # frame numbers shown in the preview strip
    # The blurred key-frame strip (`make_video_preview`), made while checking, so that a file
    # whose frames cannot be read again is refused before anything is stored.
    preview: bytes = field(default=b"", repr=False, compare=False)


def check_image_count(count: int) -> None:
    from django.conf import settings

    if count > settings.EVIDENCE_MAX_IMAGES:
        raise EvidenceError("too_many_files", limit=settings.EVIDENCE_MAX_IMAGES)


def inspect_image(data: bytes) -> ImageFacts:
    """Validate an uploaded image and compute its facts; raises EvidenceError when refused.

    A picture with an archive appended is kept: hiding files that way is evidence too, and an
    original is only ever shown as an image, to analysts, audited."""
    from django.conf import settings

    try:
        with uploads.open_checked_image(
            data,
            allowed=uploads.IMAGE_TYPES,
            max_bytes=settings.EVIDENCE_MAX_BYTES,
            max_pixels=settings.EVIDENCE_MAX_PIXELS,
            reject_polyglots=False,
        ) as (checked, img):
            frames = int(getattr(img, "n_frames", 1))
            hashes = PdqHasher(max_side=PDQ_MAX_SIDE).hash_decoded(img)
    except uploads.UploadError as error:
        raise _evidence_error(error) from error
    return ImageFacts(
        mime=checked.mime,
        width=hashes.width,
        height=hashes.height,
        size=checked.size,
        sha256=checked.sha256,
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        pdq=hashes.original,
        pdq_quality=hashes.quality,
        frames=frames,
        pdq_dihedral=hashes.hashes,
    )


def inspect_video(data: bytes) -> VideoFacts:
    """Validate an uploaded video (`core.uploads.check_video`) and compute its facts; raises
    EvidenceError when refused."""
    try:
        checked = uploads.check_video(data)
    except uploads.UploadError as error:
        if error.code == "too_large":
            raise EvidenceError(
                "video_too_large", limit=_lazy_filesize(error.params["limit"])
            ) from error
        code = error.code if error.code in MESSAGES else "video_truncated"
        params = dict(error.params)
        if code == "video_too_long":
            params["limit"] = f"{params['limit'] / 60:g}"
        raise EvidenceError(code, **params) from error
    hashes = checked.hashes
    features = hashes.features
    count = min(VIDEO_PREVIEW_FRAMES, len(features))
    picks = sorted({features[(i * len(features)) // count].frame_number for i in range(count)})
    facts = VideoFacts(
        mime=checked.mime,
        width=hashes.width,
        height=hashes.height,
        size=checked.size,
        sha256=hashes.sha256,
        md5=hashes.md5,
        duration=hashes.duration,
        vpdq=format_vpdq_file(features),
        frames=len(features),
        key_frames=tuple(picks),
    )
    return replace(facts, preview=make_video_preview(data, facts))


def inspect_evidence(data: bytes) -> ImageFacts | VideoFacts:
    """A picture or a video, by its content (never its name): `inspect_video` for a file
    that starts as an allowed video container does, else `inspect_image` (which refuses
    anything that is no picture with "unsupported_type")."""
    if uploads.sniff(bytes(data[:16])) in uploads.IMAGE_TYPES:
        return inspect_image(data)
    if uploads.looks_like_video(data):
        return inspect_video(data)
    return inspect_image(data)  # refuses it as a picture would be: too large, unsupported...


def make_evidence_preview(data: bytes, facts: ImageFacts | VideoFacts) -> bytes:
    if isinstance(facts, VideoFacts):
        return facts.preview or make_video_preview(data, facts)
    return make_preview(data)


def _evidence_error(error: uploads.UploadError) -> EvidenceError:
    if error.code == "too_large":
        return EvidenceError("too_large", limit=_lazy_filesize(error.params["limit"]))
    if error.code == "decompression_bomb":
        return _bomb_error()
    code = error.code if error.code in MESSAGES else "not_an_image"
    return EvidenceError(code)


def _check_pixels(size: tuple[int, int]) -> None:
    from django.conf import settings

    if size[0] * size[1] > settings.EVIDENCE_MAX_PIXELS:
        raise _bomb_error()


def _bomb_error() -> EvidenceError:
    from django.conf import settings

    return EvidenceError("decompression_bomb", limit=f"{settings.EVIDENCE_MAX_PIXELS / 1e6:g}")


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
        grey = eight_bit(img).convert("L")
    grey.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if turn is not None:
        grey = grey.transpose(turn)
    blurred = grey.filter(ImageFilter.GaussianBlur(radius=max(2.0, max(grey.size) / 30)))
    out = io.BytesIO()
    blurred.save(out, "JPEG", quality=70)
    return out.getvalue()


def make_video_preview(data: bytes, facts: VideoFacts) -> bytes:
    """A blurred greyscale JPEG strip of a few key frames of a video inspect_video accepted,
    side by side, VIDEO_PREVIEW_HEIGHT pixels high; blurred like a picture's preview."""
    try:
        pictures = VideoHasher(uploads.video_limits()).key_frames(
            io.BytesIO(data), facts.key_frames, max_side=VIDEO_PREVIEW_HEIGHT * 2
        )
    except VideoError as error:
        raise EvidenceError("video_truncated") from error
    tiles = []
    for picture in pictures:
        tile = Image.fromarray(picture).convert("L")
        width = max(1, round(tile.width * VIDEO_PREVIEW_HEIGHT / tile.height))
        tile = tile.resize((min(width, VIDEO_PREVIEW_HEIGHT * 3), VIDEO_PREVIEW_HEIGHT))
        tiles.append(tile.filter(ImageFilter.GaussianBlur(radius=max(2.0, tile.width / 30))))
    if not tiles:
        raise EvidenceError("video_truncated")
    gap = 4
    width = sum(t.width for t in tiles) + gap * (len(tiles) - 1)
    strip = Image.new("L", (width, VIDEO_PREVIEW_HEIGHT))
    x = 0
    for tile in tiles:
        strip.paste(tile, (x, 0))
        x += tile.width + gap
    out = io.BytesIO()
    strip.save(out, "JPEG", quality=70)
    return out.getvalue()


class EvidenceVault(LocalFileStore):
    """The local evidence vault: encrypted image files under EVIDENCE_ROOT (or `root`)."""

    def __init__(self, root: Path | None = None) -> None:
        from django.conf import settings

        super().__init__(root if root is not None else settings.EVIDENCE_ROOT)


def evidence_store() -> FileStore:
    """Where evidence files are read and written: the object store when EVIDENCE_STORAGE_URL is
    set, else the local vault. Everything that touches evidence files goes through this."""
    from django.conf import settings

    return file_store("evidence", settings.EVIDENCE_ROOT)
