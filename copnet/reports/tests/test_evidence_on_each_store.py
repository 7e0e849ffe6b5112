"""Pictures sent through the public form land in the configured store (local vault or object
store), encrypted, and staff see them from there; with the object store, another host with an
empty disk serves the same case."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from copnet.core import filestore
from copnet.core.crypto import decrypt_bytes
from copnet.core.testing_storage import stored_keys
from copnet.reports.evidence import evidence_store
from copnet.reports.models import Evidence, Report
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("reference_data", "file_storage")


def post_report(client, images: list[bytes]):
    return client.post(
        "/report/",
        {
            "category": "cyberbullying",
            "description": "Có người đăng ảnh của em",
            "images": [SimpleUploadedFile(f"{i}.png", data) for i, data in enumerate(images)],
        },
    )


@pytest.mark.django_db
def test_pictures_from_the_public_form_are_stored_encrypted_in_the_configured_store(
    client, file_storage, settings
):
    response = post_report(client, [make_image(31), make_image(32)])

    assert response.status_code == 302
    report = Report.objects.get()
    images = list(report.evidence.filter(kind="image"))
    assert len(images) == 2
    store = evidence_store()
    assert stored_keys(store) == {e.blob_path for e in images} | {e.preview_path for e in images}
    for evidence, original in zip(images, (make_image(31), make_image(32)), strict=True):
        raw = store.read_raw(evidence.blob_path)
        assert original not in raw
        assert decrypt_bytes(raw) == original
    assert settings.EVIDENCE_ROOT.exists() is (file_storage == "local")


@pytest.mark.django_db
def test_staff_see_the_preview_and_the_revealed_original_from_the_store(client, coordinator):
    post_report(client, [make_image(33)])
    evidence = Evidence.objects.get(kind="image")
    client.force_login(coordinator)

    preview = client.get(f"/staff/cases/evidence/{evidence.pk}/preview/")
    client.post(f"/staff/cases/evidence/{evidence.pk}/reveal/")
    original = client.get(f"/staff/cases/evidence/{evidence.pk}/original/")

    assert preview.status_code == 200
    assert Image.open(io.BytesIO(preview.content)).mode == "L"
    assert original.status_code == 200
    assert original.content == make_image(33)


@pytest.mark.django_db
def test_a_picture_the_reporter_adds_later_goes_to_the_same_store(client):
    report, secret = file_report()
    client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})

    response = client.post(
        "/report/status/report/",
        {"text": "Thêm ảnh", "images": [SimpleUploadedFile("c.png", make_image(34))]},
    )

    assert response.status_code == 302
    added = Evidence.objects.get(report=report, kind="image")
    assert evidence_store().read(added.blob_path) == make_image(34)


@pytest.mark.django_db
def test_a_file_missing_from_the_store_is_a_404_not_an_error(client, coordinator):
    post_report(client, [make_image(35)])
    evidence = Evidence.objects.get(kind="image")
    evidence_store().delete_many([evidence.preview_path, evidence.blob_path])
    client.force_login(coordinator)

    client.post(f"/staff/cases/evidence/{evidence.pk}/reveal/")
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/preview/").status_code == 404
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/original/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("file_storage", ["s3"], indirect=True)  # one disk is not shared
def test_another_host_with_an_empty_disk_serves_the_same_case(
    client, coordinator, settings, tmp_path, monkeypatch
):
    post_report(client, [make_image(36)])
    evidence = Evidence.objects.get(kind="image")
    # The second host: its own (empty) data folder and its own S3 client.
    settings.EVIDENCE_ROOT = tmp_path / "host-2" / "evidence"
    monkeypatch.setattr(filestore, "_clients", {})
    client.force_login(coordinator)

    client.post(f"/staff/cases/evidence/{evidence.pk}/reveal/")
    original = client.get(f"/staff/cases/evidence/{evidence.pk}/original/")

    assert original.content == make_image(36)
    assert not settings.EVIDENCE_ROOT.exists()
