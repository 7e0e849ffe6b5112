"""Data-subject requests: received from a reporter who proves the report with its tracking code
and secret, answered by the data-protection officer within 2 working days (Decree 356/2025).

Every step writes an audit row; a refused step writes a "denied" row and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, has_perm, is_active_person
from copnet.accounts.principal import Principal
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.core.cleaning import clean_field
from copnet.core.workflow import check
from copnet.reports.models import Evidence, Report, ReportUrl
from copnet.reports.services import find_report

from .choices import ConsentPurpose, RequestKind, RequestStatus
from .clock import answer_due
from .errors import DataProtectionError
from .errors import DataProtectionErrorCode as E
from .legal import BindingGround, grounds_for
from .models import ConsentRecord, LegalGround, SubjectRequest
from .workflow import REQUEST, Answer

# What a deletion erases, by retention category (reference data codes): the reporter's own
# identity always goes (it was given with consent); the report's content stays while a legal
# hold or police investigation keeps the case.
REPORTER_IDENTITY = "reporter_identity"
REPORT_CONTENT = "report_content"
NEEDS_DETAILS = frozenset({RequestKind.CORRECTION, RequestKind.OBJECTION})


def do_submit_request(
    *,
    tracking_code: str,
    secret: str,
    kind: str,
    details: str = "",
    now: dt.datetime | None = None,
) -> SubjectRequest:
    """A request from whoever holds the report's code and secret. A wrong pair gets the same
    answer whether the code exists or not (`find_report`)."""
    report = find_report(tracking_code, secret)
    if report is None:
        with transaction.atomic():
            record(
                actor=None,
                action=AuditAction.DENIED,
                target_type="dataprotection.subjectrequest",
                reason="data-subject request: wrong tracking code or secret",
            )
        raise DataProtectionError(E.NOT_FOUND)
    if kind not in RequestKind.values:
        raise DataProtectionError(E.BAD_KIND, field="kind")
    text = clean_field(details, limit=4000, field="details", error=DataProtectionError)
    if kind in NEEDS_DETAILS and not text:
        raise DataProtectionError(E.DETAILS_REQUIRED, field="details")
    received = now or timezone.now()
    with transaction.atomic():
        request = SubjectRequest.objects.create(
            report=report,
            kind=kind,
            details=text,
            received_at=received,
            due_at=answer_due(received),
        )
        record_change(
            actor=None,
            action=AuditAction.CREATE,
            target=request,
            changes={"kind": kind, "due_at": request.due_at.isoformat()},
            reason="data-subject request received",
        )
    return request


def _may(actor: Principal | None) -> Any:
    return lambda perm: has_perm(actor, Perm(perm))


def person(actor: Principal | None) -> User | None:
    """The signed-in person behind `actor` (None for the system or an API key)."""
    return actor if is_active_person(actor) else None


def _locked(request: SubjectRequest) -> SubjectRequest:
    return (
        SubjectRequest.objects.select_for_update().select_related("report__case").get(pk=request.pk)
    )


def do_answer_request(
    *,
    request: SubjectRequest,
    actor: Principal | None,
    answer: str = "",
    now: dt.datetime | None = None,
) -> SubjectRequest:
    """Carry out the request and answer it: an access request makes the export available, a
    deletion erases what no legal duty keeps, a consent withdrawal stops what relied on it."""
    text = clean_field(answer, limit=4000, field="answer", error=DataProtectionError)
    needs_text = request.kind not in (RequestKind.ACCESS, RequestKind.DELETION)
    check(
        REQUEST,
        request.status,
        RequestStatus.ANSWERED,
        context=Answer(text, needs_text=needs_text),
        may=_may(actor),
    )
    grounds = grounds_for(request.report.case)
    if request.kind == RequestKind.CONSENT_WITHDRAWAL and grounds:
        _refuse_withdrawal(request, actor, grounds)
    with transaction.atomic():
        row = _locked(request)
        check(
            REQUEST,
            row.status,
            RequestStatus.ANSWERED,
            context=Answer(text, needs_text=needs_text),
            may=_may(actor),
        )
        changes: dict[str, Any] = {"status": [row.status, RequestStatus.ANSWERED]}
        if row.kind == RequestKind.DELETION:
            row.erased, row.kept = _erase_report(row.report, grounds, actor)
            keeping = [g for g in grounds if g.keeps_data]
            row.legal_ground = keeping[0].ground if keeping else ""
            changes.update(erased=row.erased, kept=row.kept, legal_ground=row.legal_ground)
        elif row.kind == RequestKind.CONSENT_WITHDRAWAL:
            changes["consents_withdrawn"] = _withdraw_consents(row, actor)
        row.status = RequestStatus.ANSWERED
        row.answered_at = now or timezone.now()
        row.answer = text
        row.handled_by = person(actor)
        row.save()
        changes["within_clock"] = row.answered_at <= row.due_at
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=row,
            changes=changes,
            reason=f"data-subject request answered ({row.kind})",
            note=text,
        )
    return row


def do_refuse_request(
    *,
    request: SubjectRequest,
    actor: Principal | None,
    ground: str,
    answer: str,
    now: dt.datetime | None = None,
) -> SubjectRequest:
    """Refuse with the legal ground that stands in the way (told to the person)."""
    text = clean_field(answer, limit=4000, field="answer", error=DataProtectionError)
    with transaction.atomic():
        row = _locked(request)
        check(
            REQUEST,
            row.status,
            RequestStatus.REFUSED,
            context=Answer(text, ground),
            may=_may(actor),
        )
        row.status = RequestStatus.REFUSED
        row.legal_ground = ground
        row.answer = text
        row.answered_at = now or timezone.now()
        row.handled_by = person(actor)
        row.save()
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=row,
            changes={
                "status": [RequestStatus.RECEIVED, RequestStatus.REFUSED],
                "legal_ground": ground,
                "within_clock": row.answered_at <= row.due_at,
            },
            reason="data-subject request refused on a legal ground",
            note=text,
        )
    return row


def _refuse_withdrawal(
    request: SubjectRequest, actor: Principal | None, grounds: list[BindingGround]
) -> None:
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target=request,
            changes={"grounds": [g.ground for g in grounds]},
            reason="consent withdrawal refused: processed under a legal duty",
        )
    raise DataProtectionError(E.UNDER_LEGAL_DUTY)


def _withdraw_consents(request: SubjectRequest, actor: Principal | None) -> int:
    report = request.report
    now = timezone.now()
    consents = ConsentRecord.objects.filter(case=report.case, withdrawn_at__isnull=True).filter(
        report__in=[report.pk, None]
    )
    count = consents.update(withdrawn_at=now, withdrawn_by_request=request)
    # The reporter's contact details were given for being contacted: that stops with consent.
    if report.reporter_name or report.reporter_contact:
        Report.objects.filter(pk=report.pk).update(reporter_name="", reporter_contact="")
        count += 1
    return count


def _erase_report(
    report: Report, grounds: list[BindingGround], actor: Principal | None
) -> tuple[list[str], list[str]]:
    """Erase the report's personal data except what a keeping ground holds. Returns the
    categories erased and kept."""
    from copnet.reports.evidence import evidence_store

    erased = [REPORTER_IDENTITY]
    kept: list[str] = []
    fields: dict[str, Any] = {"reporter_name": "", "reporter_contact": ""}
    files: list[str] = []
    if any(g.keeps_data for g in grounds):
        kept.append(REPORT_CONTENT)
    else:
        erased.append(REPORT_CONTENT)
        now = timezone.now()
        evidence = Evidence.objects.filter(report=report)
        files = [p for row in evidence for p in (row.blob_path, row.preview_path) if p]
        evidence.update(text="", blob_path="", preview_path="", purged_at=now)
        ReportUrl.objects.filter(report=report).update(url="", normalised="")
        fields.update(description="", account_handles="", external_id="", purged_at=now)
    Report.objects.filter(pk=report.pk).update(**fields)
    record_change(
        actor=actor,
        action=AuditAction.DELETE,
        target=report,
        changes={"erased": erased, "kept": kept, "files": len(files)},
        reason="erased on the data subject's request",
    )
    if files:
        vault = evidence_store()
        transaction.on_commit(lambda: vault.delete_many(files), robust=True)
    return erased, kept


# --- Legal grounds and consents (recorded by the data-protection officer or caseworkers) ---


def do_record_ground(
    *, case: Any, ground: str, basis: str, note: str = "", actor: Principal | None
) -> LegalGround:
    basis_text = clean_field(
        basis, limit=200, field="basis", required=True, multiline=False, error=DataProtectionError
    )
    note_text = clean_field(note, limit=2000, field="note", error=DataProtectionError)
    with transaction.atomic():
        if LegalGround.objects.filter(case=case, ground=ground, released_at__isnull=True).exists():
            raise DataProtectionError(E.ALREADY_HELD, field="ground")
        row = LegalGround.objects.create(
            case=case,
            ground=ground,
            basis=basis_text,
            note=note_text,
            placed_by=person(actor),
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=row,
            changes={"case": case.pk, "ground": ground, "basis": basis_text},
            reason="legal ground recorded",
            note=note_text,
        )
    return row


def do_release_ground(*, ground: LegalGround, actor: Principal | None) -> LegalGround:
    with transaction.atomic():
        row = LegalGround.objects.select_for_update().get(pk=ground.pk)
        if row.released_at is None:
            row.released_at = timezone.now()
            row.save(update_fields=["released_at"])
            record_change(
                actor=actor,
                action=AuditAction.UPDATE,
                target=row,
                changes={"released_at": row.released_at.isoformat()},
                reason="legal ground released",
            )
    return row


def do_record_consent(
    *,
    case: Any,
    purpose: str,
    given_by: str,
    actor: Principal | None,
    report: Report | None = None,
) -> ConsentRecord:
    with transaction.atomic():
        row = ConsentRecord.objects.create(
            case=case,
            report=report,
            purpose=ConsentPurpose(purpose),
            given_by=given_by,
            recorded_by=person(actor),
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=row,
            changes={"case": case.pk, "purpose": purpose, "given_by": given_by},
            reason="consent recorded",
        )
    return row
