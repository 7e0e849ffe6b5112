"""The taxonomy's reference data: version 2 (new harms, today's leads) over version 1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from copnet.audit.models import AuditEvent
from copnet.routing.models import RoutingRule
from copnet.routing.services import load_past_leads, route
from copnet.taxonomy.models import HarmCategory
from copnet.taxonomy.services import REFERENCE_FILE, load_categories

V1 = REFERENCE_FILE.parent / "history" / "categories-v1.json"
NEW = ("online_kidnapping", "ai_sexual_imagery", "excessive_use")


@pytest.mark.django_db
def test_the_new_harms_have_a_lead_severity_help_in_both_languages_and_courses(reference_data):
    for code in NEW:
        category = HarmCategory.objects.get(code=code)
        assert category.default_lead is not None
        assert category.severity
        assert category.help_vi
        assert category.help_en
        assert category.courses.exists(), code
    assert HarmCategory.objects.get(code="online_kidnapping").severity == "critical"
    assert "113" in HarmCategory.objects.get(code="online_kidnapping").help_vi
    assert (
        "Luật An ninh mạng 2025" in HarmCategory.objects.get(code="ai_sexual_imagery").legal_basis
    )
    assert list(HarmCategory.objects.values_list("code", flat=True))[-1] == "other"


@pytest.mark.django_db
def test_the_report_form_offers_the_new_harms_with_links_to_courses(client, reference_data):
    html = client.get("/report/").content.decode()
    assert "Bắt cóc online" in html
    assert 'data-course="starter-12-15"' in html


@pytest.mark.django_db
def test_a_taxonomy_of_version_1_moves_to_version_3_keeping_edits_and_history():
    call_command("load_reference_data", verbosity=0)
    # Back to what a version 1 installation holds: v1 categories, no dated rules.
    RoutingRule.objects.all().delete()
    HarmCategory.objects.all().delete()
    load_categories(V1)
    HarmCategory.objects.filter(code="violence").update(help_en="Edited by a coordinator")
    assert HarmCategory.objects.get(code="cyberbullying").default_lead.code == "MOET-GDCT"

    assert load_categories() == 3  # the three new harms
    assert load_past_leads() > 0
    bullying = HarmCategory.objects.get(code="cyberbullying")
    assert bullying.default_lead.code == "MOET-HSSV"
    assert route(category=bullying, on=dt.date(2024, 6, 1)).lead.code == "MOET-GDCT"
    assert HarmCategory.objects.get(code="violence").help_en == "Edited by a coordinator"
    assert HarmCategory.objects.get(code="violence").default_lead.code == "MOCST-PTTH"
    assert AuditEvent.objects.filter(
        target_type="taxonomy.harmcategory", reason="reference data version 3"
    ).exists()
    # Version 3 gives every category a family (joining at intake stays within one).
    assert HarmCategory.objects.get(code="csam").family == "sexual_abuse"
    assert HarmCategory.objects.get(code="violence").family == "harmful_content"

    rules, audit = RoutingRule.objects.count(), AuditEvent.objects.count()
    assert load_categories() == 0
    assert load_past_leads() == 0
    assert (RoutingRule.objects.count(), AuditEvent.objects.count()) == (rules, audit)


@pytest.mark.django_db
def test_a_taxonomy_of_version_2_gets_families_but_keeps_an_edited_one():
    call_command("load_reference_data", verbosity=0)
    HarmCategory.objects.update(family="")
    load_categories(REFERENCE_FILE.parent / "history" / "categories-v2.json")
    HarmCategory.objects.filter(code="privacy").update(family="sexual_abuse")
    load_categories()
    assert HarmCategory.objects.get(code="grooming").family == "sexual_abuse"
    assert HarmCategory.objects.get(code="cyberbullying").family == "harassment"
    assert HarmCategory.objects.get(code="privacy").family == "sexual_abuse"  # edited: kept
    assert set(HarmCategory.objects.values_list("family", flat=True)) >= {"fraud", "wellbeing"}
