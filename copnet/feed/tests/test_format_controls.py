"""Bidi overrides never enter the protection feed or an appeal (D12)."""

from __future__ import annotations

import pytest

from copnet.cases.models import Case
from copnet.feed import services
from copnet.feed.models import Appeal
from copnet.reports.models import Report

RLO = "\u202e"


@pytest.mark.parametrize(
    "check",
    [
        lambda: services.check_host(f"exa{RLO}mple.com"),
        lambda: services.check_url(f"example.com/{RLO}a"),
    ],
)
def test_hosts_and_addresses_with_bidi_controls_are_refused(check):
    with pytest.raises(services.FeedError) as caught:
        check()
    assert caught.value.code == "format_characters"
    assert "[U+202E]" in caught.value.message


@pytest.mark.django_db
def test_an_appeal_for_a_spoofed_address_is_refused_and_nothing_saved(client, reference_data):
    response = client.post(
        "/feed/appeal/",
        {"address": f"https://exa{RLO}mple.com/", "contact": "a@b.example", "explanation": "x"},
    )
    assert response.status_code == 400
    assert "[U+202E]" in response.content.decode()
    assert Appeal.objects.count() == Report.objects.count() == Case.objects.count() == 0
