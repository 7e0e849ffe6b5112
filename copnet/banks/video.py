"""Videos against the banks: vPDQ values read with translated, line-precise errors, and a
video's frames matched against video (vPDQ) banks and image (PDQ) banks.

A video matches a banked video by vPDQ's two-way percentages (`detection.vpdq.VideoIndex`):
the share of the query's usable frames found in the banked video and the share of the banked
video's found in the query, each frame within the bank's own PDQ threshold; the bank's
`vpdq_query_pct` / `vpdq_target_pct` (else the settings) say how much is a match. Its frames
also meet the image banks: an image entry any usable frame is within its bank's threshold of
is a match, with the frames that matched. MD5/SHA-256 of the file go through
`services.match_hashes` as for a picture.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from copnet.detection.video import VpdqFeature
from copnet.detection.vpdq import (
    MAX_FRAMES,
    FrameMatch,
    VpdqError,
    format_vpdq_file,
    match_frames,
    parse_vpdq,
    parse_vpdq_any,
    usable_frames,
)

from .engine import get_engine
from .errors import DetectionErrorCode, DetectionInputError
from .matches import VideoHashMatch, live_entries

# Frames named in one match's explanation (an API answer, a stored hit).
MAX_EXPLAINED_FRAMES = 50


@dataclass(frozen=True)
class CheckedVpdq:
    """A readable vPDQ value: its frames, the hash-file text stored for it, and the SHA-256
    of that text (`BankEntry.value` of a video)."""

    features: tuple[VpdqFeature, ...]
    text: str
    key: str


def check_vpdq(value: Any) -> CheckedVpdq:
    """A vPDQ value in any accepted form (`detection.vpdq.parse_vpdq_any`), else
    DetectionInputError naming the first bad line or frame."""
    if not isinstance(value, str):
        raise DetectionInputError(DetectionErrorCode.INVALID_VPDQ, _("A vPDQ hash must be text."))
    try:
        features = parse_vpdq_any(value)
    except VpdqError as error:
        raise _error(error, value) from None
    text = format_vpdq_file(features)
    return CheckedVpdq(features, text, hashlib.sha256(text.encode()).hexdigest())


def features_of(text: str) -> tuple[VpdqFeature, ...]:
    """The frames of a stored vPDQ value (entries and evidence keep the hash-file form)."""
    return parse_vpdq_any(text)


def _error(error: VpdqError, value: str) -> DetectionInputError:
    if error.code == "empty":
        return DetectionInputError(
            DetectionErrorCode.EMPTY_VPDQ, _("A vPDQ hash needs at least one frame.")
        )
    if error.code == "too_many_frames":
        return DetectionInputError(
            DetectionErrorCode.TOO_MANY_FRAMES,
            _("A vPDQ hash can have at most %(limit)s frames.") % {"limit": MAX_FRAMES},
        )
    if error.line is not None:
        message = _(
            "line %(line)s: a frame is “frame number,quality,PDQ hash,seconds”: a whole "
            "number, a quality from 0 to 100, 64 hexadecimal digits and a time in seconds."
        ) % {"line": error.line}
        return DetectionInputError(DetectionErrorCode.INVALID_VPDQ, message)
    if value.strip().startswith("["):
        return DetectionInputError(
            DetectionErrorCode.INVALID_VPDQ,
            _(
                "The vPDQ list cannot be read: it must be a JSON list of "
                "“PDQ hash,quality,seconds”."
            ),
        )
    parts = [part for part in value.strip().split(";") if part.strip()]
    number = next((i for i, part in enumerate(parts, start=1) if not _readable(part)), 1)
    message = _(
        "frame %(number)s: a frame is “PDQ hash,quality,seconds”: 64 hexadecimal digits, a "
        "quality from 0 to 100 and a time in seconds."
    ) % {"number": number}
    return DetectionInputError(DetectionErrorCode.INVALID_VPDQ, message)


def _readable(part: str) -> bool:
    try:
        parse_vpdq(part)
    except VpdqError:
        return False
    return True


# --- Matching -----------------------------------------------------------------------------------


def _explained(frames: Sequence[FrameMatch]) -> list[dict[str, Any]]:
    return [
        {
            "query_time": round(f.query_time, 3),
            "query_frame": f.query_frame,
            "target_time": round(f.target_time, 3),
            "target_frame": f.target_frame,
            "distance": f.distance,
        }
        for f in frames[:MAX_EXPLAINED_FRAMES]
    ]


def explanation(match: Any) -> dict[str, Any]:
    """What a stored hit or an API answer says of a video match (`DetectionHit.video`)."""
    return {
        "signal_type": match.entry.signal_type,
        "query_pct": round(match.query_pct, 1),
        "target_pct": round(match.target_pct, 1),
        "usable_frames": match.usable_frames,
        "frames_matched": len(match.frames),
        "frames": _explained(match.frames),
    }


def match_video(features: Sequence[VpdqFeature]) -> list[Any]:
    """A video's frames → `services.VideoHashMatch`es: banked videos that pass their bank's
    two percentages, and image entries one of its frames matches; each within its own bank's
    PDQ threshold, live entries only (not expired, not quarantined, bank active). Best first.
    Allow banks: `services.apply_allow_banks`, as for a picture."""
    engine = get_engine()
    frames = usable_frames(features, settings.PDQ_MIN_QUALITY)
    if not frames:
        return []
    widest = engine.pdq_threshold
    first = engine.video.query_video(features, threshold=widest, query_pct=0, target_pct=0)
    by_threshold = {widest: {m.entry: m for m in first.matches}}
    images = match_frames(
        features, engine.pdq, threshold=widest, min_quality=settings.PDQ_MIN_QUALITY
    )
    entries = live_entries(set(by_threshold[widest]) | set(images))
    found: list[VideoHashMatch] = []
    for pk in by_threshold[widest]:
        entry = entries.get(pk)
        if entry is None:
            continue
        bank = entry.bank
        threshold = bank.effective_pdq_threshold
        if threshold not in by_threshold:  # a narrower bank: its own percentages
            narrower = engine.video.query_video(
                features, threshold=threshold, query_pct=0, target_pct=0
            )
            by_threshold[threshold] = {m.entry: m for m in narrower.matches}
        match = by_threshold[threshold].get(pk)
        if match is None:
            continue
        if (
            match.query_pct >= bank.effective_vpdq_query_pct
            and match.target_pct >= bank.effective_vpdq_target_pct
        ):
            found.append(
                VideoHashMatch(
                    entry,
                    match.distance,
                    query_pct=match.query_pct,
                    target_pct=match.target_pct,
                    frames=match.frames,
                    usable_frames=len(frames),
                )
            )
    for pk, matched in images.items():
        entry = entries.get(pk)
        if entry is None:
            continue
        kept = tuple(f for f in matched if f.distance <= entry.bank.effective_pdq_threshold)
        if kept:
            found.append(
                VideoHashMatch(
                    entry,
                    min(f.distance for f in kept),
                    query_pct=len(kept) * 100 / len(frames),
                    target_pct=100.0,
                    frames=kept,
                    usable_frames=len(frames),
                )
            )
    found.sort(key=lambda m: (-m.query_pct, m.distance, m.entry.pk))
    return found
