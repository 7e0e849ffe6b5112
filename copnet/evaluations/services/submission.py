"""A vendor submits a product for evaluation, with documents; re-submits after a return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.tasks import enqueue_on_commit

from .. import files
from ..choices import OPEN_STATUSES, EvaluationStatus
from ..errors import EvaluationError, EvaluationErrorCode
from ..models import CriteriaSet, Evaluation, EvaluationItem, Product, Vendor, VendorDocument
from .vendors import applicable_criteria, nfc

if TYPE_CHECKING:
    from copnet.accounts.models import User

MAX_DOCUMENTS = 10


@dataclass(frozen=True)
class Upload:
    title: str
    filename: str
    data: bytes


def check_uploads(uploads: list[Upload]) -> list[tuple[str, files.CheckedFile]]:
    if len(uploads) > MAX_DOCUMENTS:
        raise EvaluationError(
            EvaluationErrorCode.TOO_MANY_FILES,
            _("You can add at most %(limit)s documents at once.") % {"limit": MAX_DOCUMENTS},
            "documents",
        )
    checked = [(nfc(u.title)[:200], files.check_document(u.data, u.filename)) for u in uploads]
    # Without a title of its own, a document is listed under its cleaned-up file name.
    return [(title or item.filename, item) for title, item in checked]


def store_documents(
    evaluation: Evaluation, checked: list[tuple[str, files.CheckedFile]], actor: User
) -> list[VendorDocument]:
    """Store the files, then the rows; the files are removed again if the transaction fails."""
    stored: list[VendorDocument] = []
    for title, item in checked:
        path = files.store(item)
        stored.append(
            VendorDocument(
                evaluation=evaluation,
                title=title,
                filename=item.filename,
                mime=item.mime,
                size=len(item.data),
                sha256=item.sha256,
                blob_path=path,
                uploaded_by=actor,
            )
        )
    return stored


def _copy_items(evaluation: Evaluation) -> int:
    criteria = applicable_criteria(evaluation.criteria_set, evaluation.product.kind)
    EvaluationItem.objects.bulk_create(
        EvaluationItem(
            evaluation=evaluation,
            criterion=c,
            section_code=c.section.code,
            section_title_vi=c.section.title_vi,
            section_title_en=c.section.title_en,
            code=c.code,
            text_vi=c.text_vi,
            text_en=c.text_en,
            guidance_vi=c.guidance_vi,
            guidance_en=c.guidance_en,
            evidence_vi=c.evidence_vi,
            evidence_en=c.evidence_en,
            weight=c.weight,
            mandatory=c.mandatory,
            order=order,
        )
        for order, c in enumerate(criteria)
    )
    return len(criteria)


def do_submit_for_evaluation(
    *,
    product: Product,
    vendor: Vendor,
    criteria_set: CriteriaSet,
    uploads: list[Upload],
    note: str,
    actor: User,
) -> Evaluation:
    if product.vendor_id != vendor.pk:
        raise EvaluationError(EvaluationErrorCode.NOT_FOUND, _("Not found."))
    if not criteria_set.is_current or not criteria_set.applies_to(product.kind):
        raise EvaluationError(
            EvaluationErrorCode.WRONG_CRITERIA_SET,
            _("Choose a current criteria set that applies to this kind of product."),
            "criteria_set",
        )
    if not uploads:
        raise EvaluationError(
            EvaluationErrorCode.DOCUMENTS_REQUIRED,
            _("Add at least one document that shows how the product meets the criteria."),
            "documents",
        )
    checked = check_uploads(uploads)
    paths: list[str] = []
    try:
        with transaction.atomic():
            Product.objects.select_for_update().get(pk=product.pk)
            if product.evaluations.filter(status__in=OPEN_STATUSES).exists():
                raise EvaluationError(
                    EvaluationErrorCode.ALREADY_OPEN,
                    _("This product already has an evaluation in progress."),
                )
            previous = (
                product.evaluations.filter(
                    status=EvaluationStatus.RETURNED, resubmission__isnull=True
                )
                .order_by("-submitted_at")
                .first()
            )
            evaluation = Evaluation.objects.create(
                product=product,
                criteria_set=criteria_set,
                previous=previous,
                round=previous.round + 1 if previous else 1,
                vendor_note=nfc(note)[:4000],
                submitted_by=actor,
            )
            items = _copy_items(evaluation)
            documents = store_documents(evaluation, checked, actor)
            paths = [d.blob_path for d in documents]
            VendorDocument.objects.bulk_create(documents)
            record_change(
                actor=actor,
                action=AuditAction.CREATE,
                target=evaluation,
                changes={
                    "product": product.pk,
                    "criteria_set": f"{criteria_set.code} v{criteria_set.version}",
                    "items": items,
                    "documents": len(documents),
                    "resubmission_of": previous.pk if previous else None,
                },
            )
            enqueue_on_commit("copnet.evaluations.tasks.notify_managers_task", evaluation.pk)
    except BaseException:
        for path in paths:
            files.delete(path)
        raise
    return evaluation


def do_add_documents(
    *, evaluation: Evaluation, vendor: Vendor, uploads: list[Upload], actor: User
) -> list[VendorDocument]:
    """More documents while the evaluation is still open (e.g. when an evaluator asks)."""
    if evaluation.product.vendor_id != vendor.pk:
        raise EvaluationError(EvaluationErrorCode.NOT_FOUND, _("Not found."))
    if not uploads:
        raise EvaluationError(
            EvaluationErrorCode.DOCUMENTS_REQUIRED, _("Choose a file to upload."), "documents"
        )
    checked = check_uploads(uploads)
    paths: list[str] = []
    try:
        with transaction.atomic():
            locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
            if locked.status not in OPEN_STATUSES - {EvaluationStatus.DECIDED}:
                raise EvaluationError(
                    EvaluationErrorCode.CLOSED,
                    _("Documents can no longer be added to this evaluation."),
                )
            documents = store_documents(locked, checked, actor)
            paths = [d.blob_path for d in documents]
            VendorDocument.objects.bulk_create(documents)
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=locked,
                changes={"documents_added": [d.filename for d in documents]},
            )
    except BaseException:
        for path in paths:
            files.delete(path)
        raise
    return documents
