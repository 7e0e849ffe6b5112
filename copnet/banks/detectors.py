"""The detection step of triage: run a case's evidence through the engine, keep the hits.

Registered in `cases.triage.DETECTORS` by this app. Idempotent: a hit is stored once per case
and key, so triage can run again safely.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings

from copnet.cases.choices import Priority
from copnet.cases.triage import DetectionSignal
from copnet.reports.evidence import evidence_store, inspect_image
from copnet.reports.models import Evidence, Report, ReportUrl
from copnet.taxonomy.choices import Severity

from .choices import BankKind, HitKind
from .matches import VideoHashMatch
from .models import DetectionHit
from .safety import check_floods
from .services import apply_allow_banks, classify_texts, match_hashes, match_urls
from .video import explanation

if TYPE_CHECKING:
    from copnet.cases.models import Case

    from .services import HashMatch

logger = logging.getLogger(__name__)

# keyed by the stored `Category.severity` (a plain str column holding a Severity value)
SEVERITY_RAISE: dict[str, Priority] = {
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


class _Found:
    """Hits to store and signals to return, per case, for one batch."""

    def __init__(self, cases: Sequence[Case]) -> None:
        self.hits: list[DetectionHit] = []
        self.signals: dict[int, list[DetectionSignal]] = {case.pk: [] for case in cases}

    def add(self, report: Report, key: str, signal: DetectionSignal | None, **fields: Any) -> None:
        """A hit, and its signal to triage (None: kept to explain, raises nothing)."""
        self.hits.append(
            DetectionHit(case_id=report.case_id, report=report, key=key[:200], **fields)
        )
        if signal is not None:
            self.signals[report.case_id].append(signal)


def _image_queries(evidence: Evidence) -> list[tuple[str, str]]:
    queries: list[tuple[str, str]] = [("md5", evidence.md5), ("sha256", evidence.sha256)]
    if evidence.kind == "video":
        # the file's digests, and its frames against video and image banks (`video.py`)
        return queries + ([("vpdq", evidence.vpdq)] if evidence.vpdq else [])
    if (evidence.pdq_quality or 0) >= settings.PDQ_MIN_QUALITY:
        variants = [evidence.pdq]
        if evidence.blob_path:  # the picture is at hand: also match its mirrored/rotated forms
            try:
                variants = (
                    list(inspect_image(evidence_store().read(evidence.blob_path)).pdq_dihedral)
                    or variants
                )
            except Exception:  # a file that cannot be read again still has its stored hash
                logger.warning("could not re-read evidence %s for dihedral hashing", evidence.pk)
        queries += [("pdq", v) for v in dict.fromkeys(variants) if v]
    return queries


def _image_signals(reports: list[Report], found: _Found) -> None:
    owners, queries = [], []
    for report in reports:
        for evidence in report.evidence.all():
            if evidence.kind in ("image", "video") and evidence.sha256:
                for query in _image_queries(evidence):
                    owners.append((report, evidence, query[0]))
                    queries.append(query)
    if not queries:
        return
    per_item: dict[int, list[tuple[Report, str, HashMatch]]] = {}
    for (report, evidence, signal_type), matches in zip(owners, match_hashes(queries), strict=True):
        for match in matches:
            if match.entry.confirmed_case_id == report.case_id:
                continue  # confirmed from this very case: not news about it
            per_item.setdefault(evidence.pk, []).append((report, signal_type, match))
    evidence_by_pk = {evidence.pk: evidence for _r, evidence, _s in owners}
    for evidence_pk, found_here in per_item.items():
        # An allow bank's match of this item cancels its matches in the other banks.
        judged = apply_allow_banks([match for _r, _s, match in found_here])
        for (report, signal_type, _m), match in zip(found_here, judged, strict=True):
            if match.entry.bank.kind == BankKind.ALLOW:
                continue  # the allow bank's own match is the reason, not a hit
            _hash_hit(found, report, evidence_by_pk[evidence_pk], signal_type, match)


def _hash_hit(
    found: _Found, report: Report, evidence: Evidence, signal_type: str, match: HashMatch
) -> None:
    bank = match.entry.bank
    known = bank.kind == BankKind.KNOWN_ABUSE
    label = f"{bank.name} ({signal_type})"
    said = f"{signal_type} in bank {bank.name}, distance {match.distance}"
    video: dict[str, Any] = {}
    if isinstance(match, VideoHashMatch):
        video = explanation(match)
        label = f"{bank.name} ({signal_type} → {match.entry.signal_type})"
        said = (
            f"video frames in bank {bank.name} ({match.entry.signal_type} entry "
            f"{match.entry.pk}): {video['query_pct']}% of the video's frames matched, "
            f"{video['target_pct']}% of the entry's; nearest frame distance {match.distance}"
        )
    signal = None
    if not match.suppressed_by:
        signal = DetectionSignal(
            source="hash",
            raise_to=Priority.P1 if known else Priority.P2,
            suggested_category="csam" if known else None,
            keep_blurred=known,
            explanation=said,
        )
    found.add(
        report,
        f"hash:{evidence.pk}:{match.entry.pk}",
        signal,
        evidence=evidence,
        kind=HitKind.VIDEO if evidence.kind == "video" else HitKind.HASH,
        bank_entry=match.entry,
        distance=match.distance,
        video=video,
        label=label[:200],
        suggested_category="" if match.suppressed_by or not known else "csam",
        suppressed_by=match.suppressed_by,
    )


def _url_signals(reports: list[Report], found: _Found) -> None:
    owners = [(report, u.normalised) for report in reports for u in report.urls.all()]
    if not owners:
        return
    matched = match_urls([url for _report, url in owners], skip_invalid=True)
    for (report, _url), entries in zip(owners, matched, strict=True):
        for entry in entries:
            category = entry.url_list.category
            found.add(
                report,
                f"url:{report.pk}:{entry.pk}",
                DetectionSignal(
                    source="url",
                    raise_to=SEVERITY_RAISE[category.severity],
                    suggested_category=category.code,
                    explanation=f"address in list {entry.url_list.name}",
                ),
                kind=HitKind.URL,
                url_entry=entry,
                label=f"{entry.url_list.name}: {entry.pattern}"[:200],
                suggested_category=category.code,
            )


def _text_signals(reports: list[Report], found: _Found) -> None:
    owners, texts = [], []
    for report in reports:
        report_texts = [report.description] + [
            e.text for e in report.evidence.all() if e.kind == "text"
        ]
        for index, text in enumerate(t for t in report_texts if t):
            owners.append((report, index))
            texts.append(text)
    if not texts:
        return
    for (report, index), result in zip(owners, classify_texts(texts), strict=True):
        flagged = {k: v for k, v in result.scores.items() if v >= settings.TEXT_FLAG_SCORE}
        if not flagged:
            continue
        top = max(flagged, key=lambda k: flagged[k])
        spans = [{"start": s.start, "end": s.end, "category": s.category} for s in result.spans]
        found.add(
            report,
            f"text:{report.pk}:{index}",
            DetectionSignal(
                source="text",
                raise_to=TEXT_RAISE.get(top),
                suggested_category=result.suggested_category or None,
                explanation=f"text: {top} {flagged[top]:.2f}",
            ),
            kind=HitKind.TEXT,
            label=top,
            scores={k: round(v, 3) for k, v in result.scores.items()},
            spans=spans[:50],
            suggested_category=result.suggested_category or "",
        )


def _reports_of(cases: Sequence[Case]) -> list[Report]:
    from django.db.models import Prefetch

    # Only what detection reads: every other personal field is encrypted and would be
    # decrypted for nothing (reporter contact, account names, the address as typed).
    evidence = Evidence.objects.only(
        "pk",
        "report_id",
        "kind",
        "text",
        "md5",
        "sha256",
        "pdq",
        "pdq_quality",
        "blob_path",
        "vpdq",
    )
    return list(
        Report.objects.filter(case__in=[case.pk for case in cases])
        .only("pk", "case_id", "description")
        .order_by("pk")
        .prefetch_related(
            Prefetch("urls", ReportUrl.objects.only("pk", "report_id", "normalised")),
            Prefetch("evidence", evidence),
        )
    )


def detect_cases(cases: Sequence[Case]) -> dict[int, list[DetectionSignal]]:
    """Signals per case for a batch: one engine query per signal type for the whole batch."""
    found = _Found(cases)
    reports = _reports_of(cases)
    _image_signals(reports, found)
    _url_signals(reports, found)
    _text_signals(reports, found)
    _store(found)
    return found.signals


def _store(found: _Found) -> None:
    DetectionHit.objects.bulk_create(found.hits, ignore_conflicts=True, batch_size=500)
    check_floods(hit.bank_entry_id for hit in found.hits if hit.bank_entry_id)


def record_bank_hits(cases: Sequence[Case]) -> None:
    """Hash and address hits of cases that triage no longer handles (closed, rejected,
    merged), stored as triage stores them; the cases themselves are left as they are. Used by
    retroactive matching (`retro.py`)."""
    found = _Found(cases)
    reports = _reports_of(cases)
    _image_signals(reports, found)
    _url_signals(reports, found)
    _store(found)
