"""Matching and classification for partners and analysts (API key, rate-limited, ≤ 1,000 items)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from copnet.accounts.principal import ApiRequest
from copnet.core.api_auth import api_key_auth, principal
from copnet.core.errors import RateLimited, error_body
from copnet.core.ratelimit import hit
from copnet.detection.base import SignalError

from . import services
from .errors import DetectionErrorCode, DetectionInputError, url_error_message
from .safety import suppressed_reason
from .schemas import (
    HashMatchIn,
    HashMatchOut,
    TextClassifyIn,
    TextClassifyOut,
    UrlMatchIn,
    UrlMatchOut,
)
from .video import explanation

router = Router(tags=["detection"], auth=api_key_auth)
MAX_TEXT = 1_000_000


def _throttle(request: ApiRequest, items: int) -> None:
    """Items per key (`detect-items`), on top of the API's per-call limit."""
    counted = hit("detect-items", f"key:{principal(request).pk}", cost=max(1, items))
    if counted.refused:
        raise RateLimited(counted.retry_after)


@router.post(
    "/match/hash",
    response=HashMatchOut,
    summary="Match image and video hashes against the banks",
    description="One result per hash, in order; a hash that cannot be read gets an `error` "
    "(`unknown_signal_type`, `invalid_hex`, `wrong_length`, `invalid_vpdq`, `empty_vpdq`, "
    "`too_many_frames`) and no matches. A PDQ match counts within its bank's own threshold. "
    "A `vpdq` value (a video's frame hashes) is matched against the video banks by vPDQ's "
    "two-way percentages (`query_pct`, `target_pct`; a banked video matches when both reach "
    "its bank's shares) and, frame by frame, against the image (PDQ) banks; `frames` says "
    "which frames matched. Send the video file's `md5` and `sha256` as items of their own. "
    "When a hash also matches an allow bank (`bank_kind` `allow`, known benign images), its "
    "other matches carry `suppressed_by` (that bank) and a `reason`, and are not to be acted "
    "on.",
)
def match_hash(request: ApiRequest, payload: HashMatchIn) -> dict[str, Any]:
    frames = sum(item.value.count("\n") + item.value.count(";") for item in payload.hashes)
    _throttle(request, len(payload.hashes) + frames // 100)
    results: list[dict[str, Any]] = [{} for _item in payload.hashes]
    valid: list[tuple[int, tuple[str, str]]] = []
    for index, item in enumerate(payload.hashes):
        signal_type = item.signal_type.strip().lower()
        try:
            valid.append((index, (signal_type, services.check_hash(signal_type, item.value))))
        except services.DetectionInputError as exc:
            results[index] = {"error": error_body(exc.code, exc.message), "matches": []}
    for (index, _item), matches in zip(
        valid, services.match_hashes([v for _i, v in valid]), strict=True
    ):
        results[index] = {"matches": [_match_out(m) for m in services.apply_allow_banks(matches)]}
    return {"results": results}


def _match_out(m: services.HashMatch) -> dict[str, Any]:
    out: dict[str, Any] = {
        "bank": m.entry.bank.name,
        "signal_type": m.entry.signal_type,
        "distance": m.distance,
        "bank_kind": m.entry.bank.kind,
        "suppressed_by": m.suppressed_by or None,
        "reason": suppressed_reason(m.suppressed_by),
    }
    if isinstance(m, services.VideoHashMatch):
        explained = explanation(m)
        out.update(
            query_pct=explained["query_pct"],
            target_pct=explained["target_pct"],
            usable_frames=explained["usable_frames"],
            frames=explained["frames"],
        )
    return out


@router.post(
    "/match/url",
    response=UrlMatchOut,
    summary="Match addresses against the URL lists",
    description="One result per address, in order; an address that cannot be read gets an "
    "`error` (`empty`, `scheme`, `host`, `too_long`, `nul`, `encoding`...) and no matches.",
)
def match_url(request: ApiRequest, payload: UrlMatchIn) -> dict[str, Any]:
    _throttle(request, len(payload.urls))
    results: list[dict[str, Any]] = []
    for url in payload.urls:
        try:
            (entries,) = services.match_urls([url])
        except SignalError as exc:
            results.append({"error": error_body(exc.code, url_error_message(exc)), "matches": []})
            continue
        results.append(
            {
                "matches": [
                    {
                        "list": e.url_list.name,
                        "pattern": e.pattern,
                        "kind": e.kind,
                        "category": e.url_list.category.code,
                    }
                    for e in entries
                ]
            }
        )
    return {"results": results}


@router.post(
    "/classify/text",
    response=TextClassifyOut,
    summary="Score texts for harm to children, with evidence spans",
)
def classify_text(request: ApiRequest, payload: TextClassifyIn) -> dict[str, Any]:
    _throttle(request, len(payload.texts))
    if any(len(t) > MAX_TEXT for t in payload.texts):
        raise DetectionInputError(DetectionErrorCode.TOO_LONG, field="texts")
    results = services.classify_texts(payload.texts)
    return {
        "results": [
            {
                "scores": {k: round(v, 4) for k, v in r.scores.items()},
                "spans": [
                    {"start": s.start, "end": s.end, "category": s.category} for s in r.spans
                ],
                "suggested_category": r.suggested_category,
            }
            for r in results
        ]
    }
