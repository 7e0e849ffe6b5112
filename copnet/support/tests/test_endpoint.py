"""A hotline link is data per organisation: an http(s) URL and a write-only secret, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.support.errors import SupportError
from copnet.support.models import HotlineEndpoint
from copnet.support.services import do_save_endpoint

from .factories import make_hotline

pytestmark = pytest.mark.django_db


def test_save_and_change_a_link(coordinator):
    org = make_hotline(with_user=False)
    url = "https://111.example/copnet"
    endpoint = do_save_endpoint(
        organisation=org, url=url, secret="s" * 20, is_active=True, actor=coordinator
    )
    assert endpoint.secret == "s" * 20
    same = do_save_endpoint(organisation=org, url=url, secret="", is_active=False, actor=None)
    assert same.pk == endpoint.pk
    assert same.secret == "s" * 20  # an empty secret keeps the stored one
    assert AuditEvent.objects.filter(target_type="support.hotlineendpoint").count() == 2
    assert "s" * 20 not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


@pytest.mark.parametrize(
    ("url", "secret", "code"),
    [
        ("ftp://111.example/", "s" * 20, "bad_url"),
        ("javascript:alert(1)", "s" * 20, "bad_url"),
        ("https://", "s" * 20, "bad_url"),
        ("https://111.example/", "short", "secret_too_short"),
        ("https://111.example/", "", "secret_too_short"),
        (["https://111.example/"], "s" * 20, "invalid"),
    ],
)
def test_bad_links_are_refused(url, secret, code):
    org = make_hotline(with_user=False)
    with pytest.raises(SupportError) as caught:
        do_save_endpoint(organisation=org, url=url, secret=secret, is_active=True, actor=None)
    assert caught.value.code == code
    assert not HotlineEndpoint.objects.exists()


def test_the_admin_form_never_shows_the_secret(client, reference_data):
    admin_user = make_user(
        email="root@vncert.example",
        organisation=None,
        role=Role.COORDINATOR,
        is_superuser=True,
        is_staff=True,
    )
    org = make_hotline(with_user=False)
    client.force_login(admin_user)
    add = reverse("admin:support_hotlineendpoint_add")
    answer = client.post(
        add,
        {
            "organisation": org.pk,
            "url": "https://111.example/h",
            "is_active": "on",
            "new_secret": "short",
        },
    )
    assert answer.status_code == 200  # the form again, with the error
    assert not HotlineEndpoint.objects.exists()
    client.post(
        add,
        {
            "organisation": org.pk,
            "url": "https://111.example/h",
            "is_active": "on",
            "new_secret": "a-long-enough-secret-123",
        },
    )
    endpoint = HotlineEndpoint.objects.get()
    page = client.get(reverse("admin:support_hotlineendpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200
    assert "a-long-enough-secret-123" not in page.content.decode()
