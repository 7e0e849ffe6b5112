"""The detection step of triage: run a case's evidence through the engine, keep the hits.

Registered in `cases.triage.DETECTORS` by this app. Idempotent: a hit is stored once per case
and key, so triage can run again safely.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from copnet.cases.choices import Priority
from copnet.cases.triage import DetectionSignal
from copnet.taxonomy.choices import Severity

from .choices import BankKind, HitKind
from .models import DetectionHit

logger = logging.getLogger(__name__)

SEVERITY_RAISE = {
    Severity.CRITICAL: Priority.P1,
    Severity.HIGH: Priority.P2,
    Severity.MEDIUM: Priority.P3,
    Severity.LOW: Priority.P4,
}
TEXT_RAISE = {
    "grooming": Priority.P1,
    "self_harm": Priority.P2,
    "sexual": Priority.P2,
    "scam_gambling": Priority.P3,
    "bullying": Priority.P3,
    "hate": Priority.P3,
    "offensive": Priority.P4,
}


def _hit(case: Any, report: Any, key: str, **fields: Any) -> None:
    DetectionHit.objects.get_or_create(
        case=case, key=key[:200], defaults={"report": report, **fields}
    )


def _image_signals(case: Any, report: Any, evidence: Any) -> list[DetectionSignal]:
    from copnet.reports.evidence import EvidenceVault, inspect_image

    from .services import match_hashes

    queries: list[tuple[str, str]] = [("md5", evidence.md5), ("sha256", evidence.sha256)]
    if (evidence.pdq_quality or 0) >= settings.PDQ_MIN_QUALITY:
        variants = [evidence.pdq]
        if evidence.blob_path:  # the picture is at hand: also match its mirrored/rotated forms
            try:
                variants = (
                    list(inspect_image(EvidenceVault().read(evidence.blob_path)).pdq_dihedral)
                    or variants
                )
            except Exception:  # a file that cannot be read again still has its stored hash
                logger.warning("could not re-read evidence %s for dihedral hashing", evidence.pk)
        queries += [("pdq", v) for v in dict.fromkeys(variants) if v]
    signals = []
    for (signal_type, _value), matches in zip(queries, match_hashes(queries), strict=True):
        for match in matches:
            bank = match.entry.bank
            _hit(
                case,
                report,
                f"hash:{evidence.pk}:{match.entry.pk}",
                evidence=evidence,
                kind=HitKind.HASH,
                bank_entry=match.entry,
                distance=match.distance,
                label=f"{bank.name} ({signal_type})",
                suggested_category="csam" if bank.kind == BankKind.KNOWN_ABUSE else "",
            )
            known = bank.kind == BankKind.KNOWN_ABUSE
            signals.append(
                DetectionSignal(
                    source="hash",
                    raise_to=Priority.P1 if known else Priority.P2,
                    suggested_category="csam" if known else None,
                    keep_blurred=known,
                    explanation=f"{signal_type} in bank {bank.name}, distance {match.distance}",
                )
            )
    return signals


def _url_signals(case: Any, report: Any) -> list[DetectionSignal]:
    from copnet.detection.base import SignalError

    from .services import match_urls

    urls = [u.normalised for u in report.urls.all()]
    signals = []
    for url in urls:
        try:
            (entries,) = match_urls([url])
        except SignalError:
            continue
        for entry in entries:
            category = entry.url_list.category
            _hit(
                case,
                report,
                f"url:{report.pk}:{entry.pk}",
                kind=HitKind.URL,
                url_entry=entry,
                label=f"{entry.url_list.name}: {entry.pattern}"[:200],
                suggested_category=category.code,
            )
            signals.append(
                DetectionSignal(
                    source="url",
                    raise_to=SEVERITY_RAISE[category.severity],
                    suggested_category=category.code,
                    explanation=f"address in list {entry.url_list.name}",
                )
            )
    return signals


def _text_signals(case: Any, report: Any) -> list[DetectionSignal]:
    from .services import classify_texts

    texts = [
        t
        for t in [report.description] + [e.text for e in report.evidence.all() if e.kind == "text"]
        if t
    ]
    if not texts:
        return []
    signals = []
    for index, result in enumerate(classify_texts(texts)):
        flagged = {k: v for k, v in result.scores.items() if v >= settings.TEXT_FLAG_SCORE}
        if not flagged:
            continue
        top = max(flagged, key=flagged.get)
        spans = [{"start": s.start, "end": s.end, "category": s.category} for s in result.spans][
            :50
        ]
        _hit(
            case,
            report,
            f"text:{report.pk}:{index}",
            kind=HitKind.TEXT,
            label=top,
            scores={k: round(v, 3) for k, v in result.scores.items()},
            spans=spans,
            suggested_category=result.suggested_category or "",
        )
        signals.append(
            DetectionSignal(
                source="text",
                raise_to=TEXT_RAISE.get(top),
                suggested_category=result.suggested_category or None,
                explanation=f"text: {top} {flagged[top]:.2f}",
            )
        )
    return signals


def detect_case(case: Any) -> Iterable[DetectionSignal]:
    signals: list[DetectionSignal] = []
    for report in case.reports.prefetch_related("urls", "evidence"):
        for evidence in report.evidence.all():
            if evidence.kind == "image" and evidence.sha256:
                signals += _image_signals(case, report, evidence)
        signals += _url_signals(case, report)
        signals += _text_signals(case, report)
    return signals
