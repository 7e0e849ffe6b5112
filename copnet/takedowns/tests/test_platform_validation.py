"""Bad platform details are refused with a translated message per field, and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.html import escape

from copnet.audit.models import AuditEvent
from copnet.core.testing import vi
from copnet.takedowns.errors import PlatformInvalid
from copnet.takedowns.models import Platform
from copnet.takedowns.services import do_save_platform
from copnet.takedowns.tests.factories import make_platform, platform_form, platform_input

pytestmark = pytest.mark.django_db

API = {"channel": "api", "api_url": "https://api.nenxanh.example/v1", "api_token": "tok-1"}


def _state() -> tuple[list[tuple[Any, ...]], int]:
    return (
        list(Platform.objects.order_by("pk").values_list()),
        AuditEvent.objects.filter(target_type="takedowns.platform").count(),
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"domains": "https://nenxanh.example/"}, "domains"),
        ({"domains": "nenxanh.example/path"}, "domains"),
        ({"domains": "nenxanh.example:8443"}, "domains"),
        ({"domains": "user@nenxanh.example"}, "domains"),
        ({"domains": "localhost"}, "domains"),
        ({"domains": "127.0.0.1"}, "domains"),
        ({"domains": "[::1]"}, "domains"),
        ({"domains": "a..nenxanh.example"}, "domains"),
        ({"domains": "-bad.example"}, "domains"),
        ({"domains": "bad_host.example"}, "domains"),
        ({"domains": "exa mple.example"}, "domains"),
        ({"domains": "*.nenxanh.example"}, "domains"),
        ({"domains": "<script>alert(1)</script>"}, "domains"),
        ({"domains": ("a" * 64) + ".example"}, "domains"),
        ({"domains": "  \n  "}, "domains"),
        ({"domains": "\n".join(f"h{i}.example" for i in range(51))}, "domains"),
        ({"domains": "facebook.com"}, "domains"),
        ({"domains": "nenxanh.example\nFB.Watch."}, "domains"),
        ({"channel": "email", "email": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "legal@nenxanh.example\nBcc: all@x.example"}, "email"),
        ({"channel": "web_form", "web_form_url": ""}, "web_form_url"),
        ({"channel": "web_form", "web_form_url": "http://nenxanh.example/form"}, "web_form_url"),
        ({"web_form_url": "javascript:alert(1)"}, "web_form_url"),
        ({**API, "api_url": "http://api.nenxanh.example/v1"}, "api_url"),
        ({**API, "api_url": ""}, "api_url"),
        ({**API, "api_url": "https://user:pw@api.nenxanh.example/"}, "api_url"),
        ({**API, "api_url": "https://" + "a" * 500 + ".example/"}, "api_url"),
        ({**API, "api_token": ""}, "api_token"),
        ({**API, "api_token": "tok\r\nX-Injected: 1"}, "api_token"),
        ({**API, "api_token": "tok en"}, "api_token"),
        ({**API, "api_token": "x" * 1001}, "api_token"),
        ({"name": ""}, "name"),
        ({"name": "N" * 101}, "name"),
        ({"name": "Evil\u202egnp.exe"}, "name"),
        ({"name": "Null\x00byte"}, "name"),
        ({"name": 123}, "name"),
        ({"name": "facebook"}, "name"),
        ({"notes": "n" * 5001}, "notes"),
        ({"legal_contact": "c" * 2001}, "legal_contact"),
        ({"kind": "bogus"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"languages": "vi;<b>en</b>"}, "languages"),
        ({"languages": ""}, "languages"),
        ({"code": ""}, "code"),
        ({"code": "Bad Code!"}, "code"),
        ({"code": "facebook"}, "code"),
        ({"code": "c" * 41}, "code"),
        ({"organisation": "ORGA"}, "organisation"),
        ({"is_active": "yes"}, "is_active"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_written(coordinator, overrides, field):
    before = _state()
    with pytest.raises(PlatformInvalid) as caught:
        do_save_platform(platform=None, data=platform_input(**overrides), actor=coordinator)
    assert field in caught.value.errors
    assert caught.value.code == "invalid_platform"
    assert all(caught.value.errors[field])
    assert _state() == before


def test_a_platform_cannot_be_linked_to_the_managers_own_organisation(coordinator):
    before = _state()
    data = platform_input(organisation=coordinator.organisation)
    with pytest.raises(PlatformInvalid) as caught:
        do_save_platform(platform=None, data=data, actor=coordinator)
    assert set(caught.value.errors) == {"organisation"}
    assert _state() == before


def test_host_names_are_normalised_to_lower_case_punycode(coordinator):
    saved = do_save_platform(
        platform=None,
        data=platform_input(
            domains=" WWW.Bücher.example. \nTiếng-Việt.example, nenxanh.example\n"
            "NENXANH.example\nxn--bcher-kva.example"
        ),
        actor=coordinator,
    )
    assert saved.domains == (
        "www.xn--bcher-kva.example\nxn--ting-vit-e50d7c.example\nnenxanh.example\n"
        "xn--bcher-kva.example"
    )


def test_a_platform_keeps_its_own_domains_when_edited(coordinator):
    saved = do_save_platform(platform=None, data=platform_input(), actor=coordinator)
    renamed = do_save_platform(
        platform=saved, data=platform_input(name="Nền Xanh mới"), actor=coordinator
    )
    assert renamed.name == "Nền Xanh mới"
    assert renamed.domains == "nenxanh.example"
    assert renamed.code == "nenxanh"


def test_an_invalid_edit_leaves_the_platform_as_it_was(coordinator):
    saved = do_save_platform(platform=None, data=platform_input(), actor=coordinator)
    before = _state()
    with pytest.raises(PlatformInvalid) as refused:
        do_save_platform(
            platform=saved,
            data=platform_input(name="Changed", **{**API, "api_url": "http://x.example/"}),
            actor=coordinator,
        )
    assert refused.value.code == "invalid_platform"
    assert _state() == before


def test_the_page_shows_translated_errors_and_creates_nothing(client, coordinator):
    client.force_login(coordinator)
    before = _state()
    response = client.post(
        "/staff/takedowns/platforms/new/",
        platform_form(
            domains="www.facebook.com\nfacebook.com",
            channel="api",
            api_url="http://api.nenxanh.example/",
            api_token="",
            email="",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        vi("%(host)s already belongs to the platform %(platform)s.")
        % {"host": "facebook.com", "platform": "Facebook"}
        in page
    )
    assert vi("Use a secure address that starts with https://.") in page
    assert vi("The API channel needs a token.") in page
    assert _state() == before


def test_the_page_refuses_the_email_channel_without_an_email(client, coordinator):
    client.force_login(coordinator)
    before = _state()
    response = client.post("/staff/takedowns/platforms/new/", platform_form(email=""))
    assert vi("The e-mail channel needs an e-mail address.") in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "N" * 101},
        {"notes": "n" * 5001},
        {"domains": "d" * 20_001},
        {"api_token": "t" * 1001},
        {"organisation": "not-a-number"},
        {"organisation": "999999"},
        {"kind": "<b>bogus</b>"},
        {"channel": ["email", "api"]},
    ],
)
def test_the_page_refuses_over_long_and_wrongly_typed_fields(client, coordinator, overrides):
    client.force_login(coordinator)
    before = _state()
    response = client.post("/staff/takedowns/platforms/new/", platform_form(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error" role="alert"' in page
    assert "<b>bogus</b>" not in page
    assert _state() == before


def test_html_and_script_in_name_and_notes_are_escaped_when_shown(client, coordinator):
    name = '<script>alert("n")</script>'
    notes = '<img src=x onerror="alert(1)">'
    client.force_login(coordinator)
    response = client.post(
        "/staff/takedowns/platforms/new/", platform_form(name=name, notes=notes), follow=True
    )
    assert response.status_code == 200
    platform = Platform.objects.get(code="nenxanh")
    assert (platform.name, platform.notes) == (name, notes)  # stored as typed
    for path in ["/staff/takedowns/platforms/", f"/staff/takedowns/platforms/{platform.pk}/"]:
        page = client.get(path).content.decode()
        assert escape(name) in page, path
        assert name not in page, path
        assert notes not in page, path
    edit = client.get(f"/staff/takedowns/platforms/{platform.pk}/").content.decode()
    assert escape(notes) in edit


def test_a_starter_platform_must_get_its_channel_details_before_it_is_saved(client, coordinator):
    """Platforms loaded from the reference list have no contacts: the first edit asks for them."""
    zalo = Platform.objects.get(code="zalo")
    client.force_login(coordinator)
    form = platform_form(name=zalo.name, domains=zalo.domains, channel="web_form", email="")
    refused = client.post(f"/staff/takedowns/platforms/{zalo.pk}/", form)
    assert vi("The web form channel needs the form's address.") in refused.content.decode()
    form["web_form_url"] = "https://zalo.example/report"
    saved = client.post(f"/staff/takedowns/platforms/{zalo.pk}/", form)
    assert saved.status_code == 302
    zalo.refresh_from_db()
    assert zalo.web_form_url == "https://zalo.example/report"


def test_make_platform_builder_still_works(coordinator):
    # The builder used by older tests bypasses the service on purpose (local http:// servers).
    assert make_platform(code="raw", api_url="http://127.0.0.1:1/").api_url.startswith("http:")
