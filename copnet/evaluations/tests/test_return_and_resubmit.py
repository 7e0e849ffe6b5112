"""A product that falls short goes back to its vendor with findings, and can come back."""

from __future__ import annotations

import pytest

from copnet.core.workflow import TransitionError
from copnet.evaluations.choices import EvaluationStatus as S
from copnet.evaluations.choices import ScoreValue, Verdict
from copnet.evaluations.errors import EvaluationError
from copnet.evaluations.services import workflow

from .factories import in_review, pdf_bytes, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(cast, reviewing):
    # Both agree the report tool (mandatory VN-7) is only partly there.
    score_all(reviewing, cast["eva"], VN_7=ScoreValue.PARTLY)
    score_all(reviewing, cast["evan"], VN_7=ScoreValue.PARTLY)
    return workflow.do_decide(evaluation=reviewing, actor=cast["manager"])


def test_a_result_with_a_mandatory_gap_cannot_be_published(cast, failed):
    import datetime as dt

    from django.utils import timezone

    assert failed.verdict == Verdict.NOT_RECOMMENDED
    with pytest.raises(TransitionError) as error:
        workflow.do_publish(
            evaluation=failed,
            expires_on=timezone.localdate() + dt.timedelta(days=30),
            summary_vi="x",
            summary_en="",
            actor=cast["manager"],
        )
    assert error.value.code == "not_publishable"
    failed.refresh_from_db()
    assert failed.status == S.DECIDED


def test_returning_needs_findings(cast, failed):
    with pytest.raises(EvaluationError) as refused:
        workflow.do_return(evaluation=failed, findings="   ", actor=cast["manager"])
    assert refused.value.code == "findings_required"
    failed.refresh_from_db()
    assert failed.status == S.DECIDED


def test_the_vendor_sees_the_findings_and_resubmits(client, cast, failed):
    client.force_login(cast["manager"])
    client.post(
        f"/staff/evaluations/{failed.pk}/return/",
        {"findings": "Nút báo cáo phải hiện số 111 và dễ tìm trong hai bước."},
    )
    failed.refresh_from_db()
    assert failed.status == S.RETURNED

    client.force_login(cast["vendor"])
    page = client.get(f"/ecosystem/vendor/evaluations/{failed.pk}/").content.decode()
    assert "Nút báo cáo phải hiện số 111" in page
    assert "VN-7" in page
    home = client.get("/ecosystem/vendor/").content.decode()
    assert failed.reference in home

    # The product can be edited again, then submitted for a second round.
    product = failed.product
    assert client.get(f"/ecosystem/vendor/products/{product.pk}/submit/").status_code == 200
    upload = pdf_bytes("Báo cáo sửa lỗi")
    import io

    document = io.BytesIO(upload)
    document.name = "sua-loi.pdf"
    response = client.post(
        f"/ecosystem/vendor/products/{product.pk}/submit/",
        {"criteria_set": failed.criteria_set.pk, "documents": document, "note": "Đã sửa VN-7"},
    )
    assert response.status_code == 302
    second = product.evaluations.exclude(pk=failed.pk).get()
    assert (second.round, second.previous, second.status) == (2, failed, S.SUBMITTED)
    assert second.documents.get().filename == "sua-loi.pdf"
    # Second round, same people: it goes through the whole process again.
    second = in_review(second, cast["manager"], cast["eva"], cast["evan"])
    assert second.status == S.IN_REVIEW


def test_a_product_under_evaluation_cannot_be_edited_or_submitted_twice(client, cast, reviewing):
    client.force_login(cast["vendor"])
    product = reviewing.product
    response = client.post(
        f"/ecosystem/vendor/products/{product.pk}/edit/",
        {
            "name": "Tên mới",
            "kind": "learning",
            "description_vi": "x",
            "platforms": ["web"],
            "purposes": ["learn"],
            "languages": ["vi"],
            "age_min": 6,
            "age_max": 11,
            "data_practices": "x",
        },
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.name == "Bé Học Vui"
    from .factories import submit

    with pytest.raises(EvaluationError) as error:
        submit(cast["vendor"], product)
    assert error.value.code == "already_open"


def test_the_vendor_adds_documents_while_the_evaluation_is_open(client, cast, reviewing):
    import io

    from .factories import png_bytes

    client.force_login(cast["vendor"])
    picture = io.BytesIO(png_bytes("blue"))
    picture.name = "màn hình báo cáo.png"
    response = client.post(f"/ecosystem/vendor/evaluations/{reviewing.pk}/", {"documents": picture})
    assert response.status_code == 302
    assert reviewing.documents.count() == 2
    added = reviewing.documents.order_by("id").last()
    assert added.filename == "màn_hình_báo_cáo.png"
    download = client.get(f"/ecosystem/vendor/documents/{added.pk}/")
    assert download.content == png_bytes("blue")
    assert "filename*=utf-8''m%C3%A0n_h%C3%ACnh" in download["Content-Disposition"]
    bad = io.BytesIO(b"GIF89a not allowed here")
    bad.name = "x.gif"
    response = client.post(f"/ecosystem/vendor/evaluations/{reviewing.pk}/", {"documents": bad})
    assert response.status_code == 200
    assert reviewing.documents.count() == 2
