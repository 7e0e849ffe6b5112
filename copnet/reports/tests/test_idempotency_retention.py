"""Stored answers to partners' retries are encrypted and deleted after a short period."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from copnet.accounts.services import do_create_api_key
from copnet.network.models import Organisation
from copnet.reports.models import IdempotencyRecord
from copnet.reports.retention import purge_idempotency_records

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def post(client, key, idempotency_key, urls):
    return client.post(
        "/api/v1/reports/bulk",
        json.dumps({"reports": [{"category": "cyberbullying", "urls": urls}]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY=idempotency_key,
    )


@pytest.fixture
def key(reference_data):
    org = Organisation.objects.create(code="P", abbreviation="P", name_vi="P", kind="enterprise")
    return do_create_api_key(organisation=org, name="k", actor=None)[1]


def test_an_answer_quoting_the_request_is_stored_encrypted_and_still_replays(client, key):
    first = post(client, key, "call-1", ["javascript:alert('Nguyen Van B')"])
    assert first.status_code == 200
    assert "Nguyen Van B" in first.content.decode()  # the error quotes what was sent
    with connection.cursor() as cursor:
        cursor.execute("SELECT response FROM reports_idempotencyrecord")
        stored = cursor.fetchone()[0]
    assert "Nguyen" not in str(stored)
    assert post(client, key, "call-1", ["javascript:alert('Nguyen Van B')"]).json() == first.json()


def test_records_older_than_the_retention_are_deleted(client, key, settings):
    post(client, key, "old", ["https://a.example/1"])
    post(client, key, "new", ["https://a.example/2"])
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_RETENTION_HOURS + 1)
    )
    assert purge_idempotency_records(now=timezone.now()) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
