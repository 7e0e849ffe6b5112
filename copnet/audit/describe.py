"""An audit event as people read it: "Nguyễn Văn A · Đổi trạng thái · Vụ việc C26-…",
then one line a change ("Mức ưu tiên: P3 cao → P1 khẩn cấp") and the reason in the reader's
language. Field names and values come from the target model (verbose names, choice labels);
personal values are never shown (they are stored only as fingerprints: "changed")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copnet.core.templatetags.labels import actor_words

from .models import AuditEvent
from .services import DESCRIPTIONS


@dataclass
class Change:
    name: str
    old: str = ""
    new: str = ""
    single: bool = False


@dataclass
class EventText:
    actor: str
    action: str
    record_kind: str
    record: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


# Records that are not rows of a model, and the names of what their events keep.
OTHER_KINDS = {"search": gettext_lazy("staff search")}
OTHER_CHANGES = {"found": gettext_lazy("found"), "cases": gettext_lazy("cases")}


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type) if "." in target_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _value(model_field: models.Field | None, value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, str) and value.startswith("hmac:"):
        return _("(personal value, not shown)")
    if isinstance(value, str) and value in DESCRIPTIONS:
        return {
            "set": _("set"),
            "changed": _("changed"),
            "replaced": _("replaced"),
            "cleared": _("cleared"),
            "purged": _("purged"),
        }[value]
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field is not None and model_field.choices:
        labels = {str(k): str(v) for k, v in model_field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(_value(None, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(None, v)}" for k, v in value.items())
    return str(value)


def _changes(model: type[models.Model] | None, changes: Any) -> list[Change]:
    if not isinstance(changes, dict):
        return [Change(name=_("Details"), new=_value(None, changes), single=True)]
    out = []
    for name, value in changes.items():
        model_field = _field(model, name)
        if model_field is not None:
            label = str(model_field.verbose_name)
        else:
            label = str(OTHER_CHANGES.get(name, name))
        label = label[:1].upper() + label[1:]
        if isinstance(value, list) and len(value) == 2:
            out.append(Change(label, _value(model_field, value[0]), _value(model_field, value[1])))
        else:
            out.append(Change(label, new=_value(model_field, value), single=True))
    return out


def describe(event: AuditEvent) -> EventText:
    model = _model(event.target_type)
    kind = str(model._meta.verbose_name) if model is not None else event.target_type
    kind = str(OTHER_KINDS.get(event.target_type, kind))
    record = event.target_repr or event.target_id
    return EventText(
        actor=actor_words(event.actor_label),
        action=str(event.get_action_display()),
        record_kind=kind[:1].upper() + kind[1:],
        record=_value(None, record) if record.startswith("hmac:") else record,
        changes=_changes(model, event.changes),
        reason=_(event.reason) if event.reason else "",
    )
