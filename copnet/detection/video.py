"""Video files: safe decoding with PyAV, file digests and vPDQ frame hashes.

vPDQ (Meta's video PDQ) is one PDQ hash per sampled frame with its quality and timestamp. The
frames are chosen as the `vpdq` package chooses them: every decoded frame whose number is a
multiple of int(seconds_per_hash * frame rate) (the stream's average rate, else its base rate),
converted to RGB24 by swscale with area averaging at the video's own size, then PDQ-hashed; the
timestamp is frame number / frame rate in single precision. `test_vpdq_reference.py` checks
that the hashes equal the `vpdq` package's where that package is installed (CI installs it).

Decoding is bounded: the file size, the number of streams, the container and codec (allow
lists, so an image, a playlist or a text file renamed .mp4 is refused), the picture size, the
announced and the decoded duration, the number of frames decoded and the wall-clock time are
all checked, and every refusal is a `VideoError` with a stable code:

    empty, too_large, not_a_video, unsupported_format, no_video_stream, too_many_streams,
    unsupported_codec, too_many_pixels, too_small, too_long, too_many_frames, too_slow,
    truncated, no_frames
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

import numpy as np
import pdqhash

from .base import Hasher, SignalError
from .pdq import pdq_bits_to_hex

# Demuxers allowed to open a file (FFmpeg names). Image, playlist, concat and device demuxers
# are not among them, so a picture or an HLS playlist renamed .mp4 is refused before decoding
# and nothing ever opens another file or a URL.
CONTAINERS = frozenset({"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts", "flv", "asf"})
_FORMAT_WHITELIST = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,asf"
# Video decoders allowed (FFmpeg codec names).
CODECS = frozenset(
    {"h264", "hevc", "mpeg4", "vp8", "vp9", "av1", "mpeg2video", "mpeg1video", "h263", "mjpeg"}
    | {"theora", "wmv1", "wmv2", "wmv3", "vc1", "msmpeg4v3", "flv1"}
)
_READ_CHUNK = 1 << 20


class VideoError(SignalError):
    """A video that cannot be hashed safely; `code` says why (see the module docstring)."""


@dataclass(frozen=True)
class VideoLimits:
    """What a video may be. Defaults suit evidence uploads; all are checked before or while
    decoding, so a small file announcing a huge or endless video is refused cheaply."""

    max_bytes: int = 512 * 1024 * 1024
    max_seconds: float = 2 * 3600
    max_width: int = 4096
    max_height: int = 4096
    max_pixels: int = 4096 * 2304
    max_streams: int = 8
    max_frames: int = 500_000  # decoded frames (every frame is decoded, not only those hashed)
    max_decode_seconds: float = 300.0  # wall clock for the whole decode
    min_side: int = 5  # PDQ has no signal below this


@dataclass(frozen=True)
class VpdqFeature:
    """One hashed frame: its PDQ hash, quality (0-100), timestamp (s) and frame number."""

    pdq_hex: str
    quality: int
    timestamp: float
    frame_number: int = -1


def format_vpdq(features: Iterable[VpdqFeature]) -> str:
    """The one-line value: "hex,quality,timestamp" per frame, joined by ";"."""
    return ";".join(f"{f.pdq_hex},{f.quality},{f.timestamp:.3f}" for f in features)


@dataclass(frozen=True)
class VideoHashes:
    """What `VideoHasher` learns from a file."""

    md5: str
    sha256: str
    features: tuple[VpdqFeature, ...]
    duration: float  # seconds, from the decoded frames
    width: int
    height: int
    frame_rate: float
    codec: str
    container: str
    frames_decoded: int
    size: int  # bytes
    extra: dict[str, Any] = field(default_factory=dict)


def _digest(raw: IO[bytes], limit: int) -> tuple[str, str, int]:
    md5 = hashlib.md5(usedforsecurity=False)
    sha = hashlib.sha256()
    size = 0
    raw.seek(0)
    while chunk := raw.read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise VideoError("too_large", "The video file is too large.")
        md5.update(chunk)
        sha.update(chunk)
    raw.seek(0)
    return md5.hexdigest(), sha.hexdigest(), size


class VideoHasher(Hasher):
    """MD5, SHA-256 and vPDQ of video files, within `limits`.

    `hash_file(path)` and `hash_stream(file object)` return `VideoHashes`; `hash_bytes(data)`
    returns the one vPDQ signal value (see `format_vpdq`).
    """

    def __init__(self, limits: VideoLimits | None = None, *, seconds_per_hash: float = 1.0):
        if seconds_per_hash < 0:
            raise ValueError("seconds_per_hash must not be negative")
        self.limits = limits or VideoLimits()
        self.seconds_per_hash = seconds_per_hash

    def hash_bytes(self, data: bytes) -> list[str]:
        return [format_vpdq(self.hash_stream(io.BytesIO(data)).features)]

    def hash_file(self, path: str | os.PathLike[str]) -> VideoHashes:
        try:
            size = Path(path).stat().st_size
        except OSError as error:
            raise VideoError("not_a_video", "The video file cannot be read.") from error
        if size > self.limits.max_bytes:
            raise VideoError("too_large", "The video file is too large.")
        with open(path, "rb") as handle:
            return self.hash_stream(handle)

    def hash_stream(self, raw: IO[bytes]) -> VideoHashes:
        """Hashes of a seekable binary file object (read from its start)."""
        md5, sha256, size = _digest(raw, self.limits.max_bytes)
        if size == 0:
            raise VideoError("empty", "The file is empty.")
        try:
            return _decode(raw, self, md5, sha256, size)
        except VideoError:
            raise
        except Exception as error:  # hostile input must never crash the caller  # noqa: BLE001
            raise VideoError("truncated", "The video is broken or incomplete.") from error

    def key_frames(
        self, raw: IO[bytes], numbers: Iterable[int], *, max_side: int = 160
    ) -> list[np.ndarray]:
        """RGB pictures (at most `max_side` pixels a side) of the given frame numbers, in
        order, for a video `hash_stream` accepted with these limits. Decoding stops after the
        last one wanted; VideoError as `hash_stream` when the file turns out bad."""
        wanted = sorted(set(numbers))
        if not wanted:
            return []
        try:
            return _key_frames(raw, self.limits, wanted, max_side)
        except VideoError:
            raise
        except Exception as error:  # noqa: BLE001 (hostile input must never crash the caller)
            raise VideoError("truncated", "The video is broken or incomplete.") from error


def _key_frames(
    source: IO[bytes], limits: VideoLimits, wanted: list[int], max_side: int
) -> list[np.ndarray]:
    import av

    started = time.monotonic()
    _quiet_ffmpeg(av)
    source.seek(0)
    pictures: list[np.ndarray] = []
    container = av.open(
        source,
        mode="r",
        options={"format_whitelist": _FORMAT_WHITELIST, "protocol_whitelist": "file"},
        metadata_errors="ignore",
    )
    with container:
        stream = _video_stream(container, limits)
        todo = set(wanted)
        for number, frame in enumerate(_frames(container, stream)):
            if number > wanted[-1] or number >= limits.max_frames:
                break
            if time.monotonic() - started > limits.max_decode_seconds:
                raise VideoError("too_slow", "The video takes too long to decode.")
            if number not in todo:
                continue
            _check_size(frame.width, frame.height, limits)
            scale = min(1.0, max_side / max(frame.width, frame.height))
            width = max(1, round(frame.width * scale))
            height = max(1, round(frame.height * scale))
            small = frame.reformat(width=width, height=height, format="rgb24", interpolation="AREA")
            pictures.append(small.to_ndarray())
            todo.discard(number)
            if not todo:
                break
    return pictures


def _decode(
    source: IO[bytes], hasher: VideoHasher, md5: str, sha256: str, size: int
) -> VideoHashes:
    import av  # imported here: the rest of the detection package does not need FFmpeg

    limits = hasher.limits
    started = time.monotonic()
    _quiet_ffmpeg(av)
    try:
        container = av.open(
            source,
            mode="r",
            options={"format_whitelist": _FORMAT_WHITELIST, "protocol_whitelist": "file"},
            metadata_errors="ignore",
        )
    except VideoError:
        raise
    except (av.error.FFmpegError, ValueError, OSError, UnicodeDecodeError) as error:
        source.seek(0)
        if _looks_like_video(source.read(16)):  # a video's start, but it cannot be opened
            raise VideoError("truncated", "The video is broken or incomplete.") from error
        raise VideoError("not_a_video", "The file is not a supported video.") from error
    with container:
        stream = _video_stream(container, limits)
        rate = _frame_rate(stream)
        step = max(1, int(hasher.seconds_per_hash * float(rate))) if hasher.seconds_per_hash else 1
        features: list[VpdqFeature] = []
        decoded = 0
        last_time = 0.0
        width, height = stream.codec_context.width, stream.codec_context.height
        try:
            for frame in _frames(container, stream):
                number = decoded
                decoded += 1
                if decoded > limits.max_frames:
                    raise VideoError("too_many_frames", "The video has too many frames.")
                if time.monotonic() - started > limits.max_decode_seconds:
                    raise VideoError("too_slow", "The video takes too long to decode.")
                _check_size(frame.width, frame.height, limits)
                seconds = float(np.float32(number) / np.float32(float(rate)))
                if frame.time is not None:
                    last_time = max(last_time, float(frame.time))
                if max(seconds, last_time) > limits.max_seconds:
                    raise VideoError("too_long", "The video is too long.")
                if number % step:
                    continue
                pixels = frame.to_ndarray(format="rgb24", interpolation="AREA")
                bits, quality = pdqhash.compute(np.ascontiguousarray(pixels))
                features.append(VpdqFeature(pdq_bits_to_hex(bits), int(quality), seconds, number))
        except VideoError:
            raise
        except (av.error.FFmpegError, ValueError, OSError, MemoryError, EOFError) as error:
            raise VideoError("truncated", "The video is broken or incomplete.") from error
        if not features:
            raise VideoError("no_frames", "No picture could be decoded from the video.")
        _check_complete(stream, container, decoded, rate)
        return VideoHashes(
            md5=md5,
            sha256=sha256,
            features=tuple(features),
            duration=round(decoded / float(rate), 3),
            width=width,
            height=height,
            frame_rate=float(rate),
            codec=stream.codec_context.name,
            container=container.format.name,
            frames_decoded=decoded,
            size=size,
        )


def _looks_like_video(head: bytes) -> bool:
    """The signature of an allowed container at the start of the file."""
    return (
        head[4:8] == b"ftyp"  # MP4, MOV, 3GP
        or head.startswith(b"\x1a\x45\xdf\xa3")  # Matroska, WebM
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
        or head.startswith(b"FLV")
        or head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11")  # ASF
    )


def _video_stream(container: Any, limits: VideoLimits) -> Any:
    if container.format.name not in CONTAINERS:
        raise VideoError("unsupported_format", "The file is not in a supported video format.")
    if len(container.streams) > limits.max_streams:
        raise VideoError("too_many_streams", "The video has too many streams.")
    if not container.streams.video:
        raise VideoError("no_video_stream", "The file has no video stream.")
    stream = container.streams.video[0]
    if stream.codec_context is None or stream.codec_context.name not in CODECS:
        raise VideoError("unsupported_codec", "The video codec is not supported.")
    _check_size(stream.codec_context.width, stream.codec_context.height, limits)
    declared = _declared_seconds(container, stream)
    if declared is not None and declared > limits.max_seconds:
        raise VideoError("too_long", "The video is too long.")
    declared_frames = int(stream.frames or 0)
    if declared_frames > limits.max_frames:
        raise VideoError("too_many_frames", "The video has too many frames.")
    stream.thread_type = "SLICE"  # as vpdq; frame threads can deadlock on damaged input
    return stream


def _check_size(width: int, height: int, limits: VideoLimits) -> None:
    if width > limits.max_width or height > limits.max_height or width * height > limits.max_pixels:
        raise VideoError("too_many_pixels", "The video picture is too large.")
    if min(width, height) < limits.min_side:
        raise VideoError("too_small", "The video picture is too small to hash.")


def _declared_seconds(container: Any, stream: Any) -> float | None:
    values = []
    if container.duration:
        values.append(container.duration / 1_000_000)
    if stream.duration and stream.time_base:
        values.append(float(stream.duration * stream.time_base))
    return max(values) if values else None


def _frame_rate(stream: Any) -> Fraction:
    for rate in (stream.average_rate, stream.base_rate, stream.guessed_rate):
        if rate and rate.numerator > 0 and rate.denominator > 0:
            return Fraction(rate)
    raise VideoError("not_a_video", "The video has no frame rate.")


def _frames(container: Any, stream: Any) -> Iterator[Any]:
    for packet in container.demux(stream):
        yield from packet.decode()


def _check_complete(stream: Any, container: Any, decoded: int, rate: Fraction) -> None:
    """A file cut short still decodes its first part: compare with what it announced."""
    expected = int(stream.frames or 0)
    if not expected:
        declared = _declared_seconds(container, stream)
        expected = int(declared * float(rate)) if declared else 0
    if expected >= 10 and decoded < expected * 0.9:
        raise VideoError("truncated", "The video is broken or incomplete.")


_quieted = False


def _quiet_ffmpeg(av: Any) -> None:
    # FFmpeg logs every damaged packet; the errors that matter are raised as VideoError.
    global _quieted
    if not _quieted:
        av.logging.set_level(av.logging.PANIC)
        logging.getLogger("libav").setLevel(logging.CRITICAL)
        _quieted = True


__all__ = ["CODECS", "CONTAINERS", "VideoError", "VideoHasher", "VideoHashes", "VideoLimits"]
__all__ += ["VpdqFeature"]
