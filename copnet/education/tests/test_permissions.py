"""Who may author content, run classes or manage campaigns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.accounts.choices import Role
from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db

STAFF_LEARNING = reverse("education_staff:courses")
TEACH = reverse("learn:classes")
CAMPAIGNS = reverse("campaigns_staff:list")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.EDITOR, {STAFF_LEARNING: 200, TEACH: 403, CAMPAIGNS: 200}),
        (Role.TEACHER, {STAFF_LEARNING: 403, TEACH: 200, CAMPAIGNS: 403}),
        (Role.OFFICER, {STAFF_LEARNING: 403, TEACH: 403, CAMPAIGNS: 403}),
        (Role.VOLUNTEER, {STAFF_LEARNING: 403, TEACH: 403, CAMPAIGNS: 403}),
        (Role.COORDINATOR, {STAFF_LEARNING: 200, TEACH: 200, CAMPAIGNS: 200}),
    ],
)
def test_pages_per_role(client, org_a, role, expected):
    client.force_login(make_user(email=f"{role}@a.example", organisation=org_a, role=role))
    assert {url: client.get(url).status_code for url in expected} == expected


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (STAFF_LEARNING, TEACH, CAMPAIGNS):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_teacher_sees_no_case_and_an_editor_no_class(org_a):
    teacher = make_user(email="t@a.example", organisation=org_a, role=Role.TEACHER)
    editor = make_user(email="e@a.example", organisation=org_a, role=Role.EDITOR)
    assert not has_perm(teacher, Perm.VIEW_CASES)
    assert not has_perm(teacher, Perm.MANAGE_LEARNING)
    assert not has_perm(editor, Perm.TEACH_CLASSES)
    assert not has_perm(editor, Perm.VIEW_CASES)
