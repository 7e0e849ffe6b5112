"""A request made from a case starts from the case: urgency from its priority, accounts from its
reports; the notice links only to SITE_URL; the re-notice period is the platform's."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.cases.models import Case
from copnet.takedowns import services
from copnet.takedowns.errors import PlatformInvalid, TakedownError
from copnet.takedowns.models import Platform
from copnet.takedowns.tests.factories import (
    approve,
    make_case,
    make_platform,
    make_request,
    platform_form,
    platform_input,
)


def _form_value(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : start + 2000]


@pytest.mark.django_db
def test_urgency_follows_the_case_priority_and_accounts_come_from_the_reports(
    client, alice, evidence_dir
):
    case = make_case(
        lead=alice.organisation, account_handles="@ke_xau_1, @ke_xau_2\n@ke\u202exau_3"
    )
    platform = make_platform()
    client.force_login(alice)
    for priority, urgency in ((1, "urgent"), (2, "normal"), (3, "normal")):
        Case.objects.filter(pk=case.pk).update(priority=priority)
        page = client.get(f"/staff/cases/{case.reference}/").content.decode()
        select = _form_value(page, "urgency")
        assert f'<option value="{urgency}" selected>' in select
        accounts = _form_value(page, "accounts")
        assert "@ke_xau_1\n@ke_xau_2\n@kexau_3</textarea>" in accounts  # the bidi control gone
    Case.objects.filter(pk=case.pk).update(priority=1)
    case.refresh_from_db()
    removal = make_request(case=case, platform=platform, actor=alice, urgency="")
    assert removal.urgency == "urgent"
    with pytest.raises(TakedownError) as refused:
        make_request(case=case, platform=platform, actor=alice, urgency="now!")
    assert refused.value.code == "invalid"


@pytest.mark.django_db
def test_the_notice_links_to_site_url_and_never_to_a_local_address(
    client, settings, alice, evidence_dir
):
    case = make_case(lead=alice.organisation)
    platform = make_platform(channel="web_form", web_form_url="https://p.example/form")
    settings.SITE_URL = "https://copnet.example.vn"
    # Behind a proxy the request's Host can be an internal name: it never reaches the notice.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "copnet-internal"]
    client.force_login(alice)
    removal = make_request(case=case, platform=platform, actor=alice)
    approve(removal)
    client.post(f"/staff/takedowns/{removal.reference}/send/", HTTP_HOST="copnet-internal")
    removal.refresh_from_db()
    assert removal.status == "sent"
    assert "https://copnet.example.vn/api/v1/docs" in removal.notice
    assert "copnet-internal" not in removal.notice
    page = client.get(f"/staff/takedowns/{removal.reference}/").content.decode()
    assert "data-site-url-warning" not in page

    for local in ("http://127.0.0.1:8000", "http://localhost:8700", "http://10.0.0.5"):
        settings.SITE_URL = local
        other = make_request(case=case, platform=platform, actor=alice, send=True)
        assert "127.0.0.1" not in other.notice
        assert local not in other.notice
        assert "/api/v1/docs" not in other.notice
        page = client.get(f"/staff/takedowns/{other.reference}/").content.decode()
        assert "data-site-url-warning" in page


@pytest.mark.django_db
def test_the_re_notice_period_is_set_per_platform_and_checked(client, coordinator):
    before = Platform.objects.count()
    for bad in (0, 721, -5, "24", True, None, 2.5):
        with pytest.raises(PlatformInvalid) as refused:
            services.do_save_platform(
                platform=None, data=platform_input(renotice_hours=bad), actor=coordinator
            )
        assert list(refused.value.errors) == ["renotice_hours"]
    assert Platform.objects.count() == before
    saved = services.do_save_platform(
        platform=None, data=platform_input(renotice_hours=6), actor=coordinator
    )
    assert saved.renotice_hours == 6
    assert AuditEvent.objects.filter(target_type="takedowns.platform").latest("pk").changes[
        "renotice_hours"
    ] == [None, 6]
    client.force_login(coordinator)
    for bad in ("abc", "0", "9999", "<script>"):
        response = client.post(
            f"/staff/takedowns/platforms/{saved.pk}/", platform_form(renotice_hours=bad)
        )
        assert response.status_code == 200
        assert Platform.objects.get(pk=saved.pk).renotice_hours == 6
    client.post(f"/staff/takedowns/platforms/{saved.pk}/", platform_form(renotice_hours="48"))
    assert Platform.objects.get(pk=saved.pk).renotice_hours == 48
