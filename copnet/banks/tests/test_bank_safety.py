"""The bank safety layer: per-bank PDQ thresholds, allow banks, flood quarantine — through
the matching API, a report upload (triage) and the staff pages."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from copnet.accounts.services import do_create_api_key
from copnet.audit.models import AuditEvent
from copnet.banks import safety
from copnet.banks.models import BankEntry, HashBank
from copnet.banks.tests.factories import add_hash, make_bank
from copnet.cases.choices import Priority
from copnet.cases.services import triage_case
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("fresh_engine")

PDQ_A = "f" * 64
PDQ_CLOSE = "f" * 60 + "0000"  # 16 bits from PDQ_A
PDQ_NEAR = "f" * 56 + "00000000"  # 32 bits: beyond the global 31


@pytest.fixture
def api_key(reference_data):
    _key, raw = do_create_api_key(
        organisation=Organisation.objects.get(code="VNCERT"), name="detect", actor=None
    )
    return raw


def match(client, key, value, signal_type="pdq"):
    response = client.post(
        "/api/v1/match/hash",
        json.dumps({"hashes": [{"signal_type": signal_type, "value": value}]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    return response.json()["results"][0]["matches"]


# --- Thresholds ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_bank_matches_within_its_own_threshold(client, api_key):
    strict = make_bank("strict")
    loose = make_bank("loose")
    default = make_bank("default")
    for bank in (strict, loose, default):
        add_hash(bank, PDQ_A)
    safety.do_set_bank_threshold(bank=strict, threshold=10, actor=None)
    safety.do_set_bank_threshold(bank=loose, threshold=40, actor=None)

    assert {m["bank"] for m in match(client, api_key, PDQ_CLOSE)} == {"loose", "default"}
    assert [m["bank"] for m in match(client, api_key, PDQ_NEAR)] == ["loose"]
    assert {m["bank"] for m in match(client, api_key, PDQ_A)} == {"strict", "loose", "default"}

    # A change is seen by the next match (no restart), and clearing restores the default.
    safety.do_set_bank_threshold(bank=loose, threshold=None, actor=None)
    assert match(client, api_key, PDQ_NEAR) == []
    assert HashBank.objects.get(name="loose").pdq_threshold is None


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [-1, 129, "12", True])
def test_a_bad_threshold_is_refused_and_changes_nothing(reference_data, bad):
    from copnet.banks.errors import DetectionInputError

    bank = make_bank("partner")
    with pytest.raises(DetectionInputError) as error:
        safety.do_set_bank_threshold(bank=bank, threshold=bad, actor=None)
    assert error.value.code == "bad_threshold"
    assert HashBank.objects.get(pk=bank.pk).pdq_threshold is None
    assert not AuditEvent.objects.filter(
        target_type="banks.hashbank", changes__has_key="pdq_threshold"
    ).exists()


@pytest.mark.django_db
def test_a_curator_sets_the_threshold_on_the_staff_page(analyst, bob, client, api_key):
    add_hash(make_bank("partner"), PDQ_A)
    page = analyst.get("/staff/detection/banks/partner/")
    assert b'id="threshold-form"' in page.content
    assert match(client, api_key, PDQ_NEAR) == []

    response = analyst.post("/staff/detection/banks/partner/threshold/", {"pdq_threshold": "40"})
    assert response.status_code == 302
    assert HashBank.objects.get(name="partner").pdq_threshold == 40
    event = AuditEvent.objects.get(target_type="banks.hashbank", changes__has_key="pdq_threshold")
    assert event.changes["pdq_threshold"] == [None, 40]
    assert event.actor_id == bob.pk
    assert [m["bank"] for m in match(client, api_key, PDQ_NEAR)] == ["partner"]

    refused = analyst.post("/staff/detection/banks/partner/threshold/", {"pdq_threshold": "500"})
    assert refused.status_code == 400
    assert b'role="alert"' in refused.content
    assert HashBank.objects.get(name="partner").pdq_threshold == 40

    cleared = analyst.post("/staff/detection/banks/partner/threshold/", {"pdq_threshold": ""})
    assert cleared.status_code == 302
    assert HashBank.objects.get(name="partner").pdq_threshold is None


@pytest.mark.django_db
def test_only_bank_managers_may_change_a_threshold(client, alice):
    make_bank("partner")
    client.force_login(alice)  # an officer: may not manage banks
    response = client.post("/staff/detection/banks/partner/threshold/", {"pdq_threshold": "40"})
    assert response.status_code in (403, 404)
    assert HashBank.objects.get(name="partner").pdq_threshold is None


# --- Allow banks --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_allow_bank_match_suppresses_the_others_through_the_api(client, api_key):
    add_hash(make_bank("partner"), PDQ_A)
    add_hash(make_bank("memes", kind="allow"), PDQ_A)
    matches = {m["bank"]: m for m in match(client, api_key, PDQ_CLOSE)}
    assert matches["memes"]["bank_kind"] == "allow"
    assert matches["memes"]["suppressed_by"] is None
    assert matches["partner"]["suppressed_by"] == "memes"
    assert "memes" in matches["partner"]["reason"]
    # Another hash that only the abuse bank holds is not suppressed.
    add_hash(make_bank("other"), "0" * 64)
    (only,) = match(client, api_key, "0" * 64)
    assert only["suppressed_by"] is None
    assert only["reason"] is None


@pytest.mark.django_db
def test_an_allow_bank_match_cancels_the_hit_of_an_uploaded_image(
    reference_data, evidence_dir, client, coordinator
):
    from copnet.reports.evidence import inspect_image

    image = make_image(31, size=512)
    pdq = inspect_image(image).pdq
    add_hash(make_bank("iwf-test"), pdq)
    add_hash(make_bank("logos", kind="allow"), pdq)
    report, _ = file_report(category="other", images=[image])
    case = triage_case(report.case_id)

    assert case.priority != Priority.P1
    assert not case.keep_blurred
    hit = case.hits.get(kind="hash")
    assert hit.bank_entry.bank.name == "iwf-test"
    assert hit.suppressed_by == "logos"
    assert hit.suggested_category == ""
    client.force_login(coordinator)  # the case is the network's: its coordinator sees it
    page = client.get("/staff/detection/hits/").content.decode()
    row = page[page.index(f'data-hit="{hit.pk}"') :].split("</tr>")[0]
    with translation.override("vi"):
        assert str(safety.suppressed_reason("logos")) in row


# --- Flood quarantine ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_flooding_entry_is_quarantined_alerted_and_released(
    settings, reference_data, evidence_dir, client, api_key, analyst, bob
):
    from copnet.core.models import OutgoingEmail
    from copnet.reports.evidence import inspect_image

    settings.FLOOD_MATCHES = 2
    settings.FLOOD_WINDOW_SECONDS = 3600
    image = make_image(41, size=512)
    entry = add_hash(make_bank("partner"), inspect_image(image).pdq)

    cases = []
    for _n in range(3):  # three distinct items: one more than allowed
        report, _ = file_report(category="other", images=[image])
        cases.append(triage_case(report.case_id))
    assert [c.priority for c in cases] == [Priority.P1] * 3
    entry.refresh_from_db()
    assert entry.quarantined_at is not None
    assert entry.quarantine_matches == 3
    assert AuditEvent.objects.filter(
        target_type="banks.bankentry", target_id=str(entry.pk), changes__quarantined=True
    ).exists()
    email = OutgoingEmail.objects.get(key__startswith=f"banks.quarantine:{entry.pk}:")
    assert "bob@a.example" in email.recipients

    # Paused: nothing matches it any more, in this process or through the API.
    assert match(client, api_key, entry.value) == []
    from copnet.banks.models import DetectionHit

    report, _ = file_report(category="other", images=[image])
    triage_case(report.case_id)
    assert not DetectionHit.objects.filter(evidence__report=report).exists()

    # Listed for the curators, who release it (audited); it matches again at once.
    index = analyst.get("/staff/detection/")
    assert f'data-entry="{entry.pk}"' in index.content.decode()
    response = analyst.post(f"/staff/detection/entries/{entry.pk}/release/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.quarantined_at is None
    released = AuditEvent.objects.get(
        target_type="banks.bankentry", target_id=str(entry.pk), changes__quarantined=False
    )
    assert released.actor_id == bob.pk
    assert len(match(client, api_key, entry.value)) == 1
    assert f'data-entry="{entry.pk}"' not in analyst.get("/staff/detection/").content.decode()
    # The count restarts from the release: the next match does not pause it again.
    report, _ = file_report(category="other", images=[image])
    triage_case(report.case_id)
    entry.refresh_from_db()
    assert entry.quarantined_at is None


@pytest.mark.django_db
def test_releasing_an_entry_that_is_not_quarantined_is_not_found(analyst, bob, alice, client):
    entry = add_hash(make_bank("partner"), PDQ_A)
    assert analyst.post(f"/staff/detection/entries/{entry.pk}/release/").status_code == 404
    safety_entry = BankEntry.objects.get(pk=entry.pk)
    assert safety_entry.quarantined_at is None
    BankEntry.objects.filter(pk=entry.pk).update(quarantined_at="2026-01-01T00:00:00Z")
    client.force_login(alice)
    assert client.post(f"/staff/detection/entries/{entry.pk}/release/").status_code in (403, 404)
    assert BankEntry.objects.get(pk=entry.pk).quarantined_at is not None


@pytest.mark.django_db
def test_api_queries_never_quarantine_an_entry(settings, client, api_key):
    settings.FLOOD_MATCHES = 1
    entry = add_hash(make_bank("partner"), PDQ_A)
    for _n in range(3):
        assert len(match(client, api_key, PDQ_A)) == 1
    entry.refresh_from_db()
    assert entry.quarantined_at is None
