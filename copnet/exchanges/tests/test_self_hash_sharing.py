"""Young people's on-device fingerprints go abroad only with their explicit consent: ticked
on the self-hash page, recorded with the submission, queued for each exchange that accepts
submissions, sent once to the local StopNCII server (retried after a 500), audited, and not
sent at all when withdrawn first."""

from __future__ import annotations

import json

import pytest

from copnet.audit.models import AuditEvent
from copnet.exchanges.errors import ExchangeError
from copnet.exchanges.models import HashSubmission
from copnet.exchanges.submissions import send_due_submissions, send_submission_now
from copnet.reports.models import SelfHashSubmission
from copnet.reports.self_hash import SHARE_CONSENT_WORDING

from .factories import make_exchange

pytestmark = pytest.mark.django_db

URL = "/report/self-hash/"
STATUS_URL = "/report/self-hash/status/"
PDQ = "f0" * 32
IMAGE = {"pdq": PDQ, "md5": "0123456789abcdef" * 2, "sha256": "ab" * 32}


def send(client, payload):
    return client.post(URL, json.dumps(payload), content_type="application/json")


@pytest.fixture
def sharing_exchange(stopncii_server, coordinator):
    return make_exchange(
        coordinator, kind="stopncii", url=stopncii_server.url, accepts_submissions=True
    )


def test_ticked_fingerprints_are_sent_once_retried_and_audited(
    client,
    stopncii_server,
    sharing_exchange,
    coordinator,
    settings,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    settings.EXCHANGE_FEEDBACK_BACKOFF = 0
    # An exchange that does not accept submissions gets nothing.
    make_exchange(coordinator, kind="stopncii", url=stopncii_server.url, name="stopncii-read")
    stopncii_server.failures.script = [500, 500, 500]  # the first sending fails on every try

    with django_capture_on_commit_callbacks(execute=True):
        answer = send(client, {"category": "nude", "images": [IMAGE], "share": True})

    assert answer.status_code == 201
    submission = SelfHashSubmission.objects.get(tracking_code=answer.json()["tracking_code"])
    assert submission.share_consent_at is not None
    assert submission.share_consent_wording == SHARE_CONSENT_WORDING
    (row,) = HashSubmission.objects.all()
    assert row.exchange == sharing_exchange
    assert row.values == [["pdq", PDQ]]  # a picture's PDQ only: what StopNCII takes
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)  # the task ran after commit and failed
    assert stopncii_server.submitted == []

    assert send_due_submissions() == 1
    assert send_due_submissions() == 0
    assert send_submission_now(row.pk) == ""  # never twice
    ((body),) = stopncii_server.submitted
    (record,) = body["hashRecords"]
    assert (body["count"], record["signalType"], record["hashValue"]) == (1, "ImagePDQ", PDQ)
    assert record["CSPFeedbacks"][0]["tags"] == ["copnet-self-reported", "copnet:nude"]
    submit_calls = [r for r in stopncii_server.requests if r[1] == "/SubmitHashes"]
    headers = {name.lower(): value for name, value in submit_calls[-1][2].items()}
    assert headers["x-functions-key"] == "submit"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    reasons = list(
        AuditEvent.objects.filter(target_type="exchanges.hashsubmission").values_list(
            "reason", flat=True
        )
    )
    assert sorted(reasons) == ["self-hash submission queued", "self-hash submission sent"]


def test_without_the_tick_nothing_leaves(client, sharing_exchange):
    assert send(client, {"category": "nude", "images": [IMAGE]}).status_code == 201
    assert send(client, {"category": "nude", "images": [IMAGE], "share": False}).status_code == 201
    assert not SelfHashSubmission.objects.exclude(share_consent_at=None).exists()
    assert not HashSubmission.objects.exists()


@pytest.mark.parametrize("share", ["yes", 1, "true", None, ["x"]])
def test_consent_must_be_a_real_yes(client, sharing_exchange, share):
    answer = send(client, {"category": "nude", "images": [IMAGE], "share": share})
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"
    assert not SelfHashSubmission.objects.exists()
    assert not HashSubmission.objects.exists()


def test_withdrawn_before_sending_is_never_sent(client, stopncii_server, sharing_exchange):
    body = send(client, {"category": "nude", "images": [IMAGE], "share": True}).json()
    row = HashSubmission.objects.get()
    assert row.status == "queued"

    done = client.post(
        STATUS_URL,
        {"tracking_code": body["tracking_code"], "secret": body["secret"], "action": "withdraw"},
    )

    assert done.status_code == 200
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert send_due_submissions() == 0
    assert send_submission_now(row.pk) == ""
    assert stopncii_server.submitted == []
    assert AuditEvent.objects.filter(reason="self-hash submission withdrawn").count() == 1


def test_only_partners_that_take_submissions_may_be_configured_so(coordinator):
    with pytest.raises(ExchangeError) as ncmec:
        make_exchange(
            coordinator, kind="ncmec", url="https://hashsharing.example", accepts_submissions=True
        )
    assert (ncmec.value.code, ncmec.value.field) == (
        "submissions_unsupported",
        "accepts_submissions",
    )
    with pytest.raises(ExchangeError) as no_key:
        make_exchange(
            coordinator,
            kind="stopncii",
            url="https://api.stopncii.example",
            accepts_submissions=True,
            credentials={"subscription_key": "s", "fetch_key": "f"},
        )
    assert no_key.value.code == "credentials_missing"
