"""Staff pages and configuration: coordinators only (who sign in with a second factor),
credentials encrypted and never shown, transfer ground required, audited."""

from __future__ import annotations

import pytest
from django.db import connection

from copnet.accounts.choices import Role
from copnet.accounts.permissions import ROLE_PERMS, Perm, needs_second_factor
from copnet.audit.models import AuditEvent
from copnet.exchanges.errors import ExchangeError, ExchangeErrorCode
from copnet.exchanges.models import Exchange
from copnet.exchanges.services import ExchangeInput, do_save_exchange

from .factories import make_exchange

pytestmark = pytest.mark.django_db


def test_only_roles_with_a_second_factor_may_configure(coordinator, alice):
    holders = [role for role, perms in ROLE_PERMS.items() if Perm.MANAGE_EXCHANGES in perms]
    assert holders == [Role.COORDINATOR]
    assert needs_second_factor(coordinator)
    with pytest.raises(ExchangeError) as refused:
        make_exchange(alice, kind="ncmec", url="https://hashsharing.example")
    assert (refused.value.code, refused.value.status) == (ExchangeErrorCode.FORBIDDEN, 403)


def test_credentials_are_encrypted_and_never_audited(coordinator):
    exchange = make_exchange(coordinator, kind="ncmec", url="https://hashsharing.example")
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM exchanges_exchange WHERE id = %s", [exchange.pk])
        stored = cursor.fetchone()[0]
    assert "secret" not in stored
    assert "copnet" not in stored
    assert Exchange.objects.get().credentials == {"username": "copnet", "password": "secret"}
    event = AuditEvent.objects.get(target_type="exchanges.exchange", action="create")
    assert "secret" not in str(event.changes)
    assert event.changes["credentials_changed"] is True


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("endpoint", "http://hashsharing.example", "endpoint_not_https"),
        ("legal_ground", " ", "transfer_ground_missing"),
        ("transfer_assessment_ref", "", "transfer_ground_missing"),
    ],
)
def test_bad_configuration_is_refused_and_nothing_saved(coordinator, field, value, code):
    data = ExchangeInput(
        name="x",
        kind="ncmec",
        endpoint="https://hashsharing.example",
        legal_ground="MoU",
        transfer_assessment_ref="TIA-1",
        credentials={"username": "u", "password": "p"},
    )
    setattr(data, field, value)
    with pytest.raises(ExchangeError) as refused:
        do_save_exchange(data=data, actor=coordinator)
    assert refused.value.code == code
    assert not Exchange.objects.exists()


def test_pages_list_exchanges_with_last_fetch_and_errors(client, coordinator, alice):
    exchange = make_exchange(coordinator, kind="stopncii", url="https://api.stopncii.example")
    Exchange.objects.filter(pk=exchange.pk).update(last_error="The partner did not answer")
    client.force_login(coordinator)
    page = client.get("/staff/exchanges/").content.decode()
    assert "stopncii" in page
    assert "The partner did not answer" in page
    detail = client.get("/staff/exchanges/stopncii/").content.decode()
    assert "TIA-2026-004" in detail
    assert "fetch" in detail
    edit = client.get("/staff/exchanges/stopncii/edit/").content.decode()
    assert 'value="feedback"' not in edit
    assert 'value="fetch"' not in edit
    client.force_login(alice)
    assert client.get("/staff/exchanges/").status_code == 403


def test_create_through_the_form(client, coordinator):
    client.force_login(coordinator)
    answer = client.post(
        "/staff/exchanges/new/",
        {
            "name": "ncmec-le",
            "kind": "ncmec",
            "endpoint": "https://lesp.example/csam-hashsharing",
            "legal_ground": "Agreement A05-NCMEC 2026",
            "transfer_assessment_ref": "TIA-2026-007",
            "fetch_every_minutes": 60,
            "is_active": "on",
            "username": "a05",
            "password": "pw",
        },
    )
    assert answer.status_code == 302
    exchange = Exchange.objects.get(name="ncmec-le")
    assert exchange.bank.name == "exchange-ncmec-le"
    assert exchange.credentials["username"] == "a05"


def test_a_taken_name_is_refused_with_409_and_shown_on_its_field(client, coordinator):
    make_exchange(coordinator, kind="ncmec", url="https://hashsharing.example", name="ncmec")
    with pytest.raises(ExchangeError) as refused:
        make_exchange(coordinator, kind="ncmec", url="https://other.example", name="ncmec")
    assert (refused.value.code, refused.value.status) == (ExchangeErrorCode.DUPLICATE, 409)
    assert refused.value.field == "name"
    client.force_login(coordinator)
    answer = client.post(
        "/staff/exchanges/new/",
        {
            "name": "ncmec",
            "kind": "ncmec",
            "endpoint": "https://other.example",
            "legal_ground": "MoU",
            "transfer_assessment_ref": "TIA-1",
            "fetch_every_minutes": 60,
            "username": "u",
            "password": "p",
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert answer.status_code == 200
    assert list(answer.context["form"].errors) == ["name"]
    assert "Tên này đã được dùng." in answer.content.decode()
    assert Exchange.objects.count() == 1
