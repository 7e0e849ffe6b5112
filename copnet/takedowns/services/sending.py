"""Sending a removal request: draft → sent, the deadline and the notice fixed; delivery follows
in the background (`delivery`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.tasks import enqueue_on_commit
from copnet.core.workflow import check

from ..choices import (
    DEADLINE_HOURS,
    URGENCY_CAP_HOURS,
    Delivery,
    RequestStatus,
    SendChannel,
)
from ..errors import TakedownError, TakedownErrorCode
from ..models import Platform, RemovalRequest
from ..notices import notice_text
from ..workflow import REQUEST

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def compute_deadline(*, sent_at: dt.datetime, legal_basis: str, urgency: str) -> dt.datetime:
    """Hours by legal basis (`choices.DEADLINE_HOURS`), shortened by urgency, from sending."""
    hours = DEADLINE_HOURS[legal_basis]
    cap = URGENCY_CAP_HOURS.get(urgency)
    if cap is not None:
        hours = min(hours, cap)
    return sent_at + dt.timedelta(hours=hours)


def _check_channel(platform: Platform) -> str:
    if platform.channel == SendChannel.EMAIL and not platform.email:
        raise TakedownError(
            TakedownErrorCode.NO_CHANNEL, _("The platform has no e-mail for removal requests.")
        )
    if platform.channel == SendChannel.API and not platform.api_url:
        raise TakedownError(TakedownErrorCode.NO_CHANNEL, _("The platform has no API endpoint."))
    if platform.channel == SendChannel.WEB_FORM:
        return Delivery.MANUAL
    return Delivery.PENDING


def do_send_request(*, request: RemovalRequest, actor: Principal | None) -> RemovalRequest:
    """Draft → sent: fixes the deadline and the notice, then delivers in the background."""
    with transaction.atomic():
        locked = RemovalRequest.objects.select_for_update().get(pk=request.pk)
        check(REQUEST, locked.status, RequestStatus.SENT)
        if locked.approved_at is None:
            raise TakedownError(TakedownErrorCode.NOT_APPROVED)
        delivery = _check_channel(locked.platform)
        now = timezone.now()
        locked.deadline = compute_deadline(
            sent_at=now, legal_basis=locked.legal_basis, urgency=locked.urgency
        )
        locked.status, locked.sent_at, locked.delivery = RequestStatus.SENT, now, delivery
        locked.notice = notice_text(locked, locked.deadline)
        locked.next_followup_at = now + dt.timedelta(hours=locked.platform.renotice_hours)
        locked.save()
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={
                "status": [RequestStatus.DRAFT, RequestStatus.SENT],
                "channel": locked.platform.channel,
                "deadline": locked.deadline,
                "next_followup_at": locked.next_followup_at,
            },
            reason="removal request sent",
        )
        if delivery == Delivery.PENDING:
            enqueue_on_commit("copnet.takedowns.tasks.deliver_removal_request", locked.pk)
    return locked
