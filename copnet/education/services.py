"""Writes of the learning app: authoring, publishing, classes, quiz attempts, completions."""

from __future__ import annotations

import io
import json
import random
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, save_with_audit
from copnet.core import uploads
from copnet.core.text import clean_text

from .choices import QuestionKind
from .errors import LearningError, LearningErrorCode
from .models import (
    Attempt,
    Choice,
    Classroom,
    Completion,
    Course,
    Learner,
    Lesson,
    LessonProgress,
    Question,
    Quiz,
    Skill,
)

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

REFERENCE_DIR = Path(__file__).parent / "reference"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
LESSON_IMAGE_TYPES = (uploads.PNG, uploads.JPEG, uploads.WEBP, uploads.GIF)
# Class codes avoid letters and digits that children confuse (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


# --- authoring -------------------------------------------------------------------------------


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


# --- classes and learners ---------------------------------------------------------------------


def normalise_class_code(raw: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "")).upper()[:20]


def _new_class_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def do_create_class(*, teacher: Any, name: str, courses: Iterable[Course]) -> Classroom:
    name = clean_text(name, multiline=False)
    if not name:
        raise LearningError(LearningErrorCode.NAME, _("Give the class a name."), "name")
    for _attempt in range(10):
        try:
            with transaction.atomic():
                classroom = Classroom.objects.create(
                    teacher=teacher, name=name[:80], code=_new_class_code()
                )
                classroom.courses.set(list(courses))
                record(actor=teacher, action=AuditAction.CREATE, target=classroom)
                return classroom
        except IntegrityError:  # the random code was taken: draw another
            continue
    raise LearningError(LearningErrorCode.CODE, _("Could not create a class code. Try again."))


def do_set_class_open(*, classroom: Classroom, is_open: bool, actor: Principal | None) -> Classroom:
    with transaction.atomic():
        Classroom.objects.filter(pk=classroom.pk).update(is_open=is_open)
        classroom.is_open = is_open
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=classroom,
            changes={"is_open": [not is_open, is_open]},
        )
    return classroom


_PSEUDONYM = re.compile(r"^[\w .'-]{2,30}$")


def check_pseudonym(raw: str) -> str:
    """A made-up name: 2-30 letters, digits or spaces, and nothing that looks like contact
    details (an @ or a run of digits like a phone number)."""
    name = " ".join(clean_text(raw or "").split())
    if not _PSEUDONYM.match(name) or "_" in name:
        raise LearningError(
            LearningErrorCode.PSEUDONYM,
            _("Choose a made-up name of 2 to 30 letters or numbers."),
            "pseudonym",
        )
    if re.search(r"\d{5,}", name):
        raise LearningError(
            LearningErrorCode.PSEUDONYM,
            _("Do not use a phone number. Choose a made-up name instead."),
            "pseudonym",
        )
    return name


def do_join_class(*, code: str, pseudonym: str) -> Learner:
    """A child joins an open class with its code and a made-up name. A wrong or closed code and a
    name already used in the class are refused with the same care: nothing is created."""
    name = check_pseudonym(pseudonym)
    classroom = Classroom.objects.filter(code=normalise_class_code(code), is_open=True).first()
    if classroom is None:
        raise LearningError(
            LearningErrorCode.NO_CLASS,
            _("We could not find an open class with this code. Ask your teacher."),
            "code",
        )
    try:
        with transaction.atomic():
            return Learner.objects.create(classroom=classroom, pseudonym=name)
    except IntegrityError:
        raise LearningError(
            LearningErrorCode.PSEUDONYM_TAKEN,
            _("Someone in this class already uses this name. Choose another one."),
            "pseudonym",
        ) from None


# --- learning progress ------------------------------------------------------------------------


def do_mark_lesson_read(*, lesson: Lesson, learner: Learner | None, user: Any = None) -> None:
    if learner is not None:
        LessonProgress.objects.get_or_create(lesson=lesson, learner=learner)
    elif user is not None and getattr(user, "is_authenticated", False):
        LessonProgress.objects.get_or_create(lesson=lesson, user=user)


def do_start_attempt(
    *,
    quiz: Quiz,
    learner: Learner | None = None,
    user: Any = None,
    rng: random.Random | None = None,
) -> Attempt:
    """Draw this attempt's questions from the quiz's bank (all of them when draw_count is 0)."""
    ids = list(quiz.questions.values_list("pk", flat=True))
    if not ids:
        raise LearningError(LearningErrorCode.EMPTY_QUIZ, _("This quiz has no questions yet."))
    if quiz.draw_count and quiz.draw_count < len(ids):
        ids = sorted((rng or random.SystemRandom()).sample(ids, quiz.draw_count))
    person = user if user is not None and getattr(user, "is_authenticated", False) else None
    return Attempt.objects.create(
        token=secrets.token_hex(16),
        quiz=quiz,
        learner=learner,
        user=person,
        question_ids=ids,
    )


def do_submit_attempt(*, attempt: Attempt, answers: dict[str, str]) -> Attempt:
    """Score an attempt once. Every drawn question must be answered with one of its own answers
    (answers for another quiz or question are refused); a second submission is refused. Nothing
    is written on refusal."""
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=attempt.question_ids)
        .select_related("skill")
        .prefetch_related("choices")
    }
    chosen: dict[int, Choice] = {}
    for key, value in answers.items():
        try:
            if not (str(key).isascii() and str(value).isascii()):
                raise ValueError
            question_id, choice_id = int(key), int(value)
        except (TypeError, ValueError):
            raise LearningError(
                LearningErrorCode.BAD_ANSWER, _("These answers do not belong to this quiz.")
            ) from None
        question = questions.get(question_id)
        choice = (
            next((c for c in question.choices.all() if c.pk == choice_id), None)
            if question
            else None
        )
        if choice is None:
            raise LearningError(
                LearningErrorCode.BAD_ANSWER, _("These answers do not belong to this quiz.")
            )
        chosen[question_id] = choice
    if set(chosen) != set(questions):
        raise LearningError(
            LearningErrorCode.UNANSWERED, _("Answer every question, then check your answers.")
        )

    skill_results: dict[str, list[int]] = {}
    for question_id, question in questions.items():
        tally = skill_results.setdefault(question.skill.code, [0, 0])
        tally[0] += int(chosen[question_id].is_correct)
        tally[1] += 1
    score = sum(c.is_correct for c in chosen.values())
    max_score = len(questions)
    passed = 100 * score >= attempt.quiz.pass_percent * max_score
    with transaction.atomic():
        # Claim the attempt: only one submission can turn submitted_at from empty to now.
        claimed = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
            submitted_at=timezone.now(),
            answers={str(k): c.pk for k, c in chosen.items()},
            score=score,
            max_score=max_score,
            passed=passed,
            skill_results=skill_results,
        )
        if claimed != 1:
            raise LearningError(
                LearningErrorCode.REPLAYED,
                _("These answers were already checked. Start the quiz again."),
            )
    attempt.refresh_from_db()
    return attempt


def lessons_all_read(course: Course, read_ids: Iterable[int]) -> bool:
    return set(course.lessons.values_list("pk", flat=True)) <= set(read_ids)


def do_record_completion(
    *, course: Course, learner: Learner | None, user: Any = None, campaign_id: int | None = None
) -> Completion | None:
    """Count a completed course once per learner or user (the caller keeps anonymous sessions
    from counting twice). Returns None when it was already counted."""
    person = user if user is not None and getattr(user, "is_authenticated", False) else None
    lookup: dict[str, Any] = {"course": course}
    if learner is not None:
        lookup["learner"] = learner
    elif person is not None:
        lookup["user"] = person
    else:
        lookup = {}
    try:
        with transaction.atomic():
            if lookup and Completion.objects.filter(**lookup).exists():
                return None
            return Completion.objects.create(
                course=course, learner=learner, user=person, campaign_id=campaign_id
            )
    except IntegrityError:
        return None


def has_completed(user_or_learner: Any, course_code: str) -> bool:
    """Has this signed-in user (e.g. a volunteer) or class learner completed the course?

    Used by other apps, e.g. as "required training" for volunteers."""
    if isinstance(user_or_learner, Learner):
        return Completion.objects.filter(learner=user_or_learner, course__code=course_code).exists()
    if user_or_learner is None or not getattr(user_or_learner, "is_authenticated", False):
        return False
    return Completion.objects.filter(user=user_or_learner, course__code=course_code).exists()


# --- reference content ------------------------------------------------------------------------


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
