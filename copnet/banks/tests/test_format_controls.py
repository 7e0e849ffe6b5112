"""Bidi overrides never enter an address list (D12)."""

from __future__ import annotations

import pytest

from copnet.banks import services
from copnet.banks.models import UrlListEntry

from .factories import make_url_list

RLO = "\u202e"


@pytest.mark.django_db
def test_a_pattern_with_a_bidi_control_is_refused(analyst, reference_data):
    make_url_list()
    response = analyst.post(
        "/staff/detection/lists/bad-sites/", {"pattern": f"bad{RLO}.example", "kind": "host"}
    )
    assert response.status_code == 400
    assert "[U+202E]" in response.content.decode()
    assert UrlListEntry.objects.count() == 0


@pytest.mark.django_db
def test_an_import_names_the_line_with_a_bidi_control_and_imports_nothing(reference_data):
    url_list = make_url_list()
    result = services.import_urls(
        url_list=url_list, text=f"good.example\nbad{RLO}.example\n", actor=None
    )
    assert len(result.errors) == 1
    assert "2" in result.errors[0]
    assert "[U+202E]" in result.errors[0]
    assert UrlListEntry.objects.count() == 0
