"""The breach register: a breach is recorded with its notification deadline (72 hours from
detection) and moved through `workflow.BREACH`, each step audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.principal import Principal
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.cleaning import clean_field
from copnet.core.workflow import check

from .choices import BreachStatus
from .clock import breach_due
from .errors import DataProtectionError
from .errors import DataProtectionErrorCode as E
from .models import Breach
from .services import person
from .workflow import BREACH, Answer


def do_record_breach(
    *,
    organisation: Any,
    summary: str,
    data_categories: str,
    subjects_affected: int,
    discovered_at: dt.datetime,
    actor: Principal | None,
) -> Breach:
    text = clean_field(
        summary, limit=4000, field="summary", required=True, error=DataProtectionError
    )
    categories = clean_field(
        data_categories,
        limit=200,
        field="data_categories",
        required=True,
        multiline=False,
        error=DataProtectionError,
    )
    if discovered_at > timezone.now():
        raise DataProtectionError(E.BAD_DATE, field="discovered_at")
    with transaction.atomic():
        breach = Breach.objects.create(
            organisation=organisation,
            summary=text,
            data_categories=categories,
            subjects_affected=subjects_affected,
            discovered_at=discovered_at,
            notify_due=breach_due(discovered_at),
            recorded_by=person(actor),
        )
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=breach,
            changes={"notify_due": breach.notify_due.isoformat(), "affected": subjects_affected},
            reason="breach recorded",
        )
    return breach


def do_move_breach(
    *,
    breach: Breach,
    target: str,
    actor: Principal | None,
    reference: str = "",
    assessment: str = "",
    now: dt.datetime | None = None,
) -> Breach:
    ref = clean_field(
        reference, limit=100, field="reference", multiline=False, error=DataProtectionError
    )
    text = clean_field(assessment, limit=4000, field="answer", error=DataProtectionError)
    with transaction.atomic():
        row = Breach.objects.select_for_update().get(pk=breach.pk)
        check(
            BREACH,
            row.status,
            target,
            context=Answer(text, reference=ref),
            may=lambda perm: has_perm(actor, Perm(perm)),
        )
        before = row.status
        when = now or timezone.now()
        row.status = target
        if target == BreachStatus.AUTHORITY_NOTIFIED:
            row.authority_notified_at = when
            row.authority_reference = ref
        elif target == BreachStatus.NOT_NOTIFIABLE:
            row.assessment = text
        elif target == BreachStatus.CLOSED:
            row.closed_at = when
        row.save()
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=row,
            changes={"status": [before, target], "late": row.notified_late},
            reason="breach status changed",
            note=text,
        )
    return row
