"""Every (from, to) that the volunteer network's machines do not list is refused with
`invalid_transition`, and nothing changes (applications, volunteers, tasks, assignments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model

from copnet.audit.models import AuditEvent
from copnet.core.workflow import INVALID_TRANSITION, Machine, TransitionError, check
from copnet.volunteers.choices import (
    ApplicationStatus,
    AssignmentStatus,
    TaskStatus,
    VolunteerStatus,
)
from copnet.volunteers.models import Assignment, Task, Volunteer
from copnet.volunteers.services import applications, membership, work
from copnet.volunteers.workflow import APPLICATION, ASSIGNMENT, TASK, VOLUNTEER

from .factories import make_application, make_task

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]


def manual_pairs(machine: Machine[Any]) -> set[tuple[str, str]]:
    return {(t.source, t.target) for t in machine.transitions if not t.automatic}


def refuses_every_other_pair(
    machine: Machine[Any],
    row: Model,
    source: str,
    attempt: Callable[[str], object],
) -> list[str]:
    """The targets refused from `source` (each with the error and nothing changed)."""
    refused = []
    type(row).objects.filter(pk=row.pk).update(status=source)
    for target in machine.states:
        if (source, target) in manual_pairs(machine):
            continue
        before = (
            type(row).objects.filter(pk=row.pk).values().get(),
            Volunteer.objects.count(),
            Assignment.objects.filter(status=AssignmentStatus.WITHDRAWN).count(),
            AuditEvent.objects.count(),
        )
        with pytest.raises(TransitionError) as error:
            attempt(target)
        assert error.value.code == INVALID_TRANSITION, (source, target)
        after = (
            type(row).objects.filter(pk=row.pk).values().get(),
            Volunteer.objects.count(),
            Assignment.objects.filter(status=AssignmentStatus.WITHDRAWN).count(),
            AuditEvent.objects.count(),
        )
        assert after == before, (source, target)
        refused.append(target)
    return refused


@pytest.mark.parametrize("source", ApplicationStatus.values)
def test_applications(coordinator, source):
    application = make_application()
    decisions = {"accepted": "accept", "rejected": "reject", "more_info": "more_info"}

    def attempt(target: str) -> object:
        if target in decisions:
            return applications.do_review_application(
                application=application,
                decision=decisions[target],
                reason="Lý do",
                actor=coordinator,
            )
        return check(APPLICATION, source, target)  # pending: only the applicant's reply link

    refuses_every_other_pair(APPLICATION, application, source, attempt)


@pytest.mark.parametrize("source", VolunteerStatus.values)
def test_volunteers_access(coordinator, volunteer, source):
    services = {
        "suspended": membership.do_suspend,
        "active": membership.do_reinstate,
        "offboarded": membership.do_offboard,
    }

    def attempt(target: str) -> object:
        return services[target](volunteer=volunteer, actor=coordinator, reason="Lý do")

    refused = refuses_every_other_pair(VOLUNTEER, volunteer, source, attempt)
    assert source in refused  # suspending the suspended, reinstating the active: refused


@pytest.mark.parametrize("source", TaskStatus.values)
def test_tasks(coordinator, source):
    task = make_task(coordinator)

    def attempt(target: str) -> object:
        if target == TaskStatus.OPEN:
            return check(TASK, source, target)  # nothing reopens a task
        return work.do_close_task(
            task=Task.objects.get(pk=task.pk),
            actor=coordinator,
            cancel=target == TaskStatus.CANCELLED,
        )

    refuses_every_other_pair(TASK, task, source, attempt)


@pytest.mark.parametrize("source", AssignmentStatus.values)
def test_assignments(coordinator, volunteer, source):
    task = make_task(coordinator, kind="campaign_event", urls=[], slots=5)
    assignment = work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)

    def attempt(target: str) -> object:
        if target == AssignmentStatus.REPORTED:
            return work.do_report_back(
                assignment=assignment,
                volunteer=volunteer,
                actor=volunteer.user,
                hours="2",
                outcome="Xong",
            )
        if target == AssignmentStatus.WITHDRAWN:
            return work.do_withdraw(
                assignment=assignment, volunteer=volunteer, actor=volunteer.user
            )
        return check(ASSIGNMENT, source, target)  # accepting creates a new assignment

    refuses_every_other_pair(ASSIGNMENT, assignment, source, attempt)


def test_the_pages_offer_what_the_data_allows():
    assert [t.name for t in APPLICATION.transitions if t.source == "rejected"] == []
    assert {(t.source, t.target) for t in VOLUNTEER.transitions} == {
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "offboarded"),
        ("suspended", "offboarded"),
    }
