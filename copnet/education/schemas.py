from __future__ import annotations

from ninja import Schema


class SkillOut(Schema):
    code: str
    name_vi: str
    name_en: str


class CourseOut(Schema):
    code: str
    audience: str
    title_vi: str
    title_en: str
    summary_vi: str
    summary_en: str
    lessons: int
    url: str
