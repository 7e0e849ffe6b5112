"""Lesson pictures: only real, small images are accepted (re-encoded); nothing else is stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from copnet.education.models import Lesson

from .factories import make_course, make_editor, make_skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _post(client, course, picture: bytes, name: str):
    return client.post(
        reverse("education_staff:lesson_new", args=[course.code]),
        {"title_vi": "Ảnh", "title_en": "Picture", "order": 5, "body_vi": "Nội dung",
         "skills": [make_skill().pk], "picture": SimpleUploadedFile(name, picture)},
    )  # fmt: skip


def test_a_picture_is_stored_without_its_metadata_and_served(client, org_a, media):
    course = make_course()
    client.force_login(make_editor(organisation=org_a))
    assert _post(client, course, _png(), "photo.jpg").status_code == 302
    lesson = Lesson.objects.get(title_vi="Ảnh")
    with lesson.image.open("rb") as f:
        stored = f.read()
    assert b"SecretCameraMaker" not in stored
    served = client.get(reverse("learn:lesson_image", args=[lesson.pk]))
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == stored
    served.close()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<script>alert(1)</script>", "evil.png"),
        (b"%PDF-1.4 not an image", "doc.jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png"),
    ],
)
def test_a_file_that_is_not_a_picture_is_refused(client, org_a, media, data, name):
    course = make_course()
    client.force_login(make_editor(organisation=org_a))
    response = _post(client, course, data, name)
    assert response.status_code == 400
    assert not Lesson.objects.filter(title_vi="Ảnh").exists()
    assert not (media / "lessons").exists() or not any((media / "lessons").iterdir())


def test_an_oversized_picture_is_refused(client, org_a, media):
    course = make_course()
    client.force_login(make_editor(organisation=org_a))
    response = _post(client, course, _png() + b"\x00" * (2 * 1024 * 1024), "big.jpg")
    assert response.status_code == 400
    assert not Lesson.objects.filter(title_vi="Ảnh").exists()


def test_a_video_from_outside_the_allow_list_is_refused(client, org_a):
    course = make_course()
    client.force_login(make_editor(organisation=org_a))
    response = client.post(
        reverse("education_staff:lesson_new", args=[course.code]),
        {"title_vi": "Video", "title_en": "Video", "order": 5, "body_vi": "x",
         "skills": [make_skill().pk], "video_url": "https://evil.example/v.mp4"},
    )  # fmt: skip
    assert response.status_code == 400
    assert not Lesson.objects.filter(title_vi="Video").exists()
