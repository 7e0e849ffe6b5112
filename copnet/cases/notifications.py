"""E-mail to the organisations that must act. No personal data goes into an e-mail.

Each case's lead organisation is e-mailed once (`Case.notified_lead`). The mark is written only
after the e-mail went out, so a process dying in between sends it again on the next recovery
sweep rather than never (at least once). A case whose lead has no address is marked too: there
is nobody to retry for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.core.links import absolute_reverse
from copnet.network.models import ContactPoint

from .choices import EventKind, Priority
from .models import Case, CaseEvent

# Called with the P1 cases whose lead was just notified (filled in AppConfig.ready(): the alerts
# app's organisation webhooks), beside the e-mail.
P1_LISTENERS: list[Callable[[Sequence[Case]], object]] = []


class NotificationError(RuntimeError):
    pass


class _Recipients:
    """Addresses for a batch of cases, read once: lead contacts per organisation, coordinators."""

    def __init__(self, lead_ids: Iterable[int | None]) -> None:
        self.by_lead: dict[int, list[str]] = defaultdict(list)
        for org_id, email in (
            ContactPoint.objects.filter(organisation_id__in=set(lead_ids), is_primary=True)
            .exclude(email="")
            .values_list("organisation_id", "email")
        ):
            self.by_lead[org_id].append(email)
        self._coordinators: list[str] | None = None

    def coordinators(self) -> list[str]:
        if self._coordinators is None:
            self._coordinators = list(
                User.objects.filter(role=Role.COORDINATOR, is_active=True).values_list(
                    "email", flat=True
                )
            )
        return self._coordinators

    def __call__(self, case: Case) -> list[str]:
        emails = list(self.by_lead.get(case.lead_org_id or 0, []))
        if case.priority == Priority.P1:
            emails += self.coordinators()
        return sorted(set(emails))


def recipients_for(case: Case) -> list[str]:
    return _Recipients([case.lead_org_id or 0])(case)


def _send(case: Case, recipients: list[str]) -> int:
    lead = case.lead_org
    if lead is None:
        return 0
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
            "url": absolute_reverse("cases:detail", case.reference),
        }
    sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    with transaction.atomic():
        marked = (
            Case.objects.filter(pk=case.pk, lead_org=lead)
            .exclude(notified_lead=lead)
            .update(notified_lead=lead, notified_at=timezone.now())
        )
        if marked:
            CaseEvent.objects.create(
                case=case,
                kind=EventKind.NOTIFIED,
                actor_label="system",
                data={"lead": lead.code, "recipients": len(recipients)},
            )
    case.notified_lead = lead
    return sent


def notify_assignments_now(cases: Iterable[Case]) -> int:
    """E-mail the lead of every case not yet notified for its current lead; returns how many
    e-mails went out. Cases with nobody to write to are marked with one statement per lead."""
    pending = [c for c in cases if c.lead_org_id and c.notified_lead_id != c.lead_org_id]
    if not pending:
        return 0
    recipients = _Recipients(case.lead_org_id for case in pending)
    sent = 0
    nobody: dict[int, list[int]] = defaultdict(list)
    for case in pending:
        if addresses := recipients(case):
            sent += _send(case, addresses)
        elif case.lead_org_id is not None:  # always: pending cases have a lead
            nobody[case.lead_org_id].append(case.pk)
    now = timezone.now()
    for lead_id, ids in nobody.items():
        Case.objects.filter(pk__in=ids, lead_org_id=lead_id).exclude(
            notified_lead_id=lead_id
        ).update(notified_lead_id=lead_id, notified_at=now)
    urgent = [case for case in pending if case.priority == Priority.P1]
    for listener in P1_LISTENERS if urgent else []:
        listener(urgent)
    return sent


def notify_escalation_to_p1(case: Case) -> None:
    """A case raised to P1 after its lead was notified: the P1 listeners (organisation webhooks,
    each once per case) hear of it. A lead not yet notified hears of it with the assignment."""
    if case.priority == Priority.P1 and case.lead_org_id == case.notified_lead_id:
        for listener in P1_LISTENERS:
            listener([case])


def notify_assignment(case: Case) -> int:
    """One case (see notify_assignments_now)."""
    return notify_assignments_now([case])
