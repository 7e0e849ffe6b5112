from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.models import ApiKey, User
from copnet.accounts.permissions import (
    ROLE_PERMS,
    Perm,
    has_network_wide_scope,
    has_perm,
    visible_to,
    within_scope,
)
from copnet.accounts.tests.factories import make_user
from copnet.network.models import Duty, Organisation


def test_every_role_has_a_permission_set():
    assert set(ROLE_PERMS) == set(Role.values)


@pytest.mark.parametrize(
    ("role", "perm", "expected"),
    [
        (Role.COORDINATOR, Perm.VIEW_AUDIT, True),
        (Role.COORDINATOR, Perm.MANAGE_DIRECTORY, True),
        (Role.ANALYST, Perm.VIEW_AUDIT, False),
        (Role.ANALYST, Perm.VIEW_PEOPLE, True),
        (Role.OFFICER, Perm.VIEW_API_KEYS, True),
        (Role.OFFICER, Perm.MANAGE_API_KEYS, False),
        (Role.VOLUNTEER, Perm.VIEW_PEOPLE, False),
        (Role.VOLUNTEER, Perm.VIEW_CONTACTS, False),
        (Role.OBSERVER, Perm.VIEW_STAFF_AREA, True),
        (Role.OBSERVER, Perm.MANAGE_DIRECTORY, False),
        (Role.EVALUATOR, Perm.VIEW_PEOPLE, False),
        (Role.EDITOR, Perm.VIEW_API_KEYS, False),
    ],
)
@pytest.mark.django_db
def test_role_grants_exactly_its_permissions(org_a, role, perm, expected):
    user = make_user(email=f"{role}@a.example", organisation=org_a, role=role)
    assert has_perm(user, perm) is expected


@pytest.mark.django_db
def test_deactivated_users_have_no_permissions(alice):
    alice.is_active = False
    assert not has_perm(alice, Perm.VIEW_STAFF_AREA)
    assert visible_to(alice, User.objects.all()).count() == 0


@pytest.mark.django_db
def test_user_without_organisation_has_no_permissions(db):
    user = User.objects.create_user(
        email="lost@example.org", password="x" * 20, role=Role.COORDINATOR
    )
    assert not has_perm(user, Perm.VIEW_STAFF_AREA)


@pytest.mark.django_db
def test_analysts_of_the_standing_agency_see_every_organisation(reference_data):
    vncert = Organisation.objects.get(code="VNCERT")
    a05 = Organisation.objects.get(code="A05")
    standing = make_user(email="s@vncert.example", organisation=vncert, role=Role.ANALYST)
    other = make_user(email="o@a05.example", organisation=a05, role=Role.ANALYST)
    assert has_network_wide_scope(standing)
    assert not has_network_wide_scope(other)
    assert within_scope(standing, a05.pk)
    assert not within_scope(other, vncert.pk)


@pytest.mark.django_db
def test_officers_see_only_people_of_their_own_organisation(alice, bob, charlie):
    assert set(visible_to(alice, User.objects.all())) == {alice, bob}
    assert set(visible_to(charlie, User.objects.all())) == {charlie}


@pytest.mark.django_db
def test_coordinators_see_people_of_every_organisation(coordinator, alice, charlie):
    visible = set(visible_to(coordinator, User.objects.all()))
    assert {alice, charlie, coordinator} <= visible


@pytest.mark.django_db
def test_a_model_without_a_registered_scope_is_refused(alice):
    with pytest.raises(LookupError, match="network.duty"):
        visible_to(alice, Duty.objects.all())


@pytest.mark.django_db
def test_revoked_api_keys_have_no_permissions(org_a):
    from copnet.accounts.services import do_create_api_key, do_revoke_api_key

    key, _ = do_create_api_key(organisation=org_a, name="partner", actor=None)
    assert has_perm(key, Perm.VIEW_CONTACTS)
    key = do_revoke_api_key(key=key, actor=None)
    assert not has_perm(key, Perm.VIEW_CONTACTS)
    assert visible_to(key, ApiKey.objects.all()).count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COORDINATOR, True),
        (Role.ANALYST, True),
        (Role.OFFICER, False),
        (Role.OBSERVER, False),
        (Role.VOLUNTEER, False),
        (Role.VENDOR, False),
        (Role.EVALUATOR, False),
        (Role.EDITOR, False),
        (Role.TEACHER, False),
    ],
)
@pytest.mark.django_db
def test_managing_platforms_is_for_coordinators_and_analysts(org_a, role, expected):
    user = make_user(email=f"{role}@a.example", organisation=org_a, role=role)
    assert has_perm(user, Perm.MANAGE_PLATFORMS) is expected


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ANALYST])
@pytest.mark.django_db
def test_a_platforms_own_staff_never_manage_platforms(role):
    from copnet.network.tests.factories import make_organisation
    from copnet.takedowns.models import Platform

    org = make_organisation(code="TS", name_en="Platform T&S")
    user = make_user(email="ts@p.example", organisation=org, role=role)
    assert has_perm(user, Perm.MANAGE_PLATFORMS)
    Platform.objects.create(code="p", name="P", kind="social", organisation=org)
    assert not has_perm(user, Perm.MANAGE_PLATFORMS)
    # Their other permissions stay as the role says.
    assert has_perm(user, Perm.REQUEST_REMOVALS)
    enterprise = make_organisation(code="ENT", kind="enterprise")
    other = make_user(email="a@ent.example", organisation=enterprise, role=role)
    assert not has_perm(other, Perm.MANAGE_PLATFORMS)
    assert has_perm(other, Perm.VIEW_COMPLIANCE)
