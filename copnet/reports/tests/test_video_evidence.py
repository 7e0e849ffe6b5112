"""Videos in the evidence vault: accepted by the public form, checked with PyAV, stored
encrypted with a blurred key-frame strip, hashed (MD5, SHA-256, vPDQ); bad and hostile
files get a clear translated error and nothing is stored."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from copnet.cases.models import Case
from copnet.core.crypto import decrypt_bytes
from copnet.core.testing import vi
from copnet.detection.vpdq import parse_vpdq_file
from copnet.reports.evidence import (
    EvidenceError,
    VideoFacts,
    evidence_store,
    inspect_evidence,
    inspect_video,
)
from copnet.reports.models import Evidence, PendingUpload, Report
from copnet.reports.tests.factories import file_report
from copnet.reports.tests.videos import clip, truncated

pytestmark = pytest.mark.usefixtures("reference_data")


def post(client, *files):
    data = {"category": "cyberbullying", "description": "Có người quay video em", "images": files}
    return client.post("/report/", data, HTTP_ACCEPT_LANGUAGE="vi")


def assert_nothing_saved(evidence_dir) -> None:
    assert Report.objects.count() == 0
    assert Case.objects.count() == 0
    assert Evidence.objects.count() == 0
    assert PendingUpload.objects.count() == 0
    files = [p for p in evidence_dir.rglob("*") if p.is_file()] if evidence_dir.exists() else []
    assert files == []


@pytest.mark.django_db
def test_a_video_sent_with_the_public_form_is_stored_encrypted_and_hashed(client, evidence_dir):
    data = clip("original")
    response = post(client, SimpleUploadedFile("em.mp4", data, content_type="video/mp4"))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.kind == "video"
    assert evidence.mime == "video/mp4"
    assert (evidence.width, evidence.height, evidence.duration) == (160, 120, 8.0)
    assert evidence.size == len(data)
    assert evidence.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    frames = parse_vpdq_file(evidence.vpdq)
    assert [f.timestamp for f in frames] == [float(s) for s in range(8)]
    assert [f.frame_number for f in frames] == list(range(0, 80, 10))
    assert evidence.pdq == ""
    store = evidence_store()
    raw = store.read_raw(evidence.blob_path)
    assert b"ftyp" not in raw[:64]  # encrypted at rest
    assert decrypt_bytes(raw) == data == store.read(evidence.blob_path)


@pytest.mark.django_db
def test_the_preview_is_a_blurred_greyscale_strip_of_key_frames(evidence_dir):
    report, _code = file_report(images=[clip("original")], enqueue_triage=False)
    evidence = report.evidence.get()
    preview = Image.open(io.BytesIO(evidence_store().read(evidence.preview_path)))
    assert preview.format == "JPEG"
    assert preview.mode == "L"
    assert preview.height == 120
    # four key frames of 160 px side by side, 4 px apart
    assert preview.width == 4 * 160 + 3 * 4
    # blurred: far smoother than the sharp-edged frames of the clip
    row = np.asarray(preview, dtype=np.int16)[60, :160]  # across the first key frame
    assert int(np.abs(np.diff(row)).max()) < 60


@pytest.mark.django_db
def test_a_report_may_mix_pictures_and_videos(evidence_dir):
    from copnet.reports.tests.factories import make_image

    report, _code = file_report(images=[make_image(3), clip("webm")], enqueue_triage=False)
    kinds = sorted(report.evidence.values_list("kind", "mime"))
    assert kinds == [("image", "image/png"), ("video", "video/webm")]


def test_inspect_evidence_tells_videos_from_pictures_by_content():
    facts = inspect_evidence(clip("copy"))
    assert isinstance(facts, VideoFacts)
    assert (facts.width, facts.height, facts.mime) == (128, 96, "video/mp4")
    assert facts.frames == 6
    assert len(facts.key_frames) == 4


# --- Bad and hostile files ---------------------------------------------------------------------


def refused(data: bytes) -> str:
    with pytest.raises(EvidenceError) as error:
        inspect_evidence(data)
    return error.value.code


@pytest.mark.django_db
def test_a_truncated_video_is_refused_and_nothing_is_stored(client, evidence_dir):
    assert refused(truncated()) == "video_truncated"
    response = post(client, SimpleUploadedFile("cut.mp4", truncated()))
    assert response.status_code == 200
    message = vi("This video is broken or only partly there. Please save it again and retry.")
    assert message in response.content.decode()
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_corrupt_video_with_a_valid_start_is_refused(client, evidence_dir):
    data = clip("original").replace(b"moov", b"xxxx")  # the index of the file destroyed
    assert data[4:8] == b"ftyp"
    assert refused(data) == "video_truncated"
    response = post(client, SimpleUploadedFile("broken.mp4", data))
    assert response.status_code == 200
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_text_file_named_mp4_is_refused(client, evidence_dir):
    data = b"this is not a video, only a file named clip.mp4\n" * 50
    assert refused(data) == "unsupported_type"
    response = post(client, SimpleUploadedFile("clip.mp4", data, content_type="video/mp4"))
    assert response.status_code == 200
    assert (
        vi(
            "We can only take pictures saved as JPEG, PNG, WebP or GIF, and videos saved as MP4, "
            "MOV, WebM, MKV, AVI, FLV or WMV. This file is something else."
        )
        in response.content.decode()
    )
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_video_with_a_picture_too_large_is_refused(client, evidence_dir, settings):
    settings.EVIDENCE_VIDEO_MAX_SIDE = 100  # the clip is 160×120
    assert refused(clip("original")) == "video_too_many_pixels"
    response = post(client, SimpleUploadedFile("big.mp4", clip("original")))
    text = response.content.decode()
    assert (
        vi("This video's picture is too large. It can be at most %(limit)s pixels.").split("%(")[0]
        in text
    )
    assert "100×100" in text
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_video_with_too_many_streams_is_refused(client, evidence_dir):
    assert refused(clip("streams")) == "video_too_many_streams"
    response = post(client, SimpleUploadedFile("streams.mkv", clip("streams")))
    assert (
        vi("This video has too many tracks. It can have at most %(limit)s.").split("%(")[0]
        in response.content.decode()
    )
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_video_too_long_is_refused(client, evidence_dir, settings):
    settings.EVIDENCE_VIDEO_MAX_SECONDS = 3
    assert refused(clip("original")) == "video_too_long"
    response = post(client, SimpleUploadedFile("long.mp4", clip("original")))
    assert (
        vi("This video is too long. A video can be at most %(limit)s minutes.").split("%(")[0]
        in response.content.decode()
    )
    assert_nothing_saved(evidence_dir)


@pytest.mark.django_db
def test_a_video_too_big_is_refused_before_decoding(client, evidence_dir, settings):
    settings.EVIDENCE_VIDEO_MAX_BYTES = 1000
    with pytest.raises(EvidenceError) as error:
        inspect_video(clip("original"))
    assert error.value.code == "video_too_large"
    response = post(client, SimpleUploadedFile("big.mp4", clip("original")))
    assert response.status_code == 200
    assert_nothing_saved(evidence_dir)


# --- The staff evidence view --------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_see_the_blurred_strip_and_outsiders_get_404(
    client, coordinator, charlie, evidence_dir
):
    from copnet.cases.services import triage_case

    report, _code = file_report(images=[clip("original")], enqueue_triage=False)
    triage_case(report.case_id)
    evidence = report.evidence.get()
    client.force_login(coordinator)
    page = client.get(f"/staff/cases/{report.case.reference}/")
    assert f"/staff/cases/evidence/{evidence.pk}/preview/" in page.content.decode()
    preview = client.get(f"/staff/cases/evidence/{evidence.pk}/preview/")
    assert preview["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(preview.content)).mode == "L"
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/original/").status_code == 404
    client.post(f"/staff/cases/evidence/{evidence.pk}/reveal/")
    original = client.get(f"/staff/cases/evidence/{evidence.pk}/original/")
    assert original["Content-Type"] == "video/mp4"
    assert original.content == clip("original")
    client.force_login(charlie)  # another organisation's officer
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/preview/").status_code == 404


def test_videos_are_checked_and_hashed_without_the_vpdq_package(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "vpdq", None)  # `import vpdq` now fails
    with pytest.raises(ImportError):
        __import__("vpdq")
    facts = inspect_video(clip("copy"))
    assert facts.frames == 6
    assert len(parse_vpdq_file(facts.vpdq)) == 6
