"""Writing the audit trail. Services call these explicitly, inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .choices import AuditAction
from .context import SYSTEM_ORIGIN, current_origin
from .models import AuditEvent

SYSTEM_LABEL = "system"


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None:
        return {"actor": None, "actor_label": SYSTEM_LABEL, "actor_org": ""}
    # An API key acts for its organisation.
    if getattr(actor, "is_api_key", False):
        return {
            "actor": None,
            "actor_label": f"api-key:{actor.prefix}",
            "actor_org": actor.organisation.code,
            "api_key_id": actor.pk,
        }
    if not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_label": "anonymous", "actor_org": ""}
    org = getattr(actor, "organisation", None)
    return {"actor": actor, "actor_label": actor.email, "actor_org": org.code if org else ""}


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, FieldFile):  # an uploaded file: its stored name
        return value.name or ""
    return value


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    origin = current_origin.get() or SYSTEM_ORIGIN
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return AuditEvent.objects.create(
        **_actor_fields(actor),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=str(target)[:255] if target is not None else "",
        changes=_json_safe(changes or {}),
        reason=reason,
        ip=origin.ip,
        user_agent=origin.user_agent,
        request_id=origin.request_id,
        channel=origin.channel,
    )


def record_changes(
    *,
    actor: Any,
    action: str,
    changes_by_target: list[tuple[models.Model, dict[str, Any]]],
    reason: str = "",
) -> list[AuditEvent]:
    """One audit row per target, written in one INSERT (batch work such as triage)."""
    origin = current_origin.get() or SYSTEM_ORIGIN
    actor_fields = _actor_fields(actor)
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            **actor_fields,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_repr=str(target)[:255],
            changes=_json_safe(changes),
            reason=reason,
            ip=origin.ip,
            user_agent=origin.user_agent,
            request_id=origin.request_id,
            channel=origin.channel,
        )
        for target, changes in changes_by_target
    )


def record_change(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    return record(actor=actor, action=action, target=target, changes=changes, reason=reason)


def record_view(*, actor: Any, target: models.Model) -> AuditEvent:
    """Someone looked at a sensitive record."""
    return record(actor=actor, action=AuditAction.VIEW, target=target)


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    names = fields or [
        f.attname
        for f in instance._meta.concrete_fields
        if f.name not in {"created_at", "updated_at"}
    ]
    return _json_safe({name: getattr(instance, name) for name in names})


def save_with_audit(*, instance: models.Model, actor: Any) -> Any:
    """Validate and save one row, recording what changed (a create, or an update with a diff)."""
    from django.db import transaction

    creating = instance.pk is None
    with transaction.atomic():
        before = {} if creating else snapshot(type(instance)._default_manager.get(pk=instance.pk))
        instance.full_clean()
        instance.save()
        changes = diff_fields(before, snapshot(instance))
        if creating or changes:
            record_change(
                actor=actor,
                action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                target=instance,
                changes=changes,
            )
    return instance
