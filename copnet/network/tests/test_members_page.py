from __future__ import annotations

import re

import pytest

from copnet.core.testing import vi


def members(html: str) -> set[str]:
    return set(re.findall(r'data-org="([^"]+)"', html))


@pytest.mark.django_db
def test_members_page_shows_todays_bodies_in_vietnamese(client, reference_data):
    html = client.get("/network/").content.decode()
    assert "Vụ Học sinh, sinh viên" in html
    assert "Hiệp hội An ninh mạng quốc gia" in html
    assert "Hội Bảo vệ quyền trẻ em Việt Nam" in html
    assert "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao" in html
    assert {"A05", "CBMTE", "MOET-HSSV", "NCA", "VAPCR", "VNISA"} <= members(html)
    # Bodies that ended are no longer members: they appear only with who took over from them.
    assert not {"AIS", "CTE", "MOET-GDCT"} & members(html)
    assert 'data-ended="AIS"' in html
    assert re.search(r'data-ended="AIS".*?data-successor="A05"', html, re.S)


@pytest.mark.django_db
def test_the_public_page_never_shows_what_is_still_to_verify(client, reference_data):
    html = client.get("/network/").content.decode()
    # VNCERT/CC's standing role and A05's coordinating role after 2025 are unconfirmed.
    assert 'id="standing_agency-VNCERT"' not in html
    assert 'id="coordinating_agency-A05"' not in html
    assert "data-verify" not in html
    assert "cần xác minh" not in html.lower()
    assert "Chưa tìm thấy" not in html
    assert 'data-unverified="2"' in html


@pytest.mark.django_db
def test_staff_see_the_entries_to_verify_with_what_to_check(client, coordinator, reference_data):
    client.force_login(coordinator)
    html = client.get("/network/").content.decode()
    assert 'id="standing_agency-VNCERT"' in html
    assert 'id="coordinating_agency-A05"' in html
    assert html.count("data-verify-note") >= 2
    assert "Chưa tìm thấy văn bản giao Cục A05" in html
    # VNCERT's parent of record ended in 2025, and the page says so.
    assert "Cục An toàn thông tin (" in html


@pytest.mark.django_db
def test_members_page_in_english_on_a_2024_date(client, reference_data):
    html = client.get("/network/?on=2024-06-01", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Vietnam Computer Emergency Response Team" in html
    assert "Run the Network day to day" in html
    assert "Standing agency of the Steering Board" in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["on=2024-06-01", "as_of=2024-06-01"])
def test_on_2024_06_01_the_page_shows_the_2024_network(client, reference_data, query):
    html = client.get(f"/network/?{query}").content.decode()
    assert members(html) == {
        "BDH",
        "TGV",
        "AIS",
        "VNCERT",
        "CTE",
        "A05",
        "MOET-GDCT",
        "VGD",
        "BCTTN",
        "VNISA",
    }
    assert 'id="coordinating_agency-AIS"' in html
    assert 'id="standing_agency-VNCERT"' in html
    assert "data-ended" not in html  # nobody had ended yet in 2024


@pytest.mark.django_db
def test_members_page_shows_the_directory_on_a_past_date(client, reference_data):
    html = client.get("/network/?as_of=2022-01-01").content.decode()
    assert 'data-org="CTE"' in html
    assert 'data-org="CBMTE"' not in html


@pytest.mark.django_db
def test_a_malformed_date_gets_a_translated_error_and_todays_members(client, reference_data):
    response = client.get("/network/?as_of=2022-13-45%3Cscript%3E")
    html = response.content.decode()
    assert response.status_code == 200
    assert vi("Enter a valid date.") in html
    assert "<script>" not in html
    assert 'data-org="CBMTE"' in html
