"""The audit trail cannot be rewritten by deleting the person who acted, through the ORM, the
database or the admin site, and the admin site cannot change or delete audit rows."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, connection
from django.db.models.deletion import ProtectedError

from copnet.accounts.models import User
from copnet.audit.models import AppendOnlyError, AuditEvent
from copnet.audit.services import record_change, record_view


def rows_of(user: User) -> list[tuple[int, int | None, str]]:
    return list(
        AuditEvent.objects.filter(actor_label=user.email)
        .order_by("pk")
        .values_list("pk", "actor_id", "actor_label")
    )


@pytest.fixture
def superuser(django_user_model, org_a):
    return django_user_model.objects.create_superuser(email="root@a.example", password="x" * 12)


@pytest.mark.django_db
def test_an_account_that_acted_cannot_be_deleted_through_the_orm(alice, bob):
    record_change(actor=alice, action="update", target=bob, changes={"role": ["a", "b"]})
    before = rows_of(alice)
    with pytest.raises(ProtectedError):
        alice.delete()
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=alice.pk).delete()
    assert User.objects.filter(pk=alice.pk).exists()
    assert rows_of(alice) == before
    assert before[0][1] == alice.pk


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_delete_an_account_that_acted(org_a):
    from copnet.accounts.tests.factories import make_user

    alice = make_user(email="alice@a.example", organisation=org_a)
    record_view(actor=alice, target=alice)
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE id = %s", [alice.pk])
    assert User.objects.filter(pk=alice.pk).exists()
    assert AuditEvent.objects.get(actor_label=alice.email).actor_id == alice.pk


@pytest.mark.django_db
def test_an_account_that_never_acted_can_still_be_deleted(alice, bob):
    record_change(actor=alice, action="update", target=bob)  # bob is only the target
    bob.delete()
    assert not User.objects.filter(email="bob@a.example").exists()


@pytest.mark.django_db
def test_the_admin_offers_no_delete_for_an_account_that_acted(client, superuser, alice):
    record_view(actor=alice, target=alice)
    client.force_login(superuser)
    change = client.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()
    assert f"/admin/accounts/user/{alice.pk}/delete/" not in change
    assert client.get(f"/admin/accounts/user/{alice.pk}/delete/").status_code == 403
    assert client.post(f"/admin/accounts/user/{alice.pk}/delete/", {"post": "yes"}).status_code == (
        403
    )
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.django_db
def test_bulk_delete_in_the_admin_deletes_no_account_that_acted(client, superuser, alice, bob):
    record_view(actor=alice, target=alice)
    before = rows_of(alice)
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [alice.pk, bob.pk], "post": "yes"},
    )
    assert response.status_code == 200  # "cannot delete: protected audit events"
    assert User.objects.filter(pk__in=[alice.pk, bob.pk]).count() == 2
    assert rows_of(alice) == before


@pytest.mark.django_db
def test_the_admin_deactivates_instead_and_audits_it(client, superuser, alice):
    record_view(actor=alice, target=alice)
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    event = AuditEvent.objects.get(actor=superuser, action="update", target_id=str(alice.pk))
    assert event.changes == {"is_active": [True, False]}


@pytest.mark.django_db
def test_a_deactivated_account_loses_its_open_session(client, superuser, alice):
    from copnet.accounts.services import do_deactivate_user

    client.force_login(alice)
    assert client.get("/staff/").status_code == 200
    do_deactivate_user(user=alice, actor=superuser)
    assert client.get("/staff/").status_code == 302


@pytest.mark.django_db
def test_the_admin_cannot_change_or_delete_audit_rows_in_any_way(client, superuser, alice):
    event = record_view(actor=alice, target=alice)
    client.force_login(superuser)
    url = f"/admin/audit/auditevent/{event.pk}"
    assert client.post(f"{url}/change/", {"reason": "tampered"}).status_code == 403
    assert client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    listing = client.get("/admin/audit/auditevent/").content.decode()
    assert "delete_selected" not in listing
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_no_admin_page_edits_audit_rows_inline(rf):
    """No registered admin lists audit events inline (where they could be edited or removed)."""
    for model_admin in site._registry.values():
        for inline in model_admin.inlines:
            assert inline.model is not AuditEvent, f"{type(model_admin).__name__} inlines audit"


@pytest.mark.django_db
def test_djangos_low_level_update_and_delete_paths_are_closed_too(alice):
    event = record_view(actor=alice, target=alice)
    queryset = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AppendOnlyError):
        queryset._update({"reason": "tampered"})
    with pytest.raises(AppendOnlyError):
        queryset._raw_delete(queryset.db)
    with pytest.raises(AppendOnlyError):
        AuditEvent._base_manager.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"reason": "tampered"})
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
