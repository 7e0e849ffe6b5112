from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from copnet.audit.models import AuditEvent
from copnet.cases.models import Case
from copnet.cases.privacy import purge_personal_data
from copnet.cases.services import do_transition, triage_case
from copnet.core.crypto import decrypt_bytes
from copnet.core.testing_storage import stored_keys
from copnet.reports.evidence import evidence_store
from copnet.reports.models import Evidence, Report
from copnet.reports.tests.factories import file_report, make_image

# Every test runs twice: evidence in the local vault, then on a real S3 API server.
pytestmark = pytest.mark.usefixtures("reference_data", "file_storage")


@pytest.fixture
def case_with_image(db, file_storage):
    report, _ = file_report(
        images=[make_image(7)], reporter_name="Mẹ của em", reporter_contact="0911111111"
    )
    return triage_case(report.case_id)


@pytest.mark.django_db
def test_staff_see_a_blurred_greyscale_preview_by_default(client, coordinator, case_with_image):
    evidence = Evidence.objects.get(kind="image")
    client.force_login(coordinator)
    response = client.get(f"/staff/cases/evidence/{evidence.pk}/preview/")
    image = Image.open(io.BytesIO(response.content))
    assert response["Content-Type"] == "image/jpeg"
    assert image.mode == "L"
    original = client.get(f"/staff/cases/evidence/{evidence.pk}/original/")
    assert original.status_code == 404


@pytest.mark.django_db
def test_revealing_the_original_is_deliberate_and_audited(client, coordinator, case_with_image):
    evidence = Evidence.objects.get(kind="image")
    client.force_login(coordinator)
    client.post(f"/staff/cases/evidence/{evidence.pk}/reveal/")
    response = client.get(f"/staff/cases/evidence/{evidence.pk}/original/")
    assert response.status_code == 200
    assert response.content == make_image(7)
    assert AuditEvent.objects.filter(
        action="view", target_type="reports.evidence", target_id=str(evidence.pk)
    ).exists()
    assert case_with_image.events.filter(kind="evidence_revealed").exists()


@pytest.mark.django_db
def test_known_abuse_stays_blurred_for_everyone(client, coordinator, case_with_image):
    Case.objects.filter(pk=case_with_image.pk).update(keep_blurred=True)
    evidence = Evidence.objects.get(kind="image")
    client.force_login(coordinator)
    client.post(f"/staff/cases/evidence/{evidence.pk}/reveal/")
    assert client.get(f"/staff/cases/evidence/{evidence.pk}/original/").status_code == 404


@pytest.mark.django_db
def test_stored_files_are_encrypted(case_with_image, file_storage, settings):
    store = evidence_store()
    evidence = Evidence.objects.get(kind="image")
    assert stored_keys(store) == {evidence.blob_path, evidence.preview_path}
    raw = store.read_raw(evidence.blob_path)
    assert raw[:4] != b"\x89PNG"
    assert decrypt_bytes(raw) == make_image(7)
    if file_storage == "s3":  # nothing of it on this host's disk
        assert not settings.EVIDENCE_ROOT.exists()


@pytest.mark.django_db
def test_purge_erases_personal_data_of_old_closed_cases_and_keeps_the_facts(
    case_with_image, django_capture_on_commit_callbacks
):
    open_report, _ = file_report(urls=["https://open.example/"], description="còn mở")
    do_transition(
        case=case_with_image,
        target="rejected",
        outcome="not_harmful",
        actor=None,
        reason="Không có hại",
    )
    Case.objects.filter(pk=case_with_image.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=400)
    )
    stored = Evidence.objects.get(kind="image")
    kept, _ = file_report(images=[make_image(8)], description="còn mở, có ảnh")
    kept_files = {e.blob_path for e in kept.evidence.all()} | {
        e.preview_path for e in kept.evidence.all()
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_personal_data(older_than_days=365) == 1
    report = Report.objects.get(case=case_with_image)
    assert (report.description, report.reporter_name, report.reporter_contact) == ("", "", "")
    assert report.category.code == "cyberbullying"
    evidence = Evidence.objects.get(report=report)
    assert evidence.blob_path == ""
    assert evidence.sha256
    assert stored_keys(evidence_store()) == kept_files  # the purged case's two files are gone
    with pytest.raises(FileNotFoundError):
        evidence_store().read(stored.blob_path)
    assert Report.objects.get(pk=open_report.pk).description == "còn mở"
    assert purge_personal_data(older_than_days=365) == 0


@pytest.mark.django_db
def test_the_purge_command_respects_the_retention_period(case_with_image):
    do_transition(case=case_with_image, target="rejected", outcome="not_harmful", actor=None)
    call_command("purge_personal_data", "--days", "30", verbosity=0)
    assert Report.objects.get(case=case_with_image).reporter_contact == "0911111111"
    call_command("purge_personal_data", "--days", "0", verbosity=0)
    assert Report.objects.get(case=case_with_image).reporter_contact == ""
