"""The API token is write-only: never shown back, kept when left empty, cleared on request."""

from __future__ import annotations

import pytest
from django.db import connection

from copnet.core.testing import vi
from copnet.takedowns.models import Platform
from copnet.takedowns.tests.factories import platform_form

pytestmark = pytest.mark.django_db

TOKEN = "tok-SECRET-1f2e3d"
NEW_TOKEN = "tok-NEW-9a8b7c"


@pytest.fixture
def api_platform(client, coordinator) -> Platform:
    client.force_login(coordinator)
    response = client.post(
        "/staff/takedowns/platforms/new/",
        platform_form(
            channel="api", api_url="https://api.nenxanh.example/v1/removals", api_token=TOKEN
        ),
    )
    assert response.status_code == 302
    platform = Platform.objects.get(code="nenxanh")
    assert platform.api_token == TOKEN
    return platform


def _edit(platform: Platform, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "code": None,
        "name": platform.name,
        "domains": platform.domains,
        "channel": platform.channel,
        "api_url": platform.api_url,
    }
    return platform_form(**{**values, **overrides})


def test_the_token_is_never_sent_back_to_the_browser(client, api_platform):
    url = f"/staff/takedowns/platforms/{api_platform.pk}/"
    edit = client.get(url).content.decode()
    assert TOKEN not in edit
    assert 'type="password"' in edit
    assert 'autocomplete="new-password"' in edit
    assert (
        vi(
            "A token is stored; it is never shown. Leave this empty to keep it, or type a new one "
            "to replace it."
        )
        in edit
    )
    assert TOKEN not in client.get("/staff/takedowns/platforms/").content.decode()
    # Nor when the page comes back with an error: the token just typed is not echoed either.
    refused = client.post(url, _edit(api_platform, api_token=NEW_TOKEN, api_url="http://x.example"))
    page = refused.content.decode()
    assert vi("Use a secure address that starts with https://.") in page
    assert NEW_TOKEN not in page
    assert TOKEN not in page
    api_platform.refresh_from_db()
    assert api_platform.api_token == TOKEN


def test_the_token_is_stored_encrypted(api_platform):
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_token FROM takedowns_platform WHERE id = %s", [api_platform.pk])
        (stored,) = cursor.fetchone()
    assert stored
    assert TOKEN not in stored


def test_an_empty_token_field_keeps_the_stored_token(client, api_platform):
    url = f"/staff/takedowns/platforms/{api_platform.pk}/"
    response = client.post(url, _edit(api_platform, name="Nền Xanh 2", api_token=""))
    assert response.status_code == 302
    api_platform.refresh_from_db()
    assert api_platform.name == "Nền Xanh 2"
    assert api_platform.api_token == TOKEN


def test_a_typed_token_replaces_the_stored_one(client, api_platform):
    url = f"/staff/takedowns/platforms/{api_platform.pk}/"
    assert client.post(url, _edit(api_platform, api_token=NEW_TOKEN)).status_code == 302
    api_platform.refresh_from_db()
    assert api_platform.api_token == NEW_TOKEN


def test_clear_token_removes_it(client, api_platform):
    url = f"/staff/takedowns/platforms/{api_platform.pk}/"
    response = client.post(url, _edit(api_platform, channel="email", clear_token="on"))
    assert response.status_code == 302
    api_platform.refresh_from_db()
    assert api_platform.api_token == ""
    assert api_platform.channel == "email"
    page = client.get(url).content.decode()
    assert vi("No token is stored. Needed by the API channel.") in page
    assert 'name="clear_token"' not in page  # nothing left to clear


def test_the_api_channel_cannot_lose_its_token(client, api_platform):
    url = f"/staff/takedowns/platforms/{api_platform.pk}/"
    refused = client.post(url, _edit(api_platform, name="Renamed", clear_token="on"))
    assert vi("The API channel needs a token.") in refused.content.decode()
    api_platform.refresh_from_db()
    assert (api_platform.name, api_platform.api_token) == ("Nền Xanh", TOKEN)


def test_typing_a_token_and_clearing_it_at_once_is_refused(client, api_platform):
    url = f"/staff/takedowns/platforms/{api_platform.pk}/"
    refused = client.post(url, _edit(api_platform, api_token=NEW_TOKEN, clear_token="on"))
    assert vi("Either type a new token or clear the stored one, not both.") in (
        refused.content.decode()
    )
    api_platform.refresh_from_db()
    assert api_platform.api_token == TOKEN


def test_the_admin_site_shows_platforms_read_only_and_never_the_token(
    client, api_platform, django_user_model
):
    admin_user = django_user_model.objects.create_superuser(
        email="root@example.vn", password="Root-Pass-2026"
    )
    client.force_login(admin_user)
    response = client.get(f"/admin/takedowns/platform/{api_platform.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert TOKEN not in html
    assert 'name="api_token"' not in html
    assert 'alt="True"' in html  # "API token": stored
    # Edits go through the validated, audited staff pages only.
    response = client.post(
        f"/admin/takedowns/platform/{api_platform.pk}/change/", {"name": "Renamed", "domains": ""}
    )
    assert response.status_code == 403
    api_platform.refresh_from_db()
    assert api_platform.name != "Renamed"
