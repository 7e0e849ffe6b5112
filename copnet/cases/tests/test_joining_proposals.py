"""Joining at intake stays within a category family; nearly identical pictures, and the same
picture or address across families, are proposed for a person to decide (issue 17 item 3)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageEnhance

from copnet.audit.models import AuditEvent
from copnet.cases.choices import Outcome
from copnet.cases.models import Case, JoinProposal
from copnet.cases.proposals import do_decide_proposal, propose_joins_now
from copnet.cases.services import do_transition
from copnet.core.errors import DomainError
from copnet.reports.tests.factories import file_report, make_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def _near_copy(data: bytes) -> bytes:
    """The same picture, a little brighter and saved as JPEG: another file, nearly the same."""
    image = ImageEnhance.Brightness(Image.open(io.BytesIO(data)).convert("RGB")).enhance(1.06)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def test_the_same_address_in_another_family_opens_its_own_case_and_is_proposed():
    first, _ = file_report(category="cyberbullying", urls=["https://example.com/p/1"])
    second, _ = file_report(category="scam_gambling", urls=["https://example.com/p/1"])
    assert second.case_id != first.case_id
    assert propose_joins_now([second.case_id]) == 1
    proposal = JoinProposal.objects.get()
    assert (proposal.case_id, proposal.other_id) == (second.case_id, first.case_id)
    assert (proposal.basis, proposal.status) == ("same_url", "pending")
    assert propose_joins_now([second.case_id, first.case_id]) == 0  # once per pair


def test_the_same_picture_across_families_is_proposed_not_joined():
    image = make_image(5)
    first, _ = file_report(category="grooming", images=[image])
    second, _ = file_report(category="violence", images=[image])
    assert second.case_id != first.case_id
    propose_joins_now([second.case_id])
    assert JoinProposal.objects.get().basis == "same_image"


def test_the_same_picture_within_a_family_still_joins():
    image = make_image(5)
    first, _ = file_report(category="grooming", images=[image])
    second, _ = file_report(category="sextortion", images=[image])
    assert second.case_id == first.case_id
    assert propose_joins_now([first.case_id]) == 0


def test_a_nearly_identical_picture_is_proposed_with_its_distance():
    original = make_image(7)
    first, _ = file_report(category="grooming", images=[original])
    second, _ = file_report(category="grooming", images=[_near_copy(original)])
    assert second.case_id != first.case_id  # another file: never joined silently
    file_report(category="grooming", images=[make_image(8)])  # another picture: nothing
    assert propose_joins_now([second.case_id]) == 1
    proposal = JoinProposal.objects.get()
    assert proposal.basis == "near_duplicate"
    assert 0 < proposal.distance <= 31
    assert {proposal.case_id, proposal.other_id} == {first.case_id, second.case_id}


def test_accepting_a_proposal_merges_the_newer_case_and_rejecting_keeps_them_apart(
    coordinator,
):
    original = make_image(7)
    first, _ = file_report(category="grooming", images=[original])
    second, _ = file_report(category="grooming", images=[_near_copy(original)])
    propose_joins_now([second.case_id])
    proposal = JoinProposal.objects.get()
    do_decide_proposal(proposal=proposal, accept=True, actor=coordinator)
    newer = Case.objects.get(pk=second.case_id)
    assert (newer.status, newer.merged_into_id) == ("merged", first.case_id)
    assert Case.objects.get(pk=first.case_id).report_count == 2
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", coordinator)
    assert AuditEvent.objects.filter(reason="joining proposal decided").exists()
    with pytest.raises(DomainError) as caught:
        do_decide_proposal(proposal=proposal, accept=False, actor=coordinator)
    assert caught.value.code == "proposal_decided"


def test_a_rejected_proposal_is_not_made_again(coordinator):
    first, _ = file_report(category="cyberbullying", urls=["https://example.com/p/1"])
    second, _ = file_report(category="drugs", urls=["https://example.com/p/1"])
    propose_joins_now([second.case_id])
    do_decide_proposal(proposal=JoinProposal.objects.get(), accept=False, actor=coordinator)
    assert propose_joins_now([second.case_id, first.case_id]) == 0
    assert Case.objects.get(pk=second.case_id).status != "merged"


def test_a_proposal_with_a_closed_case_cannot_be_accepted(coordinator):
    first, _ = file_report(category="cyberbullying", urls=["https://example.com/p/1"])
    second, _ = file_report(category="drugs", urls=["https://example.com/p/1"])
    propose_joins_now([second.case_id])
    do_transition(
        case=first.case, target="rejected", outcome=Outcome.NOT_HARMFUL, actor=None, reason="x"
    )
    proposal = JoinProposal.objects.get()
    with pytest.raises(DomainError) as caught:
        do_decide_proposal(proposal=proposal, accept=True, actor=coordinator)
    assert caught.value.code == "merge_target_closed"
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    assert Case.objects.get(pk=second.case_id).status != "merged"


@pytest.mark.django_db(transaction=True)
def test_intake_proposes_by_itself_after_triage(immediate_tasks):
    image = make_image(11)
    first, _ = file_report(category="sextortion", images=[image])
    second, _ = file_report(category="cyberbullying", images=[image])
    assert second.case_id != first.case_id
    proposal = JoinProposal.objects.get()
    assert (proposal.case_id, proposal.other_id, proposal.basis) == (
        second.case_id,
        first.case_id,
        "same_image",
    )
