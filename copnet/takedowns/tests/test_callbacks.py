"""Platform callbacks: only the platform's own key, once per event, valid transitions only."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.takedowns.models import CallbackReceipt, RemovalRequest
from copnet.takedowns.tests.factories import make_case, make_platform, make_request, platform_key

URL = "/api/v1/takedowns/callbacks"


@pytest.fixture
def sent(alice, evidence_dir):
    case = make_case(lead=alice.organisation)
    platform = make_platform(channel="web_form")
    removal = make_request(case=case, platform=platform, actor=alice, send=True)
    return removal, platform_key(platform)


def _post(client, key, **body):
    payload = {"event_id": "evt-123456", "status": "acknowledged", **body}
    return client.post(
        URL, payload, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )


def _state(removal):
    row = RemovalRequest.objects.get(pk=removal.pk)
    return (row.status, row.acknowledged_at, row.resolved_at, row.refusal_reason)


@pytest.mark.django_db
def test_a_replayed_callback_is_refused_and_changes_nothing(client, sent):
    removal, key = sent
    assert _post(client, key, reference=removal.reference).status_code == 200
    before = _state(removal)
    again = _post(client, key, reference=removal.reference, status="removed")
    assert again.status_code == 409
    assert again.json()["code"] == "replayed"
    assert _state(removal) == before
    assert CallbackReceipt.objects.count() == 1


@pytest.mark.django_db
def test_a_callback_for_another_platforms_request_looks_missing(client, sent):
    removal, _key = sent
    other = make_platform(code="tiktok-test")
    other_key = platform_key(other, code="OTHER")
    before = _state(removal)
    response = _post(client, other_key, reference=removal.reference, status="removed")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _state(removal) == before
    assert CallbackReceipt.objects.count() == 0


@pytest.mark.django_db
def test_a_key_of_an_organisation_that_is_no_platform_is_refused(client, sent, org_b):
    from copnet.accounts.services import do_create_api_key

    removal, _key = sent
    _row, raw = do_create_api_key(organisation=org_b, name="partner", actor=None)
    assert _post(client, raw, reference=removal.reference).status_code == 404
    assert _post(client, "cpn_wrong_key", reference=removal.reference).status_code == 401
    assert _state(removal)[0] == "sent"


@pytest.mark.parametrize(
    "body",
    [
        {"status": "deleted"},
        {"status": "refused"},  # no reason
        {"status": "refused", "refusal_reason": "because"},
        {"event_id": "short"},
        {"event_id": "<script>alert(1)</script>"},
        {"occurred_at": "yesterday"},
        {"note": "x" * 2001},
        {"reference": 12},
    ],
)
@pytest.mark.django_db
def test_malformed_callbacks_get_a_clear_error_and_change_nothing(client, sent, body):
    removal, key = sent
    before = _state(removal)
    events = AuditEvent.objects.count()
    response = _post(client, key, **{"reference": removal.reference, **body})
    assert response.status_code == 422
    assert response.json()["code"] in {"invalid", "invalid_status", "reason_required"}
    assert response.json()["message"]
    assert _state(removal) == before
    assert AuditEvent.objects.count() == events
    assert CallbackReceipt.objects.count() == 0


@pytest.mark.django_db
def test_a_callback_that_breaks_the_workflow_is_refused(client, sent):
    removal, key = sent
    assert _post(client, key, reference=removal.reference, status="removed").status_code == 200
    late = _post(client, key, reference=removal.reference, event_id="evt-999999")
    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"
    assert _state(removal)[0] == "removed"
    # The refused event id was not consumed: nothing was applied.
    assert list(CallbackReceipt.objects.values_list("event_id", flat=True)) == ["evt-123456"]


@pytest.mark.django_db
def test_a_draft_cannot_be_answered(client, alice, evidence_dir):
    case = make_case(lead=alice.organisation)
    platform = make_platform()
    key = platform_key(platform)
    draft = make_request(case=case, platform=platform, actor=alice)
    assert _post(client, key, reference=draft.reference).status_code == 409
    assert _state(draft)[0] == "draft"
