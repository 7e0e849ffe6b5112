from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from copnet.network.models import Duty, Membership, Organisation
from copnet.network.selectors import members_on

FOUNDING_BODIES = {
    "BDH",
    "TGV",
    "AIS",
    "VNCERT",
    "CTE",
    "A05",
    "MOET-GDCT",
    "VGD",
    "BCTTN",
    "VNISA",
}


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Membership.objects.count(), Duty.objects.count()


@pytest.mark.django_db
def test_loading_twice_creates_no_duplicates():
    call_command("load_reference_data", verbosity=0)
    first = counts()
    call_command("load_reference_data", verbosity=0)
    assert counts() == first
    assert first[0] >= len(FOUNDING_BODIES)


@pytest.mark.django_db
def test_reloading_keeps_a_coordinators_edits(reference_data):
    Organisation.objects.filter(code="VNISA").update(name_en="Renamed association")
    Duty.objects.filter(membership__organisation__code="VNISA").update(text_en="Edited duty")
    call_command("load_reference_data", verbosity=0)
    assert Organisation.objects.get(code="VNISA").name_en == "Renamed association"
    assert Duty.objects.get(membership__organisation__code="VNISA").text_en == "Edited duty"


@pytest.mark.django_db
def test_every_body_of_the_founding_document_is_a_member_with_duties(reference_data):
    founding = members_on(dt.date(2021, 12, 1))
    codes = {m.organisation.code for group in founding for m in group.memberships}
    assert codes == FOUNDING_BODIES
    for group in founding:
        for membership in group.memberships:
            assert membership.current_duties, membership.organisation.code


@pytest.mark.django_db
def test_history_stays_true_across_the_2025_reorganisation(reference_data):
    def roles_on(day: dt.date) -> dict[str, set[str]]:
        return {g.role: {m.organisation.code for m in g.memberships} for g in members_on(day)}

    before, after = roles_on(dt.date(2024, 6, 1)), roles_on(dt.date(2026, 6, 1))
    assert before["coordinating_agency"] == {"AIS"}
    assert after["coordinating_agency"] == {"A05"}
    assert "CTE" in before["member"]
    assert "CBMTE" not in before["member"]
    assert "CBMTE" in after["member"]
    assert "CTE" not in after["member"]
    assert before["standing_agency"] == after["standing_agency"] == {"VNCERT"}
    assert Organisation.objects.get(code="CTE").successor.code == "CBMTE"
    assert Organisation.objects.get(code="A05").parent.code == "MPS"
