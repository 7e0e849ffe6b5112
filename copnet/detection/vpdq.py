"""vPDQ video hashes: the signal value, hash files, and matching against video and image banks.

A vPDQ value is the list of a video's frame hashes. COPNet writes it on one line, frames
separated by ";", each frame "pdq hex,quality,timestamp" (the fields python-threatexchange's
`VpdqCompactFeature` uses), e.g. `f8f8...0e0e,100,0.000;f8f8...0f0e,98,1.000`. Also read:
python-threatexchange's JSON list of those strings, and the `vpdq` tools' hash files (one frame
a line, "frame number,quality,hash,timestamp").

Matching follows vPDQ's published comparison: drop frames under the quality filter (50) and
exact duplicate frames, then count the query's frames that lie within the distance (31) of some
frame of the banked video ("query in target") and the banked video's frames within that
distance of some query frame ("target in query"), each as a percentage. `VideoIndex` answers
that for every video of a bank at once, through one PDQ index over all banked frames, and gives
exactly the percentages the pairwise loop (`compare_brute`) gives.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .base import Index, K, Match, SignalError, SignalType
from .pdq import DEFAULT_THRESHOLD, MIN_QUALITY, PdqIndex, PdqSignal
from .video import VpdqFeature, format_vpdq

QUERY_PCT = 80.0  # python-threatexchange's default: 80 % of the query's frames found
TARGET_PCT = 0.0  # and any share of the banked video's
MAX_FRAMES = 100_000  # frames in one value (27 hours at one a second)
MAX_TIMESTAMP = 10_000_000.0
_PDQ = PdqSignal()


class VpdqError(SignalError):
    """A vPDQ value or file that cannot be read; `line` is the 1-based line when known."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(code, message if line is None else f"line {line}: {message}")
        self.line = line


# --------------------------------------------------------------------------------------------
# Values and files


def parse_vpdq(value: str) -> tuple[VpdqFeature, ...]:
    """Frames of a vPDQ value (COPNet's one-line form or python-threatexchange's JSON list).

    Raises VpdqError "invalid_vpdq" naming the first bad frame (1-based), "empty" or
    "too_many_frames".
    """
    if not isinstance(value, str):
        raise VpdqError("invalid_vpdq", "A vPDQ hash must be text.")
    text = value.strip()
    if text.startswith("["):
        try:
            parts = json.loads(text)
        except ValueError as error:
            raise VpdqError("invalid_vpdq", "The vPDQ JSON list cannot be read.") from error
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            raise VpdqError("invalid_vpdq", "A vPDQ JSON value is a list of frame strings.")
    else:
        parts = [part for part in text.split(";") if part.strip()] if text else []
    if not parts:
        raise VpdqError("empty", "A vPDQ hash needs at least one frame.")
    if len(parts) > MAX_FRAMES:
        raise VpdqError("too_many_frames", f"A vPDQ hash has at most {MAX_FRAMES} frames.")
    frames = []
    for number, part in enumerate(parts, start=1):
        fields = [field.strip() for field in part.split(",")]
        if len(fields) != 3:
            raise VpdqError("invalid_vpdq", f"Frame {number} must be 'hash,quality,timestamp'.")
        frames.append(_feature(fields[0], fields[1], fields[2], number - 1, f"Frame {number}"))
    return tuple(frames)


def parse_vpdq_file(text: str) -> tuple[VpdqFeature, ...]:
    """Frames of a hash file: one frame a line, either "frame,quality,hash,timestamp" (the
    `vpdq` tools) or "hash,quality,timestamp"; blank lines and "#" comments are skipped.

    All or nothing: VpdqError with the number of the first bad line.
    """
    frames = []
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split(",")]
        try:
            if len(fields) == 4:
                number = _int(fields[0], "frame number", 0, 10**9)
                frames.append(_feature(fields[2], fields[1], fields[3], number, "This frame"))
            elif len(fields) == 3:
                frames.append(_feature(fields[0], fields[1], fields[2], len(frames), "This frame"))
            else:
                raise VpdqError(
                    "invalid_vpdq",
                    "Expected 'frame,quality,hash,timestamp' or 'hash,quality,timestamp'.",
                )
        except VpdqError as error:
            raise VpdqError(error.code, str(error), line_number) from None
        if len(frames) > MAX_FRAMES:
            raise VpdqError("too_many_frames", f"At most {MAX_FRAMES} frames.", line_number)
    if not frames:
        raise VpdqError("empty", "The file holds no frame.")
    return tuple(frames)


def _feature(hex_value: str, quality: str, timestamp: str, number: int, label: str) -> VpdqFeature:
    try:
        pdq_hex = _PDQ.validate(hex_value)
    except SignalError as error:
        raise VpdqError("invalid_vpdq", f"{label}: {error}") from None
    seconds = _float(timestamp, f"{label}: the timestamp")
    return VpdqFeature(pdq_hex, _int(quality, f"{label}: the quality", 0, 100), seconds, number)


def _int(text: str, what: str, low: int, high: int) -> int:
    try:
        number = int(text)
    except ValueError:
        raise VpdqError("invalid_vpdq", f"{what} must be a whole number.") from None
    if not low <= number <= high:
        raise VpdqError("invalid_vpdq", f"{what} must be between {low} and {high}.")
    return number


def _float(text: str, what: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise VpdqError("invalid_vpdq", f"{what} must be a number of seconds.") from None
    if not math.isfinite(number) or not 0 <= number <= MAX_TIMESTAMP:
        raise VpdqError("invalid_vpdq", f"{what} must be between 0 and {MAX_TIMESTAMP:.0f}.")
    return number


def format_vpdq_file(features: Iterable[VpdqFeature]) -> str:
    """A vPDQ hash file: "frame number,quality,PDQ hex,seconds" a line (the `vpdq` tools'
    format; `parse_vpdq_file` reads it back). A frame without a number gets its position."""
    return "".join(
        f"{f.frame_number if f.frame_number >= 0 else i},{f.quality},{f.pdq_hex},"
        f"{f.timestamp:.3f}\n"
        for i, f in enumerate(features)
    )


def parse_vpdq_any(value: str) -> tuple[VpdqFeature, ...]:
    """Frames of any accepted vPDQ form: a hash file (several lines, or one line of four
    fields), python-threatexchange's JSON list, or the one-line form. VpdqError as the
    parser used (a file's errors name their line)."""
    if not isinstance(value, str):
        raise VpdqError("invalid_vpdq", "A vPDQ hash must be text.")
    text = value.strip()
    first = next(
        (line.strip() for line in text.splitlines() if line.strip()[:1] not in ("", "#")), ""
    )
    if not text.startswith("[") and ("\n" in text or first.count(",") == 3):
        return parse_vpdq_file(text)
    return parse_vpdq(text)


class VpdqSignal(SignalType):
    """vPDQ values; `validate` returns COPNet's one-line form."""

    name = "vpdq"

    def validate(self, value: str) -> str:
        return format_vpdq(parse_vpdq(value))


def iter_signal_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """(line number, signal type, value) of a hash list: CSV with a header whose columns
    include `signal_type` and `value` (values may be quoted), or a signal file of
    "<signal_type> <value>" lines (blank lines and "#" comments skipped). A line without a
    value yields an empty signal type, for the caller to report."""
    lines = text.splitlines()
    first = next((line.strip().lower() for line in lines if line.strip()), "")
    if first.startswith("signal_type"):
        reader = csv.DictReader(io.StringIO(text))
        for row in reader:
            number = reader.line_num
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield number, (row.get("signal_type") or "").strip().lower(), row.get("value") or ""
        return
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            yield number, "", line
        else:
            yield number, parts[0].lower(), parts[1].strip()


def parse_signal_file(
    text: str, signals: Sequence[SignalType]
) -> tuple[list[tuple[int, str, str]], list[str]]:
    """Valid (line, signal type, canonical value) rows and "line N: ..." errors (all of them
    up to 20): the caller stores nothing when there is any error."""
    by_name = {signal.name: signal for signal in signals}
    rows: list[tuple[int, str, str]] = []
    errors: list[str] = []
    for number, name, value in iter_signal_lines(text):
        signal = by_name.get(name)
        if signal is None:
            errors.append(f"line {number}: unknown signal type {name or '(none)'!r}")
        else:
            try:
                rows.append((number, name, signal.validate(value)))
            except SignalError as error:
                errors.append(f"line {number}: {error}")
        if len(errors) >= 20:
            break
    return rows, errors


# --------------------------------------------------------------------------------------------
# Matching


def usable_frames(
    features: Iterable[VpdqFeature], min_quality: int = MIN_QUALITY
) -> list[VpdqFeature]:
    """Frames that take part in matching: each distinct hash once (its first frame), then
    those of quality at least `min_quality` (the order python-threatexchange applies)."""
    seen: set[str] = set()
    kept = []
    for feature in features:
        if feature.pdq_hex not in seen:
            seen.add(feature.pdq_hex)
            if feature.quality >= min_quality:
                kept.append(feature)
    return kept


def compare_brute(
    query: Sequence[VpdqFeature],
    target: Sequence[VpdqFeature],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    min_quality: int = MIN_QUALITY,
) -> tuple[float, float]:
    """(query in target %, target in query %) by the published pairwise loop; (0, 0) when
    either side has no usable frame. The reference `VideoIndex` is tested against."""
    left = [int(f.pdq_hex, 16) for f in usable_frames(query, min_quality)]
    right = [int(f.pdq_hex, 16) for f in usable_frames(target, min_quality)]
    if not left or not right:
        return 0.0, 0.0
    left_hits = sum(any((a ^ b).bit_count() <= threshold for b in right) for a in left)
    right_hits = sum(any((a ^ b).bit_count() <= threshold for a in left) for b in right)
    return left_hits * 100 / len(left), right_hits * 100 / len(right)


@dataclass(frozen=True)
class FrameMatch:
    """A query frame and the nearest frame it matched (of a banked video, or an image entry)."""

    query_time: float
    query_frame: int
    target_time: float  # -1 for an image
    target_frame: int  # -1 for an image
    distance: int


@dataclass(frozen=True)
class VideoMatch(Match[K]):
    """A banked video and how much of each side matched, with the frames behind it."""

    query_pct: float = 0.0  # share of the query's usable frames found in the video
    target_pct: float = 0.0  # share of the video's usable frames found in the query
    frames: tuple[FrameMatch, ...] = ()
    is_match: bool = False


@dataclass(frozen=True)
class VideoQueryResult:
    matches: list[VideoMatch[Any]]
    usable_frames: int  # query frames that took part (0: nothing could be matched)


class _FrameIndex(Protocol):
    def query_many(
        self, values: Sequence[str], *, threshold: int | None = None
    ) -> list[list[Match[Any]]]: ...


def match_frames(
    features: Sequence[VpdqFeature],
    image_index: _FrameIndex,
    *,
    threshold: int | None = None,
    min_quality: int = MIN_QUALITY,
) -> dict[Any, list[FrameMatch]]:
    """A video's usable frames against an image (PDQ) index: for each image entry hit, the
    frames that matched it, in time order (each frame with its distance)."""
    frames = usable_frames(features, min_quality)
    if not frames:
        return {}
    results = image_index.query_many([f.pdq_hex for f in frames], threshold=threshold)
    hits: dict[Any, list[FrameMatch]] = {}
    for frame, matches in zip(frames, results, strict=True):
        for match in matches:
            hits.setdefault(match.entry, []).append(
                FrameMatch(frame.timestamp, frame.frame_number, -1.0, -1, match.distance)
            )
    return hits


class VideoIndex(Index[K]):
    """Banked videos by their vPDQ frames; `query_video` gives every video's two percentages.

    All banked frames (usable ones: quality and duplicates as in `usable_frames`) sit in one
    exact PDQ index, so a query costs one batched PDQ search of its frames, whatever the bank's
    size; the percentages equal `compare_brute`'s for every banked video. A video is a match
    when query_pct >= `query_pct` and target_pct >= `target_pct`.
    """

    signal = VpdqSignal()

    def __init__(
        self,
        items: Iterable[tuple[str, K]] = (),
        *,
        threshold: int = DEFAULT_THRESHOLD,
        min_quality: int = MIN_QUALITY,
        query_pct: float = QUERY_PCT,
        target_pct: float = TARGET_PCT,
    ) -> None:
        self.threshold = threshold
        self.min_quality = min_quality
        self.query_pct = query_pct
        self.target_pct = target_pct
        self._frames: PdqIndex[int] = PdqIndex(threshold=threshold, min_quality=min_quality)
        self._frame_video: list[int] = []  # frame slot -> video slot
        self._frame_time: list[float] = []
        self._frame_number: list[int] = []
        self._videos: list[K] = []  # video slot -> entry
        self._video_frames: list[int] = []  # usable frames of each video slot
        self._video_values: list[str] = []
        self._alive: list[bool] = []
        self._slots: dict[K, list[int]] = {}
        self.add(items)

    # -- writes ------------------------------------------------------------------------------

    def add(self, items: Iterable[tuple[str, K]]) -> None:
        """Add (vPDQ value, entry) pairs; all or nothing (VpdqError on the first bad value)."""
        staged = [(parse_vpdq(value), entry) for value, entry in items]
        self.add_features((features, entry) for features, entry in staged)

    def add_features(self, items: Iterable[tuple[Sequence[VpdqFeature], K]]) -> None:
        pairs: list[tuple[str, int]] = []
        for features, entry in items:
            slot = len(self._videos)
            frames = usable_frames(features, self.min_quality)
            self._videos.append(entry)
            self._video_frames.append(len(frames))
            self._video_values.append(format_vpdq(features))
            self._alive.append(True)
            self._slots.setdefault(entry, []).append(slot)
            for frame in frames:
                pairs.append((frame.pdq_hex, len(self._frame_video)))
                self._frame_video.append(slot)
                self._frame_time.append(frame.timestamp)
                self._frame_number.append(frame.frame_number)
        self._frames.add(pairs)

    def remove(self, entries: Iterable[K]) -> None:
        frames: list[int] = []
        for entry in entries:
            for slot in self._slots.pop(entry, []):
                self._alive[slot] = False
        dead = {slot for slot, alive in enumerate(self._alive) if not alive}
        frames = [f for f, video in enumerate(self._frame_video) if video in dead]
        self._frames.remove(frames)

    # -- reads -------------------------------------------------------------------------------

    def query(self, value: str) -> list[Match[K]]:
        """Matching videos (`is_match`), best query share first; distance = nearest frame."""
        return [m for m in self.query_video(parse_vpdq(value)).matches if m.is_match]

    def query_video(
        self,
        features: Sequence[VpdqFeature],
        *,
        threshold: int | None = None,
        query_pct: float | None = None,
        target_pct: float | None = None,
    ) -> VideoQueryResult:
        """Every banked video sharing at least one frame with the query, with both shares and
        the matched frames (each query frame with its nearest frame in that video)."""
        limit = self.threshold if threshold is None else threshold
        need_query = self.query_pct if query_pct is None else query_pct
        need_target = self.target_pct if target_pct is None else target_pct
        frames = usable_frames(features, self.min_quality)
        if not frames:
            return VideoQueryResult(matches=[], usable_frames=0)
        results = self._frames.query_many([f.pdq_hex for f in frames], threshold=limit)
        best: dict[int, dict[int, tuple[int, int]]] = {}  # video -> query frame -> (dist, slot)
        target_hit: dict[int, set[int]] = {}
        for qi, matches in enumerate(results):
            for match in matches:  # nearest first
                slot = match.entry
                video = self._frame_video[slot]
                per_video = best.setdefault(video, {})
                if qi not in per_video:
                    per_video[qi] = (match.distance, slot)
                target_hit.setdefault(video, set()).add(slot)
        out: list[VideoMatch[K]] = []
        for video, per_query in best.items():
            q_pct = len(per_query) * 100 / len(frames)
            t_pct = len(target_hit[video]) * 100 / self._video_frames[video]
            explained = tuple(
                FrameMatch(
                    frames[qi].timestamp,
                    frames[qi].frame_number,
                    self._frame_time[slot],
                    self._frame_number[slot],
                    distance,
                )
                for qi, (distance, slot) in sorted(per_query.items())
            )
            out.append(
                VideoMatch(
                    entry=self._videos[video],
                    distance=min(frame.distance for frame in explained),
                    detail=f"query {q_pct:.1f}% in video, video {t_pct:.1f}% in query",
                    query_pct=q_pct,
                    target_pct=t_pct,
                    frames=explained,
                    is_match=q_pct >= need_query and t_pct >= need_target,
                )
            )
        out.sort(key=lambda m: (-m.query_pct, -m.target_pct, m.distance))
        return VideoQueryResult(matches=out, usable_frames=len(frames))

    def __len__(self) -> int:
        return sum(self._alive)

    def frame_count(self) -> int:
        return len(self._frames)

    # -- persistence -------------------------------------------------------------------------

    def serialize(self) -> bytes:
        """The live videos' values and entries, and the settings (entries: JSON values)."""
        live = [i for i, alive in enumerate(self._alive) if alive]
        payload = {
            "threshold": self.threshold,
            "min_quality": self.min_quality,
            "query_pct": self.query_pct,
            "target_pct": self.target_pct,
            "videos": [[self._videos[i], self._video_values[i]] for i in live],
        }
        return json.dumps(payload, separators=(",", ":")).encode()

    @classmethod
    def deserialize(cls, data: bytes) -> VideoIndex[Any]:
        try:
            payload = json.loads(data)
            index: VideoIndex[Any] = cls(
                threshold=int(payload["threshold"]),
                min_quality=int(payload["min_quality"]),
                query_pct=float(payload["query_pct"]),
                target_pct=float(payload["target_pct"]),
            )
            index.add((value, entry) for entry, value in payload["videos"])
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError("Corrupt video index.") from error
        return index


def frames_as_codes(features: Sequence[VpdqFeature]) -> np.ndarray:
    """(n, 32) uint8 hash bytes of frames (for callers that build hash arrays)."""
    return np.frombuffer(bytes.fromhex("".join(f.pdq_hex for f in features)), np.uint8).reshape(
        -1, 32
    )


__all__ = [
    "FrameMatch",
    "QUERY_PCT",
    "TARGET_PCT",
    "VideoIndex",
    "VideoMatch",
    "VideoQueryResult",
    "VpdqError",
    "VpdqSignal",
    "compare_brute",
    "format_vpdq",
    "frames_as_codes",
    "iter_signal_lines",
    "match_frames",
    "parse_signal_file",
    "parse_vpdq",
    "format_vpdq_file",
    "parse_vpdq_any",
    "parse_vpdq_file",
    "usable_frames",
]
