"""The reporter's tracking code and secret wait in the session encrypted, briefly (D15)."""

from __future__ import annotations

import json
import time

import pytest
from django.contrib.sessions.models import Session

from copnet.core.crypto import fernet
from copnet.reports.views import RECEIPT_SECONDS, SESSION_RECEIPT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def submit(client):
    response = client.post("/report/", {"category": "cyberbullying", "description": "Bắt nạt"})
    assert response.status_code == 302
    return Session.objects.get()


def test_the_session_row_holds_no_code_or_secret_in_clear(client):
    session = submit(client)
    stored = session.get_decoded()[SESSION_RECEIPT]
    html = client.get("/report/thanks/").content.decode()
    code = html.split('id="tracking-code" class="key-box">')[1].split("<")[0]
    secret = html.split('id="tracking-secret" class="key-box">')[1].split("<")[0]
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert code not in json.dumps(session.get_decoded())
    assert secret not in session.session_data
    assert secret not in stored
    # Shown once: the receipt left the session with the first visit.
    assert client.get("/report/thanks/").status_code == 302
    assert SESSION_RECEIPT not in Session.objects.get().get_decoded()


def test_an_old_receipt_is_not_shown(client):
    submit(client)
    session = client.session
    old = fernet().encrypt_at_time(
        json.dumps({"code": "AAAAA-BBBBB", "secret": "s", "in_danger": False}).encode(),
        int(time.time()) - RECEIPT_SECONDS - 60,
    )
    session[SESSION_RECEIPT] = old.decode()
    session.save()
    response = client.get("/report/thanks/")
    assert response.status_code == 302
    assert response["Location"].endswith("/report/status/")


def test_a_tampered_receipt_is_not_shown(client):
    submit(client)
    session = client.session
    session[SESSION_RECEIPT] = {"code": "AAAAA-BBBBB", "secret": "planted"}
    session.save()
    assert client.get("/report/thanks/").status_code == 302
