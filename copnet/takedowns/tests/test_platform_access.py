"""Who may see and edit the registry of platforms: coordinators and analysts, nobody else, and
never a platform's own staff."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.network.tests.factories import make_organisation
from copnet.takedowns.models import Platform
from copnet.takedowns.tests.factories import make_platform, platform_form, platform_staff

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[Any, ...]]:
    return list(Platform.objects.order_by("pk").values_list())


@pytest.fixture
def target() -> Platform:
    return make_platform(code="target", name="Target", api_token="tok-target")


def _pages(target: Platform) -> list[str]:
    return [
        "/staff/takedowns/platforms/",
        "/staff/takedowns/platforms/new/",
        f"/staff/takedowns/platforms/{target.pk}/",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, target):
    before = _snapshot()
    for path in _pages(target):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    for path in _pages(target)[1:]:
        response = client.post(path, platform_form(name="Anonymous", domains="anon.example"))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(target_type="takedowns.platform", actor__isnull=False)


def _vendor() -> Any:
    org = make_organisation(code="VENDOR1", member=False)
    return make_user(email="vendor@v.example", organisation=org, role=Role.VENDOR)


def _enterprise_analyst() -> Any:
    org = make_organisation(code="TELCO", kind="enterprise")
    return make_user(email="analyst@telco.example", organisation=org, role=Role.ANALYST)


@pytest.mark.parametrize(
    "who",
    [
        "volunteer",
        "platform_analyst",
        "platform_coordinator",
        "enterprise_analyst",
        "vendor",
        "observer",
        "officer",
    ],
)
def test_people_without_the_permission_get_403_and_change_nothing(
    client, target, request, who, alice
):
    facebook = Platform.objects.get(code="facebook")
    user = {
        "volunteer": lambda: request.getfixturevalue("volunteer").user,
        "platform_analyst": lambda: platform_staff(facebook),
        "platform_coordinator": lambda: platform_staff(facebook, role=Role.COORDINATOR),
        "enterprise_analyst": _enterprise_analyst,
        "vendor": _vendor,
        "observer": lambda: make_user(
            email="obs@a.example", organisation=alice.organisation, role=Role.OBSERVER
        ),
        "officer": lambda: alice,
    }[who]()
    before = _snapshot()
    audit_before = AuditEvent.objects.filter(target_type="takedowns.platform").count()
    client.force_login(user)
    for path in _pages(target):
        assert client.get(path).status_code == 403, path
    new = client.post(
        "/staff/takedowns/platforms/new/", platform_form(name="Intruder", domains="in.example")
    )
    assert new.status_code == 403
    edit = client.post(
        f"/staff/takedowns/platforms/{target.pk}/",
        platform_form(name="Hijacked", domains="target.example", api_token="tok-evil"),
    )
    assert edit.status_code == 403
    assert _snapshot() == before
    assert AuditEvent.objects.filter(target_type="takedowns.platform").count() == audit_before
    target.refresh_from_db()
    assert target.api_token == "tok-target"
    # The registry is not even named on their removal request queue.
    queue = client.get("/staff/takedowns/")
    assert "/staff/takedowns/platforms/" not in queue.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "bob"])
def test_coordinators_and_analysts_manage_platforms(client, target, request, who):
    client.force_login(request.getfixturevalue(who))
    for path in _pages(target):
        assert client.get(path).status_code == 200, path
    queue = client.get("/staff/takedowns/").content.decode()
    assert 'href="/staff/takedowns/platforms/"' in queue


def test_a_missing_platform_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/staff/takedowns/platforms/999999/").status_code == 404
    assert client.post("/staff/takedowns/platforms/999999/", platform_form()).status_code == 404
