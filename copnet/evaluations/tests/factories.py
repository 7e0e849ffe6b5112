"""Builders for evaluation tests; workflow state is always reached through the services."""

from __future__ import annotations

import datetime as dt
import functools
import io
from typing import Any

from django.utils import timezone
from PIL import Image

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import PASSWORD, make_user
from copnet.core.pdf import ReportPdf
from copnet.evaluations.choices import ScoreValue
from copnet.evaluations.models import CriteriaSet, Evaluation, Product
from copnet.evaluations.services import scores, submission, vendors, workflow


@functools.cache
def pdf_bytes(text: str = "Chính sách quyền riêng tư") -> bytes:
    doc = ReportPdf(title=text)
    doc.paragraph(text)
    return doc.output_bytes()


def png_bytes(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(out, "PNG")
    return out.getvalue()


def make_vendor_user(name: str = "Công ty Ứng dụng Trẻ em", email: str = "owner@kidapps.example"):
    return vendors.do_register_vendor(
        organisation_name=name,
        website="https://kidapps.example",
        full_name="Nguyễn Văn Chủ",
        email=email,
        password=PASSWORD,
    )


def make_product(user: Any, **overrides: Any) -> Product:
    fields = {
        "name": "Bé Học Vui",
        "kind": "learning",
        "description_vi": "Ứng dụng học tiếng Việt và toán cho học sinh tiểu học.",
        "description_en": "An app to learn Vietnamese and maths for primary pupils.",
        "platforms": ",android,ios,",
        "purposes": ",learn,play,",
        "languages": ",vi,",
        "age_min": 6,
        "age_max": 11,
        "data_practices": "Chỉ lưu tiến độ học, trên máy chủ tại Việt Nam, xóa sau 12 tháng.",
        "website": "https://behocvui.example",
    }
    fields.update(overrides)
    return vendors.do_save_product(
        product=Product(**fields), vendor=vendors.vendor_of(user), actor=user
    )


def criteria(code: str = "vn-law") -> CriteriaSet:
    return CriteriaSet.objects.get(code=code, is_current=True)


def submit(user: Any, product: Product, code: str = "vn-law") -> Evaluation:
    return submission.do_submit_for_evaluation(
        product=product,
        vendor=vendors.vendor_of(user),
        criteria_set=criteria(code),
        uploads=[submission.Upload("Chính sách", "chinh-sach.pdf", pdf_bytes())],
        note="",
        actor=user,
    )


def make_evaluator(email: str, organisation: Any) -> Any:
    return make_user(email=email, organisation=organisation, role=Role.EVALUATOR)


def in_review(evaluation: Evaluation, manager: Any, *evaluators: Any) -> Evaluation:
    workflow.do_accept(evaluation=evaluation, actor=manager)
    for evaluator in evaluators:
        workflow.do_assign(evaluation=evaluation, evaluator=evaluator, actor=manager)
    evaluation.refresh_from_db()
    return evaluation


def score_all(
    evaluation: Evaluation, evaluator: Any, value: str = ScoreValue.MET, **by_code: str
) -> None:
    """Score every item (`by_code` overrides single criteria), citing the vendor's document."""
    document = evaluation.documents.first()
    entries = [
        scores.ScoreEntry(
            item_id=item.pk,
            value=by_code.get(item.code.replace("-", "_"), value),
            note="Đã kiểm tra" if by_code.get(item.code.replace("-", "_"), value) else "",
            document_id=document.pk,
        )
        for item in evaluation.items.all()
    ]
    scores.do_save_scores(evaluation=evaluation, entries=entries, actor=evaluator)
    scores.do_finish_scoring(evaluation=evaluation, actor=evaluator)


def published(evaluation: Evaluation, manager: Any, days: int = 365) -> Evaluation:
    workflow.do_decide(evaluation=evaluation, actor=manager)
    return workflow.do_publish(
        evaluation=evaluation,
        expires_on=timezone.localdate() + dt.timedelta(days=days),
        summary_vi="Ứng dụng an toàn cho trẻ tiểu học.",
        summary_en="A safe app for primary pupils.",
        actor=manager,
    )
