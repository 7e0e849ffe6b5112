"""The platform list: channel, whether contacts are complete, open and overdue requests."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from copnet.core.testing import vi
from copnet.takedowns import services
from copnet.takedowns.models import Platform, RemovalRequest
from copnet.takedowns.selectors import platforms_overview
from copnet.takedowns.tests.factories import approve, make_case, make_platform, make_request

pytestmark = pytest.mark.django_db


def _request(case, platform, actor, *, send=True, overdue=False, answer=""):
    removal = make_request(case=case, platform=platform, actor=actor)
    if send:
        approve(removal)
        removal = services.do_send_request(request=removal, actor=actor)
    if overdue:
        RemovalRequest.objects.filter(pk=removal.pk).update(
            deadline=timezone.now() - dt.timedelta(hours=2)
        )
    if answer:
        services.do_record_answer(request=removal, status=answer, actor=actor)
    return removal


def _row(page: str, code: str) -> str:
    match = re.search(rf'<tr data-platform="{code}">(.*?)</tr>', page, re.S)
    assert match, code
    return match.group(1)


def test_the_list_counts_open_and_overdue_requests(client, alice, coordinator, evidence_dir):
    case = make_case(lead=alice.organisation)
    busy = make_platform(code="busy", channel="web_form", web_form_url="https://b.example/f")
    make_platform(code="quiet")
    expired = _request(case, busy, alice, overdue=True)
    services.expire_overdue()  # expired: neither (escalated instead)
    assert RemovalRequest.objects.get(pk=expired.pk).status == "expired"
    _request(case, busy, alice, send=False)  # draft: open
    _request(case, busy, alice)  # sent, deadline ahead: open
    _request(case, busy, alice, overdue=True)  # sent, deadline passed: open and overdue
    _request(case, busy, alice, overdue=True, answer="acknowledged")  # open and overdue
    _request(case, busy, alice, answer="removed")  # answered: neither
    client.force_login(coordinator)
    page = client.get("/staff/takedowns/platforms/").content.decode()
    assert 'data-open="4"' in _row(page, "busy")
    assert 'data-overdue="2"' in _row(page, "busy")
    assert 'data-open="0"' in _row(page, "quiet")
    assert 'data-overdue="0"' in _row(page, "quiet")
    overview = platforms_overview(coordinator)
    counts = {p.code: (p.open_requests, p.overdue_requests) for p in overview}
    assert counts["busy"] == (4, 2)
    assert counts["quiet"] == (0, 0)


def test_expired_requests_are_not_open(alice, coordinator, evidence_dir):
    case = make_case(lead=alice.organisation)
    platform = make_platform(code="late", channel="web_form", web_form_url="https://l.example/")
    _request(case, platform, alice, overdue=True)
    _request(case, platform, alice, overdue=True, answer="acknowledged")
    overview = {p.code: p for p in platforms_overview(coordinator)}
    assert (overview["late"].open_requests, overview["late"].overdue_requests) == (2, 2)
    services.expire_overdue()
    overview = {p.code: p for p in platforms_overview(coordinator)}
    assert (overview["late"].open_requests, overview["late"].overdue_requests) == (0, 0)


def test_the_list_shows_the_channel_and_whether_contacts_are_complete(client, coordinator):
    make_platform(code="ready", legal_contact="Văn phòng đại diện, TP.HCM")
    make_platform(code="nolegal", channel="api", api_url="https://api.n.example/", email="")
    client.force_login(coordinator)
    page = client.get("/staff/takedowns/platforms/").content.decode()
    ready = _row(page, "ready")
    assert 'data-contacts="complete"' in ready
    assert vi("E-mail") in ready
    missing = _row(page, "nolegal")
    assert 'data-contacts="incomplete"' in missing
    assert vi("HTTP API") in missing
    assert vi("legal contact in Vietnam") in missing
    assert vi("API token (sent as Bearer)") in missing
    assert 'data-contacts="incomplete"' in _row(page, "zalo")  # loaded without contacts


def test_the_list_takes_the_same_queries_for_many_platforms(client, coordinator):
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/staff/takedowns/platforms/").status_code == 200
    for i in range(10):
        make_platform(code=f"extra-{i}", domains=f"extra{i}.example")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/staff/takedowns/platforms/").content.decode()
    assert "extra-9" in page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_overview_is_empty_for_people_who_do_not_manage_platforms(alice):
    assert Platform.objects.exists()
    assert list(platforms_overview(alice)) == []
