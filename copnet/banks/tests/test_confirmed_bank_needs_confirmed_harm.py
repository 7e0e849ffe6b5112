"""Only a case closed with harm confirmed feeds the confirmed bank (issue 16)."""

from __future__ import annotations

import pytest

from copnet.banks.models import BankEntry
from copnet.banks.services import DetectionInputError, add_case_hashes_to_confirmed_bank
from copnet.cases.services import do_transition, triage_case
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")


def _case_with_an_image(seed: int):
    report, _ = file_report(images=[make_image(seed, size=512)])
    return triage_case(report.case_id)


def _close(case, coordinator, outcome: str):
    for target in ("in_progress", "action_taken"):
        case = do_transition(case=case, target=target, actor=coordinator)
    return do_transition(case=case, target="closed", outcome=outcome, actor=coordinator)


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["not_harmful", "out_of_scope"])
def test_a_case_closed_without_confirmed_harm_never_feeds_the_confirmed_bank(coordinator, outcome):
    case = _close(_case_with_an_image(31), coordinator, outcome)
    with pytest.raises(DetectionInputError) as error:
        add_case_hashes_to_confirmed_bank(case=case, actor=coordinator)
    assert error.value.code == "case_not_confirmed"
    assert not BankEntry.objects.exists()


@pytest.mark.django_db
def test_a_rejected_case_never_feeds_the_confirmed_bank(coordinator):
    case = do_transition(
        case=_case_with_an_image(32),
        target="rejected",
        outcome="not_harmful",
        reason="ảnh gia đình",
        actor=coordinator,
    )
    with pytest.raises(DetectionInputError):
        add_case_hashes_to_confirmed_bank(case=case, actor=coordinator)
    assert not BankEntry.objects.exists()


@pytest.mark.django_db
def test_the_case_page_offers_the_confirmed_bank_only_for_confirmed_harm(client, coordinator):
    harmless = _close(_case_with_an_image(33), coordinator, "not_harmful")
    harmful = _close(_case_with_an_image(34), coordinator, "content_removed")
    client.force_login(coordinator)
    url = "/staff/cases/{}/"
    button = "confirm-hashes/"
    assert button not in client.get(url.format(harmless.reference)).content.decode()
    assert button in client.get(url.format(harmful.reference)).content.decode()
    response = client.post(url.format(harmless.reference) + button)
    assert response.status_code == 302
    assert not BankEntry.objects.exists()
