"""The staff search box: every kind of thing finds its case, only among cases the person may
see; exact codes go straight to the case; hostile strings get a translated message."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from copnet.audit.models import AuditEvent
from copnet.cases.services import do_reassign, triage_case
from copnet.core.testing import vi
from copnet.reports.models import Evidence, ReportHandle, ReportUrl
from copnet.reports.tests.factories import file_report, make_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]

SEARCH = "/staff/search/"


def _case_for(org, *, urls, handles, image_seed):
    report, _secret = file_report(
        urls=urls,
        account_handles=handles,
        images=[make_image(image_seed)],
        enqueue_triage=False,
    )
    case = triage_case(report.case_id)
    case = do_reassign(case=case, lead=org, supporting=[], reason="test", actor=None)
    return report, case


@pytest.fixture
def two_cases(org_a, org_b):
    a = _case_for(
        org_a,
        urls=["https://Bad.Example.ORG/path/Photo?id=1#frag"],
        handles="@Predator_One, other.name",
        image_seed=11,
    )
    b = _case_for(
        org_b,
        urls=["https://bad.example.org/another/page"],
        handles="predator_one\nb_only_handle",
        image_seed=12,
    )
    return a, b


def _found(client, query):
    """The case links on the result page (the query itself is echoed in the box)."""
    response = client.get(SEARCH, {"q": query}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content[:500]
    page = response.content.decode()
    return " ".join(part.split("/", 1)[0] for part in page.split('href="/staff/cases/')[1:]) + (
        " NOTHING" if "Nothing found" in page else ""
    )


def test_tracking_code_goes_straight_to_the_case(client, alice, two_cases):
    (report, case), _b = two_cases
    client.force_login(alice)
    response = client.get(SEARCH, {"q": f"  {report.tracking_code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.reference])
    response = client.get(SEARCH, {"q": case.reference})
    assert response["Location"] == reverse("cases:detail", args=[case.reference])


def test_another_organisations_codes_are_never_found(client, alice, two_cases):
    _a, (report_b, case_b) = two_cases
    client.force_login(alice)
    for query in (report_b.tracking_code, case_b.reference):
        page = _found(client, query)
        assert case_b.reference not in page
        assert "NOTHING" in page


def test_address_domain_hash_and_account_find_only_visible_cases(client, alice, two_cases):
    (_ra, case_a), (_rb, case_b) = two_cases
    evidence = Evidence.objects.filter(report__case=case_a).first()
    client.force_login(alice)
    queries = [
        # canonicalised as intake does: scheme, case of the host, fragment do not matter
        "http://bad.example.org/path/Photo?id=1",
        "BAD.example.org",  # the domain: both cases have it, only A's is visible
        "bad.example.org.",
        evidence.sha256.upper(),
        evidence.md5,
        evidence.pdq,
        "predator_one",  # account names: case-folded, "@" optional
        "@PREDATOR_ONE",
    ]
    for query in queries:
        page = _found(client, query)
        assert case_a.reference in page, query
        assert case_b.reference not in page, query
    assert case_a.reference not in _found(client, "b_only_handle")


def test_a_coordinator_finds_both_by_domain(client, coordinator, two_cases):
    (_ra, case_a), (_rb, case_b) = two_cases
    client.force_login(coordinator)
    page = _found(client, "bad.example.org")
    assert case_a.reference in page
    assert case_b.reference in page
    # a path narrows the address: only B's
    page = _found(client, "bad.example.org/another/page")
    assert case_b.reference in page
    assert case_a.reference not in page


def test_intake_stores_lookup_keys_not_values(two_cases):
    (report_a, _ca), _b = two_cases
    url = ReportUrl.objects.get(report=report_a)
    assert len(url.host_key) == 64
    assert "example" not in url.host_key
    assert ReportHandle.objects.filter(report=report_a).count() == 2


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "' OR 1=1; DROP TABLE cases_case; --",
        "%' UNION SELECT * FROM accounts_user --",
        b"%ED%A0%80broken",  # invalid UTF-8 (an encoded lone surrogate)
        b"%FF%FEx%C3",  # invalid UTF-8 bytes
        "x\u202egpj.exe",  # a right-to-left override
        "\x00nul",
        "a" * 5000,
        "   ",
        "javascript:alert(1)",
        "http://[::1",
    ],
)
def test_hostile_strings_get_a_message_and_no_error(client, alice, two_cases, query):
    (_ra, case_a), _b = two_cases
    client.force_login(alice)
    if isinstance(query, bytes):  # sent as it is, not encoded by the test client
        response = client.get(f"{SEARCH}?q={query.decode()}", HTTP_ACCEPT_LANGUAGE="en")
    else:
        response = client.get(SEARCH, {"q": query}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert f"/staff/cases/{case_a.reference}/" not in page
    if response.status_code == 400:
        assert 'role="alert"' in page


def test_hostile_messages_are_translated(client, alice, two_cases):
    client.force_login(alice)
    response = client.get(SEARCH, {"q": "a" * 5000}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "quá dài" in response.content.decode()
    response = client.get(f"{SEARCH}?q=%ED%A0%80x", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "không thể tìm" in response.content.decode()


def test_the_box_is_in_the_header_of_staff_pages_only_for_case_readers(client, alice, two_cases):
    client.force_login(alice)
    assert 'class="header-search"' in client.get("/staff/").content.decode()
    client.logout()
    assert 'class="header-search"' not in client.get("/").content.decode()


def test_a_removal_request_reference_opens_the_request_for_its_organisation_only(
    client, alice, charlie, org_a
):
    from copnet.takedowns.tests.factories import make_case, make_platform, make_request

    case = make_case(lead=org_a)
    removal = make_request(case=case, platform=make_platform(), actor=alice)
    client.force_login(alice)
    response = client.get(SEARCH, {"q": removal.reference.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("takedowns:detail", args=[removal.reference])
    client.force_login(charlie)
    assert "NOTHING" in _found(client, removal.reference)


def test_every_search_is_audited_with_a_fingerprint_not_the_text(
    client, two_cases, alice, coordinator
):
    (_report, case), _b = two_cases
    client.force_login(alice)
    _found(client, "@Predator_One")
    assert client.get(SEARCH, {"q": "   "}).status_code == 400  # nothing searched or audited
    client.get(SEARCH, {"q": case.reference})  # straight to the case: audited too
    events = list(AuditEvent.objects.filter(target_type="search").order_by("id"))
    assert [(e.actor, e.reason) for e in events] == [(alice, "")] * 2
    assert events[0].changes == {"found": 1, "cases": [case.reference]}
    assert events[1].changes["found"] == reverse("cases:detail", args=[case.reference])
    assert "predator" not in (str(events[0].changes) + events[0].target_id).lower()

    _found(client, "Nguyễn Văn")  # typed composed (NFC)

    client.force_login(coordinator)
    decomposed = unicodedata.normalize("NFD", "nguyễn văn")
    assert decomposed != "nguyễn văn"
    for typed, rows in (
        ("@predator_ONE ", 1),
        ("@predator_two", 0),
        ("@predator", 0),  # a part of a search finds nothing
        (case.reference, 1),
        (decomposed, 1),
    ):
        html = client.get("/staff/audit/", {"searched_for": typed}).content.decode()
        assert html.count("<tr data-event=") == rows, typed
    html = client.get("/staff/audit/", {"searched_for": case.reference}).content.decode()
    assert vi("staff search").capitalize() in html
    assert f"{vi('found').capitalize()}: /staff/cases/{case.reference}/" in html
    assert "hmac:" not in html
