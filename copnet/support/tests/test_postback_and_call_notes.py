"""The hotline posts back its own status (signed, API key, once per event id) and joins an
operator's call note to the case of the online report."""

from __future__ import annotations

import json
import time

import pytest

from copnet.accounts.services import do_create_api_key
from copnet.audit.models import AuditEvent
from copnet.support import signing
from copnet.support.models import CallNote, PostbackReceipt, Referral

from .factories import SECRET, make_case, make_hotline, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline():
    return make_hotline(url="https://hotline111.example/copnet")


@pytest.fixture
def key(hotline):
    _key, raw = do_create_api_key(organisation=hotline, name="111 system", actor=None)
    return raw


@pytest.fixture
def referral(alice, org_a, hotline):
    return make_referral(case=make_case(lead=org_a, category="sextortion"), actor=alice, to=hotline)


def post(client, path, key, payload, *, secret=SECRET, stamp=None, signature=None):
    body = json.dumps(payload).encode()
    stamp = int(time.time()) if stamp is None else stamp
    header = signature or signing.signature_header(secret, stamp, body)
    return client.post(
        path,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", signing.SIGNATURE_HEADER: header},
    )


def status_path(referral):
    return f"/api/v1/support/referrals/{referral.reference}/status"


def test_the_hotline_accepts_and_reports_its_own_status(client, key, referral):
    answer = post(
        client,
        status_path(referral),
        key,
        {
            "event_id": "evt-0001",
            "status": "accepted",
            "external_status": "Đang tư vấn",
            "external_ref": "111-2026-77",
        },
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "reference": referral.reference,
        "status": "accepted",
        "external_status": "Đang tư vấn",
    }
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.external_ref == "111-2026-77"
    assert AuditEvent.objects.filter(
        target_type="support.referral", reason="hotline post-back"
    ).exists()


def test_a_replayed_event_is_refused_and_changes_nothing(client, key, referral):
    payload = {"event_id": "evt-0002", "status": "accepted"}
    assert post(client, status_path(referral), key, payload).status_code == 200
    again = post(client, status_path(referral), key, {**payload, "status": "declined", "note": "x"})
    assert again.status_code == 409
    assert again.json()["code"] == "replayed"
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert PostbackReceipt.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("wrong_secret", "bad_signature"),
        ("garbage", "bad_signature"),
        ("missing", "bad_signature"),
        ("old", "stale_timestamp"),
        ("tampered", "bad_signature"),
    ],
)
def test_a_bad_signature_is_refused_and_changes_nothing(client, key, referral, kind, code):
    payload = {"event_id": "evt-0003", "status": "accepted"}
    body = json.dumps(payload).encode()
    now = int(time.time())
    options = {
        "wrong_secret": {"secret": "not-the-secret"},
        "garbage": {"signature": "t=abc,v1=<script>"},
        "missing": {"signature": " "},
        "old": {"stamp": now - 3600},
        "tampered": {"signature": signing.signature_header(SECRET, now, body + b" ")},
    }[kind]
    answer = post(client, status_path(referral), key, payload, **options)
    assert answer.status_code == 401
    assert answer.json()["code"] == code
    referral.refresh_from_db()
    assert referral.status == "sent"
    assert not PostbackReceipt.objects.exists()


def test_a_referral_to_another_body_looks_missing(client, alice, org_a, org_b, referral, key):
    other = make_referral(case=make_case(lead=org_a), actor=alice, to=org_b)
    answer = post(client, status_path(other), key, {"event_id": "evt-0004", "status": "accepted"})
    assert answer.status_code == 404
    other.refresh_from_db()
    assert other.status == "sent"


def test_a_step_the_referral_cannot_take_leaves_no_receipt(client, key, referral):
    answer = post(client, status_path(referral), key, {"event_id": "evt-0005", "status": "closed"})
    assert answer.status_code == 409
    assert answer.json()["code"] == "invalid_transition"
    assert not PostbackReceipt.objects.exists()
    # Declining needs a reason: refused, and the same event id may be sent again, corrected.
    answer = post(
        client, status_path(referral), key, {"event_id": "evt-0006", "status": "declined"}
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "reason_required"
    answer = post(
        client,
        status_path(referral),
        key,
        {"event_id": "evt-0006", "status": "declined", "note": "Ngoài phạm vi"},
    )
    assert answer.status_code == 200
    assert Referral.objects.get(pk=referral.pk).status == "declined"


def test_a_key_without_a_hotline_link_is_refused(client, org_b, referral):
    _key, raw = do_create_api_key(organisation=org_b, name="B", actor=None)
    answer = post(
        client, status_path(referral), raw, {"event_id": "evt-0007", "status": "accepted"}
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "no_endpoint"


def test_a_call_note_joins_the_case_of_the_online_report(client, key, alice, org_a, hotline):
    case = make_case(lead=org_a, category="sextortion")
    code = case.reports.get().tracking_code
    payload = {
        "event_id": "call-0001",
        "tracking_code": code.lower(),
        "text": "Trẻ gọi 111, kể lại việc bị đe doạ; đã khuyên không chuyển tiền",
        "called_at": "2026-08-28T10:05:00+07:00",
        "operator_ref": "OP-12",
    }
    answer = post(client, "/api/v1/support/call-notes", key, payload)
    assert answer.status_code == 201, answer.content
    note = CallNote.objects.get()
    assert note.case == case
    assert note.text.startswith("Trẻ gọi 111")
    assert case.events.filter(data__call_note=note.pk).exists()
    # One case: the case page shows the call note beside the online report.
    client.force_login(alice)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Trẻ gọi 111, kể lại việc bị đe doạ" in page
    # The same call again: refused, still one note.
    assert post(client, "/api/v1/support/call-notes", key, payload).status_code == 409
    assert CallNote.objects.count() == 1


def test_a_call_note_by_case_reference_needs_a_case_the_hotline_knows(
    client, key, alice, org_a, hotline
):
    unknown = make_case(lead=org_a)
    payload = {
        "event_id": "call-0002",
        "case_reference": unknown.reference,
        "text": "Ghi chú",
        "called_at": "2026-08-28T10:05:00+07:00",
    }
    answer = post(client, "/api/v1/support/call-notes", key, payload)
    assert answer.status_code == 404
    assert answer.json()["code"] == "no_such_case"
    make_referral(case=unknown, actor=alice, to=hotline)  # now the hotline was told of it
    assert post(client, "/api/v1/support/call-notes", key, payload).status_code == 201
    assert CallNote.objects.get().case == unknown
    bad = post(
        client, "/api/v1/support/call-notes", key, {**payload, "event_id": "call-0003", "text": 12}
    )
    assert bad.status_code == 422
    assert CallNote.objects.count() == 1
