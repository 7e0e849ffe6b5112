"""Bad input gets a clear error and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.core.workflow import TransitionError
from copnet.evaluations import files
from copnet.evaluations.choices import EvaluationStatus as S
from copnet.evaluations.choices import ScoreValue
from copnet.evaluations.errors import EvaluationError
from copnet.evaluations.models import Evaluation, Score, ScoreEvidence, VendorDocument
from copnet.evaluations.services import scores, submission, vendors, workflow

from .factories import make_evaluator, make_product, pdf_bytes, png_bytes, score_all

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, int]:
    return (
        Score.objects.count(),
        ScoreEvidence.objects.count(),
        VendorDocument.objects.count(),
        AuditEvent.objects.count(),
    )


def _stored_files(root) -> list:
    return [p for p in root.rglob("*.bin")] if root.exists() else []


@pytest.mark.parametrize("value", ["excellent", "7", "", "MET", "<script>"])
def test_a_score_out_of_range_is_refused_and_nothing_is_saved(cast, reviewing, value):
    items = list(reviewing.items.all())
    before = _state()
    entries = [
        scores.ScoreEntry(item_id=items[1].pk, value=ScoreValue.MET, note="ok"),
        scores.ScoreEntry(item_id=items[2].pk, value=value),
    ]
    with pytest.raises(EvaluationError) as error:
        scores.do_save_scores(evaluation=reviewing, entries=entries, actor=cast["eva"])
    assert error.value.code == "invalid_score"
    assert _state() == before


def test_a_score_out_of_range_through_the_page_answers_400(client, cast, reviewing):
    item = reviewing.items.get(code="VN-2")
    client.force_login(cast["eva"])
    response = client.post(f"/staff/evaluations/{reviewing.pk}/score/", {f"value_{item.pk}": "11"})
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_met_on_a_mandatory_criterion_without_evidence_is_refused(cast, reviewing):
    mandatory = reviewing.items.get(code="VN-1")
    before = _state()
    with pytest.raises(EvaluationError) as error:
        scores.do_save_scores(
            evaluation=reviewing,
            entries=[scores.ScoreEntry(item_id=mandatory.pk, value=ScoreValue.MET)],
            actor=cast["eva"],
        )
    assert error.value.code == "evidence_required"
    assert "VN-1" in error.value.message
    assert _state() == before


def test_an_evidence_file_proves_a_mandatory_criterion(cast, reviewing, evaluation_files_dir):
    mandatory = reviewing.items.get(code="VN-1")
    scores.do_save_scores(
        evaluation=reviewing,
        entries=[
            scores.ScoreEntry(
                item_id=mandatory.pk,
                value=ScoreValue.MET,
                filename="../../etc/passwd.png",
                data=png_bytes(),
            )
        ],
        actor=cast["eva"],
    )
    evidence = ScoreEvidence.objects.get()
    assert evidence.filename == "passwd.png"
    assert evidence.mime == "image/png"
    assert files.read(evidence.blob_path) == png_bytes()
    # Encrypted at rest, under the evaluation file root only.
    stored = _stored_files(evaluation_files_dir)
    assert len(stored) == 2  # the vendor's document and this file
    assert all(png_bytes() not in p.read_bytes() for p in stored)


def test_a_mandatory_criterion_marked_not_applicable_needs_a_reason(cast, reviewing):
    mandatory = reviewing.items.get(code="VN-1")
    with pytest.raises(EvaluationError) as error:
        scores.do_save_scores(
            evaluation=reviewing,
            entries=[scores.ScoreEntry(item_id=mandatory.pk, value=ScoreValue.NOT_APPLICABLE)],
            actor=cast["eva"],
        )
    assert error.value.code == "note_required"


def test_an_evaluator_who_is_not_assigned_cannot_score(cast, reviewing, org_b):
    outsider = make_evaluator("outsider@b.example", org_b)
    item = reviewing.items.get(code="VN-2")
    before = _state()
    with pytest.raises(EvaluationError) as error:
        scores.do_save_scores(
            evaluation=reviewing,
            entries=[scores.ScoreEntry(item_id=item.pk, value=ScoreValue.MET)],
            actor=outsider,
        )
    assert error.value.code == "not_assigned"
    with pytest.raises(EvaluationError) as refused:
        scores.do_finish_scoring(evaluation=reviewing, actor=outsider)
    assert refused.value.code == "not_assigned"
    assert _state() == before


def test_the_manager_cannot_score_for_an_evaluator(cast, reviewing):
    item = reviewing.items.get(code="VN-2")
    with pytest.raises(EvaluationError) as error:
        scores.do_save_scores(
            evaluation=reviewing,
            entries=[scores.ScoreEntry(item_id=item.pk, value=ScoreValue.MET)],
            actor=cast["manager"],
        )
    assert error.value.code == "not_assigned"


def test_an_unassigned_evaluator_gets_404_on_the_pages(client, cast, reviewing, org_b):
    outsider = make_evaluator("outsider@b.example", org_b)
    item = reviewing.items.get(code="VN-2")
    client.force_login(outsider)
    assert client.get(f"/staff/evaluations/{reviewing.pk}/").status_code == 404
    response = client.post(f"/staff/evaluations/{reviewing.pk}/score/", {f"value_{item.pk}": "met"})
    assert response.status_code == 404
    document = reviewing.documents.get()
    assert client.get(f"/staff/evaluations/documents/{document.pk}/").status_code == 404
    assert not Score.objects.exists()


def test_scoring_another_evaluations_criterion_is_refused(cast, reviewing):
    other = make_product(cast["vendor"], name="Khác")
    from .factories import in_review, submit

    second = in_review(submit(cast["vendor"], other), cast["manager"], cast["eva"], cast["evan"])
    foreign_item = second.items.first()
    with pytest.raises(EvaluationError) as refused:
        scores.do_save_scores(
            evaluation=reviewing,
            entries=[scores.ScoreEntry(item_id=foreign_item.pk, value=ScoreValue.NOT_MET)],
            actor=cast["eva"],
        )
    assert refused.value.code == "not_found"
    assert not Score.objects.exists()


def test_finishing_with_criteria_unscored_is_refused(cast, reviewing):
    with pytest.raises(EvaluationError) as error:
        scores.do_finish_scoring(evaluation=reviewing, actor=cast["eva"])
    assert error.value.code == "incomplete"
    assert reviewing.assignments.get(evaluator=cast["eva"]).submitted_at is None


def test_publishing_with_unreconciled_differences_is_refused(cast, reviewing):
    score_all(reviewing, cast["eva"])
    score_all(reviewing, cast["evan"], VN_3=ScoreValue.NOT_MET)
    reviewing.refresh_from_db()
    assert reviewing.status == S.RECONCILIATION
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionError) as error:
        workflow.do_publish(
            evaluation=reviewing,
            expires_on=timezone.localdate() + dt.timedelta(days=90),
            summary_vi="Tóm tắt",
            summary_en="",
            actor=cast["manager"],
        )
    assert error.value.code == "unreconciled"
    assert "VN-3" in error.value.message
    with pytest.raises(TransitionError) as error:
        workflow.do_decide(evaluation=reviewing, actor=cast["manager"])
    assert error.value.code == "unreconciled"
    reviewing.refresh_from_db()
    assert (reviewing.status, reviewing.verdict, reviewing.published_at) == (
        S.RECONCILIATION,
        "",
        None,
    )
    assert AuditEvent.objects.count() == before


def test_a_reconciliation_needs_a_reason_and_a_real_score(cast, reviewing):
    score_all(reviewing, cast["eva"])
    score_all(reviewing, cast["evan"], VN_3=ScoreValue.NOT_MET)
    item = reviewing.items.get(code="VN-3")
    for value, note in (("met", "  "), ("great", "Lý do")):
        with pytest.raises(EvaluationError):
            workflow.do_reconcile(
                evaluation=reviewing, item_id=item.pk, value=value, note=note, actor=cast["manager"]
            )
    item.refresh_from_db()
    assert item.final_value == ""


@pytest.mark.parametrize("days", [0, -1, 3 * 366 + 1])
def test_an_expiry_date_outside_the_allowed_window_is_refused(cast, scored, days):
    workflow.do_decide(evaluation=scored, actor=cast["manager"])
    with pytest.raises(EvaluationError) as error:
        workflow.do_publish(
            evaluation=scored,
            expires_on=timezone.localdate() + dt.timedelta(days=days),
            summary_vi="Tóm tắt",
            summary_en="",
            actor=cast["manager"],
        )
    assert error.value.code == "bad_expiry"
    scored.refresh_from_db()
    assert scored.status == S.DECIDED


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


NOT_DOCUMENTS = {
    "program.exe": b"MZ\x90\x00" + b"\x00" * 200,
    "page.html": b"<html><script>alert(1)</script></html>",
    "fake.pdf": b"%PDF-1.7 but then nothing else",
    "fake.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
    "archive.docx": _zip({"evil.sh": b"rm -rf /"}),
    "script.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "empty.pdf": b"",
}


@pytest.mark.parametrize("name", sorted(NOT_DOCUMENTS))
def test_non_documents_are_refused_at_submission(cast, evaluation_files_dir, name):
    product = make_product(cast["vendor"])
    before = (Evaluation.objects.count(), VendorDocument.objects.count())
    with pytest.raises(EvaluationError) as error:
        submission.do_submit_for_evaluation(
            product=product,
            vendor=vendors.vendor_of(cast["vendor"]),
            criteria_set=product.evaluations.model.criteria_set.field.related_model.objects.get(
                code="vn-law", is_current=True
            ),
            uploads=[
                submission.Upload("Chính sách", "policy.pdf", pdf_bytes()),
                submission.Upload("Bad", name, NOT_DOCUMENTS[name]),
            ],
            note="",
            actor=cast["vendor"],
        )
    assert error.value.code in {"unsupported_file", "empty_file"}
    assert (Evaluation.objects.count(), VendorDocument.objects.count()) == before
    assert _stored_files(evaluation_files_dir) == []


def test_real_docx_and_odt_packages_are_accepted():
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    odt = _zip({"mimetype": files.ODT.encode(), "content.xml": b"<office:document/>"})
    assert files.check_document(docx, "báo cáo.docx").mime == files.DOCX
    assert files.check_document(odt, "x.odt").mime == files.ODT
    assert files.check_document(pdf_bytes(), "a.exe").filename == "a.pdf"


def test_a_zip_bomb_disguised_as_a_document_is_refused(settings):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("word/document.xml", b"\x00" * (files.MAX_UNPACKED + 1))
    with pytest.raises(EvaluationError) as error:
        files.check_document(bomb.getvalue(), "bomb.docx")
    assert error.value.code == "unsupported_file"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.EVALUATION_FILE_MAX_BYTES = 1000
    with pytest.raises(EvaluationError) as error:
        files.check_document(pdf_bytes() + b"\x00" * 1000, "big.pdf")
    assert error.value.code == "file_too_large"


def test_a_big_upload_through_the_page_gets_a_translated_error(client, cast, settings):
    settings.EVALUATION_FILE_MAX_BYTES = 2000
    product = make_product(cast["vendor"])
    client.force_login(cast["vendor"])
    upload = io.BytesIO(pdf_bytes() + b"\x00" * 5000)
    upload.name = "big.pdf"
    set_pk = product.evaluations.model.criteria_set.field.related_model.objects.get(
        code="vn-law", is_current=True
    ).pk
    response = client.post(
        f"/ecosystem/vendor/products/{product.pk}/submit/",
        {"criteria_set": set_pk, "documents": upload},
    )
    assert response.status_code == 200
    assert not Evaluation.objects.exists()


def test_submitting_without_documents_is_refused(cast):
    product = make_product(cast["vendor"])
    with pytest.raises(EvaluationError) as error:
        submission.do_submit_for_evaluation(
            product=product,
            vendor=vendors.vendor_of(cast["vendor"]),
            criteria_set=product.evaluations.model.criteria_set.field.related_model.objects.get(
                code="vn-law", is_current=True
            ),
            uploads=[],
            note="",
            actor=cast["vendor"],
        )
    assert error.value.code == "documents_required"
    assert not Evaluation.objects.exists()


def test_a_product_form_with_broken_values_is_refused(client, cast):
    client.force_login(cast["vendor"])
    response = client.post(
        "/ecosystem/vendor/products/new/",
        {
            "name": "Trò chơi",
            "kind": "spaceship",
            "description_vi": "Mô tả",
            "platforms": ["android", "toaster"],
            "purposes": ["play"],
            "languages": ["vi"],
            "age_min": 12,
            "age_max": 6,
            "data_practices": "Không thu thập",
            "website": "javascript:alert(1)",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"kind", "platforms", "website"} <= set(form.errors)
    assert not cast["vendor"].organisation.vendor.products.exists()
