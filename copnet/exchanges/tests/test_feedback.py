"""Feedback out: a verdict on a match becomes exactly one message to its source exchange,
retried after a 500, audited."""

from __future__ import annotations

import json
import time

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.banks.models import BankEntry, DetectionHit
from copnet.exchanges.errors import ExchangeError
from copnet.exchanges.feedback import do_record_verdict, send_due_feedback
from copnet.exchanges.models import FeedbackMessage
from copnet.exchanges.services import do_fetch_exchange

from .factories import make_exchange
from .servers import NcmecEntry

pytestmark = pytest.mark.django_db


def hit_on(entry: BankEntry) -> DetectionHit:
    from copnet.reports.tests.factories import file_report

    report, _code = file_report(enqueue_triage=False)
    return DetectionHit.objects.create(
        case_id=report.case_id, report=report, kind="hash", bank_entry=entry, label="x", key="k"
    )


@pytest.fixture
def ncmec_hit(ncmec_server, coordinator, reference_data):
    ncmec_server.add(
        [
            NcmecEntry(
                member=41, id="e9", timestamp=int(time.time()) - 60, fingerprints={"pdq": "f" * 64}
            )
        ]
    )
    exchange = make_exchange(coordinator, kind="ncmec", url=ncmec_server.url)
    do_fetch_exchange(exchange.pk)
    return hit_on(BankEntry.objects.get(bank=exchange.bank))


def test_deconfirm_sends_one_negative_vote_retried_after_500(
    ncmec_server, ncmec_hit, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.EXCHANGE_FEEDBACK_BACKOFF = 0
    ncmec_server.failures.script = [500, 500, 500]  # the first sending fails on every try

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = do_record_verdict(hit_id=ncmec_hit.pk, verdict="deconfirm", actor=coordinator)
        again = do_record_verdict(hit_id=ncmec_hit.pk, verdict="deconfirm", actor=coordinator)
    assert message is not None
    assert again == message
    assert len(callbacks) == 1
    assert FeedbackMessage.objects.count() == 1

    from copnet.exchanges.feedback import send_feedback_now

    assert send_feedback_now(message.pk) == "failed"
    message.refresh_from_db()
    assert message.attempts == 1
    assert "HTTP 500" in message.last_error
    assert ncmec_server.feedback == []

    assert send_due_feedback() == 1  # the periodic retry
    assert send_due_feedback() == 0  # and never twice
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.attempts == 2
    assert len(ncmec_server.feedback) == 1
    path, body = ncmec_server.feedback[0]
    assert path == "/v2/entries/41/e9/PDQ/feedback"
    assert b"<negative>" in body
    assert b"9f1c2d3e-0000-4000-8000-000000000001" in body
    assert AuditEvent.objects.filter(reason="exchange feedback sent").count() == 1


def test_confirm_on_stopncii_is_blocked_feedback(stopncii_server, coordinator, reference_data):
    stopncii_server.put("ImagePDQ", "e" * 64, 1_000)
    exchange = make_exchange(coordinator, kind="stopncii", url=stopncii_server.url)
    do_fetch_exchange(exchange.pk)
    hit = hit_on(BankEntry.objects.get(bank=exchange.bank))

    message = do_record_verdict(hit_id=hit.pk, verdict="confirm", actor=coordinator)
    assert message is not None
    assert send_due_feedback() == 1

    ((_name, body),) = stopncii_server.feedback
    assert json.loads(body) == {
        "count": 1,
        "hashFeedbacks": [{"hashValue": "e" * 64, "feedbackValue": "Blocked", "tags": []}],
    }


def test_gives_up_after_the_last_attempt(ncmec_server, ncmec_hit, coordinator, settings):
    settings.EXCHANGE_FEEDBACK_BACKOFF = 0
    settings.EXCHANGE_FEEDBACK_MAX_ATTEMPTS = 2
    ncmec_server.failures.script = [503] * 6
    do_record_verdict(hit_id=ncmec_hit.pk, verdict="confirm", actor=coordinator)
    send_due_feedback()
    send_due_feedback()
    message = FeedbackMessage.objects.get()
    assert message.status == "gave_up"
    assert message.sent_at is None
    assert send_due_feedback() == 0


def test_hits_not_from_an_exchange_and_other_roles_are_refused(
    ncmec_hit, coordinator, charlie, reference_data
):
    from copnet.banks.tests.factories import add_hash, make_bank

    own = hit_on(add_hash(make_bank("own"), "a" * 64))
    with pytest.raises(ExchangeError) as refused:
        do_record_verdict(hit_id=own.pk, verdict="deconfirm", actor=coordinator)
    assert refused.value.code == "not_from_exchange"
    with pytest.raises(ExchangeError) as forbidden:
        do_record_verdict(hit_id=ncmec_hit.pk, verdict="deconfirm", actor=charlie)
    assert forbidden.value.code == "forbidden"
    assert FeedbackMessage.objects.count() == 0
    assert timezone.now()
