"""The check form explains what matches; the hits page shows only cases one may see."""

from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.cases.services import triage_case
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report

from .factories import MD5_A, PDQ_A, PDQ_CLOSE, add_hash, add_url, make_bank, make_url_list

pytestmark = pytest.mark.usefixtures("fresh_engine")

CHECK = "/staff/detection/check/"


@pytest.mark.django_db
def test_a_near_pdq_hash_shows_its_bank_and_distance(analyst, reference_data):
    add_hash(make_bank(), PDQ_A)
    response = analyst.post(
        CHECK, {"kind": "hash", "signal_type": "pdq", "value": f"{PDQ_CLOSE}\n{'0' * 64}\nzz"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    items = page.split('class="card check-item"')[1:]
    assert len(items) == 3
    assert "partner" in items[0]
    assert "16" in items[0]
    assert 'class="match"' in items[0]
    assert 'class="no-match"' in items[1]
    assert 'class="error"' in items[2]


@pytest.mark.django_db
def test_an_md5_must_be_identical(analyst, reference_data):
    add_hash(make_bank(), MD5_A, "md5")
    page = analyst.post(
        CHECK, {"kind": "hash", "signal_type": "md5", "value": MD5_A.upper()}
    ).content.decode()
    assert 'class="match"' in page
    page = analyst.post(
        CHECK, {"kind": "hash", "signal_type": "md5", "value": "a" * 31 + "b"}
    ).content.decode()
    assert 'class="no-match"' in page


@pytest.mark.django_db
def test_an_address_in_any_spelling_shows_the_list_and_canonical_form(analyst, reference_data):
    add_url(make_url_list(), "bad.example")
    value = "HTTP://WWW.Bad.Example/%2561/../x#frag\njavascript:alert(1)\nhttp://fine.example/"
    page = analyst.post(CHECK, {"kind": "url", "value": value}).content.decode()
    items = page.split('class="card check-item"')[1:]
    assert "bad-sites" in items[0]
    assert "http://www.bad.example/x" in items[0]
    assert 'class="error"' in items[1]
    assert "<script" not in items[1]
    assert 'class="no-match"' in items[2]


@pytest.mark.django_db
def test_text_scores_and_highlighted_spans_are_escaped(analyst, reference_data):
    text = "<b>hi</b> em ơi đừng nói với bố mẹ nhé, gửi ảnh cho anh xem <script>alert(1)</script>"
    response = analyst.post(CHECK, {"kind": "text", "value": text}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page  # the htmx fragment
    assert "<script>alert(1)" not in page
    assert "<b>hi" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'data-score="grooming"' in page
    highlighted = page.split('id="highlighted"')[1].split("</p>")[0]
    assert '<mark class="span-grooming"' in highlighted
    assert "bố mẹ" in highlighted


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "hash", "value": PDQ_A}, "signal_type"),  # no signal type
        ({"kind": "image", "value": "x"}, "kind"),
        ({"kind": "url", "value": "\n".join(f"http://a{i}.example/" for i in range(101))}, "value"),
        ({"kind": "text", "value": "x" * 1_000_001}, "value"),
        ({"kind": "text", "value": ""}, "value"),
    ],
)
def test_bad_check_input_gets_a_clear_error(analyst, reference_data, data, field):
    response = analyst.post(CHECK, data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_a_long_text_with_broken_utf8_gets_a_defined_result(analyst, reference_data):
    from urllib.parse import quote_from_bytes

    raw = ("bình thường ".encode() + b"\xff\xfe\xed\xa0\x80 ") * 40_000
    response = analyst.post(
        CHECK,
        "kind=text&value=" + quote_from_bytes(raw),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert 'id="score-table"' in response.content.decode()


@pytest.mark.django_db
def test_the_hits_page_shows_only_hits_of_cases_one_may_see(
    client, reference_data, coordinator, evidence_dir
):
    add_url(make_url_list(), "bad.example")
    first, _ = file_report(category="grooming", urls=["http://bad.example/1"])
    second, _ = file_report(category="cyberbullying", urls=["http://bad.example/2"])
    one, two = triage_case(first.case_id), triage_case(second.case_id)
    assert one.lead_org != two.lead_org
    analyst = make_user(email="analyst@lead.example", organisation=one.lead_org, role=Role.ANALYST)
    client.force_login(analyst)
    page = client.get("/staff/detection/hits/").content.decode()
    assert one.reference in page
    assert two.reference not in page
    client.force_login(coordinator)
    page = client.get("/staff/detection/hits/", {"kind": "url"}).content.decode()
    assert one.reference in page
    assert two.reference in page
    assert (
        client.get("/staff/detection/hits/", {"kind": "text"}).content.decode().count("data-hit=")
        == 0
    )
    assert Organisation.objects.count() > 2


@pytest.mark.django_db
def test_a_confirmed_case_reference_is_shown_only_to_those_who_may_see_the_case(
    client, reference_data, coordinator, evidence_dir
):
    from copnet.banks.services import add_case_hashes_to_confirmed_bank
    from copnet.cases.services import do_transition
    from copnet.reports.tests.factories import make_image

    report, _code = file_report(category="csam", images=[make_image(3)], enqueue_triage=False)
    case = report.case
    for step in ("triaged", "assigned", "in_progress", "action_taken"):
        case = do_transition(case=case, target=step, actor=None)
    case = do_transition(case=case, target="closed", outcome="content_removed", actor=None)
    assert add_case_hashes_to_confirmed_bank(case=case, actor=None) >= 2
    outsider = make_user(
        email="analyst@other.example",
        organisation=Organisation.objects.get(code="MOET-GDCT"),
        role=Role.ANALYST,
    )
    client.force_login(outsider)
    page = client.get("/staff/detection/banks/confirmed/").content.decode()
    assert case.reference not in page
    assert "data-entry=" in page
    client.force_login(coordinator)
    assert case.reference in client.get("/staff/detection/banks/confirmed/").content.decode()
    export = client.get("/staff/detection/banks/confirmed/export/").content.decode()
    assert f"case {case.reference}" in export
    client.force_login(outsider)
    export = client.get("/staff/detection/banks/confirmed/export/").content.decode()
    assert case.reference not in export
    assert export.count(",confirmed case") >= 2
