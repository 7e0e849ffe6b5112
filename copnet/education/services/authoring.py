"""Authoring: courses, lessons (and their pictures), quizzes and questions; publishing."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, save_with_audit
from copnet.core import uploads

from ..choices import QuestionKind
from ..errors import LearningError, LearningErrorCode
from ..models import Choice, Course, Lesson, Question, Quiz, Skill

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
LESSON_IMAGE_TYPES = (uploads.PNG, uploads.JPEG, uploads.WEBP, uploads.GIF)


def do_save_course(*, course: Course, actor: Principal | None) -> Course:
    return save_with_audit(instance=course, actor=actor)


def check_lesson_image(data: bytes) -> tuple[bytes, str]:
    """Validate an uploaded picture and re-encode it (drops metadata such as GPS positions).

    Returns (bytes, extension). Raises LearningError for anything that is not a small image."""
    try:
        with uploads.open_checked_image(
            data, allowed=LESSON_IMAGE_TYPES, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_IMAGE_PIXELS
        ) as (_checked, img):
            out = io.BytesIO()
            if img.mode in {"RGBA", "LA", "P"}:
                img.convert("RGBA").save(out, "PNG", optimize=True)
                return out.getvalue(), "png"
            img.convert("RGB").save(out, "JPEG", quality=85)
            return out.getvalue(), "jpg"
    except uploads.UploadError as error:
        raise _image_error(error.code) from error
    except (OSError, ValueError) as error:  # decoded, but Pillow cannot convert this mode
        raise _image_error("not_an_image") from error


def _image_error(code: str) -> LearningError:
    if code in {"too_large", "decompression_bomb"}:
        return LearningError(
            LearningErrorCode.IMAGE_TOO_LARGE,
            _("The picture is too large (2 MB at most)."),
            "image",
        )
    if code == "unsupported_type":
        return LearningError(
            LearningErrorCode.IMAGE_TYPE, _("Use a PNG, JPEG or WebP picture."), "image"
        )
    return LearningError(
        LearningErrorCode.IMAGE_TYPE, _("This file is not a picture we can use."), "image"
    )


def do_save_lesson(
    *, lesson: Lesson, skills: Iterable[Skill], actor: Principal | None, image: bytes | None = None
) -> Lesson:
    """Save a lesson with its skills; a new picture is checked before anything is written."""
    checked = check_lesson_image(image) if image else None
    with transaction.atomic():
        if checked:
            data, ext = checked
            lesson.image.save(f"lesson-{secrets.token_hex(8)}.{ext}", ContentFile(data), save=False)
        save_with_audit(instance=lesson, actor=actor)
        lesson.skills.set(list(skills))
    return lesson


def do_save_quiz(*, quiz: Quiz, actor: Principal | None) -> Quiz:
    return save_with_audit(instance=quiz, actor=actor)


@dataclass(frozen=True)
class ChoiceInput:
    text_vi: str
    text_en: str = ""
    is_correct: bool = False
    feedback_vi: str = ""
    feedback_en: str = ""


def check_choices(kind: str, choices: Sequence[ChoiceInput]) -> list[ChoiceInput]:
    filled = [c for c in choices if c.text_vi.strip()]
    if kind == QuestionKind.TRUE_FALSE and len(filled) != 2:
        raise LearningError(
            LearningErrorCode.CHOICES, _("A true-or-false question has exactly two answers.")
        )
    if not 2 <= len(filled) <= 6:
        raise LearningError(LearningErrorCode.CHOICES, _("Give between two and six answers."))
    if sum(c.is_correct for c in filled) != 1:
        raise LearningError(LearningErrorCode.CHOICES, _("Mark exactly one answer as correct."))
    return filled


def do_save_question(
    *, question: Question, choices: Sequence[ChoiceInput], actor: Principal | None
) -> Question:
    """Save a question and replace its answers (checked first: nothing is written on error)."""
    filled = check_choices(question.kind, choices)
    with transaction.atomic():
        save_with_audit(instance=question, actor=actor)
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=question, order=i, **c.__dict__) for i, c in enumerate(filled)
        )
    return question


def check_publishable(course: Course) -> None:
    if not course.lessons.exists():
        raise LearningError(
            LearningErrorCode.NO_LESSONS, _("Add at least one lesson before publishing.")
        )
    quizzes = list(course.quizzes.prefetch_related("questions__choices"))
    if not quizzes or not all(q.questions.all() for q in quizzes):
        raise LearningError(
            LearningErrorCode.NO_QUIZ, _("Add a quiz with questions before publishing.")
        )
    for quiz in quizzes:
        for question in quiz.questions.all():
            if sum(c.is_correct for c in question.choices.all()) != 1:
                raise LearningError(
                    LearningErrorCode.BAD_QUESTION,
                    _("Every question needs exactly one correct answer: %(q)s")
                    % {"q": question.prompt[:60]},
                )


def do_set_published(*, course: Course, published: bool, actor: Principal | None) -> Course:
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if published:
            check_publishable(course)
        if course.is_published != published:
            course.is_published = published
            course.save(update_fields=["is_published", "updated_at"])
            record(
                actor=actor,
                action=AuditAction.UPDATE,
                target=course,
                changes={"is_published": [not published, published]},
            )
    return course
