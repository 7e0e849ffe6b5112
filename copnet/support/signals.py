"""Case-status changes reach the hotline that reported into the case (a signed webhook).

Cases sit below this app and do not import it: a status change writes a `CaseEvent` of kind
"transition", and this receiver queues the webhooks in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from copnet.cases.choices import EventKind
from copnet.cases.models import CaseEvent


def _on_case_event(sender: Any, instance: CaseEvent, created: bool, **kwargs: Any) -> None:
    if not created or instance.kind != EventKind.TRANSITION or kwargs.get("raw"):
        return
    from .services import do_case_status_webhooks

    do_case_status_webhooks(
        case=instance.case, previous=instance.from_status, current=instance.to_status
    )


def connect() -> None:
    post_save.connect(_on_case_event, sender=CaseEvent, dispatch_uid="support.case_status")
