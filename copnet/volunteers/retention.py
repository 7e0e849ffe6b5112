"""Retention of volunteer applications and of departed volunteers' accounts.

After APPLICATION_RETENTION_DAYS: an application that was refused, or whose question was never
answered, or that of a volunteer who left the network, keeps only what the counts need
(province, background, skills, hours, status, dates); the guardian's consent is deleted. A
volunteer who left keeps their hours and history under a pseudonym: the account's e-mail and
name, the date of birth, the status reason and their report-back texts are erased.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from copnet.audit.models import AuditEvent
from copnet.audit.services import erase_personal_values

from .choices import ApplicationStatus, VolunteerStatus
from .models import Application, Assignment, GuardianConsent, Task, Volunteer


def _cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.APPLICATION_RETENTION_DAYS)


def purge_applications(*, now: dt.datetime) -> int:
    """Erase the personal data of applications closed long enough ago; returns how many."""
    cutoff = _cutoff(now)
    closed = Q(
        status__in=[ApplicationStatus.REJECTED, ApplicationStatus.MORE_INFO],
        reviewed_at__lt=cutoff,
    ) | Q(
        status=ApplicationStatus.ACCEPTED,
        volunteer__status=VolunteerStatus.OFFBOARDED,
        volunteer__status_changed_at__lt=cutoff,
    )
    ids = list(
        Application.objects.filter(closed, purged_at__isnull=True).values_list("pk", flat=True)
    )
    with transaction.atomic():
        GuardianConsent.objects.filter(application_id__in=ids).delete()
        Application.objects.filter(pk__in=ids).update(
            full_name="",
            email="",
            email_key="",
            phone="",
            date_of_birth=None,
            organisation_name="",
            motivation="",
            decision_reason="",
            applicant_reply="",
            reply_token_hash="",
            purged_at=now,
        )
        erase_personal_values(
            AuditEvent.objects.filter(
                target_type="volunteers.application", target_id__in=[str(i) for i in ids]
            )
        )
    return len(ids)


def pseudonym(volunteer: Volunteer) -> str:
    return f"former-volunteer-{volunteer.pk}@volunteers.invalid"


def pseudonymise_departed_volunteers(*, now: dt.datetime) -> int:
    """Replace the identity of volunteers who left before the cutoff; returns how many."""
    from copnet.cases.models import CaseEvent

    done = 0
    departed = Volunteer.objects.filter(
        status=VolunteerStatus.OFFBOARDED,
        status_changed_at__lt=_cutoff(now),
        purged_at__isnull=True,
    ).select_related("user")
    for volunteer in departed:
        with transaction.atomic():
            user, label = volunteer.user, pseudonym(volunteer)
            user.email, user.full_name, user.is_active = label, "", False
            user.set_unusable_password()
            user.save(update_fields=["email", "full_name", "is_active", "password"])
            Volunteer.objects.filter(pk=volunteer.pk).update(
                date_of_birth=None, status_reason="", purged_at=now
            )
            Assignment.objects.filter(volunteer=volunteer).update(outcome="", url_results={})
            CaseEvent.objects.filter(actor=user).update(actor_label=label)
            erase_personal_values(
                AuditEvent.objects.filter(actor_id=user.pk),
                note=False,
                origin=True,
                actor_label=label,
            )
            erase_personal_values(
                AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk)),
                note=False,
                target_repr=label,
            )
            erase_personal_values(
                AuditEvent.objects.filter(
                    target_type="volunteers.volunteer", target_id=str(volunteer.pk)
                )
            )
        done += 1
    return done


def erase_for_case(case: Any) -> dict[str, list[Any]]:
    """The case's volunteer tasks and their outcomes (registered in VolunteersConfig.ready()
    into `cases.privacy.CASE_ERASERS`); returns the audit targets touched."""
    tasks = Task.objects.filter(case=case)
    tasks.update(title="", question="", urls=[])
    assignments = Assignment.objects.filter(task__case=case)
    assignments.update(outcome="", url_results={})
    return {
        "volunteers.task": list(tasks.values_list("pk", flat=True)),
        "volunteers.assignment": list(assignments.values_list("pk", flat=True)),
    }
