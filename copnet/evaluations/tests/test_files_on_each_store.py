"""Vendors' documents and evaluators' evidence files live in the configured store (local folder
or object store), encrypted, and come back whole through the download pages."""

from __future__ import annotations

import pytest

from copnet.core.testing_storage import stored_keys
from copnet.evaluations import files
from copnet.evaluations.choices import ScoreValue
from copnet.evaluations.models import ScoreEvidence
from copnet.evaluations.services import scores

from .factories import make_product, pdf_bytes, png_bytes, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("file_storage")]


def test_a_vendors_document_is_stored_encrypted_and_downloads_whole(client, cast, settings):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    document = evaluation.documents.get()
    client.force_login(cast["vendor"])

    response = client.get(f"/ecosystem/vendor/documents/{document.pk}/")

    assert response.status_code == 200
    assert response.content == pdf_bytes()
    assert stored_keys(files.vault()) == {document.blob_path}
    assert b"%PDF" not in files.vault().read_raw(document.blob_path)


def test_an_evaluators_evidence_file_goes_to_the_same_store(cast, reviewing):
    item = reviewing.items.get(code="VN-1")

    scores.do_save_scores(
        evaluation=reviewing,
        entries=[
            scores.ScoreEntry(
                item_id=item.pk, value=ScoreValue.MET, filename="proof.png", data=png_bytes()
            )
        ],
        actor=cast["eva"],
    )

    evidence = ScoreEvidence.objects.get()
    assert files.read(evidence.blob_path) == png_bytes()
    assert evidence.blob_path in stored_keys(files.vault())


def test_a_document_missing_from_the_store_is_a_404(client, cast):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    document = evaluation.documents.get()
    files.delete(document.blob_path)
    client.force_login(cast["vendor"])

    assert client.get(f"/ecosystem/vendor/documents/{document.pk}/").status_code == 404
