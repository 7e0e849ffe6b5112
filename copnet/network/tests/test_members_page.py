from __future__ import annotations

import pytest

from copnet.core.testing import vi


@pytest.mark.django_db
def test_members_page_lists_bodies_and_duties_in_vietnamese(client, reference_data):
    html = client.get("/network/").content.decode()
    assert "Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam" in html
    assert "Vận hành hằng ngày Mạng lưới" in html
    assert "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao" in html
    assert 'data-org="A05"' in html


@pytest.mark.django_db
def test_members_page_in_english(client, reference_data):
    html = client.get("/network/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Vietnam Computer Emergency Response Team" in html
    assert "Run the Network day to day" in html
    assert "Standing agency of the Steering Board" in html


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
