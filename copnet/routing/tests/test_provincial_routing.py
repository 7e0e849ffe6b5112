"""Routing by province: the unit of the case's province (police cyber unit, departments of
education and health) gets the case in its queue with no person in between; another
province's unit does not; past days keep past routing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.models import Case
from copnet.cases.triage_batch import triage_cases_now
from copnet.core.provinces import province_codes
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report
from copnet.routing.models import ProvincialRole, ProvincialRule
from copnet.routing.services import Router, load_provincial_rules, route
from copnet.taxonomy.models import HarmCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def routed_case(category: str, province: str, n: int = 1) -> Case:
    report, _secret = file_report(
        category=category,
        province=province,
        urls=[f"https://social.example/{province}/{n}"],
        enqueue_triage=False,
    )
    triage_cases_now([report.case_id])
    return Case.objects.get(pk=report.case_id)


def officer_of(code: str) -> object:
    return make_user(
        email=f"officer.{code.lower()}@police.example",
        organisation=Organisation.objects.get(code=code),
        role=Role.OFFICER,
    )


def test_the_reference_data_ships_one_unit_of_each_kind_per_province_all_to_verify():
    units = Organisation.objects.exclude(provincial_service="")
    assert units.count() == 3 * 34
    for service in ("police_cyber", "education", "health"):
        provinces = units.filter(provincial_service=service).values_list("province", flat=True)
        assert sorted(provinces) == sorted(province_codes())
    assert not units.filter(to_verify=False).exists()
    assert all(unit.verify_note for unit in units)
    assert ProvincialRule.objects.filter(category__code="sextortion").count() == 2
    assert load_provincial_rules() == 0  # idempotent


def test_a_provincial_unit_sees_its_provinces_case_in_its_queue_and_not_another_provinces(
    client,
):
    hanoi_case = routed_case("sextortion", "01")
    saigon_case = routed_case("sextortion", "79", 2)
    assert hanoi_case.lead_org.code == "A05"  # the national lead stays
    assert {"PA05-01", "SYT-01", "CBMTE"} <= {o.code for o in hanoi_case.supporting_orgs.all()}
    assert "PA05-79" not in {o.code for o in hanoi_case.supporting_orgs.all()}

    client.force_login(officer_of("PA05-01"))
    queue = client.get("/staff/cases/").content.decode()
    assert hanoi_case.reference in queue
    assert saigon_case.reference not in queue
    assert client.get(f"/staff/cases/{hanoi_case.reference}/").status_code == 200
    assert client.get(f"/staff/cases/{saigon_case.reference}/").status_code == 404

    client.force_login(officer_of("PA05-79"))
    queue = client.get("/staff/cases/").content.decode()
    assert saigon_case.reference in queue
    assert hanoi_case.reference not in queue


def test_each_category_reaches_the_unit_its_rules_name():
    bullying = routed_case("cyberbullying", "48")
    assert bullying.lead_org.code == "MOET-HSSV"
    codes = {o.code for o in bullying.supporting_orgs.all()}
    assert "SGDDT-48" in codes
    assert "PA05-48" not in codes  # bullying is not sent to the police
    nowhere = routed_case("sextortion", "", 3)  # no province given: national routing only
    assert not nowhere.supporting_orgs.exclude(provincial_service="").exists()


def test_past_days_keep_past_routing():
    sextortion = HarmCategory.objects.get(code="sextortion")
    before = route(category=sextortion, province="01", on=dt.date(2025, 6, 30))
    after = route(category=sextortion, province="01", on=dt.date(2025, 7, 1))
    assert before.provincial == []
    assert "PA05-01" not in {o.code for o in before.supporting}
    assert {o.code for o in after.provincial} == {"PA05-01", "SYT-01"}
    # A unit that ended is no longer reached; the day before it ended, it still is.
    Organisation.objects.filter(code="PA05-01").update(active_to=dt.date(2026, 1, 31))
    today = route(category=sextortion, province="01")
    assert [o.code for o in today.provincial] == ["SYT-01"]
    on_the_day = route(category=sextortion, province="01", on=dt.date(2026, 1, 31))
    assert {o.code for o in on_the_day.provincial} == {"PA05-01", "SYT-01"}


def test_a_rule_can_give_the_lead_to_the_provincial_unit():
    bullying = HarmCategory.objects.get(code="cyberbullying")
    ProvincialRule.objects.create(
        category=bullying,
        service="police_cyber",
        role=ProvincialRole.LEAD,
        valid_from=timezone.localdate(),
    )
    found = Router().route(category=bullying, province="01")
    assert found.lead.code == "PA05-01"
    assert [o.code for o in found.supporting] == ["MOET-HSSV", "CBMTE", "SGDDT-01"]
    case = routed_case("cyberbullying", "01")
    assert case.lead_org.code == "PA05-01"


def test_rules_of_one_category_and_unit_may_not_overlap_in_time():
    sextortion = HarmCategory.objects.get(code="sextortion")
    overlapping = ProvincialRule(
        category=sextortion, service="police_cyber", valid_from=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    earlier = ProvincialRule(
        category=sextortion, service="police_cyber", valid_to=dt.date(2025, 6, 30)
    )
    earlier.full_clean()  # before the shipped rule: fine


def test_the_routing_page_lists_the_provincial_rules_in_vietnamese(client, coordinator):
    from copnet.core.testing import vi

    client.force_login(coordinator)
    html = client.get("/staff/routing/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'id="provincial-rules"' in html
    assert vi("Provincial police cyber security and high-tech crime unit") in html
    assert vi("supports the case") in html
