from __future__ import annotations

import pytest

from copnet.core.testing import vi


@pytest.mark.django_db
def test_switching_to_english_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post("/accounts/language/", {"language": "en", "next": "/network/"})
    assert response.status_code == 302
    assert response["Location"] == "/network/"
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/network/").content.decode()


@pytest.mark.django_db
def test_the_chosen_language_wins_over_the_browsers(client):
    client.post("/accounts/language/", {"language": "vi", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="vi">' in html


@pytest.mark.django_db
def test_an_unknown_language_is_refused_with_a_translated_message(client):
    response = client.post("/accounts/language/", {"language": "xx"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert vi("This language is not available.") in response.content.decode()
    assert "django_language" not in client.cookies


@pytest.mark.django_db
def test_the_language_switch_never_redirects_off_site(client):
    response = client.post(
        "/accounts/language/", {"language": "en", "next": "https://evil.example/phish"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_signed_in_users_saved_language_follows_them_to_a_new_browser(client, alice):
    client.force_login(alice)
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "en"

    client.cookies.clear()
    client.force_login(alice)
    html = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in html
