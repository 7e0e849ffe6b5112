"""Removal that persists: an unanswered request is sent again and its addresses checked again
on the platform's schedule, the ladder climbs, and it all stops when the content is gone or a
person closes it. The clock is moved with freezegun; the platform and the content are a real
local HTTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from copnet.audit.models import AuditEvent
from copnet.network.tests.factories import make_contact
from copnet.takedowns import services
from copnet.takedowns.errors import TakedownError
from copnet.takedowns.models import FollowUp, RemovalRequest
from copnet.takedowns.selectors import compliance, renotices
from copnet.takedowns.tasks import expire_overdue_requests, follow_up_removal_requests
from copnet.takedowns.tests.factories import local_server, make_case, make_platform, make_request

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _posts(receiver):
    return [r for r in receiver.received if r["method"] == "POST"]


def _gets(receiver, path="/post/1"):
    return [r for r in receiver.received if r["method"] == "GET" and r["path"] == path]


@pytest.fixture
def platform_server(settings):
    """A local server that is both the platform's API and the page to be removed."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with local_server() as receiver:
        receiver.routes = {"/post/1": (200, {}, b"the harmful post")}
        yield receiver


def _sent_request(alice, receiver, capture, **platform):
    options = {"channel": "api", "api_url": f"{receiver.url}/removals", "api_token": "t"}
    options.update(platform)
    url = f"{receiver.url}/post/1"
    case = make_case(lead=alice.organisation, url=url)
    with capture(execute=True):
        return make_request(
            case=case,
            platform=make_platform(**options),
            actor=alice,
            urls=[url],
            send=True,
        )


def _sweep(capture):
    with capture(execute=True):
        return follow_up_removal_requests.call()


@pytest.mark.django_db
def test_unanswered_for_24_hours_it_is_sent_again_and_checked_until_the_content_is_gone(
    alice, platform_server, evidence_dir, immediate_tasks, django_capture_on_commit_callbacks
):
    capture, receiver = django_capture_on_commit_callbacks, platform_server
    with freeze_time(START) as clock:
        removal = _sent_request(alice, receiver, capture)
        (first,) = _posts(receiver)
        assert first["headers"]["Idempotency-Key"] == removal.reference
        assert first["json"]["renotice"] == 0

        clock.move_to(START + 23 * HOUR)  # not yet due: nothing is sent or fetched
        assert _sweep(capture) == 0
        assert len(_posts(receiver)) == 1
        assert _gets(receiver) == []

        clock.move_to(START + 24 * HOUR + dt.timedelta(minutes=5))
        assert _sweep(capture) == 1
        removal.refresh_from_db()
        assert removal.renotice_count == 1
        assert len(_gets(receiver)) == 1  # the content was checked ...
        item = removal.items.get()
        assert (item.check_result, item.check_detail) == ("online", "HTTP 200")
        second = _posts(receiver)[1]  # ... it is still there, so the platform is told again
        assert second["headers"]["Idempotency-Key"] == f"{removal.reference}-R1"
        assert second["json"]["renotice"] == 1
        assert second["json"]["notice"].startswith("NHẮC LẠI LẦN 1")
        assert "REMINDER 1: this request was first sent on" in second["json"]["notice"]
        assert removal.delivery == "delivered"
        assert removal.next_followup_at == START + 48 * HOUR + dt.timedelta(minutes=5)

        # The sweep runs again in the same window: no second re-notice, no second check.
        clock.move_to(START + 24 * HOUR + dt.timedelta(minutes=15))
        assert _sweep(capture) == 0
        assert services.follow_up(removal.pk) == "not_due"
        assert len(_posts(receiver)) == 2
        assert len(_gets(receiver)) == 1
        assert RemovalRequest.objects.get(pk=removal.pk).renotice_count == 1

        # The platform takes the post down: the next check finds it gone.
        receiver.routes["/post/1"] = (404, {}, b"")
        clock.move_to(START + 48 * HOUR + dt.timedelta(minutes=10))
        assert _sweep(capture) == 1
        removal.refresh_from_db()
        assert removal.status == "removed"
        assert removal.resolved_at == START + 48 * HOUR + dt.timedelta(minutes=10)
        assert removal.acknowledged_at is None  # found gone, the platform never answered
        assert removal.next_followup_at is None
        assert len(_posts(receiver)) == 2

        clock.move_to(START + 96 * HOUR)  # nothing more, ever
        assert _sweep(capture) == 0
        assert len(_posts(receiver)) == 2
        assert len(_gets(receiver)) == 2

    steps = list(FollowUp.objects.filter(request=removal).values_list("kind", "number"))
    assert steps == [
        ("recheck", 1),
        ("renotice", 1),
        ("escalation", 1),  # the 24-hour deadline had passed
        ("recheck", 2),
    ]
    reasons = list(
        AuditEvent.objects.filter(target_id=str(removal.pk), target_type="takedowns.removalrequest")
        .order_by("pk")
        .values_list("reason", flat=True)
    )
    assert "notice sent to the platform again" in reasons
    assert "every address is gone at the follow-up check: recorded as removed" in reasons
    # Response times and re-notices reach the compliance figures.
    (figures,) = compliance()
    assert figures.as_dict()["renotices"] == 1
    assert figures.as_dict()["median_hours_to_removal"] == pytest.approx(48.17, abs=0.01)
    assert figures.as_dict()["median_hours_to_first_response"] is None
    window = renotices(since=START, until=START + 72 * HOUR)
    assert window == {removal.platform_id: 1}


@pytest.mark.django_db
def test_the_period_is_the_platforms_and_a_removed_answer_is_verified(
    alice, platform_server, evidence_dir, immediate_tasks, django_capture_on_commit_callbacks
):
    capture, receiver = django_capture_on_commit_callbacks, platform_server
    with freeze_time(START) as clock:
        removal = _sent_request(alice, receiver, capture, renotice_hours=6)
        clock.move_to(START + 6 * HOUR)
        assert _sweep(capture) == 1
        # The platform says it removed the post (2 h later): it is checked at the next sweep.
        clock.move_to(START + 8 * HOUR)
        services.do_record_answer(request=removal, status="removed", actor=alice)
        removal.refresh_from_db()
        assert removal.next_followup_at == START + 8 * HOUR
        clock.move_to(START + 8 * HOUR + dt.timedelta(minutes=10))
        assert _sweep(capture) == 1  # still online: the platform is told again
        removal.refresh_from_db()
        assert (removal.status, removal.renotice_count) == ("removed", 2)
        assert len(_posts(receiver)) == 3
        receiver.routes["/post/1"] = (410, {}, b"")
        clock.move_to(START + 14 * HOUR + dt.timedelta(minutes=10))
        assert _sweep(capture) == 1
        removal.refresh_from_db()
        assert removal.next_followup_at is None
        assert len(_posts(receiver)) == 3
    (figures,) = compliance()
    assert figures.median_first_response_hours == 8.0


@pytest.mark.django_db
def test_the_escalation_ladder_coordinators_then_the_lead_authority(
    settings,
    alice,
    coordinator,
    platform_server,
    evidence_dir,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    capture, receiver = django_capture_on_commit_callbacks, platform_server
    settings.TAKEDOWN_ESCALATE_LEAD_AFTER_HOURS = 48
    make_contact(organisation=alice.organisation, email="duty@a.example")
    with freeze_time(START) as clock:
        # A platform reached through its web form: an officer sends each re-notice by hand.
        removal = _sent_request(
            alice, receiver, capture, channel="web_form", web_form_url="https://p.example/f"
        )
        assert _posts(receiver) == []
        clock.move_to(START + 24 * HOUR + dt.timedelta(minutes=1))  # the deadline passed
        with capture(execute=True):
            assert expire_overdue_requests.call() == 1
        removal.refresh_from_db()
        assert (removal.status, removal.escalation_level) == ("expired", 1)
        (to_coordinators,) = mail.outbox
        assert to_coordinators.to == ["coord@vncert.example"]
        assert removal.reference in to_coordinators.subject

        clock.move_to(START + 25 * HOUR)
        assert _sweep(capture) == 1  # expired, still online: re-notice 1, by hand
        removal.refresh_from_db()
        assert (removal.renotice_count, removal.delivery) == (1, "manual")
        assert mail.outbox[-1].to == ["alice@a.example"]
        assert removal.reference in mail.outbox[-1].subject
        clock.move_to(START + 49 * HOUR)
        assert _sweep(capture) == 1
        removal.refresh_from_db()
        assert removal.escalation_level == 1  # 24 h after step 1: not yet
        assert len(mail.outbox) == 3

        clock.move_to(START + 73 * HOUR)  # 48 h after step 1
        assert _sweep(capture) == 1
        removal.refresh_from_db()
        assert (removal.escalation_level, removal.renotice_count) == (2, 3)
        to_lead = [m for m in mail.outbox if m.to == ["duty@a.example"]]
        assert len(to_lead) == 1
        assert "sau 3 lần nhắc lại" in to_lead[0].body  # in Vietnamese, with the count
        assert removal.case.reference in to_lead[0].body

        clock.move_to(START + 97 * HOUR)
        assert _sweep(capture) == 1  # re-notices go on; the ladder has no third step
        assert len([m for m in mail.outbox if m.to == ["duty@a.example"]]) == 1
    assert list(
        FollowUp.objects.filter(request=removal, kind="escalation").values_list("number", "at")
    ) == [(1, START + 24 * HOUR + dt.timedelta(minutes=1)), (2, START + 73 * HOUR)]
    reasons = set(
        AuditEvent.objects.filter(
            target_id=str(removal.pk), target_type="takedowns.removalrequest"
        ).values_list("reason", flat=True)
    )
    assert "deadline passed without removal; escalated to the coordinators" in reasons
    assert "still not removed; escalated to the lead authority" in reasons


@pytest.mark.django_db
def test_a_person_closing_the_follow_up_stops_the_schedule(
    client,
    alice,
    charlie,
    platform_server,
    evidence_dir,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    capture, receiver = django_capture_on_commit_callbacks, platform_server
    with freeze_time(START) as clock:
        removal = _sent_request(alice, receiver, capture)
        path = f"/staff/takedowns/{removal.reference}/close-followup/"
        # Another organisation's officer cannot see it, so cannot close it.
        client.force_login(charlie)
        assert client.post(path, {"reason": "x"}).status_code == 404
        client.force_login(alice)
        page = client.get(f"/staff/takedowns/{removal.reference}/").content.decode()
        assert 'action="' + path in page
        for bad in ["", "   ", "\u200b", "\x00\x07", "\u202e\u2066"]:
            client.post(path, {"reason": bad})
            assert RemovalRequest.objects.get(pk=removal.pk).next_followup_at is not None
        response = client.post(path, {"reason": "x" * 2001})
        assert RemovalRequest.objects.get(pk=removal.pk).followup_closed_at is None
        response = client.post(path, {"reason": "Đã chuyển cho Bộ Công an xử lý <b>"})
        assert response.status_code == 302
        removal.refresh_from_db()
        assert removal.followup_closed_by == alice
        assert removal.next_followup_at is None
        page = client.get(f"/staff/takedowns/{removal.reference}/").content.decode()
        assert 'action="' + path not in page
        assert client.post(path, {"reason": "again"}).status_code == 302  # refused: nothing new
        assert FollowUp.objects.filter(request=removal, kind="closed").count() == 1

        clock.move_to(START + 72 * HOUR)
        assert _sweep(capture) == 0
        assert len(_posts(receiver)) == 1
        assert _gets(receiver) == []
    event = AuditEvent.objects.get(reason="follow-up closed by a person")
    assert event.actor == alice
    with pytest.raises(TakedownError):  # not text at all
        services.do_close_followup(request=removal, actor=alice, reason=["x"])


@pytest.mark.django_db
def test_a_refusal_ends_the_schedule_and_a_draft_has_none(
    alice, platform_server, evidence_dir, immediate_tasks, django_capture_on_commit_callbacks
):
    capture, receiver = django_capture_on_commit_callbacks, platform_server
    with freeze_time(START) as clock:
        removal = _sent_request(alice, receiver, capture)
        draft = make_request(
            case=removal.case, platform=removal.platform, actor=alice, urls=[receiver.url]
        )
        assert draft.next_followup_at is None
        services.do_record_answer(
            request=removal, status="refused", refusal_reason="jurisdiction", actor=alice
        )
        clock.move_to(START + 48 * HOUR)
        assert _sweep(capture) == 0
    assert len(_posts(receiver)) == 1
    with pytest.raises(TakedownError) as refused:
        services.do_close_followup(request=draft, actor=alice, reason="nothing to follow")
    assert refused.value.code == "not_followed_up"


@pytest.mark.django_db
def test_a_sweep_that_died_after_claiming_is_retried_when_the_lease_ends(
    settings,
    alice,
    platform_server,
    evidence_dir,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    capture, receiver = django_capture_on_commit_callbacks, platform_server
    settings.TAKEDOWN_FOLLOWUP_LEASE_SECONDS = 600
    with freeze_time(START) as clock:
        removal = _sent_request(alice, receiver, capture)
        clock.move_to(START + 24 * HOUR)
        # A worker claimed it and died before anything else happened.
        RemovalRequest.objects.filter(pk=removal.pk).update(
            next_followup_at=timezone.now() + dt.timedelta(seconds=600)
        )
        assert _sweep(capture) == 0
        clock.move_to(START + 24 * HOUR + dt.timedelta(seconds=601))
        assert _sweep(capture) == 1
        assert RemovalRequest.objects.get(pk=removal.pk).renotice_count == 1
        assert len(_posts(receiver)) == 2
