from __future__ import annotations

import pytest
from django.contrib.admin.sites import site

from copnet.audit.models import AppendOnlyError, AuditEvent
from copnet.audit.services import record_change, record_view
from copnet.core.testing import vi


@pytest.mark.django_db
def test_viewing_a_person_is_audited_with_actor_and_origin(client, alice, bob):
    client.force_login(alice)
    client.get(
        f"/accounts/people/{bob.pk}/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="TestBrowser/1.0"
    )
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.target_type, event.target_id) == (
        alice,
        "accounts.user",
        str(bob.pk),
    )
    assert event.ip == "203.0.113.7"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.channel == "web"


@pytest.mark.django_db
def test_a_forbidden_view_writes_no_view_entry(client, alice, charlie):
    client.force_login(alice)
    client.get(f"/accounts/people/{charlie.pk}/")
    assert not AuditEvent.objects.filter(action="view").exists()


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted(alice):
    event = record_view(actor=alice, target=alice)
    event.reason = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db
def test_the_admin_site_offers_no_add_change_or_delete(rf, coordinator):
    coordinator.is_superuser = True
    request = rf.get("/admin/")
    request.user = coordinator
    admin = site._registry[AuditEvent]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert admin.has_view_permission(request)


@pytest.mark.django_db
def test_coordinator_filters_the_trail(client, coordinator, alice, bob):
    record_view(actor=alice, target=bob)
    record_change(actor=bob, action="update", target=alice)
    client.force_login(coordinator)
    html = client.get("/staff/audit/?action=view&actor=alice").content.decode()
    assert "alice@a.example" in html
    assert str(bob) in html  # the record viewed, by its name
    assert html.count("<tr data-event=") == 1


@pytest.mark.django_db
def test_htmx_filtering_returns_only_the_table(client, coordinator, alice):
    record_view(actor=alice, target=alice)
    client.force_login(coordinator)
    response = client.get("/staff/audit/?action=view", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<table class="audit-events">' in html
    assert "<html" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=2026-02-01&date_to=2026-01-01", "The start date is after the end date."),
        ("date_from=yesterday", "Enter a valid date."),
        ("action=explode", "Select a valid choice. %(value)s is not one of the available choices."),
    ],
)
def test_bad_filters_get_a_translated_error(client, coordinator, query, message):
    client.force_login(coordinator)
    html = client.get(f"/staff/audit/?{query}", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert vi(message).split("%(")[0] in html


@pytest.mark.django_db
def test_only_coordinators_may_browse_the_trail(client, bob):
    client.force_login(bob)
    assert client.get("/staff/audit/").status_code == 403
