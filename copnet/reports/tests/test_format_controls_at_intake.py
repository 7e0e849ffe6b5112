"""Bidi overrides never reach staff from a report: text is cleaned, addresses are refused (D12)."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from django.utils.html import escape

from copnet.accounts.services import do_create_api_key
from copnet.cases.models import Case
from copnet.core.cleaning import format_controls_message
from copnet.network.models import Organisation
from copnet.reports.models import Evidence, Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]
RLO = "\u202e"


@pytest.fixture
def key(reference_data):
    org = Organisation.objects.create(
        code="PARTNER", abbreviation="Partner", name_vi="Đối tác", kind="enterprise"
    )
    return do_create_api_key(organisation=org, name="k", actor=None)[1]


def post_api(client, key, **fields):
    item = {"category": "cyberbullying", "description": "Bắt nạt", **fields}
    return client.post(
        "/api/v1/reports",
        json.dumps(item),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_text_fields_are_stored_without_bidi_controls(client, key):
    response = post_api(
        client,
        key,
        description=f"invoice{RLO}gnp.exe \u2066ẩn\u2069",
        platform=f"Face{RLO}book",
        account_handles=f"@be{RLO}_na",
        external_id=f"T-{RLO}1",
        texts=[f"tin\u200bnhắn{RLO}"],
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.description == "invoicegnp.exe ẩn"
    assert (report.platform, report.account_handles, report.external_id) == (
        "Facebook",
        "@be_na",
        "T-1",
    )
    assert Evidence.objects.get().text == "tinnhắn"


def test_an_address_with_a_bidi_control_is_refused_and_nothing_saved(client, key):
    response = post_api(client, key, urls=[f"https://example.com/{RLO}gnp.exe"])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_url"
    assert Report.objects.count() == Case.objects.count() == 0


def test_the_public_form_explains_the_refusal_and_shows_the_hidden_character(client):
    response = client.post(
        "/report/",
        {"category": "cyberbullying", "urls": f"https://exa{RLO}mple.com/"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    html = response.content.decode()
    with translation.override("vi"):
        message = escape(format_controls_message(f"https://exa{RLO}mple.com/"))
    assert response.status_code == 200
    assert "invisible" not in message  # translated
    assert message in html
    assert "exa[U+202E]mple.com" in html  # (the form keeps the reporter's own input)
    assert Report.objects.count() == 0
