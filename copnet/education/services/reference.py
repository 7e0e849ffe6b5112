"""Reference content: the framework's skills and the starter courses, loaded once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from ..models import Choice, Course, Lesson, Question, Quiz, Skill
from .authoring import ChoiceInput, check_choices

REFERENCE_DIR = Path(__file__).parent.parent / "reference"


def load_learning_content(directory: Path = REFERENCE_DIR) -> int:
    """Create the framework's skills and the starter courses that are missing; never overwrite
    what editors changed since. Returns the number of courses created."""
    skills_data = json.loads((directory / "skills.json").read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        for order, row in enumerate(skills_data["skills"]):
            Skill.objects.get_or_create(code=row["code"], defaults={**row, "order": order})
        skills = {s.code: s for s in Skill.objects.all()}
        for path in sorted(directory.glob("course-*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if Course.objects.filter(code=data["code"]).exists():
                continue
            _create_course(data, skills)
            created += 1
    return created


def _create_course(data: dict[str, Any], skills: dict[str, Skill]) -> Course:
    fields = ("audience", "title_vi", "title_en", "summary_vi", "summary_en", "emoji", "order")
    course = Course.objects.create(
        code=data["code"], is_published=True, **{k: data[k] for k in fields if k in data}
    )
    for order, row in enumerate(data["lessons"]):
        lesson = Lesson.objects.create(
            course=course,
            order=order,
            title_vi=row["title_vi"],
            title_en=row["title_en"],
            body_vi=row["body_vi"],
            body_en=row["body_en"],
            video_url=row.get("video_url", ""),
        )
        lesson.skills.set([skills[c] for c in row["skills"]])
    quiz_data = data["quiz"]
    quiz = Quiz.objects.create(
        course=course,
        title_vi=quiz_data["title_vi"],
        title_en=quiz_data["title_en"],
        pass_percent=quiz_data.get("pass_percent", 60),
        draw_count=quiz_data.get("draw_count", 0),
    )
    for order, row in enumerate(quiz_data["questions"]):
        question = Question.objects.create(
            quiz=quiz,
            kind=row["kind"],
            skill=skills[row["skill"]],
            prompt_vi=row["prompt_vi"],
            prompt_en=row["prompt_en"],
            order=order,
        )
        filled = check_choices(row["kind"], [ChoiceInput(**c) for c in row["choices"]])
        Choice.objects.bulk_create(
            Choice(question=question, order=i, **c.__dict__) for i, c in enumerate(filled)
        )
    return course
