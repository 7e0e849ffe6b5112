"""E-mails about evaluations: to managers (new request), evaluators (assignment) and vendors
(a decision). Each is queued once (the row records it) in the transaction that marks it,
and `core.mail` sends it after commit, with retries."""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email

from .choices import EvaluationStatus
from .models import Assignment, Evaluation

VENDOR_STATUSES = {
    EvaluationStatus.ACCEPTED,
    EvaluationStatus.DECLINED,
    EvaluationStatus.PUBLISHED,
    EvaluationStatus.RETURNED,
    EvaluationStatus.WITHDRAWN,
    EvaluationStatus.EXPIRED,
}


def _send(key: str, subject: str, body: str, recipients: list[str]) -> int:
    """Queue the e-mail in the caller's transaction (core.mail sends and retries it); 1 when
    there was somebody to write to."""
    return int(queue_email(key=key, to=recipients, subject=subject, body=body) is not None)


def notify_managers(evaluation_id: int) -> int:
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().filter(pk=evaluation_id).first()
        if evaluation is None or evaluation.managers_notified_at is not None:
            return 0
        recipients = sorted(
            User.objects.filter(role=Role.COORDINATOR, is_active=True).values_list(
                "email", flat=True
            )
        )
        with translation.override("vi"):
            sent = _send(
                f"evaluations.managers:{evaluation.pk}",
                _("[COPNet] New evaluation request %(reference)s")
                % {"reference": evaluation.reference},
                _("A vendor asks for an evaluation of a product.\n\nOpen it in COPNet: %(url)s\n")
                % {"url": absolute_reverse("evaluations:detail", evaluation.pk)},
                recipients,
            )
        evaluation.managers_notified_at = timezone.now()
        evaluation.save(update_fields=["managers_notified_at"])
    return sent


def notify_evaluator(assignment_id: int) -> int:
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("evaluator", "evaluation")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None or assignment.notified_at is not None:
            return 0
        evaluator = assignment.evaluator
        with translation.override(evaluator.language or "vi"):
            sent = _send(
                f"evaluations.evaluator:{assignment.pk}",
                _("[COPNet] You are asked to evaluate %(reference)s")
                % {"reference": assignment.evaluation.reference},
                _("You have been assigned as an evaluator.\n\nOpen it in COPNet: %(url)s\n")
                % {"url": absolute_reverse("evaluations:detail", assignment.evaluation_id)},
                [evaluator.email] if evaluator.is_active else [],
            )
        assignment.notified_at = timezone.now()
        assignment.save(update_fields=["notified_at"])
    return sent


def notify_vendor(evaluation_id: int) -> int:
    """Tell the vendor's accounts that their evaluation reached a new status (once per status)."""
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("product__vendor")
            .filter(pk=evaluation_id)
            .first()
        )
        if (
            evaluation is None
            or evaluation.status not in VENDOR_STATUSES
            or evaluation.vendor_notified_status == evaluation.status
        ):
            return 0
        recipients = sorted(
            User.objects.filter(
                organisation_id=evaluation.product.vendor.organisation_id,
                role=Role.VENDOR,
                is_active=True,
            ).values_list("email", flat=True)
        )
        with translation.override("vi"):
            sent = _send(
                # A status can come back (returned, resubmitted, returned): vendor_notified_status
                # guards against twice, the time keeps each return its own e-mail.
                f"evaluations.vendor:{evaluation.pk}:{evaluation.status}:{time.time():.6f}",
                _("[COPNet] Evaluation %(reference)s of %(product)s: %(status)s")
                % {
                    "reference": evaluation.reference,
                    "product": evaluation.product.name,
                    "status": evaluation.get_status_display(),
                },
                _("The evaluation of your product has a new status.\n\nSee it in COPNet: %(url)s\n")
                % {"url": absolute_reverse("ecosystem:vendor_evaluation", evaluation.pk)},
                recipients,
            )
        evaluation.vendor_notified_status = evaluation.status
        evaluation.save(update_fields=["vendor_notified_status"])
    return sent
