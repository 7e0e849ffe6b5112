"""Writes of the support app: refer a child, move a referral, escalate overdue ones, apply a
hotline's post-back and join its call notes. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, has_perm, is_api_key
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.cases.choices import OPEN_STATUSES, EventKind
from copnet.cases.events import add_event
from copnet.cases.models import Case
from copnet.core.cleaning import clean_field
from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email
from copnet.core.workflow import check
from copnet.network.models import Membership, Organisation
from copnet.reports.models import Report

from . import signing, webhooks
from .choices import (
    AT_RISK_LEVELS,
    Consent,
    LegalGround,
    ReferralOutcome,
    ReferralStatus,
    RiskLevel,
    ServiceKind,
    SharedField,
    WebhookEvent,
)
from .clock import clock_for
from .errors import SupportError, SupportErrorCode
from .models import CallNote, HotlineEndpoint, PostbackReceipt, Referral
from .workflow import RECEIVING, REFERRAL, REFERRING, ReferralMove

TEXT_LIMIT = 4000
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    year = timezone.localdate().strftime("%y")
    return f"HT{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def in_network(org: Organisation, day: dt.date | None = None) -> bool:
    """A member of the Network that day (an active body with a valid membership)."""
    day = day or timezone.localdate()
    return (
        org.is_active_on(day) and Membership.objects.valid_on(day).filter(organisation=org).exists()
    )


@dataclass
class ReferralInput:
    receiving_org: Organisation | None
    service: str
    risk_level: str
    reason: str
    shared_fields: list[str] = field(default_factory=list)
    child_name: str = ""
    child_contact: str = ""
    summary: str = ""
    child_age: Any = None
    child_views: str = ""
    child_consent: str = Consent.NOT_ASKED
    representative_consent: str = Consent.NOT_ASKED
    legal_ground: str = LegalGround.CONSENT
    ground_note: str = ""


def _text(
    value: Any,
    name: str,
    *,
    required: bool = False,
    limit: int = TEXT_LIMIT,
    multiline: bool = True,
) -> str:
    return clean_field(
        value, limit=limit, field=name, required=required, multiline=multiline, error=SupportError
    )


def _choice(value: Any, choices: Any, name: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise SupportError(SupportErrorCode.INVALID_CHOICE, field=name)
    return value


def _age(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SupportError(SupportErrorCode.AGE_INVALID, field="child_age")
    try:
        age = int(value)
    except ValueError:
        raise SupportError(SupportErrorCode.AGE_INVALID, field="child_age") from None
    if not 0 <= age <= 17:
        raise SupportError(SupportErrorCode.AGE_INVALID, field="child_age")
    return age


def _check_consent(data: ReferralInput, age: int | None) -> None:
    """Law 91/2025 Art. 24 and Decree 56/2017: the child's views are heard; the child's own
    consent from 7 (an unknown age counts as 7 or more) and the legal representative's, unless
    the referral protects the child's life or health (then only for a child at risk, with the
    reason written)."""
    if data.legal_ground == LegalGround.PROTECT_LIFE:
        if data.risk_level not in AT_RISK_LEVELS or not data.ground_note:
            raise SupportError(SupportErrorCode.GROUND_REQUIRED, field="ground_note")
        return
    if not data.child_views:
        raise SupportError(SupportErrorCode.VIEWS_REQUIRED, field="child_views")
    if (age is None or age >= 7) and data.child_consent != Consent.GIVEN:
        raise SupportError(SupportErrorCode.CHILD_CONSENT_REQUIRED, field="child_consent")
    if data.representative_consent != Consent.GIVEN:
        raise SupportError(
            SupportErrorCode.REPRESENTATIVE_CONSENT_REQUIRED, field="representative_consent"
        )


def do_refer(
    *, case: Case, data: ReferralInput, actor: Any, now: dt.datetime | None = None
) -> Referral:
    """Refer the child of `case` to a support service of the Network. Nothing is written when
    any check fails."""
    now = now or timezone.now()
    if not has_perm(actor, Perm.REFER_FOR_SUPPORT) or actor.organisation_id is None:
        raise SupportError(SupportErrorCode.NOT_REFERRING_ORG)
    org = data.receiving_org
    if not isinstance(org, Organisation):
        raise SupportError(SupportErrorCode.REQUIRED, field="receiving_org")
    if org.pk == actor.organisation_id:
        raise SupportError(SupportErrorCode.SAME_ORGANISATION, field="receiving_org")
    if not in_network(org, timezone.localdate(now)):
        raise SupportError(SupportErrorCode.NOT_IN_NETWORK, field="receiving_org")
    data.service = _choice(data.service, ServiceKind, "service")
    data.risk_level = _choice(data.risk_level, RiskLevel, "risk_level")
    data.legal_ground = _choice(data.legal_ground, LegalGround, "legal_ground")
    data.child_consent = _choice(data.child_consent, Consent, "child_consent")
    data.representative_consent = _choice(
        data.representative_consent, Consent, "representative_consent"
    )
    data.reason = _text(data.reason, "reason", required=True)
    data.child_name = _text(data.child_name, "child_name", limit=200)
    data.child_contact = _text(data.child_contact, "child_contact", limit=500)
    data.summary = _text(data.summary, "summary")
    data.child_views = _text(data.child_views, "child_views")
    data.ground_note = _text(data.ground_note, "ground_note")
    shared = data.shared_fields
    if not isinstance(shared, list | tuple) or not shared:
        raise SupportError(SupportErrorCode.NOTHING_SHARED, field="shared_fields")
    for value in shared:
        _choice(value, SharedField, "shared_fields")
    age = _age(data.child_age)
    _check_consent(data, age)
    clock = clock_for(sent_at=now, risk_level=data.risk_level)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status not in OPEN_STATUSES:
            raise SupportError(SupportErrorCode.CASE_CLOSED)
        referral = Referral(
            reference=new_reference(),
            case=locked,
            referring_org_id=actor.organisation_id,
            receiving_org=org,
            service=data.service,
            risk_level=data.risk_level,
            reason=data.reason,
            shared_fields=sorted(set(shared)),
            child_name=data.child_name,
            child_contact=data.child_contact,
            summary=data.summary,
            child_age=age,
            child_views=data.child_views,
            child_consent=data.child_consent,
            representative_consent=data.representative_consent,
            legal_ground=data.legal_ground,
            ground_note=data.ground_note,
            sent_at=now,
            intervention_due=clock.intervention_due,
            plan_due=clock.plan_due,
            created_by=actor,
        )
        refresh_next_due(referral)
        referral.save()
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=referral,
            changes={
                "case": locked.reference,
                "receiving_org": org.code,
                "service": data.service,
                "risk_level": data.risk_level,
                "shared_fields": referral.shared_fields,
                "legal_ground": data.legal_ground,
                "child_consent": data.child_consent,
                "representative_consent": data.representative_consent,
            },
            reason="child referred for support",
            note=data.reason,
        )
        add_event(
            locked,
            kind=EventKind.ACTION,
            actor=actor,
            data={"referral": referral.reference, "to": org.code, "service": data.service},
        )
        webhooks.queue_event(
            organisation_id=org.pk,
            event=WebhookEvent.REFERRAL_CREATED,
            payload=webhooks.referral_payload(referral),
            referral=referral,
        )
    return referral


def refresh_next_due(referral: Referral) -> None:
    """The nearest deadline not yet met nor escalated (None when nothing is pending)."""
    pending: list[dt.datetime] = []
    status = referral.status
    if (
        referral.intervention_due
        and status in {ReferralStatus.SENT, ReferralStatus.ACCEPTED}
        and "intervention" not in referral.escalated
    ):
        pending.append(referral.intervention_due)
    if (
        status in {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ASSESSED}
        and "plan" not in referral.escalated
    ):
        pending.append(referral.plan_due)
    referral.next_due = min(pending) if pending else None


def sides_of(actor: Any, referral: Referral) -> frozenset[str]:
    org_id = getattr(actor, "organisation_id", None)
    sides = set()
    if org_id is not None and org_id == referral.receiving_org_id:
        sides.add(RECEIVING)
    if org_id is not None and org_id == referral.referring_org_id:
        sides.add(REFERRING)
    return frozenset(sides)


def do_move(
    *,
    referral: Referral,
    target: str,
    actor: Any,
    note: str = "",
    outcome: str = "",
    now: dt.datetime | None = None,
    notify_receiver: bool = True,
) -> Referral:
    """Take the referral to `target` (accept, decline, assess, plan, close, withdraw)."""
    now = now or timezone.now()
    note = _text(note, "note")
    if outcome:
        outcome = _choice(outcome, ReferralOutcome, "outcome")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        move = ReferralMove(sides=sides_of(actor, locked), note=note, outcome=outcome)
        # An API key (the hotline's post-back) is authorised by do_apply_postback.
        may = None if is_api_key(actor) else (lambda p: has_perm(actor, p))
        check(REFERRAL, locked.status, target, context=move, may=may)
        previous = locked.status
        locked.status = target
        person = actor if isinstance(actor, User) else None
        if target in {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}:
            locked.answered_at, locked.answered_by, locked.answer_note = now, person, note
        elif target == ReferralStatus.ASSESSED:
            locked.assessed_at, locked.assessment_note = now, note
        elif target == ReferralStatus.PLANNED:
            locked.planned_at, locked.plan_note = now, note
        elif target == ReferralStatus.CLOSED:
            locked.closed_at, locked.outcome, locked.outcome_note = now, outcome, note
        elif target == ReferralStatus.WITHDRAWN:
            locked.closed_at, locked.outcome_note = now, note
        if target in {ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}:
            locked.closed_at = now
        refresh_next_due(locked)
        locked.save()
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=locked,
            changes={"status": [previous, target], "outcome": outcome},
            reason="referral status changed",
            note=note,
        )
        if notify_receiver:
            webhooks.queue_event(
                organisation_id=locked.receiving_org_id,
                event=WebhookEvent.REFERRAL_UPDATED,
                payload=webhooks.referral_payload(locked),
                referral=locked,
            )
    return locked


# --- Escalation (the scheduler's sweep) -------------------------------------------------------


def escalate_overdue(now: dt.datetime | None = None) -> list[str]:
    """Each deadline a referral missed is escalated once: audited, and an e-mail to the
    coordinators and to both organisations' case workers."""
    now = now or timezone.now()
    done: list[str] = []
    candidates = Referral.objects.filter(next_due__lt=now).values_list("pk", flat=True)
    for pk in list(candidates[:500]):
        with transaction.atomic():
            row = Referral.objects.select_for_update().get(pk=pk)
            if row.next_due is None or row.next_due >= now:
                continue
            missed = []
            if (
                row.intervention_due
                and row.intervention_due < now
                and row.status in {ReferralStatus.SENT, ReferralStatus.ACCEPTED}
                and "intervention" not in row.escalated
            ):
                missed.append("intervention")
            if row.plan_due < now and "plan" not in row.escalated:
                missed.append("plan")
            row.escalated = [*row.escalated, *missed]
            refresh_next_due(row)
            row.save(update_fields=["escalated", "next_due"])
            for deadline in missed:
                record_change(
                    actor=None,
                    action=AuditAction.UPDATE,
                    target=row,
                    changes={"escalated": deadline},
                    reason="referral deadline missed; escalated",
                )
                _notify_overdue(row, deadline)
                done.append(f"{row.reference}:{deadline}")
    return done


def _notify_overdue(row: Referral, deadline: str) -> None:
    people = User.objects.filter(is_active=True).exclude(email="")
    recipients = people.filter(
        Q(role=Role.COORDINATOR)
        | Q(
            organisation_id__in=[row.referring_org_id, row.receiving_org_id],
            role__in=[Role.OFFICER, Role.ANALYST],
        )
    ).values_list("email", flat=True)
    url = absolute_reverse("support:detail", row.reference)
    with translation.override("vi"):
        what = (
            _("the assessment and emergency intervention (12 hours)")
            if deadline == "intervention"
            else _("the support plan (5 working days)")
        )
        queue_email(
            key=f"support.overdue.{deadline}:{row.reference}",
            to=recipients,
            subject=_("[COPNet] Referral %(reference)s is overdue") % {"reference": row.reference},
            body=_("The deadline for %(what)s of referral %(reference)s has passed.")
            % {"what": what, "reference": row.reference}
            + "\n\n"
            + url,
        )


# --- The hotline's side -----------------------------------------------------------------------


POSTBACK_STATUSES = {
    "accepted": ReferralStatus.ACCEPTED,
    "declined": ReferralStatus.DECLINED,
    "assessed": ReferralStatus.ASSESSED,
    "planned": ReferralStatus.PLANNED,
    "closed": ReferralStatus.CLOSED,
}


def verify_signed(*, api_key: Any, body: bytes, header: str) -> HotlineEndpoint:
    """The key's organisation's endpoint, if `header` signs `body` with its secret now."""
    endpoint = HotlineEndpoint.objects.filter(
        organisation_id=api_key.organisation_id, is_active=True
    ).first()
    if endpoint is None:
        raise SupportError(SupportErrorCode.NO_ENDPOINT)
    problem = signing.verify(endpoint.secret, header, body, now=time.time())
    if problem is not None:
        raise SupportError(SupportErrorCode(problem))
    return endpoint


def do_apply_postback(
    *,
    api_key: Any,
    reference: str,
    event_id: str,
    status: str = "",
    note: str = "",
    outcome: str = "",
    external_status: str = "",
    external_ref: str = "",
) -> Referral:
    """The receiving body's own status for a referral made to it. An event id is applied once;
    a referral of another organisation answers as a missing one."""
    if not is_api_key(api_key) or not has_perm(api_key, Perm.SUPPORT_CALLBACK):
        raise SupportError(SupportErrorCode.NOT_RECEIVING_ORG)
    referral = Referral.objects.filter(
        reference=reference, receiving_org_id=api_key.organisation_id
    ).first()
    if referral is None:
        raise SupportError(SupportErrorCode.NOT_FOUND)
    if status and status not in POSTBACK_STATUSES:
        raise SupportError(SupportErrorCode.INVALID_CHOICE, field="status")
    external_status = _text(external_status, "external_status", limit=40)
    external_ref = _text(external_ref, "external_ref", limit=100)
    if PostbackReceipt.objects.filter(
        organisation_id=api_key.organisation_id, event_id=event_id
    ).exists():
        raise SupportError(SupportErrorCode.REPLAYED)
    try:
        with transaction.atomic():
            target = POSTBACK_STATUSES.get(status)
            if target is not None and target != referral.status:
                referral = do_move(
                    referral=referral,
                    target=target,
                    actor=api_key,
                    note=note,
                    outcome=outcome,
                    notify_receiver=False,
                )
            Referral.objects.filter(pk=referral.pk).update(
                external_status=external_status or referral.external_status,
                external_ref=external_ref or referral.external_ref,
            )
            PostbackReceipt.objects.create(
                organisation_id=api_key.organisation_id, event_id=event_id, referral=referral
            )
            record_change(
                actor=api_key,
                action=AuditAction.UPDATE,
                target=referral,
                changes={"external_status": external_status, "event_id": event_id},
                reason="hotline post-back",
            )
    except IntegrityError:
        raise SupportError(SupportErrorCode.REPLAYED) from None
    referral.refresh_from_db()
    return referral


def find_case_for_hotline(
    *, organisation_id: int, tracking_code: str = "", case_reference: str = ""
) -> Case:
    """The case a call joins: by the report's tracking code (the child's), or by a case
    reference the hotline was told (its reports, referrals to it, or its own cases)."""
    case: Case | None = None
    if tracking_code:
        report = (
            Report.objects.filter(tracking_code=tracking_code.strip().upper())
            .select_related("case")
            .first()
        )
        case = report.case if report else None
    elif case_reference:
        case = (
            Case.objects.filter(reference=case_reference.strip().upper())
            .filter(
                Q(reports__partner_id=organisation_id)
                | Q(support_referrals__receiving_org_id=organisation_id)
                | Q(lead_org_id=organisation_id)
                | Q(supporting_orgs=organisation_id)
            )
            .distinct()
            .first()
        )
    if case is None:
        raise SupportError(SupportErrorCode.NO_SUCH_CASE)
    while case.merged_into_id is not None:  # a merged case lives on in its target
        case = Case.objects.get(pk=case.merged_into_id)
    return case


def do_add_call_note(
    *,
    api_key: Any,
    event_id: str,
    text: str,
    called_at: dt.datetime,
    tracking_code: str = "",
    case_reference: str = "",
    operator_ref: str = "",
) -> CallNote:
    """A hotline operator's note of a call joins the case of the online report: one case."""
    if not is_api_key(api_key) or not has_perm(api_key, Perm.SUPPORT_CALLBACK):
        raise SupportError(SupportErrorCode.NOT_RECEIVING_ORG)
    text = _text(text, "text", required=True)
    operator_ref = _text(operator_ref, "operator_ref", limit=100, required=False)
    case = find_case_for_hotline(
        organisation_id=api_key.organisation_id,
        tracking_code=tracking_code,
        case_reference=case_reference,
    )
    if CallNote.objects.filter(organisation_id=api_key.organisation_id, event_id=event_id).exists():
        raise SupportError(SupportErrorCode.REPLAYED)
    try:
        with transaction.atomic():
            note = CallNote.objects.create(
                case=case,
                organisation_id=api_key.organisation_id,
                event_id=event_id,
                operator_ref=operator_ref,
                called_at=called_at,
                text=text,
            )
            add_event(
                case,
                kind=EventKind.INFO_ADDED,
                actor=api_key,
                data={"call_note": note.pk, "hotline": api_key.organisation_id},
            )
            record_change(
                actor=api_key,
                action=AuditAction.CREATE,
                target=note,
                changes={"case": case.reference, "event_id": event_id},
                reason="hotline call note joined the case",
                note=text,
            )
    except IntegrityError:
        raise SupportError(SupportErrorCode.REPLAYED) from None
    return note


def do_case_status_webhooks(*, case: Case, previous: str, current: str) -> int:
    """Tell each partner that reported into `case` (and has a hotline link) its new status."""
    partners = set(
        Report.objects.filter(case=case, partner__isnull=False).values_list("partner_id", flat=True)
    )
    sent = 0
    for org_id in sorted(partners):
        codes = list(
            Report.objects.filter(case=case, partner_id=org_id).values_list(
                "tracking_code", flat=True
            )
        )
        queued = webhooks.queue_event(
            organisation_id=org_id,
            event=WebhookEvent.CASE_STATUS,
            payload={
                "case_reference": case.reference,
                "tracking_codes": sorted(codes),
                "from_status": previous,
                "status": current,
                "outcome": case.outcome,
            },
            case=case,
        )
        sent += queued is not None
    return sent


# --- Hotline links (configured by coordinators on the admin site) ----------------------------


def check_endpoint(*, url: Any, secret: Any, exists: bool) -> tuple[str, str]:
    """The cleaned (url, secret) of a hotline link, or SupportError."""
    from urllib.parse import urlsplit

    url = _text(url, "url", required=True, limit=500, multiline=False)
    try:
        parts = urlsplit(url)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise SupportError(SupportErrorCode.BAD_URL, field="url")
    secret = secret.strip() if isinstance(secret, str) else ""
    if (not exists or secret) and len(secret) < 16:
        raise SupportError(SupportErrorCode.SECRET_TOO_SHORT, field="new_secret")
    return url, secret


def do_save_endpoint(
    *,
    organisation: Organisation,
    url: str,
    secret: str,
    is_active: bool,
    actor: Any,
) -> HotlineEndpoint:
    """Create or change an organisation's hotline link. The secret is write-only: an empty one
    keeps the stored secret (a new link needs one of at least 16 characters)."""
    exists = HotlineEndpoint.objects.filter(organisation=organisation).exists()
    url, secret = check_endpoint(url=url, secret=secret, exists=exists)
    with transaction.atomic():
        endpoint = (
            HotlineEndpoint.objects.select_for_update().filter(organisation=organisation).first()
        )
        created = endpoint is None
        endpoint = endpoint or HotlineEndpoint(organisation=organisation)
        endpoint.url, endpoint.is_active = url, is_active
        if secret:
            endpoint.secret = secret
        endpoint.save()
        record_change(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target=endpoint,
            changes={"url": url, "is_active": is_active, "secret_changed": bool(secret)},
            reason="hotline link configured",
        )
    return endpoint
