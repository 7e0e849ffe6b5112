"""An installation moving to the object store copies its local files there, as they are."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from copnet.audit.models import AuditEvent
from copnet.core.filestore import LocalFileStore
from copnet.core.testing_storage import ACCESS_KEY, SECRET_KEY, stored_keys
from copnet.evaluations import files as evaluation_files
from copnet.reports.evidence import evidence_store


@pytest.fixture
def local_files(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.EVALUATION_FILES_ROOT = tmp_path / "evaluation-files"
    evidence = [evidence_store().store(f"picture {i}".encode()) for i in range(3)]
    document = evaluation_files.vault().store(b"%PDF- policy")
    return evidence, document


@pytest.mark.django_db
def test_local_files_are_copied_once_and_read_back_from_the_object_store(
    settings, s3_server, local_files
):
    evidence, document = local_files
    settings.EVIDENCE_STORAGE_URL = s3_server.storage_url(s3_server.new_bucket())
    settings.EVIDENCE_STORAGE_ACCESS_KEY_ID = ACCESS_KEY
    settings.EVIDENCE_STORAGE_SECRET_ACCESS_KEY = SECRET_KEY

    first, second = io.StringIO(), io.StringIO()
    call_command("copy_files_to_object_store", stdout=first)
    call_command("copy_files_to_object_store", stdout=second)

    assert "evidence: copied 3, already there 0" in first.getvalue()
    assert "evaluation-files: copied 1, already there 0" in first.getvalue()
    assert "evidence: copied 0, already there 3" in second.getvalue()
    assert stored_keys(evidence_store()) == set(evidence)
    assert evidence_store().read(evidence[1]) == b"picture 1"
    assert evaluation_files.read(document) == b"%PDF- policy"
    # Byte for byte what was on disk: still encrypted, never decrypted on the way.
    local = LocalFileStore(settings.EVIDENCE_ROOT)
    assert evidence_store().read_raw(evidence[0]) == local.read_raw(evidence[0])
    assert AuditEvent.objects.filter(target_type="core.storedfile").count() == 2


@pytest.mark.django_db
def test_without_an_object_store_there_is_nothing_to_copy_to(local_files):
    with pytest.raises(CommandError, match="EVIDENCE_STORAGE_URL"):
        call_command("copy_files_to_object_store")
    assert not AuditEvent.objects.exists()
