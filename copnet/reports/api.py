"""Partner API: report one item or up to 1,000 at once; retries with an Idempotency-Key are safe."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import ValidationError

from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.principal import ApiRequest
from copnet.cases.workflow import PUBLIC_STATUS
from copnet.core.api_auth import api_key_auth, principal
from copnet.core.api_errors import errors, invalid_body, pydantic_details
from copnet.core.errors import ApiError, ApiErrorCode
from copnet.core.schemas import PathText
from copnet.taxonomy.models import HarmCategory

from . import services
from .choices import Channel
from .errors import IntakeError, IntakeErrorCode
from .models import IdempotencyRecord, Report
from .schemas import BulkIn, BulkOut, ReportCreated, ReportIn, ReportStatusOut

router = Router(tags=["reports"], auth=api_key_auth)
MAX_IDEMPOTENCY_KEY = 200


def _input(payload: ReportIn) -> services.ReportInput:
    return services.ReportInput(
        category=payload.category,
        description=payload.description,
        urls=payload.urls,
        platform=payload.platform,
        account_handles=payload.account_handles,
        occurred_on=payload.occurred_on,
        child_age_band=payload.child_age_band or "",
        province=payload.province,
        in_danger=payload.in_danger,
        texts=payload.texts,
        external_id=payload.external_id,
    )


def _idempotent(request: ApiRequest, run: Callable[[], tuple[int, dict[str, Any]]]) -> Status[Any]:
    """Run once per Idempotency-Key: the work and the stored answer commit together, so a
    retry (even a concurrent one) replays the answer and never creates a duplicate."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        with transaction.atomic():
            status, body = run()
        return Status(status, body)
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise IntakeError(IntakeErrorCode.INVALID_IDEMPOTENCY_KEY)
    api_key = principal(request)
    digest = hashlib.sha256(request.body).hexdigest()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record, created = IdempotencyRecord.objects.select_for_update().get_or_create(
                    api_key=api_key,
                    key=key,
                    defaults={"request_hash": digest, "status": 0, "response": {}},
                )
                if not created:
                    if record.request_hash != digest:
                        raise IntakeError(IntakeErrorCode.IDEMPOTENCY_KEY_REUSED)
                    return Status(record.status, record.response)
                status, body = run()
                record.status, record.response = status, body
                record.save(update_fields=["status", "response"])
                return Status(status, body)
        except IntegrityError:
            continue  # a concurrent request with the same key committed first: replay it
    raise ApiError(409, ApiErrorCode.CONFLICT, _("Please retry the request."))


def _require_submit(request: ApiRequest) -> None:
    if not has_perm(principal(request), Perm.SUBMIT_REPORTS):
        raise ApiError(403, ApiErrorCode.FORBIDDEN, _("This key may not submit reports."))


def _create_one(
    request: ApiRequest, payload: ReportIn, categories: dict[str, HarmCategory]
) -> tuple[Report, bool]:
    checked = services.check_report(_input(payload), categories=categories)
    report, _secret = services.submit_report(
        checked, channel=Channel.API, actor=principal(request), enqueue_triage=False
    )
    return report, True


def _categories() -> dict[str, HarmCategory]:
    return {c.code: c for c in HarmCategory.objects.filter(is_active=True)}


@router.post(
    "/reports",
    response={201: ReportCreated, **errors(403, 409)},
    summary="Report one harm",
    description="Refusals of the content (400): `empty_report`, `invalid_url`, `too_long`, "
    "`unknown_category`, `invalid_choice`, `too_many_urls`, `too_many_texts`. "
    "`Idempotency-Key` (optional, at most 200 characters): a retry with the same key and body "
    "replays the first answer; the same key with another body is refused "
    "(422 `idempotency_key_reused`).",
)
def create_report(request: ApiRequest, payload: ReportIn) -> Status[Any]:
    from copnet.cases.tasks import triage_cases
    from copnet.core.tasks import enqueue_on_commit

    _require_submit(request)

    def run() -> tuple[int, dict[str, Any]]:
        report, _ok = _create_one(request, payload, _categories())  # IntakeError: 400
        enqueue_on_commit(triage_cases, [report.case_id])
        return 201, {"tracking_code": report.tracking_code, "case_status": report.case.status}

    return _idempotent(request, run)


@router.post(
    "/reports/bulk",
    response={200: BulkOut, **errors(403, 409)},
    summary="Report up to 1,000 harms; one result per item, in order",
    description="Each item is checked like `POST /reports`; a refused item gets `ok: false` "
    "with the error's `code`, `message` and `field` (and `errors` for a schema violation), "
    "the others are created. `Idempotency-Key` works as for `POST /reports`.",
)
def create_reports_bulk(request: ApiRequest, payload: BulkIn) -> Status[Any]:
    from copnet.cases.tasks import triage_cases
    from copnet.core.tasks import enqueue_on_commit

    _require_submit(request)

    def run() -> tuple[int, dict[str, Any]]:
        categories = _categories()
        results: list[dict[str, Any]] = []
        valid: list[tuple[int, services.CheckedReport]] = []
        for index, raw in enumerate(payload.reports):
            try:
                item = ReportIn.model_validate(raw)
                valid.append((index, services.check_report(_input(item), categories=categories)))
            except ValidationError as exc:
                results.append({"index": index, "ok": False, **invalid_body(pydantic_details(exc))})
            except IntakeError as exc:
                results.append({"index": index, "ok": False, **exc.as_body()})
        saved = services.submit_reports(
            [checked for _i, checked in valid],
            channel=Channel.API,
            actor=principal(request),
            enqueue_triage=False,
        )
        results += [
            {"index": index, "ok": True, "tracking_code": report.tracking_code}
            for (index, _checked), (report, _secret) in zip(valid, saved, strict=True)
        ]
        results.sort(key=lambda r: r["index"])
        case_ids = {report.case_id for report, _secret in saved}
        if case_ids:
            enqueue_on_commit(triage_cases, sorted(case_ids))
        created = len(saved)
        return 200, {"created": created, "failed": len(results) - created, "results": results}

    return _idempotent(request, run)


@router.get(
    "/reports/{tracking_code}",
    response=ReportStatusOut,
    summary="Status of one of your own reports",
)
def report_status(request: ApiRequest, tracking_code: PathText) -> dict[str, Any]:
    key = principal(request)
    report = (
        Report.objects.visible_to(key)
        .select_related("case")
        .filter(tracking_code=tracking_code.strip().upper()[:16])
        .first()
    )
    if report is None:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Not found."))
    messages = services.messages_for(report)
    return {
        "tracking_code": report.tracking_code,
        "external_id": report.external_id,
        "status": report.case.status,
        "status_text": str(PUBLIC_STATUS[report.case.status]),
        "message": messages[-1].text if messages else "",  # the latest, to this reporter
        "received_at": report.created_at,
    }
