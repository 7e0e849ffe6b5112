from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change, save_with_audit
from copnet.core.reference import fields_to_update, read_versions
from copnet.education.models import Course
from copnet.network.models import Organisation

from .models import HarmCategory

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

REFERENCE_FILE = Path(__file__).parent / "reference" / "categories.json"
TEXT_FIELDS = (
    "name_vi",
    "name_en",
    "help_vi",
    "help_en",
    "severity",
    "ack_hours",
    "action_hours",
    "close_days",
    "legal_basis",
    "supporting_sees",
    "family",
)


def _values(row: Mapping[str, Any], order: int | None = None) -> dict[str, Any]:
    # supporting_sees and family came after version 2: a row without them had the defaults.
    defaults = {"supporting_sees": "summary", "family": ""}
    values = {k: row.get(k, defaults[k]) if k in defaults else row[k] for k in TEXT_FIELDS}
    values["lead"] = row.get("lead") or None
    values["supporting"] = sorted(row.get("supporting", []))
    values["courses"] = sorted(row.get("courses", []))
    if order is not None:
        values["order"] = order
    return values


def load_categories(path: Path = REFERENCE_FILE) -> int:
    """Create the missing categories of the reference taxonomy and apply a new version to the
    existing ones (`copnet.core.reference`: only fields nobody edited since an earlier version
    move, each change audited). A category's lead until a reorganisation (`history` in the
    file) becomes a dated routing rule in `routing.services.load_past_leads`, run next.

    Needs the Network directory and the courses loaded first. Idempotent."""
    versions = read_versions(path)
    reason = f"reference data version {versions.number}"
    before: dict[Hashable, list[dict[str, Any]]] = {}
    for version in versions.previous:
        for order, row in enumerate(version["categories"]):
            before.setdefault(row["code"], []).append(_values(row, order))
    orgs = {org.code: org for org in Organisation.objects.all()}
    courses = {course.code: course for course in Course.objects.all()}
    created = 0
    with transaction.atomic():
        for order, row in enumerate(versions.current["categories"]):
            new = _values(row, order)
            category, was_created = HarmCategory.objects.get_or_create(
                code=row["code"],
                defaults={
                    **{k: new[k] for k in (*TEXT_FIELDS, "order")},
                    "default_lead": orgs.get(row["lead"]),
                },
            )
            if was_created:
                category.default_supporting.set([orgs[c] for c in new["supporting"] if c in orgs])
                category.courses.set([courses[c] for c in new["courses"] if c in courses])
                created += 1
            else:
                _apply(category, new, before.get(row["code"], []), orgs, courses, reason)
    return created


def _apply(
    category: HarmCategory,
    new: dict[str, Any],
    before: list[dict[str, Any]],
    orgs: Mapping[str, Organisation],
    courses: Mapping[str, Course],
    reason: str,
) -> None:
    have = {k: getattr(category, k) for k in (*TEXT_FIELDS, "order")}
    have["lead"] = category.default_lead.code if category.default_lead else None
    have["supporting"] = sorted(o.code for o in category.default_supporting.all())
    have["courses"] = sorted(c.code for c in category.courses.all())
    changes = fields_to_update(have, new, before)
    if not changes:
        return
    simple = [k for k in changes if k in TEXT_FIELDS or k == "order"]
    for name in simple:
        setattr(category, name, changes[name][1])
    if "lead" in changes:
        category.default_lead = orgs.get(changes["lead"][1] or "")
        simple.append("default_lead")
    if simple:
        category.save(update_fields=simple)
    if "supporting" in changes:
        category.default_supporting.set([orgs[c] for c in changes["supporting"][1] if c in orgs])
    if "courses" in changes:
        category.courses.set([courses[c] for c in changes["courses"][1] if c in courses])
    record_change(
        actor=None, action=AuditAction.UPDATE, target=category, changes=changes, reason=reason
    )


def do_save_category(
    *, category: HarmCategory, actor: Principal | None, supporting: Any = None
) -> HarmCategory:
    with transaction.atomic():
        save_with_audit(instance=category, actor=actor)
        if supporting is not None:
            category.default_supporting.set(supporting)
    return category
