"""The evaluation workflow after submission: accept, assign, reconcile, decide, publish or return,
withdraw, expire. Each step checks its state, runs in one transaction and writes an audit row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.tasks import enqueue_on_commit
from copnet.core.workflow import Machine, Refusal, Transition, check

from .. import scoring
from ..choices import PUBLISHABLE_VERDICTS, EvaluationStatus, ScoreValue
from ..errors import EvaluationError, EvaluationErrorCode
from ..models import Assignment, Evaluation, EvaluationItem
from ..notifications import VENDOR_STATUSES
from .vendors import nfc

if TYPE_CHECKING:
    pass

S = EvaluationStatus
MIN_EVALUATORS = 2
MAX_VALIDITY_DAYS = 3 * 366


def require_manager(actor: User) -> None:
    if not has_perm(actor, Perm.MANAGE_EVALUATIONS):
        raise EvaluationError(EvaluationErrorCode.FORBIDDEN, _("You may not manage evaluations."))


def lock(evaluation: Evaluation, step: str | None = None, target: str | None = None) -> Evaluation:
    """The evaluation, locked for update. With `step`, `check()`s that this step of `EVALUATION`
    may be taken from its status (to `target`, or staying in it) and raises `TransitionError`
    otherwise; the step's conditions on the row are checked too."""
    locked = (
        Evaluation.objects.select_for_update().select_related("criteria_set").get(pk=evaluation.pk)
    )
    if step is not None:
        check(EVALUATION, locked.status, target or locked.status, name=step, context=locked)
    return locked


def transition(
    evaluation: Evaluation,
    target: str,
    *,
    actor: User | None,
    reason: str = "",
    step: str | None = None,
    **changes: Any,
) -> Evaluation:
    """Writes a status change that `EVALUATION` lists (`step` names an automatic one)."""
    before = evaluation.status
    check(EVALUATION, before, target, name=step)
    evaluation.status = target
    evaluation.save()
    record_change(
        actor=actor,
        action=AuditAction.TRANSITION,
        target=evaluation,
        changes={"status": [before, target], **changes},
        reason="evaluation status changed",
        note=reason,
    )
    if target in VENDOR_STATUSES:
        enqueue_on_commit("copnet.evaluations.tasks.notify_vendor_task", evaluation.pk)
    return evaluation


def do_accept(*, evaluation: Evaluation, actor: User) -> Evaluation:
    require_manager(actor)
    with transaction.atomic():
        locked = lock(evaluation, "accept", S.ACCEPTED)
        locked.accepted_at = timezone.now()
        return transition(locked, S.ACCEPTED, actor=actor)


def do_decline(*, evaluation: Evaluation, actor: User, reason: str) -> Evaluation:
    require_manager(actor)
    reason = nfc(reason)
    if not reason:
        raise EvaluationError(
            EvaluationErrorCode.REASON_REQUIRED, _("Give the vendor a reason."), "reason"
        )
    with transaction.atomic():
        locked = lock(evaluation, "decline", S.DECLINED)
        locked.status_reason = reason
        locked.closed_at = timezone.now()
        return transition(locked, S.DECLINED, actor=actor, reason=reason)


def check_independent(evaluation: Evaluation, evaluator: User) -> None:
    """Conflict of interest: nobody of the vendor's organisation, nor who submitted it."""
    if not evaluator.is_active or not has_perm(evaluator, Perm.EVALUATE_PRODUCTS):
        raise EvaluationError(
            EvaluationErrorCode.NOT_AN_EVALUATOR,
            _("This person is not an active evaluator."),
            "evaluator",
        )
    if (
        evaluator.organisation_id == evaluation.product.vendor.organisation_id
        or evaluator.pk == evaluation.submitted_by_id
    ):
        raise EvaluationError(
            EvaluationErrorCode.CONFLICT_OF_INTEREST,
            _(
                "Conflict of interest: an evaluator from the vendor's own organisation cannot "
                "evaluate its product."
            ),
            "evaluator",
        )


def do_assign(*, evaluation: Evaluation, evaluator: User, actor: User) -> Assignment:
    require_manager(actor)
    with transaction.atomic():
        locked = lock(evaluation, "assign")
        check_independent(locked, evaluator)
        if locked.assignments.filter(evaluator=evaluator).exists():
            raise EvaluationError(
                EvaluationErrorCode.ALREADY_ASSIGNED,
                _("This evaluator is already assigned."),
                "evaluator",
            )
        assignment = Assignment.objects.create(
            evaluation=locked, evaluator=evaluator, assigned_by=actor
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=assignment,
            changes={"evaluation": locked.pk, "evaluator": evaluator.email},
        )
        enqueue_on_commit("copnet.evaluations.tasks.notify_evaluator_task", assignment.pk)
        if locked.status == S.ACCEPTED and locked.assignments.count() >= MIN_EVALUATORS:
            transition(locked, S.IN_REVIEW, actor=actor, step="review")
    return assignment


def agreed_value(values: list[str]) -> str:
    return values[0] if values and len(set(values)) == 1 else ""


def start_reconciliation(evaluation: Evaluation, actor: User) -> None:
    """Criteria on which every evaluator agrees are settled; the others wait for reconciliation."""
    items = list(evaluation.items.prefetch_related("scores"))
    for item in items:
        item.final_value = agreed_value([s.value for s in item.scores.all()])
    EvaluationItem.objects.bulk_update(items, ["final_value"])
    transition(
        evaluation,
        S.RECONCILIATION,
        actor=actor,
        step="start_reconciliation",
        differences=[i.code for i in items if not i.final_value],
    )


def unreconciled(evaluation: Evaluation) -> list[EvaluationItem]:
    return list(evaluation.items.filter(final_value=""))


def do_reconcile(
    *, evaluation: Evaluation, item_id: int, value: str, note: str, actor: User
) -> EvaluationItem:
    require_manager(actor)
    note = nfc(note)
    if value not in ScoreValue.values:
        raise EvaluationError(
            EvaluationErrorCode.INVALID_SCORE, _("Choose a score from the list."), "value"
        )
    if not note:
        raise EvaluationError(
            EvaluationErrorCode.NOTE_REQUIRED, _("Explain how the difference was settled."), "note"
        )
    with transaction.atomic():
        locked = lock(evaluation, "reconcile")
        item = locked.items.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise EvaluationError(EvaluationErrorCode.NOT_FOUND, _("Not found."))
        before = item.final_value
        item.final_value, item.final_note, item.reconciled_by = value, note[:4000], actor
        item.save()
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"reconciled": item.code, "value": [before, value]},
            reason="score reconciled",
            note=note,
        )
    return item


def compute_result(evaluation: Evaluation) -> scoring.Result:
    items = list(evaluation.items.all())
    return scoring.result(
        [scoring.Scored(i.weight, i.mandatory, i.final_value) for i in items],
        recommended_min=evaluation.criteria_set.recommended_min,
        basics_min=evaluation.criteria_set.basics_min,
    )


def _reconciled(evaluation: Evaluation) -> Refusal | None:
    open_items = unreconciled(evaluation)
    if not open_items:
        return None
    return Refusal(
        EvaluationErrorCode.UNRECONCILED,
        _("The evaluators' differences on %(codes)s are not reconciled yet.")
        % {"codes": ", ".join(i.code for i in open_items)},
    )


def _publishable(evaluation: Evaluation) -> Refusal | None:
    if evaluation.verdict in PUBLISHABLE_VERDICTS:
        return None
    return Refusal(
        EvaluationErrorCode.NOT_PUBLISHABLE,
        _("A product that is not recommended is returned to its vendor, not published."),
    )


def _step(source: str, target: str, name: str, **extra: Any) -> Transition[Evaluation]:
    return Transition(source, target, name, permission=Perm.MANAGE_EVALUATIONS, **extra)


# The evaluation workflow as data (`core.workflow`). A step that keeps the status (assign,
# score, reconcile) is a transition to the same status; `automatic` ones follow from another
# step or the scheduler.
EVALUATION: Machine[Evaluation] = Machine(
    "evaluation",
    dict(S.choices),
    [
        _step(S.SUBMITTED, S.ACCEPTED, "accept"),
        _step(S.SUBMITTED, S.DECLINED, "decline"),
        _step(S.ACCEPTED, S.ACCEPTED, "assign"),
        _step(S.IN_REVIEW, S.IN_REVIEW, "assign"),
        Transition(S.ACCEPTED, S.IN_REVIEW, "review", automatic=True),
        Transition(S.IN_REVIEW, S.IN_REVIEW, "score", permission=Perm.EVALUATE_PRODUCTS),
        Transition(S.IN_REVIEW, S.RECONCILIATION, "start_reconciliation", automatic=True),
        _step(S.RECONCILIATION, S.RECONCILIATION, "reconcile"),
        _step(S.RECONCILIATION, S.DECIDED, "decide", when=(_reconciled,)),
        _step(S.DECIDED, S.PUBLISHED, "publish", when=(_publishable,)),
        _step(S.DECIDED, S.RETURNED, "return_to_vendor"),
        _step(S.PUBLISHED, S.WITHDRAWN, "withdraw"),
        Transition(S.PUBLISHED, S.SUPERSEDED, "supersede", automatic=True),
        Transition(S.PUBLISHED, S.EXPIRED, "expire", automatic=True),
    ],
    refused=lambda current, target: (
        _("This cannot be done while the evaluation is “%(status)s”.")
        % {"status": S(current).label}
    ),
)


def do_decide(*, evaluation: Evaluation, actor: User) -> Evaluation:
    require_manager(actor)
    with transaction.atomic():
        locked = lock(evaluation, "decide", S.DECIDED)
        result = compute_result(locked)
        locked.score, locked.mandatory_met, locked.verdict = (
            result.score,
            result.mandatory_met,
            result.verdict,
        )
        locked.decided_at = timezone.now()
        return transition(
            locked,
            S.DECIDED,
            actor=actor,
            score=result.score,
            mandatory_met=result.mandatory_met,
            verdict=result.verdict,
        )


def do_publish(
    *,
    evaluation: Evaluation,
    expires_on: dt.date,
    summary_vi: str,
    summary_en: str,
    actor: User,
) -> Evaluation:
    require_manager(actor)
    summary_vi, summary_en = nfc(summary_vi), nfc(summary_en)
    today = timezone.localdate()
    if not summary_vi:
        raise EvaluationError(
            EvaluationErrorCode.SUMMARY_REQUIRED,
            _("Write the public summary in Vietnamese."),
            "summary_vi",
        )
    if not today < expires_on <= today + dt.timedelta(days=MAX_VALIDITY_DAYS):
        raise EvaluationError(
            EvaluationErrorCode.BAD_EXPIRY,
            _("The result must expire after today and within three years."),
            "expires_on",
        )
    with transaction.atomic():
        locked = lock(evaluation)
        if locked.status == S.RECONCILIATION:  # say what is missing before the result
            check(EVALUATION, locked.status, S.DECIDED, name="decide", context=locked)
        check(EVALUATION, locked.status, S.PUBLISHED, context=locked)
        for older in Evaluation.objects.select_for_update().filter(
            product_id=locked.product_id, status=S.PUBLISHED
        ):
            older.closed_at = timezone.now()
            transition(older, S.SUPERSEDED, actor=actor, step="supersede", superseded_by=locked.pk)
        locked.summary_vi, locked.summary_en = summary_vi[:4000], summary_en[:4000]
        locked.expires_on = expires_on
        locked.published_at = timezone.now()
        return transition(locked, S.PUBLISHED, actor=actor, expires_on=expires_on)


def do_return(*, evaluation: Evaluation, findings: str, actor: User) -> Evaluation:
    require_manager(actor)
    findings = nfc(findings)
    if not findings:
        raise EvaluationError(
            EvaluationErrorCode.FINDINGS_REQUIRED,
            _("Write the findings the vendor must fix."),
            "findings",
        )
    with transaction.atomic():
        locked = lock(evaluation, "return_to_vendor", S.RETURNED)
        locked.findings = findings[:8000]
        locked.closed_at = timezone.now()
        return transition(locked, S.RETURNED, actor=actor)


def do_withdraw(*, evaluation: Evaluation, reason: str, actor: User) -> Evaluation:
    require_manager(actor)
    reason = nfc(reason)
    if not reason:
        raise EvaluationError(EvaluationErrorCode.REASON_REQUIRED, _("Give a reason."), "reason")
    with transaction.atomic():
        locked = lock(evaluation, "withdraw", S.WITHDRAWN)
        locked.status_reason = reason
        locked.closed_at = timezone.now()
        return transition(locked, S.WITHDRAWN, actor=actor, reason=reason)


def expire_evaluations(*, today: dt.date | None = None) -> int:
    """Published results past their expiry date leave the catalogue (the scheduler runs this)."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        for evaluation in Evaluation.objects.select_for_update().filter(
            status=S.PUBLISHED, expires_on__lt=today
        ):
            evaluation.closed_at = timezone.now()
            transition(
                evaluation, S.EXPIRED, actor=None, step="expire", expires_on=evaluation.expires_on
            )
            count += 1
    return count
