"""Every change to a platform is audited, and the API token's value never reaches the trail."""

from __future__ import annotations

import json

import pytest

from copnet.audit.models import AuditEvent
from copnet.takedowns.services import do_save_platform
from copnet.takedowns.tests.factories import platform_form, platform_input

pytestmark = pytest.mark.django_db

TOKEN = "tok-AUDIT-5c4b3a"
API = {"channel": "api", "api_url": "https://api.nenxanh.example/v1", "api_token": TOKEN}


def _events() -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(target_type="takedowns.platform").exclude(target_id="")
    return list(rows.order_by("pk"))  # not the reference data's load


def _no_token_anywhere(*tokens: str) -> None:
    for event in AuditEvent.objects.all():
        text = json.dumps(event.changes) + event.reason + event.target_repr
        for token in tokens:
            assert token not in text


def test_creating_a_platform_writes_one_audit_row_without_the_token(coordinator):
    platform = do_save_platform(platform=None, data=platform_input(**API), actor=coordinator)
    (event,) = _events()
    assert (event.action, event.target_id, event.actor) == ("create", str(platform.pk), coordinator)
    assert event.changes["name"] == [None, "Nền Xanh"]
    assert event.changes["domains"] == [None, "nenxanh.example"]
    assert event.changes["channel"] == [None, "api"]
    assert event.changes["api_token"] == "set"
    _no_token_anywhere(TOKEN)


def test_an_edit_records_only_what_changed(coordinator):
    platform = do_save_platform(platform=None, data=platform_input(), actor=coordinator)
    do_save_platform(
        platform=platform,
        data=platform_input(name="Nền Xanh mới", notes="Liên hệ qua e-mail"),
        actor=coordinator,
    )
    event = _events()[-1]
    assert event.action == "update"
    assert event.changes == {
        "name": ["Nền Xanh", "Nền Xanh mới"],
        "notes": ["", "Liên hệ qua e-mail"],
    }


def test_replacing_and_clearing_the_token_are_recorded_without_its_value(coordinator):
    platform = do_save_platform(platform=None, data=platform_input(**API), actor=coordinator)
    do_save_platform(
        platform=platform, data=platform_input(**{**API, "api_token": "tok-2"}), actor=coordinator
    )
    do_save_platform(platform=platform, data=platform_input(**API), actor=coordinator)
    kept = platform_input(**{**API, "api_token": "", "notes": "kept"})
    do_save_platform(platform=platform, data=kept, actor=coordinator)
    cleared = platform_input(channel="email", api_url="", clear_token=True)
    do_save_platform(platform=platform, data=cleared, actor=coordinator)
    changes = [event.changes for event in _events()[1:]]
    assert changes[0] == {"api_token": "replaced"}
    assert changes[1] == {"api_token": "replaced"}
    assert changes[2] == {"notes": ["", "kept"]}
    assert changes[3]["api_token"] == "cleared"
    assert changes[3]["channel"] == ["api", "email"]
    _no_token_anywhere(TOKEN, "tok-2")


def test_saving_without_a_change_writes_nothing(coordinator):
    platform = do_save_platform(platform=None, data=platform_input(**API), actor=coordinator)
    again = platform_input(**{**API, "api_token": ""})
    do_save_platform(platform=platform, data=again, actor=coordinator)
    assert len(_events()) == 1


def test_the_page_audits_the_signed_in_manager(client, bob):
    client.force_login(bob)
    response = client.post("/staff/takedowns/platforms/new/", platform_form(**API))
    assert response.status_code == 302
    (event,) = _events()
    assert (event.actor, event.actor_label, event.action) == (bob, bob.email, "create")
    _no_token_anywhere(TOKEN)
