"""Advice for reporters by kind of harm (`HarmGuidance`): loading the reference file and
finding the advice (and its lesson) for a category."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.reference import fields_to_update, read_versions
from copnet.education.models import Course, Lesson

from .models import HarmCategory, HarmGuidance

GUIDANCE_FILE = Path(__file__).parent / "reference" / "guidance.json"
FALLBACK_CODE = "other"
TEXT_FIELDS = (
    "do_now_vi",
    "do_now_en",
    "dont_vi",
    "dont_en",
    "next_vi",
    "next_en",
    "who_sees_vi",
    "who_sees_en",
    "call_when_vi",
    "call_when_en",
)


def _values(row: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: row[k] for k in TEXT_FIELDS}
    values["course"] = row.get("course") or None
    values["lesson_order"] = row.get("lesson")
    return values


def load_guidance(path: Path = GUIDANCE_FILE) -> int:
    """Create the advice missing for the categories of the file; a new version moves only the
    fields nobody edited since (`core.reference`), audited. Needs the categories and courses
    loaded first. Idempotent; returns the rows created."""
    versions = read_versions(path)
    before: dict[Hashable, list[dict[str, Any]]] = versions.previous_rows(
        "guidance", key=lambda row: row["code"], normalise=_values
    )
    categories = {c.code: c for c in HarmCategory.objects.all()}
    courses = {c.code: c for c in Course.objects.all()}
    created = 0
    with transaction.atomic():
        for row in versions.current["guidance"]:
            category = categories.get(row["code"])
            if category is None:
                continue
            new = _values(row)
            existing = HarmGuidance.objects.filter(category=category).first()
            if existing is None:
                HarmGuidance.objects.create(
                    category=category,
                    course=courses.get(new["course"] or ""),
                    lesson_order=new["lesson_order"],
                    **{k: new[k] for k in TEXT_FIELDS},
                )
                created += 1
                continue
            have = {k: getattr(existing, k) for k in TEXT_FIELDS}
            have["course"] = existing.course.code if existing.course else None
            have["lesson_order"] = existing.lesson_order
            changes = fields_to_update(have, new, before.get(row["code"], []))
            if not changes:
                continue
            for name, (_old, value) in changes.items():
                if name == "course":
                    existing.course = courses.get(value or "")
                else:
                    setattr(existing, name, value)
            existing.save()
            record_change(
                actor=None,
                action=AuditAction.UPDATE,
                target=existing,
                changes=changes,
                reason=f"reference data version {versions.number}",
            )
    return created


@dataclass(frozen=True)
class Advice:
    guidance: HarmGuidance
    category: HarmCategory
    lesson_url: str
    lesson_title: str


def advice_for(category: HarmCategory) -> Advice | None:
    """The advice for this category, else the fallback ("other"), with the link to its lesson
    (or course) when that is published."""
    guidance = (
        HarmGuidance.objects.select_related("course").filter(category=category).first()
        or HarmGuidance.objects.select_related("course")
        .filter(category__code=FALLBACK_CODE)
        .first()
    )
    if guidance is None:
        return None
    url, title = _lesson_link(guidance)
    return Advice(guidance=guidance, category=category, lesson_url=url, lesson_title=title)


def advice_by_code(categories: list[HarmCategory]) -> dict[str, Advice]:
    """Advice for each of these categories, by category code (for the report form), in two
    queries."""
    rows = {g.category_id: g for g in HarmGuidance.objects.select_related("course", "category")}
    fallback = next((g for g in rows.values() if g.category.code == FALLBACK_CODE), None)
    lessons = {
        (lesson.course_id, lesson.order): lesson
        for lesson in Lesson.objects.filter(
            course_id__in={g.course_id for g in rows.values() if g.course_id}
        )
    }
    found = {}
    for category in categories:
        guidance = rows.get(category.pk) or fallback
        if guidance is not None:
            url, title = _lesson_link(guidance, lessons)
            found[category.code] = Advice(guidance, category, url, title)
    return found


def _lesson_link(
    guidance: HarmGuidance, lessons: dict[tuple[int, int], Lesson] | None = None
) -> tuple[str, str]:
    course = guidance.course
    if course is None or not course.is_published:
        return "", ""
    if guidance.lesson_order is not None:
        lesson = (
            lessons.get((course.pk, guidance.lesson_order))
            if lessons is not None
            else Lesson.objects.filter(course=course, order=guidance.lesson_order).first()
        )
        if lesson is not None:
            return reverse("learn:lesson", args=[course.code, lesson.pk]), lesson.title
    return reverse("learn:course", args=[course.code]), course.title
