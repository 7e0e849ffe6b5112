"""Pictures accepted with a form that comes back with an error are kept, encrypted, under a
short-lived token; they are attached when the form is sent, can be left out, cannot be taken
by another token, and are deleted by the hourly sweep and the purge when unused."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copnet.cases.privacy import purge_all
from copnet.core.orphans import do_sweep_orphan_files
from copnet.core.testing import vi
from copnet.reports.evidence import evidence_store
from copnet.reports.models import Evidence, PendingUpload, Report
from copnet.reports.tests.factories import make_image

pytestmark = pytest.mark.usefixtures("reference_data")

TOKEN = re.compile(r'name="upload_token" value="([^"]+)"')


def picture(seed: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"p{seed}.png", make_image(seed), content_type="image/png")


def failing_post(client, **extra):
    """A form with an error: contact asked for, none given."""
    data = {"category": "sextortion", "description": "Bị dọa", "wants_contact": "on", **extra}
    return client.post("/report/", data, HTTP_ACCEPT_LANGUAGE="vi")


def files_in(evidence_dir) -> list:
    return [p for p in evidence_dir.rglob("*") if p.is_file()] if evidence_dir.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_picture_survives_the_error_and_arrives_with_the_report(client, evidence_dir):
    original = make_image(5)
    response = failing_post(client, images=[picture(5)])
    html = response.content.decode()
    assert vi("Give a phone number or e-mail so that we can contact you.") in html
    assert vi("Already attached (you don't need to choose these again):") in html
    token = TOKEN.search(html).group(1)
    kept = PendingUpload.objects.get()
    assert kept.token_hash != token  # only a keyed hash of the token is stored
    stored = files_in(evidence_dir)
    assert len(stored) == 1
    assert original not in stored[0].read_bytes()  # encrypted like evidence
    assert evidence_store().read(kept.blob_path) == original

    sent = client.post(
        "/report/",
        {
            "category": "sextortion",
            "description": "Bị dọa",
            "upload_token": token,
            "keep_upload": [str(kept.pk)],
            "images": [picture(6)],
        },
    )
    assert sent.status_code == 302
    report = Report.objects.get()
    images = Evidence.objects.filter(report=report, kind="image")
    assert images.count() == 2
    assert hashlib.sha256(original).hexdigest() in {e.sha256 for e in images}
    assert not PendingUpload.objects.exists()
    named = {p for e in images for p in (e.blob_path, e.preview_path)}
    assert {p.name for p in files_in(evidence_dir)} == {p.rsplit("/", 1)[-1] for p in named}


@pytest.mark.django_db
def test_an_unticked_picture_is_left_out_and_deleted(client, evidence_dir):
    html = failing_post(client, images=[picture(1), picture(2)]).content.decode()
    token = TOKEN.search(html).group(1)
    first, second = PendingUpload.objects.order_by("pk")
    again = failing_post(client, upload_token=token, keep_upload=[str(second.pk)])
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [second.pk]
    assert TOKEN.search(again.content.decode()).group(1) == token
    assert len(files_in(evidence_dir)) == 1


@pytest.mark.django_db
def test_another_or_forged_token_attaches_nothing(client, evidence_dir):
    html = failing_post(client, images=[picture(3)]).content.decode()
    kept = PendingUpload.objects.get()
    for token in ("A" * 43, "../../etc/passwd", "x" * 5000, TOKEN.search(html).group(1) + "!"):
        response = client.post(
            "/report/",
            {
                "category": "cyberbullying",
                "description": "Bắt nạt",
                "upload_token": token,
                "keep_upload": [str(kept.pk), "-1", "abc", "9" * 40],
            },
        )
        assert response.status_code == 302
    assert Evidence.objects.filter(kind="image").count() == 0
    assert PendingUpload.objects.filter(pk=kept.pk).exists()


@pytest.mark.django_db
def test_a_refused_picture_is_not_kept_but_a_good_one_is(client, evidence_dir):
    fake = SimpleUploadedFile("x.png", b"not a picture at all", content_type="image/png")
    html = failing_post(client, images=[fake, picture(4)]).content.decode()
    assert PendingUpload.objects.count() == 1
    assert vi("Already attached (you don't need to choose these again):") in html


@pytest.mark.django_db
def test_unused_pictures_are_deleted_after_the_time_limit(client, evidence_dir, settings):
    failing_post(client, images=[picture(7)])
    failing_post(client, images=[picture(8)])
    assert len(files_in(evidence_dir)) == 2
    PendingUpload.objects.filter(pk=PendingUpload.objects.order_by("pk").first().pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=settings.PENDING_UPLOAD_MINUTES + 1)
    )
    do_sweep_orphan_files()  # the hourly sweep deletes the expired one (row and file)
    assert PendingUpload.objects.count() == 1
    assert len(files_in(evidence_dir)) == 1
    later = timezone.now() + dt.timedelta(minutes=settings.PENDING_UPLOAD_MINUTES + 1)
    assert purge_all(now=later)["pending_uploads"] == 1
    assert not files_in(evidence_dir)


@pytest.mark.django_db
def test_hostile_and_broken_text_gets_a_translated_error_and_keeps_the_picture(
    client, evidence_dir
):
    response = client.post(
        "/report/",
        {"category": "sextortion", "description": "Bị dọa\x00", "images": [picture(9)]},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    html = response.content.decode()
    assert vi("Null characters are not allowed.") in html
    assert vi("Already attached (you don't need to choose these again):") in html
    assert PendingUpload.objects.count() == 1
    hostile = client.post(
        "/report/",
        {
            "category": "<script>alert(1)</script>",
            "description": "<img src=x onerror=alert(1)>",
            "upload_token": TOKEN.search(html).group(1),
            "keep_upload": [str(PendingUpload.objects.get().pk)],  # ticked, as the form shows it
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    ).content.decode()
    assert vi("Choose what happened from the list.") in hostile
    assert "<img src=x" not in hostile
    assert "<script>alert(1)</script>" not in hostile
    assert vi("Already attached (you don't need to choose these again):") in hostile
    assert not Report.objects.exists()
