"""Writing the audit trail. Services call these explicitly, inside their own transaction.

What may go where (docs/personal-data.md):
- `reason`: fixed wording from the code ("removal request sent"); never text a person typed.
- `note`: what a person typed (a transition reason, a decision); stored encrypted and erased
  by the retention purge together with the record it is about.
- `changes`: field names and non-personal values; a personal field of the target (any
  encrypted field, or one named in the model's AUDIT_PERSONAL) is replaced by a keyed
  fingerprint, so the trail shows that it changed, not what it says.
- IP address and browser: only for signed-in people and API keys (security of the accounts
  that can see cases); never for anonymous visitors (the public channels promise anonymity).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile

from copnet.accounts.permissions import is_api_key
from copnet.core.crypto import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    fingerprint,
)

from .choices import AuditAction
from .context import SYSTEM_ORIGIN, RequestOrigin, current_origin
from .models import AuditEvent, AuditEventQuerySet

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

M = TypeVar("M", bound=models.Model)

SYSTEM_LABEL = "system"
PERSONAL_FIELD_TYPES = (EncryptedTextField, EncryptedJSONField, EncryptedDateField)


def _actor_fields(actor: Principal | None) -> dict[str, Any]:
    if actor is None:
        return {"actor": None, "actor_label": SYSTEM_LABEL, "actor_org": ""}
    # An API key acts for its organisation.
    if is_api_key(actor):
        return {
            "actor": None,
            "actor_label": f"api-key:{actor.prefix}",
            "actor_org": actor.organisation.code,
            "api_key_id": actor.pk,
        }
    if isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return {"actor": None, "actor_label": "anonymous", "actor_org": ""}
    org = actor.organisation
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


def personal_fields(model: type[models.Model] | models.Model) -> frozenset[str]:
    """Names of the fields of `model` whose values the audit trail never stores."""
    meta = model._meta
    names = {f.name for f in meta.concrete_fields if isinstance(f, PERSONAL_FIELD_TYPES)}
    return frozenset(names | set(getattr(model, "AUDIT_PERSONAL", ())))


def _is_fingerprint(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("hmac:") and len(value) == 21


# Words a service may record instead of a personal value ("api_token": "replaced").
DESCRIPTIONS = frozenset({"set", "changed", "replaced", "cleared", "purged"})


def _masked(value: Any) -> Any:
    if value in ("", None, [], {}) or _is_fingerprint(value):
        return value
    if isinstance(value, str) and value in DESCRIPTIONS:
        return value
    return fingerprint(value)


def redact(model: type[models.Model] | models.Model | None, changes: dict[str, Any]) -> Any:
    """`changes` with the values of personal fields replaced by fingerprints ([old, new] pairs
    element by element; empty values stay empty, so "set" and "cleared" remain visible)."""
    safe = _json_safe(changes)
    if model is None:
        return safe
    personal = personal_fields(model)
    for name in personal & set(safe):
        value = safe[name]
        is_pair = isinstance(value, list) and len(value) == 2
        safe[name] = [_masked(v) for v in value] if is_pair else _masked(value)
    return safe


def _target_repr(target: models.Model | None) -> str:
    if target is None:
        return ""
    custom = getattr(target, "audit_repr", None)
    return str(custom() if callable(custom) else target)[:255]


def _origin_fields(actor: Principal | None, origin: RequestOrigin) -> dict[str, Any]:
    """Where the request came from; the address and browser only for signed-in people and
    API keys, never for anonymous visitors or work done by the system on their behalf."""
    known = getattr(actor, "is_api_key", False) or getattr(actor, "is_authenticated", False)
    return {
        "ip": origin.ip if known else None,
        "user_agent": origin.user_agent if known else "",
        "request_id": origin.request_id,
        "channel": origin.channel,
    }


def record(
    *,
    actor: Principal | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    note: str = "",
) -> AuditEvent:
    """One audit row. `reason` is fixed wording from the code; `note` is what a person typed
    (stored encrypted, erased by the retention purge)."""
    origin = current_origin.get() or SYSTEM_ORIGIN
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return AuditEvent.objects.create(
        **_actor_fields(actor),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=_target_repr(target),
        changes=redact(target, changes or {}),
        reason=reason,
        note=note,
        **_origin_fields(actor, origin),
    )


def record_changes(
    *,
    actor: Principal | None,
    action: str,
    changes_by_target: list[tuple[models.Model, dict[str, Any]]],
    reason: str = "",
) -> list[AuditEvent]:
    """One audit row per target, written in one INSERT (batch work such as triage)."""
    origin = current_origin.get() or SYSTEM_ORIGIN
    actor_fields = _actor_fields(actor)
    origin_fields = _origin_fields(actor, origin)
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            **actor_fields,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_repr=_target_repr(target),
            changes=redact(target, changes),
            reason=reason,
            **origin_fields,
        )
        for target, changes in changes_by_target
    )


def record_change(
    *,
    actor: Principal | None,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    note: str = "",
) -> AuditEvent:
    return record(
        actor=actor, action=action, target=target, changes=changes, reason=reason, note=note
    )


def erase_personal_values(
    events: QuerySet[AuditEvent],
    *,
    note: bool = True,
    origin: bool = False,
    actor_label: str | None = None,
    target_repr: str | None = None,
) -> int:
    """The retention purge's only way into existing audit rows: blank the typed note (and, if
    asked, the IP address and browser), or replace a departed person's label. Rows are never
    deleted, and who did what to which record stays readable. Returns the rows changed."""
    values: dict[str, Any] = {}
    if note:
        values["note"] = ""
    if origin:
        values["ip"], values["user_agent"] = None, ""
    if actor_label is not None:
        values["actor_label"] = actor_label
    if target_repr is not None:
        values["target_repr"] = target_repr
    rows: AuditEventQuerySet = AuditEvent.objects.filter(pk__in=events.values("pk"))
    return rows._erase(**values)


def record_view(
    *, actor: Principal | None, target: models.Model, changes: dict[str, Any] | None = None
) -> AuditEvent:
    """Someone looked at a sensitive record (`changes`: what of it they were shown)."""
    return record(actor=actor, action=AuditAction.VIEW, target=target, changes=changes)


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The row's values for a diff; personal fields as fingerprints (see `redact`)."""
    names = fields or [
        f.attname
        for f in instance._meta.concrete_fields
        if f.name not in {"created_at", "updated_at"}
    ]
    return redact(instance, {name: getattr(instance, name) for name in names})


def save_with_audit(*, instance: M, actor: Principal | None) -> M:
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
