"""Learning progress: lessons read, quiz attempts, completions."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.models import User

from ..errors import LearningError, LearningErrorCode
from ..models import (
    Attempt,
    Choice,
    Completion,
    Course,
    Learner,
    Lesson,
    LessonProgress,
    Question,
    Quiz,
)

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def _person(user: Principal | None) -> User | None:
    """The signed-in person behind `user`, or None (an anonymous visitor, an API key)."""
    return user if isinstance(user, User) else None


def do_mark_lesson_read(
    *, lesson: Lesson, learner: Learner | None, user: Principal | None = None
) -> None:
    person = _person(user)
    if learner is not None:
        LessonProgress.objects.get_or_create(lesson=lesson, learner=learner)
    elif person is not None:
        LessonProgress.objects.get_or_create(lesson=lesson, user=person)


def do_start_attempt(
    *,
    quiz: Quiz,
    learner: Learner | None = None,
    user: Principal | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """Draw this attempt's questions from the quiz's bank (all of them when draw_count is 0)."""
    ids = list(quiz.questions.values_list("pk", flat=True))
    if not ids:
        raise LearningError(LearningErrorCode.EMPTY_QUIZ, _("This quiz has no questions yet."))
    if quiz.draw_count and quiz.draw_count < len(ids):
        ids = sorted((rng or random.SystemRandom()).sample(ids, quiz.draw_count))
    person = _person(user)
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
    *,
    course: Course,
    learner: Learner | None,
    user: Principal | None = None,
    campaign_id: int | None = None,
) -> Completion | None:
    """Count a completed course once per learner or user (the caller keeps anonymous sessions
    from counting twice). Returns None when it was already counted."""
    person = _person(user)
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
