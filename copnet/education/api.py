"""Read-only public API of the learning content: the skills framework and published courses."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from copnet.core.links import absolute_reverse
from copnet.core.schemas import QueryText

from .models import Skill
from .schemas import CourseOut, SkillOut
from .selectors import published_courses

router = Router(tags=["learning"])


@router.get("/skills", response=list[SkillOut], auth=None)
def list_skills(request: HttpRequest) -> list[Skill]:
    return list(Skill.objects.all())


@router.get("/courses", response=list[CourseOut], auth=None)
def list_courses(request: HttpRequest, audience: QueryText = "") -> list[dict[str, object]]:
    courses = published_courses(audience or None).prefetch_related("lessons")
    return [
        {
            "code": c.code,
            "audience": c.audience,
            "title_vi": c.title_vi,
            "title_en": c.title_en,
            "summary_vi": c.summary_vi,
            "summary_en": c.summary_en,
            "lessons": len(c.lessons.all()),
            "url": absolute_reverse("learn:course", c.code),
        }
        for c in courses
    ]
