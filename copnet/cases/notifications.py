"""E-mail to the organisations that must act. No personal data goes into an e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.network.models import ContactPoint

from .choices import EventKind, Priority
from .models import Case, CaseEvent


def recipients_for(case: Case) -> list[str]:
    emails = list(
        ContactPoint.objects.filter(organisation=case.lead_org, is_primary=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if case.priority == Priority.P1:
        emails += list(
            User.objects.filter(role=Role.COORDINATOR, is_active=True).values_list(
                "email", flat=True
            )
        )
    return sorted(set(emails))


def notify_assignment(case: Case) -> int:
    """Send the assignment e-mail once per lead organisation (idempotent on retries)."""
    if case.lead_org is None:
        return 0
    already = CaseEvent.objects.filter(
        case=case, kind=EventKind.NOTIFIED, data__lead=case.lead_org.code
    ).exists()
    recipients = recipients_for(case)
    if already or not recipients:
        return 0
    with translation.override("vi"):
        subject = _("[COPNet] New case %(reference)s (%(priority)s) for %(organisation)s") % {
            "reference": case.reference,
            "priority": case.get_priority_display(),
            "organisation": case.lead_org.abbreviation,
        }
        body = _(
            "A case has been assigned to your organisation.\n\n"
            "Reference: %(reference)s\nCategory: %(category)s\nPriority: %(priority)s\n"
            "Act by: %(due)s\n\nOpen it in COPNet: %(url)s\n"
        ) % {
            "reference": case.reference,
            "category": case.category.name,
            "priority": case.get_priority_display(),
            "due": case.action_due.strftime("%d/%m/%Y %H:%M UTC"),
            "url": f"{settings.SITE_URL.rstrip('/')}/staff/cases/{case.reference}/",
        }
    sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.NOTIFIED,
        actor_label="system",
        data={"lead": case.lead_org.code, "recipients": len(recipients)},
    )
    return sent
