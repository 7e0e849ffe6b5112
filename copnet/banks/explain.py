"""What the "check" page shows: matches and classifier results turned into plain data for the
templates (which escape everything; highlighted spans are segments, never HTML strings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from copnet.detection.base import SignalError
from copnet.detection.text.classifier import THRESHOLD
from copnet.detection.urls import canonicalize
from copnet.taxonomy.models import HarmCategory

from . import services
from .choices import SCORE_LABELS
from .errors import url_error_message

DISPLAY_CHARS = 50_000


@dataclass
class ItemResult:
    value: str
    error: str = ""
    canonical: str = ""
    matches: list[Any] = field(default_factory=list)


@dataclass
class Segment:
    text: str
    category: str = ""
    label: Any = ""


@dataclass
class TextExplanation:
    scores: list[dict[str, Any]]
    segments: list[Segment]
    spans: list[dict[str, Any]]
    suggested_category: Any
    truncated: bool
    shortened: bool


def check_hashes(signal_type: str, values: list[str]) -> list[ItemResult]:
    results = [ItemResult(value=value) for value in values]
    valid: list[tuple[ItemResult, str]] = []
    for item in results:
        try:
            valid.append((item, services.check_hash(signal_type, item.value)))
        except services.DetectionInputError as exc:
            item.error = exc.message
    found = services.match_hashes([(signal_type, value) for _item, value in valid])
    for (item, value), matches in zip(valid, found, strict=True):
        item.canonical = value
        item.matches = services.apply_allow_banks(matches)
    return results


def check_urls(urls: list[str]) -> list[ItemResult]:
    results = []
    for url in urls:
        item = ItemResult(value=url)
        try:
            item.canonical = canonicalize(url)
            (item.matches,) = services.match_urls([url])
        except SignalError as exc:
            item.error = url_error_message(exc)
        results.append(item)
    return results


def _segments(text: str, spans: list[Any]) -> list[Segment]:
    """The text cut into plain and highlighted pieces; overlapping spans keep the first."""
    segments, position = [], 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < position or span.end > len(text):
            continue
        if span.start > position:
            segments.append(Segment(text[position : span.start]))
        segments.append(
            Segment(
                text[span.start : span.end],
                span.category,
                SCORE_LABELS.get(span.category, span.category),
            )
        )
        position = span.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def check_texts(texts: list[str]) -> list[TextExplanation]:
    explanations = []
    for text, result in zip(texts, services.classify_texts(texts), strict=True):
        shown = text[:DISPLAY_CHARS]
        scores = sorted(result.scores.items(), key=lambda kv: (-kv[1], kv[0]))
        category = None
        if result.suggested_category:
            category = HarmCategory.objects.filter(code=result.suggested_category).first()
        explanations.append(
            TextExplanation(
                scores=[
                    {
                        "key": key,
                        "label": SCORE_LABELS.get(key, key),
                        "score": round(score, 3),
                        "percent": round(score * 100),
                        "flagged": score >= THRESHOLD,
                    }
                    for key, score in scores
                ],
                segments=_segments(shown, [s for s in result.spans if s.end <= len(shown)]),
                spans=[
                    {
                        "phrase": span.phrase,
                        "category": SCORE_LABELS.get(span.category, span.category),
                        "start": span.start,
                    }
                    for span in result.spans[:100]
                ],
                suggested_category=category or result.suggested_category,
                truncated=result.truncated,
                shortened=len(text) > DISPLAY_CHARS,
            )
        )
    return explanations
