from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import ngettext

from copnet.accounts.models import ApiKey
from copnet.audit.models import AuditEvent
from copnet.core.testing import vi


def create_key_with_command(org: str, name: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "--org", org, "--name", name, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1]


@pytest.mark.django_db
def test_command_prints_the_key_alone_on_its_last_line_and_stores_only_a_hash(reference_data):
    raw_key = create_key_with_command("A05", "Platform X")
    key = ApiKey.objects.get()
    assert raw_key.startswith(f"cpn_{key.prefix}_")
    assert raw_key not in {key.key_hash, key.prefix}
    assert key.organisation.code == "A05"
    assert AuditEvent.objects.filter(action="create", target_type="accounts.apikey").exists()


@pytest.mark.django_db
def test_command_refuses_an_unknown_organisation(reference_data):
    with pytest.raises(CommandError, match="NOPE"):
        call_command("create_api_key", "--org", "NOPE", "--name", "x")
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_a_valid_key_authenticates_as_its_organisation(client, reference_data):
    raw_key = create_key_with_command("VNCERT", "Portal")
    response = client.get("/api/v1/network/whoami", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 200
    assert response.json()["organisation"]["code"] == "VNCERT"
    assert response.json()["key_name"] == "Portal"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer cpn_00000000_nope",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
        "Bearer cpn_\x00_nul",
    ],
)
def test_missing_or_bad_keys_get_401(client, reference_data, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/api/v1/network/whoami", HTTP_ACCEPT_LANGUAGE="vi", **extra)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.json()["message"] == vi(
        "A valid API key is required (Authorization: Bearer).", html=False
    )


@pytest.mark.django_db
def test_a_revoked_key_stops_working_at_once(client, coordinator):
    raw_key = create_key_with_command("VNCERT", "Portal")
    key = ApiKey.objects.get()
    client.force_login(coordinator)
    response = client.post(f"/accounts/api-keys/{key.pk}/revoke/", {"reason": "leaked"})
    assert response.status_code == 302
    client.logout()
    api = client.get("/api/v1/network/whoami", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert api.status_code == 401
    assert AuditEvent.objects.get(action="revoke").note == "leaked"


@pytest.mark.django_db
def test_a_key_of_an_organisation_that_ended_stops_working(client, reference_data):
    from copnet.network.models import Organisation

    raw_key = create_key_with_command("VNISA", "Old")
    Organisation.objects.filter(code="VNISA").update(active_to="2020-01-01")
    response = client.get("/api/v1/network/whoami", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 401


@pytest.mark.django_db
def test_coordinator_creates_a_key_in_the_ui_and_sees_it_once(client, coordinator):
    from copnet.network.models import Organisation

    client.force_login(coordinator)
    a05 = Organisation.objects.get(code="A05")
    response = client.post(
        "/accounts/api-keys/new/", {"name": "Hotline bridge", "organisation": a05.pk}
    )
    html = response.content.decode()
    key = ApiKey.objects.get()
    assert response.status_code == 200
    assert f"cpn_{key.prefix}_" in html
    listing = client.get("/accounts/api-keys/").content.decode()
    assert "Hotline bridge" in listing
    assert f"cpn_{key.prefix}_" not in listing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "organisation": ""}, "This field is required."),
        ({"name": "   ", "organisation": "1"}, "This field is required."),
        ({"name": "x" * 101, "organisation": "1"}, "TOO_LONG"),
        (
            {"name": "ok", "organisation": "999999"},
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ({"name": "bad\x01name", "organisation": "1"}, "The label contains control characters."),
    ],
)
def test_bad_input_to_the_key_form_gets_a_translated_error(client, coordinator, data, message):
    client.force_login(coordinator)
    coordinator.language = "vi"
    coordinator.save()
    response = client.post("/accounts/api-keys/new/", data)
    if message == "TOO_LONG":  # Django's own message, a plural form
        with translation.override("vi"):
            message = ngettext(
                "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
                "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
                100,
            )
        expected = message.split("%(")[0]
    else:
        expected = vi(message).split("%(")[0]
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_officers_may_not_create_keys(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/api-keys/new/").status_code == 403
    assert client.post("/accounts/api-keys/new/", {"name": "x"}).status_code == 403
    assert ApiKey.objects.count() == 0
