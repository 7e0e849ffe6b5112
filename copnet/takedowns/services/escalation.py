"""The escalation ladder of removal requests, and the e-mails about them (core.mail outbox).

Step 1: the Network's coordinators, when the deadline passes without removal. Step 2: the case's
lead organisation (the competent authority in whose name the request is made), when the content
is still not removed `TAKEDOWN_ESCALATE_LEAD_AFTER_HOURS` after step 1. Each step is claimed
with a conditional UPDATE (written once, however often the sweep runs), audited and e-mailed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email
from copnet.network.models import ContactPoint

from ..choices import EscalationLevel, FollowUpKind
from ..models import FollowUp, RemovalRequest


def queue_about(
    key: str, to: list[str], subject: str, body: str, row: RemovalRequest, **extra: Any
) -> int:
    """One e-mail about `row` through the outbox (once per `key` and request)."""
    if not to:
        return 0
    values = {
        "reference": row.reference,
        "platform": row.platform.name,
        "case": row.case.reference,
        "url": absolute_reverse("takedowns:detail", row.reference),
        "renotices": row.renotice_count,
        **extra,
    }
    with translation.override("vi"):
        queued = queue_email(
            key=f"takedowns.{key}:{row.reference}",
            to=to,
            subject=_(subject) % values,
            body=(_(body) % values) + "\n\n" + values["url"],
        )
    return int(queued is not None)


def coordinator_emails() -> list[str]:
    return sorted(
        set(
            User.objects.filter(role=Role.COORDINATOR, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def lead_authority_emails(row: RemovalRequest) -> list[str]:
    """The lead organisation's primary contact points, else its active people who may act."""
    lead_id = row.case.lead_org_id
    if lead_id is None:
        return []
    contacts = list(
        ContactPoint.objects.filter(organisation_id=lead_id, is_primary=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if contacts:
        return sorted(set(contacts))
    people = User.objects.filter(
        organisation_id=lead_id, is_active=True, role__in=[Role.OFFICER, Role.ANALYST]
    ).exclude(email="")
    return sorted(set(people.values_list("email", flat=True)))


def notify_coordinators(
    key: str, subject: str, body: str, row: RemovalRequest, **extra: Any
) -> int:
    """Queue one e-mail to the coordinators about `row` (once per `key` and request)."""
    return queue_about(key, coordinator_emails(), subject, body, row, **extra)


STEPS: dict[int, tuple[str, str, str, str]] = {
    # level: (e-mail key, subject, body, audit reason)
    EscalationLevel.COORDINATOR: (
        "overdue",
        gettext_noop("[COPNet] Removal request %(reference)s is overdue"),
        gettext_noop(
            "%(platform)s did not remove the content of request %(reference)s (case "
            "%(case)s) before its deadline. The request is escalated to the coordinators; the "
            "platform is sent the notice again until the content is gone (re-notices so far: "
            "%(renotices)s)."
        ),
        "deadline passed without removal; escalated to the coordinators",
    ),
    EscalationLevel.LEAD_AUTHORITY: (
        "escalation-lead",
        gettext_noop("[COPNet] Removal request %(reference)s: the platform still has not acted"),
        gettext_noop(
            "%(platform)s has still not removed the content of request %(reference)s (case "
            "%(case)s), %(hours)s hours after the coordinators were told, and after "
            "%(renotices)s re-notices. As the lead authority of the case, please take the "
            "matter up with the platform."
        ),
        "still not removed; escalated to the lead authority",
    ),
}


def escalate(row: RemovalRequest, level: int, now: dt.datetime) -> bool:
    """Take ladder step `level` (from the step below it), once. Call inside a transaction."""
    claimed = RemovalRequest.objects.filter(pk=row.pk, escalation_level=level - 1).update(
        escalation_level=level, escalated_at=now
    )
    if claimed != 1:
        return False
    row.escalation_level, row.escalated_at = level, now
    FollowUp.objects.get_or_create(
        request=row, kind=FollowUpKind.ESCALATION, number=level, defaults={"at": now}
    )
    key, subject, body, reason = STEPS[level]
    record(
        actor=None,
        action=AuditAction.UPDATE,
        target=row,
        changes={"escalation_level": [level - 1, level], "renotices": row.renotice_count},
        reason=reason,
    )
    if level == EscalationLevel.COORDINATOR:
        notify_coordinators(key, subject, body, row)
    else:
        hours = settings.TAKEDOWN_ESCALATE_LEAD_AFTER_HOURS
        to = lead_authority_emails(row) or coordinator_emails()
        queue_about(key, to, subject, body, row, hours=hours)
    return True


def escalate_if_due(row: RemovalRequest, now: dt.datetime) -> int | None:
    """The next ladder step, if it is due at `now` (None when none is)."""
    with transaction.atomic():
        level = row.escalation_level
        if level == EscalationLevel.NONE and row.deadline is not None and row.deadline <= now:
            return level + 1 if escalate(row, level + 1, now) else None
        wait = dt.timedelta(hours=settings.TAKEDOWN_ESCALATE_LEAD_AFTER_HOURS)
        if (
            level == EscalationLevel.COORDINATOR
            and row.escalated_at is not None
            and row.escalated_at + wait <= now
        ):
            return level + 1 if escalate(row, level + 1, now) else None
    return None
