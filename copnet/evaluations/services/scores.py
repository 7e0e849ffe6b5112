"""Evaluators score the criteria of the evaluations they are assigned to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from .. import files
from ..choices import ScoreValue
from ..errors import EvaluationError, EvaluationErrorCode
from ..models import Assignment, Evaluation, Score, ScoreEvidence
from .vendors import nfc
from .workflow import MIN_EVALUATORS, lock, start_reconciliation

if TYPE_CHECKING:
    from copnet.accounts.models import User


@dataclass(frozen=True)
class ScoreEntry:
    item_id: int
    value: str
    note: str = ""
    document_id: int | None = None
    filename: str = ""
    data: bytes = b""


def assignment_of(evaluation: Evaluation, actor: User) -> Assignment:
    """The actor's own assignment on this evaluation; nobody else may score it."""
    assignment = (
        evaluation.assignments.filter(evaluator_id=getattr(actor, "pk", None)).first()
        if getattr(actor, "is_authenticated", False)
        else None
    )
    if assignment is None:
        raise EvaluationError(
            EvaluationErrorCode.NOT_ASSIGNED, _("You are not assigned to this evaluation.")
        )
    return assignment


def _check_entries(evaluation: Evaluation, assignment: Assignment, entries: list[ScoreEntry]):
    items = {i.pk: i for i in evaluation.items.all()}
    documents = set(evaluation.documents.values_list("pk", flat=True))
    with_evidence = set(
        ScoreEvidence.objects.filter(score__assignment=assignment).values_list(
            "score__item_id", flat=True
        )
    )
    checked = []
    for entry in entries:
        item = items.get(entry.item_id)
        if item is None:
            raise EvaluationError(
                EvaluationErrorCode.NOT_FOUND, _("This criterion is not part of the evaluation.")
            )
        if entry.value not in ScoreValue.values:
            raise EvaluationError(
                EvaluationErrorCode.INVALID_SCORE,
                _("“%(value)s” is not a score. Choose met, partly met, not met or not applicable.")
                % {"value": str(entry.value)[:20]},
                item.code,
            )
        if entry.document_id is not None and entry.document_id not in documents:
            raise EvaluationError(
                EvaluationErrorCode.NOT_FOUND, _("This document is not part of the evaluation.")
            )
        upload = files.check_document(entry.data, entry.filename) if entry.data else None
        proven = entry.document_id is not None or upload is not None or item.pk in with_evidence
        if item.mandatory and entry.value in (ScoreValue.MET, ScoreValue.PARTLY) and not proven:
            raise EvaluationError(
                EvaluationErrorCode.EVIDENCE_REQUIRED,
                _(
                    "%(code)s is mandatory: attach an evidence file or pick the vendor document "
                    "that proves it."
                )
                % {"code": item.code},
                item.code,
            )
        if entry.value == ScoreValue.NOT_APPLICABLE and item.mandatory and not nfc(entry.note):
            raise EvaluationError(
                EvaluationErrorCode.NOTE_REQUIRED,
                _("%(code)s is mandatory: say why it does not apply.") % {"code": item.code},
                item.code,
            )
        checked.append((item, entry, upload))
    return checked


def do_save_scores(*, evaluation: Evaluation, entries: list[ScoreEntry], actor: User) -> int:
    """Save some or all scores of the actor's assignment; all entries or none."""
    assignment = assignment_of(evaluation, actor)
    paths: list[str] = []
    try:
        with transaction.atomic():
            locked = lock(evaluation, "score")
            assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
            if assignment.submitted_at is not None:
                raise EvaluationError(
                    EvaluationErrorCode.ALREADY_SUBMITTED,
                    _("You have already finished scoring this evaluation."),
                )
            checked = _check_entries(locked, assignment, entries)
            for item, entry, upload in checked:
                score, _created = Score.objects.update_or_create(
                    assignment=assignment,
                    item=item,
                    defaults={
                        "value": entry.value,
                        "note": nfc(entry.note)[:4000],
                        "document_id": entry.document_id,
                    },
                )
                if upload is not None:
                    path = files.store(upload)
                    paths.append(path)
                    ScoreEvidence.objects.create(
                        score=score,
                        filename=upload.filename,
                        mime=upload.mime,
                        size=len(upload.data),
                        sha256=upload.sha256,
                        blob_path=path,
                        uploaded_by=actor,
                    )
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=locked,
                changes={"scored": {item.code: entry.value for item, entry, _ in checked}},
            )
    except BaseException:
        for path in paths:
            files.delete(path)
        raise
    return len(entries)


def do_finish_scoring(*, evaluation: Evaluation, actor: User) -> Assignment:
    """The evaluator is done; when every assigned evaluator is, reconciliation starts."""
    assignment = assignment_of(evaluation, actor)
    with transaction.atomic():
        locked = lock(evaluation, "score")
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.submitted_at is not None:
            raise EvaluationError(
                EvaluationErrorCode.ALREADY_SUBMITTED,
                _("You have already finished scoring this evaluation."),
            )
        missing = locked.items.exclude(scores__assignment=assignment).values_list("code", flat=True)
        if missing:
            raise EvaluationError(
                EvaluationErrorCode.INCOMPLETE,
                _("Score every criterion first. Missing: %(codes)s.")
                % {"codes": ", ".join(missing)},
            )
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        record_change(
            actor=actor, action=AuditAction.UPDATE, target=locked, changes={"finished": actor.email}
        )
        assignments = list(locked.assignments.all())
        if len(assignments) >= MIN_EVALUATORS and all(a.submitted_at for a in assignments):
            start_reconciliation(locked, actor)
    return assignment
