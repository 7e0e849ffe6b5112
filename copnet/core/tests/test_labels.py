"""Codes shown as words on staff pages: province names, actors that are not people, case
statuses in the timeline, the text classifier's labels."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from copnet.banks.models import DetectionHit
from copnet.cases.models import CaseEvent
from copnet.core.testing import vi
from copnet.takedowns.tests.factories import make_case


def render(source: str, **context: object) -> str:
    with translation.override("vi"):
        return Template(source).render(Context(context))


def test_province_codes_show_as_names():
    assert render("{{ code|province }}", code="01") == "Thành phố Hà Nội"
    assert render("{{ code|province }}", code="") == ""
    assert render("{{ code|province }}", code="<script>") == "&lt;script&gt;"


def test_actors_that_are_not_people_are_named_in_the_readers_language():
    assert render("{{ a|actor }}", a="system") == vi("the system")
    assert render("{{ a|actor }}", a="anonymous") == vi("an anonymous reporter")
    assert render("{{ a|actor }}", a="alice@a.example") == "alice@a.example"
    assert render("{{ a|actor }}", a="api-key:ab12") == vi("API key %(prefix)s", html=False) % {
        "prefix": "ab12"
    }


@pytest.mark.django_db
def test_the_case_page_shows_names_not_codes(client, coordinator, reference_data):
    case = make_case(lead=coordinator.organisation, province="01")
    CaseEvent.objects.create(
        case=case, kind="transition", to_status="in_progress", actor_label="anonymous"
    )
    report = case.reports.get()
    DetectionHit.objects.create(
        case=case, report=report, kind="text", label="grooming", key="t", scores={"grooming": 0.9}
    )
    client.force_login(coordinator)
    html = client.get(f"/staff/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="vi")
    text = html.content.decode()
    assert "Thành phố Hà Nội" in text
    assert f"→ {vi('In progress')}" in text
    assert vi("an anonymous reporter") in text
    assert vi("Grooming signs") in text
    assert "→ in_progress" not in text
    assert ": grooming" not in text
