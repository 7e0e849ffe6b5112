"""Anonymous visitors' public pages come from a short-lived cache, each visitor with their own
CSRF token; nothing of a signed-in or session-holding visitor is ever cached or served."""

from __future__ import annotations

import re
import secrets

import pytest
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.template import RequestContext, Template
from django.test import Client
from django.urls import path
from django.utils.functional import SimpleLazyObject, empty

from copnet.core.page_cache import public_page
from copnet.reports.models import Report

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


def _visit(client: Client, path: str = "/report/", **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200
    return response


def _token(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


@pytest.mark.django_db
def test_the_second_anonymous_visit_is_served_from_the_cache(reference_data):
    first = _visit(Client())
    assert "X-Page-Cache" not in first
    second = _visit(Client())
    assert second["X-Page-Cache"] == "hit"
    assert ANY_TOKEN.sub("", first.content.decode()) == ANY_TOKEN.sub("", second.content.decode())


@pytest.mark.django_db
def test_each_visitor_of_a_cached_page_gets_a_token_of_their_own_cookie(reference_data):
    _visit(Client())
    tokens = set()
    for _visitor in range(3):
        client = Client()
        response = _visit(client)
        assert response["X-Page-Cache"] == "hit"
        secret = response.cookies["csrftoken"].value
        token = _token(response)
        assert _unmask_cipher_token(token) == secret
        tokens.add(secret)
    assert len(tokens) == 3


@pytest.mark.django_db
def test_a_report_can_be_sent_from_a_cached_form(reference_data, evidence_dir):
    _visit(Client())
    visitor = Client(enforce_csrf_checks=True)
    page = _visit(visitor)
    assert page["X-Page-Cache"] == "hit"
    response = visitor.post(
        "/report/",
        {
            "csrfmiddlewaretoken": _token(page),
            "category": "cyberbullying",
            "description": "Một nhóm chat đang chế giễu một học sinh.",
        },
    )
    assert response.status_code == 302
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_a_forged_token_is_still_refused_on_a_cached_form(reference_data):
    _visit(Client())
    visitor = Client(enforce_csrf_checks=True)
    _visit(visitor)
    stranger = _token(_visit(Client()))
    response = visitor.post(
        "/report/", {"csrfmiddlewaretoken": stranger, "category": "other", "description": "x"}
    )
    assert response.status_code == 403
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_signed_in_visitors_are_never_served_or_stored(reference_data, alice):
    staff = Client()
    staff.force_login(alice)
    own = _visit(staff, "/")
    assert "X-Page-Cache" not in own
    assert "/accounts/logout/" in own.content.decode()
    anonymous = _visit(Client(), "/")
    assert "X-Page-Cache" not in anonymous
    assert "/accounts/logout/" not in anonymous.content.decode()
    assert "X-Page-Cache" not in _visit(staff, "/")


@pytest.mark.django_db
def test_a_visitor_holding_a_session_is_not_served_from_the_cache(reference_data):
    _visit(Client(), "/")
    learner = Client()
    learner.cookies["sessionid"] = "anything"
    assert "X-Page-Cache" not in _visit(learner, "/")


@pytest.mark.django_db
def test_languages_are_cached_apart(reference_data):
    _visit(Client(), "/", HTTP_ACCEPT_LANGUAGE="vi")
    english = _visit(Client(), "/", HTTP_ACCEPT_LANGUAGE="en")
    assert "X-Page-Cache" not in english
    assert "Together we keep children safe online" in english.content.decode()
    again = _visit(Client(), "/", HTTP_ACCEPT_LANGUAGE="en")
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Language"] == "en"


@pytest.mark.django_db
def test_unmarked_pages_htmx_fragments_and_queries_are_kept_apart(reference_data):
    for page in ["/report/status/", "/network/"]:
        _visit(Client(), page)
        assert "X-Page-Cache" not in _visit(Client(), page)
    _visit(Client(), "/report/")
    assert "X-Page-Cache" not in _visit(Client(), "/report/", HTTP_HX_REQUEST="true")
    assert "X-Page-Cache" not in _visit(Client(), "/report/?category=csam")


@pytest.mark.django_db
def test_every_header_of_a_rendered_page_is_on_a_cached_one(reference_data):
    rendered = _visit(Client(), "/learn/")
    cached = _visit(Client(), "/learn/")
    assert cached["X-Page-Cache"] == "hit"
    for name in rendered.headers:
        assert name in cached.headers, name


@pytest.mark.django_db
def test_the_cache_can_be_turned_off(reference_data, settings):
    settings.PAGE_CACHE_SECONDS = 0
    _visit(Client(), "/")
    assert "X-Page-Cache" not in _visit(Client(), "/")


# --- a page with a CSP nonce (as django-csp gives one): a small page built the same way ------


def nonce_middleware(get_response):
    def middleware(request):
        request.csp_nonce = SimpleLazyObject(lambda: secrets.token_urlsafe(16))
        response = get_response(request)
        if request.csp_nonce._wrapped is not empty:
            response["Content-Security-Policy"] = f"script-src 'nonce-{request.csp_nonce}'"
        return response

    return middleware


@public_page
def nonced_page(request):
    page = Template('<script nonce="{{ request.csp_nonce }}">go()</script>{% csrf_token %}')
    return HttpResponse(page.render(RequestContext(request)))


urlpatterns = [path("nonced/", nonced_page)]


@pytest.mark.django_db
def test_a_cached_page_gets_the_nonce_of_its_own_header(settings):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [f"{__name__}.nonce_middleware", *settings.MIDDLEWARE]
    nonces = []
    for _visitor in range(3):
        response = Client().get("/nonced/")
        header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'nonce="{header}"' in response.content.decode()
        nonces.append(header)
    assert response["X-Page-Cache"] == "hit"
    assert len(set(nonces)) == 3
