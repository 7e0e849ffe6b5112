"""Reads of the learning app. Classes are visible to the teacher who created them only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from copnet.accounts.permissions import Perm, has_perm, is_active_person

from .models import Attempt, Classroom, Completion, Course, Learner, LessonProgress, Skill

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def published_courses(audience: str | None = None) -> QuerySet[Course]:
    courses = Course.objects.filter(is_published=True)
    return courses.filter(audience=audience) if audience else courses


def access_published_course(code: str) -> Course:
    course = published_courses().filter(code=code).first()
    if course is None:
        raise Http404
    return course


def classes_of(user: Principal | None) -> QuerySet[Classroom]:
    """A teacher's own classes; nobody else's, whatever their role."""
    if not (is_active_person(user) and has_perm(user, Perm.TEACH_CLASSES)):
        return Classroom.objects.none()
    return Classroom.objects.filter(teacher=user)


def access_class(user: Principal | None, pk: int) -> Classroom:
    """One of the user's own classes, or 404 (missing and someone else's alike)."""
    try:
        return classes_of(user).get(pk=pk)
    except (Classroom.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass
class SkillScore:
    skill: Skill
    correct: int = 0
    total: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.correct / self.total) if self.total else None


def skill_scores(skill_results: list[dict[str, list[int]]]) -> list[SkillScore]:
    """Sum {skill code: [correct, total]} tallies into one score per skill of the framework."""
    scores = {s.code: SkillScore(skill=s) for s in Skill.objects.all()}
    for tallies in skill_results:
        for code, (correct, total) in tallies.items():
            if code in scores:
                scores[code].correct += correct
                scores[code].total += total
    return list(scores.values())


@dataclass
class LearnerRow:
    learner: Learner
    lessons_read: int = 0
    completed: list[str] = field(default_factory=list)
    scores: list[SkillScore] = field(default_factory=list)


@dataclass
class ClassProgress:
    classroom: Classroom
    skills: list[Skill]
    rows: list[LearnerRow]
    class_scores: list[SkillScore]


def class_progress(classroom: Classroom) -> ClassProgress:
    """Each learner's lessons read, courses completed and results per skill, plus the class's
    results per skill (over all submitted attempts). A fixed number of queries."""
    learners = list(classroom.learners.all())
    skills = list(Skill.objects.all())
    read: dict[int, int] = {}
    for learner_id in LessonProgress.objects.filter(learner__classroom=classroom).values_list(
        "learner_id", flat=True
    ):
        read[learner_id] = read.get(learner_id, 0) + 1
    completed: dict[int, list[str]] = {}
    for learner_id, code in Completion.objects.filter(learner__classroom=classroom).values_list(
        "learner_id", "course__code"
    ):
        completed.setdefault(learner_id, []).append(code)
    results: dict[int, list[dict[str, list[int]]]] = {}
    for learner_id, tallies in Attempt.objects.filter(
        learner__classroom=classroom, submitted_at__isnull=False
    ).values_list("learner_id", "skill_results"):
        results.setdefault(learner_id, []).append(tallies)

    def scores(tallies: list[dict[str, list[int]]]) -> list[SkillScore]:
        by_code = {s.code: SkillScore(skill=s) for s in skills}
        for tally in tallies:
            for code, (correct, total) in tally.items():
                if code in by_code:
                    by_code[code].correct += correct
                    by_code[code].total += total
        return list(by_code.values())

    rows = [
        LearnerRow(
            learner=learner,
            lessons_read=read.get(learner.pk, 0),
            completed=completed.get(learner.pk, []),
            scores=scores(results.get(learner.pk, [])),
        )
        for learner in learners
    ]
    everything = [t for tallies in results.values() for t in tallies]
    return ClassProgress(
        classroom=classroom, skills=skills, rows=rows, class_scores=scores(everything)
    )
