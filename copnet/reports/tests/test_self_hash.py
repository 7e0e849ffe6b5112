"""Fingerprints sent from the device (issue 18 item 4): only hashes and a category arrive,
bad input is refused with a translated error and nothing stored, the code and secret check
the status and withdraw once, and the self-reported bank matches through the API."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from copnet.accounts.services import do_create_api_key
from copnet.banks import engine
from copnet.banks.models import BankEntry, HashBank
from copnet.banks.self_reported import BANK_NAME
from copnet.core.testing import vi
from copnet.network.models import Organisation
from copnet.reports.models import SelfHashSubmission, SelfHashValue

URL = "/report/self-hash/"
STATUS_URL = "/report/self-hash/status/"
PDQ = "f0" * 32
MD5 = "0123456789abcdef" * 2
SHA = "ab" * 32
IMAGE = {"pdq": PDQ, "md5": MD5, "sha256": SHA}


@pytest.fixture(autouse=True)
def _fresh_engine():
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def api_key(reference_data):
    _key, raw = do_create_api_key(
        organisation=Organisation.objects.get(code="VNCERT"), name="platform", actor=None
    )
    return raw


def send(client, payload, **extra):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", **extra)


def match(client, key, values):
    response = client.post(
        "/api/v1/match/hash",
        json.dumps({"hashes": [{"signal_type": k, "value": v} for k, v in values]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    return [[m["bank"] for m in r["matches"]] for r in response.json()["results"]]


def test_reference_data_creates_the_self_reported_bank(reference_data):
    bank = HashBank.objects.get(name=BANK_NAME)
    assert bank.is_active
    assert bank.kind == "known_abuse"
    call_command("load_reference_data", verbosity=0)  # idempotent
    assert HashBank.objects.filter(name=BANK_NAME).count() == 1


def test_the_page_loads_its_scripts_from_our_static_files(client, reference_data):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/reports/devicehash.js" in html
    assert "/static/reports/selfhash.js" in html
    assert "<script>" not in html  # nothing inline under the CSP
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert 'type="file"' in html
    assert 'name="images"' not in html


def test_hashes_go_to_the_bank_and_match_through_the_api(client, api_key):
    response = send(client, {"category": "nude", "images": [IMAGE]})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"tracking_code", "secret", "images", "status_url"}
    submission = SelfHashSubmission.objects.get(tracking_code=body["tracking_code"])
    assert submission.secret_hash != body["secret"]
    assert submission.images == 1
    entries = BankEntry.objects.filter(bank__name=BANK_NAME)
    assert sorted(entries.values_list("signal_type", "value")) == sorted(
        [("md5", MD5), ("pdq", PDQ), ("sha256", SHA)]
    )
    assert set(entries.values_list("classification", flat=True)) == {"nude"}
    near = "f1" + PDQ[2:]  # one bit away
    assert match(client, api_key, [("pdq", near), ("md5", MD5), ("sha256", SHA)]) == [
        [BANK_NAME],
        [BANK_NAME],
        [BANK_NAME],
    ]


@pytest.mark.parametrize(
    ("payload", "code", "status"),
    [
        ({"images": [IMAGE]}, "missing_category", 400),
        ({"category": "", "images": [IMAGE]}, "missing_category", 400),
        ({"category": "<script>", "images": [IMAGE]}, "unknown_category", 400),
        ({"category": ["nude"], "images": [IMAGE]}, "unknown_category", 400),
        ({"category": "nude", "images": []}, "no_images", 400),
        ({"category": "nude", "images": "abc"}, "no_images", 400),
        ({"category": "nude", "images": [IMAGE] * 11}, "too_many_images", 400),
        ({"category": "nude", "images": [{**IMAGE, "pdq": PDQ[:-1]}]}, "wrong_length", 400),
        ({"category": "nude", "images": [{**IMAGE, "md5": MD5 + "00"}]}, "wrong_length", 400),
        ({"category": "nude", "images": [{**IMAGE, "sha256": "g" * 64}]}, "invalid_hex", 400),
        ({"category": "nude", "images": [{**IMAGE, "pdq": "é" * 64}]}, "invalid_hex", 400),
        ({"category": "nude", "images": [{**IMAGE, "md5": 12345}]}, "invalid_hex", 400),
        ({"category": "nude", "images": [{"pdq": PDQ}]}, "bad_request", 400),
        ({"category": "nude", "images": [{**IMAGE, "image": "/9j/4AAQ"}]}, "bad_request", 400),
        ({"category": "nude", "images": [IMAGE], "file": "iVBORw0KGgo="}, "bad_request", 400),
        ("not json", "bad_request", 400),
        (b"\xff\xfe", "bad_request", 400),
        ("[1, 2]", "bad_request", 400),
        ({"category": "nude", "images": [{**IMAGE, "quality": "high"}]}, "bad_request", 400),
        ({"category": "nude", "images": [{**IMAGE, "quality": 101}]}, "bad_request", 400),
        ({"category": "nude", "images": [{**IMAGE, "quality": True}]}, "bad_request", 400),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_stored(
    client, reference_data, payload, code, status
):
    response = send(client, payload, HTTP_ACCEPT_LANGUAGE="vi")
    body = response.json()
    assert response.status_code == status
    assert body["code"] == code
    assert body["message"]
    assert SelfHashSubmission.objects.count() == 0
    assert SelfHashValue.objects.count() == 0
    assert not BankEntry.objects.exists()


def test_a_refusal_message_is_translated(client, reference_data):
    en = send(client, {"images": [IMAGE]}, HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    vi = send(client, {"images": [IMAGE]}, HTTP_ACCEPT_LANGUAGE="vi").json()["message"]
    assert en == "Choose what the picture shows."
    assert vi != en


def test_a_flat_pictures_pdq_is_not_banked(client, reference_data, settings):
    settings.PDQ_MIN_QUALITY = 50
    flat = {"pdq": "0" * 64, "md5": MD5, "sha256": SHA, "quality": 0}
    good = {"pdq": PDQ, "md5": "3" * 32, "sha256": "4" * 64, "quality": 80}
    assert send(client, {"category": "nude", "images": [flat, good]}).status_code == 201
    banked = set(BankEntry.objects.filter(bank__name=BANK_NAME).values_list("value", flat=True))
    assert banked == {MD5, SHA, PDQ, "3" * 32, "4" * 64}


def test_a_huge_body_is_refused_unread(client, reference_data):
    big = json.dumps({"category": "nude", "images": [IMAGE], "x": "A" * 100_000})
    response = client.post(URL, big, content_type="application/json")
    assert response.status_code == 413
    assert not SelfHashSubmission.objects.exists()
    assert not BankEntry.objects.exists()


def test_posting_is_rate_limited_like_the_report_form(client, reference_data, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "self-hash": (2, 600)}
    assert send(client, {"category": "nude", "images": [IMAGE]}).status_code == 201
    assert send(client, {"category": "sexual", "images": [IMAGE]}).status_code == 201
    refused = send(client, {"category": "nude", "images": [IMAGE]}, HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "rate_limited"
    assert SelfHashSubmission.objects.count() == 2


def test_the_post_needs_the_csrf_token(reference_data):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        URL, json.dumps({"category": "nude", "images": [IMAGE]}), content_type="application/json"
    )
    assert response.status_code == 403
    assert not SelfHashSubmission.objects.exists()


def test_status_shows_the_state_and_withdrawal_works_once(client, api_key):
    body = send(client, {"category": "partly_nude", "images": [IMAGE]}).json()
    code, secret = body["tracking_code"], body["secret"]

    wrong = client.post(STATUS_URL, {"tracking_code": code, "secret": "nope", "action": "check"})
    assert wrong.status_code == 404
    assert "self-hash-state" not in wrong.content.decode()

    checked = client.post(
        STATUS_URL,
        {"tracking_code": code.lower(), "secret": secret, "action": "check"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert checked.status_code == 200
    assert "Active" in checked.content.decode()

    done = client.post(
        STATUS_URL,
        {"tracking_code": code, "secret": secret, "action": "withdraw"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert done.status_code == 200
    assert "Withdrawn" in done.content.decode()
    assert SelfHashSubmission.objects.get(tracking_code=code).withdrawn_at is not None
    assert match(client, api_key, [("pdq", PDQ), ("md5", MD5), ("sha256", SHA)]) == [[], [], []]
    assert BankEntry.objects.filter(bank__name=BANK_NAME).count() == 3  # expired, not deleted

    replay = client.post(
        STATUS_URL,
        {"tracking_code": code, "secret": secret, "action": "withdraw"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert replay.status_code == 409
    assert "already withdrawn" in replay.content.decode()


def test_withdrawing_keeps_values_another_submission_still_holds(client, api_key):
    first = send(client, {"category": "nude", "images": [IMAGE]}).json()
    other = {"pdq": PDQ, "md5": "1" * 32, "sha256": "2" * 64}
    send(client, {"category": "nude", "images": [other]})
    client.post(
        STATUS_URL,
        {"tracking_code": first["tracking_code"], "secret": first["secret"], "action": "withdraw"},
    )
    assert match(client, api_key, [("pdq", PDQ), ("md5", MD5), ("md5", "1" * 32)]) == [
        [BANK_NAME],
        [],
        [BANK_NAME],
    ]
    # Sent again after a withdrawal: the entries match again.
    send(client, {"category": "nude", "images": [IMAGE]})
    assert match(client, api_key, [("md5", MD5)]) == [[BANK_NAME]]


def test_status_lookups_are_rate_limited(client, reference_data, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "status": (1, 600)}
    form = {"tracking_code": "AAAAA-BBBBB", "secret": "x", "action": "withdraw"}
    client.post(STATUS_URL, form)
    assert client.post(STATUS_URL, form).status_code == 429


def test_the_public_report_form_steers_sexual_pictures_to_the_device_hash_page(
    client, reference_data
):
    html = client.get("/report/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'id="no-sexual-images"' in html
    assert 'href="/report/self-hash/"' in html
    assert vi("Never send sexual pictures or videos of a child, not even of yourself.") in html
