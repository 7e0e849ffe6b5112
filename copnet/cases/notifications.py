"""E-mail to the organisations that must act. No personal data goes into an e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
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


class NotificationError(RuntimeError):
    pass


def notify_assignment(case: Case) -> int:
    """Send the assignment e-mail once per lead organisation; returns how many were sent.

    The case is marked (`notified_lead`) only after the e-mail went out, so a process dying in
    between sends it again on the next sweep rather than never (at least once). A case whose
    lead has no address is marked too: there is nobody to retry for."""
    lead = case.lead_org
    if lead is None or case.notified_lead_id == lead.pk:
        return 0
    recipients = recipients_for(case)
    sent = 0
    if recipients:
        with translation.override("vi"):
            subject = _("[COPNet] New case %(reference)s (%(priority)s) for %(organisation)s") % {
                "reference": case.reference,
                "priority": case.get_priority_display(),
                "organisation": lead.abbreviation,
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
    with transaction.atomic():
        marked = (
            Case.objects.filter(pk=case.pk, lead_org=lead)
            .exclude(notified_lead=lead)
            .update(notified_lead=lead, notified_at=timezone.now())
        )
        if marked and recipients:
            CaseEvent.objects.create(
                case=case,
                kind=EventKind.NOTIFIED,
                actor_label="system",
                data={"lead": lead.code, "recipients": len(recipients)},
            )
    case.notified_lead = lead
    return sent
