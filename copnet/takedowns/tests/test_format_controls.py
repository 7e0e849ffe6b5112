"""Bidi overrides in removal requests and the platform registry (D12)."""

from __future__ import annotations

import pytest

from copnet.takedowns.errors import PlatformInvalid, TakedownError
from copnet.takedowns.models import Platform, RemovalItem, RemovalRequest
from copnet.takedowns.services import do_save_platform
from copnet.takedowns.tests.factories import make_case, make_platform, make_request, platform_input

pytestmark = pytest.mark.django_db
RLO = "\u202e"


def create(alice, *, urls, accounts):
    return make_request(
        case=make_case(lead=alice.organisation),
        platform=make_platform(),
        actor=alice,
        urls=urls,
        accounts=accounts,
    )


def test_an_address_to_remove_with_a_bidi_control_is_refused(alice, evidence_dir):
    with pytest.raises(TakedownError) as caught:
        create(alice, urls=[f"https://www.facebook.com/{RLO}gnp.exe"], accounts=[])
    assert caught.value.code == "format_characters"
    assert "[U+202E]" in caught.value.message
    assert RemovalRequest.objects.count() == RemovalItem.objects.count() == 0


def test_an_account_name_keeps_its_visible_characters_only(alice, evidence_dir):
    request = create(alice, urls=[], accounts=[f"@ke{RLO}_xau\u200b"])
    assert request.items.get().value == "@ke_xau"


def test_a_platform_domain_with_a_bidi_control_is_refused(coordinator):
    before = Platform.objects.count()
    with pytest.raises(PlatformInvalid) as caught:
        do_save_platform(
            platform=None,
            data=platform_input(domains=f"nenxanh{RLO}.example"),
            actor=coordinator,
        )
    assert "[U+202E]" in caught.value.errors["domains"][0]
    assert Platform.objects.count() == before
