"""Labelled texts from analysts' decisions, to retrain the text classifier.

A case that was decided gives its texts (report descriptions and text evidence) a label:

- closed with a harmful outcome (anything but "not harmful" / "out of scope") → the score key
  of the case's final category (`CATEGORY_LABELS`); categories the classifier has no score for
  (privacy, violence, drugs, other) give no label;
- closed or rejected as "not harmful" → ``clean``;
- rejected as out of scope, merged → no label;
- still open, but a person accepted or rejected the category the classifier suggested
  (`cases.CategoryDecision`) → the score key of the category they chose.

Only texts leave: no reporter name or contact, no account names, no dates or references; e-mail
addresses, phone numbers and the report's own personal fields are masked inside the texts, and
cases (or reports) whose personal data were purged are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.cases.choices import OPEN_STATUSES, CaseStatus, Outcome
from copnet.cases.models import Case, CategoryDecision
from copnet.core.exports import csv_writer
from copnet.reports.models import Evidence, Report

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from copnet.accounts.principal import Principal

CLEAN = "clean"
CATEGORY_LABELS = {
    "csam": "sexual",
    "pornography": "sexual",
    "exploitation": "sexual",
    "grooming": "grooming",
    "sextortion": "grooming",
    "self_harm": "self_harm",
    "cyberbullying": "bullying",
    "scam_gambling": "scam_gambling",
}
"""COPNet harm category code → the classifier's label (`detection.text.train.SAFETY_CLASSES`)."""

NOT_HARMFUL = {Outcome.NOT_HARMFUL}
NO_LABEL_OUTCOMES = {Outcome.OUT_OF_SCOPE, ""}
MIN_CHARS = 3

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese and international phone numbers: 9-12 digits, optionally +84, spaces, dots, dashes.
PHONE = re.compile(r"(?<!\w)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\w)")


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: str
    category: str


@dataclass
class ExportSummary:
    rows: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    skipped_purged: int = 0
    skipped_conflicting: int = 0


def label_for(status: str, outcome: str, category_code: str) -> str | None:
    if status not in (CaseStatus.CLOSED, CaseStatus.REJECTED):
        return None
    if outcome in NOT_HARMFUL:
        return CLEAN
    if status != CaseStatus.CLOSED or outcome in NO_LABEL_OUTCOMES:
        return None
    return CATEGORY_LABELS.get(category_code)


def mask_personal(text: str, known: list[str]) -> str:
    """The text with e-mail addresses, phone numbers and the report's personal fields masked."""
    for value in sorted({k.strip() for k in known if len(k.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(value), "[…]", text, flags=re.IGNORECASE)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub("[phone]", text)


def _personal_values(report: Report) -> list[str]:
    values = [report.reporter_name, report.reporter_contact]
    handles = [h.strip() for h in re.split(r"[\n,;]+", report.account_handles or "")]
    values += handles + [h.lstrip("@") for h in handles]
    return [v for v in values if v]


def _add_case_texts(
    case: Case,
    label: str,
    category: str,
    seen: dict[str, LabelledText | None],
    summary: ExportSummary,
) -> None:
    """Each usable text of the case under `label`; a text seen with another label is dropped."""
    if case.purged_at is not None:
        summary.skipped_purged += 1
        return
    evidence_texts: dict[int, list[str]] = {}
    for report_id, text in Evidence.objects.filter(
        report__case=case, kind="text", purged_at__isnull=True
    ).values_list("report_id", "text"):
        evidence_texts.setdefault(report_id, []).append(text)
    for report in Report.objects.filter(case=case).order_by("pk"):
        if report.purged_at is not None:
            summary.skipped_purged += 1
            continue
        known = _personal_values(report)
        for raw in [report.description, *evidence_texts.get(report.pk, [])]:
            text = mask_personal((raw or "").strip(), known)
            if len(text) < MIN_CHARS:
                continue
            item = LabelledText(text, label, category)
            previous = seen.get(text, item)
            if previous is None or previous.label != label:
                if previous is not None:
                    summary.skipped_conflicting += 1
                seen[text] = None
                continue
            seen[text] = item


def labelled_texts(
    *, since: dt.date | None = None, summary: ExportSummary | None = None
) -> Iterator[LabelledText]:
    """Every usable (text, label, category), oldest decision first; identical texts once, and
    a text that analysts labelled differently in different cases not at all."""

    summary = summary if summary is not None else ExportSummary()
    cases = Case.objects.filter(
        status__in=(CaseStatus.CLOSED, CaseStatus.REJECTED), closed_at__isnull=False
    ).select_related("category")
    if since is not None:
        cases = cases.filter(closed_at__date__gte=since)
    seen: dict[str, LabelledText | None] = {}
    for case in cases.order_by("closed_at", "pk").iterator(chunk_size=500):
        label = label_for(case.status, case.outcome, case.category.code)
        if label is not None:
            _add_case_texts(case, label, case.category.code, seen, summary)
    # Open cases whose suggested category a person accepted or rejected: the category they
    # chose labels the texts (a decided case is labelled by its outcome above instead).
    decisions = CategoryDecision.objects.filter(case__status__in=OPEN_STATUSES).select_related(
        "case", "chosen"
    )
    if since is not None:
        decisions = decisions.filter(decided_at__date__gte=since)
    for decision in decisions.order_by("decided_at", "pk").iterator(chunk_size=500):
        label = CATEGORY_LABELS.get(decision.chosen.code)
        if label is not None:
            _add_case_texts(decision.case, label, decision.chosen.code, seen, summary)
    for item in seen.values():
        if item is not None:
            summary.rows += 1
            summary.labels[item.label] += 1
            yield item


def export_text_labels(
    *, out: SupportsWrite[str], since: dt.date | None = None, actor: Principal | None = None
) -> ExportSummary:
    """Writes CSV `text,label,category` (what `detection.text.train --extra` reads) and records
    the export in the audit trail. Cells are spreadsheet-safe (core.exports): a text that
    starts like a formula gets an apostrophe in front (`restore_cell` takes it off again)."""
    summary = ExportSummary()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["text", "label", "category"])
    for item in labelled_texts(since=since, summary=summary):
        writer.writerow([item.text, item.label, item.category])
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.EXPORT,
            target_type="banks.textlabels",
            changes={
                "rows": summary.rows,
                "labels": dict(summary.labels),
                "since": since.isoformat() if since else None,
            },
        )
    return summary
