"""Issuing authorities: a removal notice is issued in the name of a competent authority under
Decree 147/2024 (A05, the culture ministry's authority, a provincial authority), approved by one
of its people, numbered in its own series and signed; the Network transmits and tracks it.
Also the legal bases a notice cites, by category and date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.core.text import clean_text, has_control_characters
from copnet.network.models import Organisation

from ..choices import RequestStatus
from ..errors import TakedownError, TakedownErrorCode
from ..legal import reference
from ..models import IssuingAuthority, RemovalRequest

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.cases.models import Case

MAX_DOCUMENT_NUMBER = 40


def load_authorities() -> int:
    """The starter authorities (idempotent; rows already present are left as edited; an
    organisation missing from the directory is skipped)."""
    created = 0
    with transaction.atomic():
        for row in reference()["authorities"]:
            organisation = Organisation.objects.filter(code=row["organisation"]).first()
            if organisation is None:
                continue
            _authority, was_created = IssuingAuthority.objects.get_or_create(
                organisation=organisation,
                defaults={
                    "series": row["series"],
                    "signatory_title_vi": row["signatory_title_vi"],
                    "signatory_title_en": row["signatory_title_en"],
                },
            )
            created += int(was_created)
        if created:
            record(
                actor=None,
                action=AuditAction.CREATE,
                target_type="takedowns.issuingauthority",
                changes={"loaded": created},
                reason="reference data",
            )
    return created


def default_authority(case: Case, actor: Principal | None) -> IssuingAuthority | None:
    """Whose name a new request carries unless someone chooses: the requester's own authority,
    else the case's lead if it is one, else the culture ministry's authority (websites, social
    networks and games under Decree 147), else any active authority."""
    active = IssuingAuthority.objects.filter(is_active=True).select_related("organisation")
    for org_id in (getattr(actor, "organisation_id", None), case.lead_org_id):
        found = active.filter(organisation_id=org_id).first() if org_id else None
        if found is not None:
            return found
    return active.filter(organisation__code="MOCST-PTTH").first() or active.first()


def _clean_number(value: str) -> str:
    raw = value or ""
    text = clean_text(raw, multiline=False).strip()
    if len(text) > MAX_DOCUMENT_NUMBER or has_control_characters(raw) or text != raw.strip():
        raise TakedownError(TakedownErrorCode.INVALID_DOCUMENT_NUMBER, field="document_number")
    return text


def do_approve_request(
    *, request: RemovalRequest, actor: Principal | None, document_number: str = ""
) -> RemovalRequest:
    """A person of the issuing authority approves the draft: it gets the authority's next
    document number (or the one given, from the authority's own register), the date and the
    signatory. Refused for anyone else, twice, or with a number already used."""
    number = _clean_number(document_number)
    authority_org = (
        IssuingAuthority.objects.filter(pk=request.issuing_authority_id or 0)
        .values_list("organisation_id", flat=True)
        .first()
    )
    if authority_org is not None and not (
        has_perm(actor, Perm.APPROVE_REMOVALS)
        and getattr(actor, "organisation_id", None) == authority_org
    ):
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target=request,
            reason="approval by someone outside the issuing authority",
        )
        raise TakedownError(TakedownErrorCode.NOT_THE_AUTHORITY)
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.issuing_authority_id is None:
            raise TakedownError(TakedownErrorCode.NO_AUTHORITY)
        if locked.approved_at is not None or locked.status != RequestStatus.DRAFT:
            raise TakedownError(TakedownErrorCode.ALREADY_APPROVED)
        authority = IssuingAuthority.objects.select_for_update().get(pk=locked.issuing_authority_id)
        if not (
            has_perm(actor, Perm.APPROVE_REMOVALS)
            and getattr(actor, "organisation_id", None) == authority.organisation_id
        ):
            raise TakedownError(TakedownErrorCode.NOT_THE_AUTHORITY)
        now = timezone.now()
        if not number:
            number = f"{authority.next_number:04d}/{now:%Y}/{authority.series}"
            authority.next_number += 1
            authority.save(update_fields=["next_number"])
        name = getattr(actor, "full_name", "") or getattr(actor, "email", "")
        locked.document_number = number
        locked.approved_by = actor
        locked.approved_at = now
        locked.signatory = f"{name}, {authority.signatory_title_vi}"[:300]
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=["document_number", "approved_by", "approved_at", "signatory"]
                )
        except IntegrityError:
            raise TakedownError(
                TakedownErrorCode.DOCUMENT_NUMBER_TAKEN, field="document_number"
            ) from None
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"document_number": ["", number], "issuing_authority": authority.series},
            reason="removal request approved by the issuing authority",
        )
    return locked


def do_choose_authority(
    *, request: RemovalRequest, authority: IssuingAuthority, actor: Principal | None
) -> RemovalRequest:
    """Before approval, the draft may be moved to another authority."""
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.approved_at is not None or locked.status != RequestStatus.DRAFT:
            raise TakedownError(TakedownErrorCode.ALREADY_APPROVED)
        if not authority.is_active:
            raise TakedownError(TakedownErrorCode.NO_AUTHORITY)
        before = locked.issuing_authority_id
        locked.issuing_authority = authority
        locked.save(update_fields=["issuing_authority"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"issuing_authority": [before, authority.pk]},
            reason="issuing authority chosen",
        )
    return locked
