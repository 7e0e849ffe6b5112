"""Referrals refused with a clear error and nothing written: outside bodies, missing consent,
another organisation's user, hostile and wrongly typed input."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.cases.services import do_transition
from copnet.core.errors import DomainError
from copnet.network.tests.factories import make_organisation
from copnet.support.errors import SupportError
from copnet.support.models import Referral, WebhookDelivery
from copnet.support.services import do_move, do_refer

from .factories import make_case, make_hotline, make_referral, referral_input

pytestmark = pytest.mark.django_db


def nothing_written():
    assert not Referral.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert not AuditEvent.objects.filter(target_type="support.referral").exists()


def refused(case, actor, to, **overrides) -> SupportError:
    with pytest.raises(SupportError) as caught:
        do_refer(case=case, data=referral_input(to, **overrides), actor=actor)
    nothing_written()
    return caught.value


def test_a_body_outside_the_network_is_refused(alice, org_a):
    outside = make_organisation(code="OUTSIDE", member=False)
    error = refused(make_case(lead=org_a), alice, outside)
    assert error.code == "not_in_network"
    assert "Network" in str(error.code.label) or error.field == "receiving_org"
    ended = make_hotline(code="ENDED", with_user=False)
    ended.memberships.update(valid_to="2025-02-28")
    assert refused(make_case(lead=org_a), alice, ended).code == "not_in_network"


def test_a_referral_goes_to_another_organisation(alice, org_a):
    assert refused(make_case(lead=org_a), alice, org_a).code == "same_organisation"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"child_consent": "refused"}, "child_consent_required"),
        ({"child_consent": "not_asked", "child_age": None}, "child_consent_required"),
        ({"representative_consent": "refused"}, "representative_consent_required"),
        ({"child_views": ""}, "views_required"),
        ({"legal_ground": "protect_life", "ground_note": ""}, "ground_required"),
        (
            {"legal_ground": "protect_life", "ground_note": "Nguy hiểm", "risk_level": "low"},
            "ground_required",
        ),
        ({"child_age": "bảy"}, "age_invalid"),
        ({"child_age": 30}, "age_invalid"),
        ({"child_age": True}, "age_invalid"),
        ({"shared_fields": []}, "nothing_shared"),
        ({"shared_fields": ["everything"]}, "invalid_choice"),
        ({"shared_fields": "contact"}, "nothing_shared"),
        ({"risk_level": "extreme"}, "invalid_choice"),
        ({"service": ["hotline_111"]}, "invalid_choice"),
        ({"reason": ""}, "required"),
        ({"reason": 123}, "invalid"),
        ({"reason": "x" * 5000}, "too_long"),
        ({"receiving_org": "HOTLINE111"}, "required"),
    ],
)
def test_bad_input_is_refused_with_its_code(alice, org_a, overrides, code):
    hotline = make_hotline(with_user=False)
    to = overrides.pop("receiving_org", hotline)  # a code instead of an organisation
    assert refused(make_case(lead=org_a), alice, to, **overrides).code == code


def test_a_child_under_7_needs_only_the_representative(alice, org_a):
    hotline = make_hotline(with_user=False)
    referral = make_referral(
        case=make_case(lead=org_a), actor=alice, to=hotline, child_age=5, child_consent="not_asked"
    )
    assert referral.status == "sent"


def test_without_consent_to_protect_life(alice, org_a):
    hotline = make_hotline(with_user=False)
    referral = make_referral(
        case=make_case(lead=org_a),
        actor=alice,
        to=hotline,
        risk_level="immediate",
        legal_ground="protect_life",
        ground_note="Trẻ nói sẽ tự tử tối nay",
        child_views="",
        child_consent="not_asked",
        representative_consent="not_asked",
    )
    assert referral.legal_ground == "protect_life"
    assert referral.intervention_due is not None


def test_hostile_text_is_cleaned(alice, org_a):
    hotline = make_hotline(with_user=False)
    referral = make_referral(
        case=make_case(lead=org_a),
        actor=alice,
        to=hotline,
        reason="Cần hỗ trợ\u202e gấp\x00<script>alert(1)</script>",
    )
    assert "\u202e" not in referral.reason
    assert "\x00" not in referral.reason
    assert "<script>" in referral.reason  # kept as text, escaped on the page


def test_a_closed_case_cannot_be_referred(alice, org_a):
    case = make_case(lead=org_a)
    do_transition(case=case, target="rejected", actor=alice, outcome="out_of_scope", reason="x")
    assert refused(case, alice, make_hotline(with_user=False)).code == "case_closed"


def test_a_user_of_another_organisation_cannot_accept(alice, bob, charlie, org_a):
    hotline = make_hotline()
    referral = make_referral(case=make_case(lead=org_a), actor=alice, to=hotline)
    for stranger in (charlie, bob):  # another body; the referring body itself
        with pytest.raises(DomainError) as caught:
            do_move(referral=referral, target="accepted", actor=stranger)
        assert caught.value.code == "not_receiving_org"
    referral.refresh_from_db()
    assert referral.status == "sent"
    assert referral.answered_at is None
    assert not AuditEvent.objects.filter(
        target_type="support.referral", action="transition"
    ).exists()


def test_only_the_referring_body_withdraws(alice, org_a):
    hotline = make_hotline()
    from copnet.accounts.models import User

    operator = User.objects.get(organisation=hotline)
    referral = make_referral(case=make_case(lead=org_a), actor=alice, to=hotline)
    with pytest.raises(DomainError) as caught:
        do_move(referral=referral, target="withdrawn", actor=operator, note="x")
    assert caught.value.code == "not_referring_org"
    with pytest.raises(DomainError) as caught:
        do_move(referral=referral, target="withdrawn", actor=alice)
    assert caught.value.code == "reason_required"
    withdrawn = do_move(referral=referral, target="withdrawn", actor=alice, note="Nhầm")
    assert withdrawn.status == "withdrawn"
    assert withdrawn.next_due is None
