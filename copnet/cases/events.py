"""Timeline events, references and due dates: the small pieces every case writer shares
(services, joining, triage_batch), kept below them so that none imports another's caller."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from copnet.accounts.models import User
from copnet.accounts.permissions import is_api_key

from .models import Case, CaseEvent

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    year = timezone.localdate().strftime("%y")
    return f"C{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def _actor_label(actor: Principal | None) -> str:
    if actor is None:
        return "system"
    if is_api_key(actor):
        return f"api-key:{actor.prefix}"
    return getattr(actor, "email", "") or "anonymous"


def new_event(case: Case, *, kind: str, actor: Principal | None = None, **fields: Any) -> CaseEvent:
    """An unsaved timeline event; batch writers collect these for one bulk_create."""
    user = actor if isinstance(actor, User) else None
    return CaseEvent(case=case, kind=kind, actor=user, actor_label=_actor_label(actor), **fields)


def add_event(
    case: Case,
    *,
    kind: str,
    actor: Principal | None = None,
    text: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    event = new_event(
        case,
        kind=kind,
        actor=actor,
        text=text,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
    event.save()
    return event


def refresh_next_due(case: Case) -> None:
    pending = []
    if case.is_open:
        if case.acknowledged_at is None:
            pending.append(case.ack_due)
        if case.first_action_at is None:
            pending.append(case.action_due)
        pending.append(case.close_due)
    case.next_due = min(pending) if pending else None
