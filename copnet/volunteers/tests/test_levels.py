"""Levels and what each may do (accounts.permissions.LEVEL_PERMS)."""

from __future__ import annotations

import pytest

from copnet.accounts.permissions import LEVEL_PERMS, Perm, has_perm
from copnet.volunteers.choices import Level
from copnet.volunteers.errors import VolunteerError
from copnet.volunteers.services import membership

from .factories import birth_date, make_volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_every_level_has_an_entry_and_none_sees_cases():
    assert set(LEVEL_PERMS) == set(Level.values)
    forbidden = {Perm.VIEW_CASES, Perm.VIEW_EVIDENCE, Perm.VIEW_PEOPLE, Perm.REVEAL_EVIDENCE}
    assert all(not (perms & forbidden) for perms in LEVEL_PERMS.values())


@pytest.mark.parametrize(
    ("level", "tasks", "trusted", "lead"),
    [
        ("new", False, False, False),
        ("trained", True, False, False),
        ("trusted", True, True, False),
        ("team_lead", True, True, True),
    ],
)
def test_what_each_level_may_do(coordinator, level, tasks, trusted, lead):
    user = make_volunteer(coordinator, level=level, email=f"{level}@example.vn").user
    assert has_perm(user, Perm.VOLUNTEER_REPORT)
    assert has_perm(user, Perm.VOLUNTEER_TASKS) is tasks
    assert has_perm(user, Perm.VOLUNTEER_TRUSTED_REPORT) is trusted
    assert has_perm(user, Perm.LEAD_VOLUNTEERS) is lead
    assert not has_perm(user, Perm.VIEW_CASES)
    assert not has_perm(user, Perm.MANAGE_VOLUNTEERS)


def test_completing_the_checklist_makes_a_new_volunteer_trained(coordinator):
    volunteer = make_volunteer(coordinator, trained=True, email="t@example.vn")
    assert volunteer.level == "trained"


def test_trusted_needs_training_and_an_adult(coordinator):
    untrained = make_volunteer(coordinator, email="u@example.vn")
    with pytest.raises(VolunteerError) as refused:
        membership.do_set_level(volunteer=untrained, level="trusted", actor=coordinator)
    assert refused.value.code == "training_incomplete"
    minor = make_volunteer(
        coordinator,
        trained=True,
        email="m@example.vn",
        date_of_birth=birth_date(17),
        guardian_name="Bố",
        guardian_relationship="Bố",
        guardian_email="bo9@example.vn",
    )
    with pytest.raises(VolunteerError) as error:
        membership.do_set_level(volunteer=minor, level="team_lead", actor=coordinator)
    assert error.value.code == "minor"
    minor.refresh_from_db()
    assert minor.level == "trained"


def test_staff_never_get_the_volunteer_only_permissions(coordinator, alice):
    assert not has_perm(coordinator, Perm.VOLUNTEER_TASKS)
    assert has_perm(coordinator, Perm.MANAGE_VOLUNTEERS)
    assert not has_perm(alice, Perm.MANAGE_VOLUNTEERS)


def test_a_suspended_volunteer_has_no_permission_at_all(coordinator, volunteer):
    membership.do_suspend(volunteer=volunteer, actor=coordinator, reason="x")
    volunteer.user.refresh_from_db()
    volunteer.user.is_active = True  # even if the account were still on
    assert not has_perm(volunteer.user, Perm.VOLUNTEER_REPORT)
    assert not has_perm(volunteer.user, Perm.VIEW_STAFF_AREA)


def test_a_volunteer_cannot_tick_training_for_someone_else(coordinator, volunteer):
    from copnet.volunteers.models import TrainingItem

    other = make_volunteer(coordinator, email="x@example.vn")
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied, audited
        membership.do_complete_training_item(
            volunteer=other, item=TrainingItem.objects.first(), actor=volunteer.user
        )
    assert other.training.count() == 0
