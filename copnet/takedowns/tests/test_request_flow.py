"""Case → removal request → notice sent (e-mail, local HTTP API) → platform callback → removed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from pypdf import PdfReader

from copnet.audit.models import AuditEvent
from copnet.cases.models import CaseAction
from copnet.takedowns import services
from copnet.takedowns.models import RemovalRequest
from copnet.takedowns.tests.factories import (
    approve,
    local_server,
    make_case,
    make_platform,
    make_request,
    platform_key,
)


@pytest.mark.django_db(transaction=True)
def test_request_from_a_case_is_emailed_answered_and_removed_in_time(
    client, alice, coordinator, immediate_tasks, evidence_dir
):
    case = make_case(lead=alice.organisation)
    platform = make_platform()
    raw_key = platform_key(platform)
    client.force_login(alice)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "https://www.facebook.com/post/1" in page  # the form is prefilled with the case URLs

    response = client.post(
        f"/staff/takedowns/from-case/{case.reference}/",
        {
            "platform": platform.pk,
            "urls": "https://www.facebook.com/post/1\n",
            "accounts": "@bully.account",
            "legal_basis": "authority_request",
            "urgency": "normal",
        },
    )
    removal = RemovalRequest.objects.get()
    assert response["Location"] == f"/staff/takedowns/{removal.reference}/"
    assert removal.status == "draft"
    assert [(i.kind, i.value) for i in removal.items.all()] == [
        ("url", "https://www.facebook.com/post/1"),
        ("account", "@bully.account"),
    ]
    assert CaseAction.objects.filter(case=case, kind="removal_requested").count() == 1
    assert mail.outbox == []

    approve(removal)
    client.post(f"/staff/takedowns/{removal.reference}/send/")
    removal.refresh_from_db()
    assert removal.status == "sent"
    assert removal.delivery == "delivered"
    assert removal.deadline - removal.sent_at == dt.timedelta(hours=24)
    (message,) = mail.outbox
    assert message.to == ["legal@p.example"]
    assert removal.reference in message.subject
    assert "YÊU CẦU GỠ BỎ" in message.body  # Vietnamese first
    assert "REQUEST TO REMOVE CONTENT HARMFUL TO CHILDREN" in message.body  # then English
    assert message.body.index("YÊU CẦU") < message.body.index("REQUEST TO REMOVE")
    assert "Nghị định 147/2024/NĐ-CP" in message.body
    assert "@bully.account" in message.body
    name, content, mime = message.attachments[0]
    assert (name, mime) == (f"{removal.reference}.pdf", "application/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert removal.reference in text
    sends = AuditEvent.objects.filter(target_id=str(removal.pk), reason="removal request sent")
    assert [e.actor_label for e in sends] == ["alice@a.example"]

    answer = client.post(
        "/api/v1/takedowns/callbacks",
        {"event_id": "evt-000001", "reference": removal.reference, "status": "removed"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw_key}"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"reference": removal.reference, "status": "removed"}
    removal.refresh_from_db()
    assert removal.status == "removed"
    assert removal.removed_in_time
    figures = client.get(
        "/api/v1/takedowns/compliance", headers={"Authorization": f"Bearer {raw_key}"}
    ).json()["platforms"]
    assert figures[0]["sent"] == 1
    assert figures[0]["share_removed_within_deadline"] == 1.0


@pytest.mark.django_db(transaction=True)
def test_api_channel_posts_to_the_platform_retries_with_backoff_and_never_sends_twice(
    settings, alice, immediate_tasks, evidence_dir
):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.TAKEDOWN_BACKOFF_SECONDS = 30
    case = make_case(lead=alice.organisation, in_danger=True)
    with local_server() as receiver:
        platform = make_platform(
            channel="api", api_url=f"{receiver.url}/removals", api_token="tok-secret"
        )
        receiver.statuses = [503, 201]
        removal = make_request(
            case=case,
            platform=platform,
            actor=alice,
            legal_basis="user_complaint",
            urgency="urgent",
        )
        approve(removal)
        removal = services.do_send_request(request=removal, actor=alice)
        assert removal.deadline - removal.sent_at == dt.timedelta(hours=12)  # urgent caps 48 h
        removal.refresh_from_db()
        assert (removal.delivery, removal.attempts) == ("pending", 1)
        assert removal.last_error == "HTTP 503"
        wait = (removal.next_attempt_at - dt.datetime.now(tz=dt.UTC)).total_seconds()
        assert 25 < wait <= 30
        # Not due yet: the periodic retry leaves it alone.
        assert services.due_deliveries() == []
        RemovalRequest.objects.filter(pk=removal.pk).update(
            next_attempt_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(seconds=1)
        )
        from copnet.takedowns.tasks import retry_deliveries

        retry_deliveries.call()
        removal.refresh_from_db()
        assert (removal.delivery, removal.attempts, removal.platform_ref) == ("delivered", 2, "T-2")
        assert services.deliver(removal.pk) == "delivered"  # a late duplicate task sends nothing
        assert len(receiver.received) == 2
        first, second = receiver.received
        assert second["headers"]["Authorization"] == "Bearer tok-secret"
        assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]
        assert second["headers"]["Idempotency-Key"] == removal.reference
        assert second["json"]["items"] == [
            {"kind": "url", "value": "https://www.facebook.com/post/1"}
        ]
        assert second["json"]["legal_basis"] == "user_complaint"


@pytest.mark.django_db(transaction=True)
def test_delivery_gives_up_after_the_last_attempt_and_tells_the_coordinators(
    settings, alice, coordinator, immediate_tasks, evidence_dir
):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.TAKEDOWN_MAX_ATTEMPTS = 2
    settings.TAKEDOWN_BACKOFF_SECONDS = 0
    case = make_case(lead=alice.organisation)
    with local_server() as receiver:
        receiver.statuses = [500, 502, 200]
        platform = make_platform(channel="api", api_url=f"{receiver.url}/removals")
        removal = make_request(case=case, platform=platform, actor=alice, send=True)
        services.deliver(removal.pk)
        removal.refresh_from_db()
        assert (removal.delivery, removal.attempts) == ("failed", 2)
        assert services.deliver(removal.pk) == "failed"
        assert len(receiver.received) == 2
    assert [m.to for m in mail.outbox] == [["coord@vncert.example"]]
    assert removal.reference in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_a_platform_answering_400_is_not_retried(settings, alice, immediate_tasks, evidence_dir):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    case = make_case(lead=alice.organisation)
    with local_server() as receiver:
        receiver.statuses = [400]
        platform = make_platform(channel="api", api_url=f"{receiver.url}/removals")
        removal = make_request(case=case, platform=platform, actor=alice, send=True)
    removal.refresh_from_db()
    assert (removal.delivery, removal.attempts, removal.last_error) == ("failed", 1, "HTTP 400")


@pytest.mark.django_db
def test_web_form_platforms_are_sent_by_an_officer(client, alice, evidence_dir):
    case = make_case(lead=alice.organisation)
    platform = make_platform(channel="web_form", web_form_url="https://p.example/report")
    removal = make_request(case=case, platform=platform, actor=alice)
    client.force_login(alice)
    approve(removal)
    client.post(f"/staff/takedowns/{removal.reference}/send/")
    removal.refresh_from_db()
    assert (removal.status, removal.delivery) == ("sent", "manual")
    page = client.get(f"/staff/takedowns/{removal.reference}/").content.decode()
    assert "https://p.example/report" in page
    client.post(f"/staff/takedowns/{removal.reference}/delivered/")
    removal.refresh_from_db()
    assert removal.delivery == "delivered"
    client.post(
        f"/staff/takedowns/{removal.reference}/answer/",
        {"status": "refused", "refusal_reason": "not_violating", "note": "Họ từ chối"},
    )
    removal.refresh_from_db()
    assert (removal.status, removal.refusal_reason) == ("refused", "not_violating")
    assert removal.answer_note == "Họ từ chối"
