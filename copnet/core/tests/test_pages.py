from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_home_page_is_vietnamese_by_default_and_shows_emergency_numbers(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert 'href="tel:111"' in html
    assert 'href="tel:113"' in html


@pytest.mark.django_db
def test_home_page_follows_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Together we keep children safe online" in html


@pytest.mark.django_db
def test_an_unsupported_browser_language_falls_back_to_vietnamese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert '<html lang="vi">' in response.content.decode()


@pytest.mark.django_db
def test_staff_area_sends_anonymous_visitors_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/")


@pytest.mark.django_db
def test_staff_area_shows_the_users_role_and_scope(client, alice):
    client.force_login(alice)
    response = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Agency officer" in html
    assert "You can see records of your own organisation." in html
    assert "/staff/audit/" not in html
    assert "/staff/takedowns/platforms/" not in html  # officers do not manage platforms


@pytest.mark.django_db
def test_coordinators_find_the_platform_registry_from_the_staff_area(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/staff/takedowns/platforms/">Platforms and their contacts</a>' in html


@pytest.mark.django_db
def test_unknown_page_gives_a_translated_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="vi">' in response.content.decode()
