from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from copnet.audit.models import AuditEvent
from copnet.network.models import Duty, Membership, Organisation, Succession
from copnet.network.selectors import members_on
from copnet.network.services import REFERENCE_FILE, load_reference_data

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
    founding = members_on(dt.date(2021, 12, 1), include_unverified=True)
    codes = {m.organisation.code for group in founding for m in group.memberships}
    assert codes == FOUNDING_BODIES
    for group in founding:
        for membership in group.memberships:
            assert membership.current_duties, membership.organisation.code


@pytest.mark.django_db
def test_history_stays_true_across_the_2025_reorganisation(reference_data):
    def roles_on(day: dt.date) -> dict[str, set[str]]:
        return {
            g.role: {m.organisation.code for m in g.memberships}
            for g in members_on(day, include_unverified=True)
        }

    before, after = roles_on(dt.date(2024, 6, 1)), roles_on(dt.date(2026, 6, 1))
    assert before["coordinating_agency"] == {"AIS"}
    assert after["coordinating_agency"] == {"A05"}
    assert "CTE" in before["member"]
    assert "CBMTE" not in before["member"]
    assert "CBMTE" in after["member"]
    assert "CTE" not in after["member"]
    assert "MOET-GDCT" in before["member"]
    assert "MOET-HSSV" in after["member"]
    assert "MOET-GDCT" not in after["member"]
    assert {"NCA", "VAPCR"} <= after["member"]
    assert not {"NCA", "VAPCR"} & before["member"]
    assert before["standing_agency"] == after["standing_agency"] == {"VNCERT"}
    # After 2025 the two agencies' roles are unconfirmed: staff see them, the public does not.
    public_after = {g.role for g in members_on(dt.date(2026, 6, 1))}
    assert not {"coordinating_agency", "standing_agency"} & public_after
    assert Organisation.objects.get(code="CTE").successor.code == "CBMTE"
    assert Organisation.objects.get(code="A05").parent.code == "MPS"


V1 = REFERENCE_FILE.parent / "history" / "network-v1.json"


def _audit_count() -> int:
    return AuditEvent.objects.count()


@pytest.mark.django_db
def test_a_directory_loaded_from_version_1_moves_to_todays_bodies():
    load_reference_data(V1)
    result = load_reference_data()
    assert result.version == 2
    assert result.updated > 0

    ais = Organisation.objects.get(code="AIS")
    assert ais.active_to == dt.date(2025, 2, 28)
    assert ais.successor.code == "A05"
    assert Organisation.objects.get(code="MOLISA").successor.code == "MOHA"
    assert Organisation.objects.get(code="CBMTE").name_en == "Department of Mothers and Children"
    mic_shares = Succession.objects.filter(predecessor__code="MIC")
    assert {s.successor.code for s in mic_shares} == {"MOST", "MOCST", "MPS"}

    standing = Membership.objects.get(
        organisation__code="VNCERT", role="standing_agency", valid_from=dt.date(2021, 6, 1)
    )
    assert standing.valid_to == dt.date(2025, 2, 28)
    coordinating = Membership.objects.get(organisation__code="A05", role="coordinating_agency")
    assert coordinating.to_verify
    assert coordinating.note_en == ""  # the internal remark moved to the staff-only note
    assert "assigning" not in coordinating.note_en
    assert "No decision naming A05" in coordinating.verify_note
    assert Membership.objects.filter(organisation__code="MOET-HSSV", role="member").exists()

    events = AuditEvent.objects.filter(reason="reference data version 2", action="update")
    ais_event = events.get(target_type="network.organisation", target_id=str(ais.pk))
    assert ais_event.changes["active_to"] == [None, "2025-02-28"]
    assert ais_event.changes["successor"] == [None, "A05"]


@pytest.mark.django_db
def test_applying_version_2_twice_changes_nothing():
    load_reference_data(V1)
    load_reference_data()
    before, audit = counts(), _audit_count()
    result = load_reference_data()
    assert (result.created, result.updated) == (0, 0)
    assert counts() == before
    assert _audit_count() == audit


@pytest.mark.django_db
def test_version_2_keeps_what_a_coordinator_edited_since_version_1():
    load_reference_data(V1)
    Organisation.objects.filter(code="AIS").update(description_en="Edited by a coordinator")
    Membership.objects.filter(organisation__code="MOET-GDCT").update(valid_to=dt.date(2025, 3, 31))
    load_reference_data()
    ais = Organisation.objects.get(code="AIS")
    assert ais.description_en == "Edited by a coordinator"
    assert ais.active_to == dt.date(2025, 2, 28)  # not edited: moved to version 2
    moet = Membership.objects.get(organisation__code="MOET-GDCT")
    assert moet.valid_to == dt.date(2025, 3, 31)


@pytest.mark.django_db
def test_a_fresh_load_of_version_2_equals_an_upgrade_from_version_1():
    def snapshot() -> set[tuple[object, ...]]:
        return {
            (m.organisation.code, m.role, m.valid_from, m.valid_to, m.to_verify, m.note_en)
            for m in Membership.objects.select_related("organisation")
        } | {
            (o.code, o.active_from, o.active_to, o.successor_id and o.successor.code, o.name_en)
            for o in Organisation.objects.select_related("successor")
        }

    load_reference_data()
    fresh = snapshot()
    Duty.objects.all().delete()
    Succession.objects.all().delete()
    Membership.objects.all().delete()
    Organisation.objects.update(parent=None, successor=None)
    Organisation.objects.all().delete()
    load_reference_data(V1)
    load_reference_data()
    assert snapshot() == fresh
