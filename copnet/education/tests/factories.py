from __future__ import annotations

from typing import Any

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user

from ..choices import Audience, QuestionKind
from ..models import Course, Lesson, Quiz, Skill
from ..services import ChoiceInput, do_save_question, do_save_quiz, do_set_published


def make_skill(code: str = "personal-info") -> Skill:
    return Skill.objects.get_or_create(
        code=code, defaults={"name_vi": f"Kỹ năng {code}", "name_en": f"Skill {code}"}
    )[0]


def make_teacher(*, email: str, organisation: Any) -> Any:
    return make_user(email=email, organisation=organisation, role=Role.TEACHER)


def make_editor(*, email: str = "editor@a.example", organisation: Any) -> Any:
    return make_user(email=email, organisation=organisation, role=Role.EDITOR)


def make_course(
    *, code: str = "test-course", audience: str = Audience.AGE_9_11, publish: bool = True
) -> Course:
    """A course with two lessons and a quiz of two questions on two skills, set up through the
    services as an editor would."""
    privacy, bullying = make_skill("personal-info"), make_skill("bullying")
    course = Course.objects.create(
        code=code, audience=audience, title_vi=f"Khóa {code}", title_en=f"Course {code}"
    )
    for order, skill in enumerate([privacy, bullying]):
        lesson = Lesson.objects.create(
            course=course,
            order=order,
            title_vi=f"Bài {order + 1}",
            title_en=f"Lesson {order + 1}",
            body_vi=f"Nội dung **bài {order + 1}**",
        )
        lesson.skills.set([skill])
    quiz = do_save_quiz(
        quiz=Quiz(course=course, title_vi="Đố vui", title_en="Quiz", pass_percent=50), actor=None
    )
    for order, skill in enumerate([privacy, bullying]):
        from ..models import Question

        do_save_question(
            question=Question(
                quiz=quiz,
                kind=QuestionKind.MULTIPLE_CHOICE,
                skill=skill,
                prompt_vi=f"Câu hỏi {order + 1}?",
                order=order,
            ),
            choices=[
                ChoiceInput(text_vi="Đúng", is_correct=True, feedback_vi="Giỏi lắm"),
                ChoiceInput(text_vi="Sai", feedback_vi="Chưa đúng"),
            ],
            actor=None,
        )
    if publish:
        do_set_published(course=course, published=True, actor=None)
        course.refresh_from_db()
    return course


def answers_for(quiz: Quiz, *, right: bool | dict[int, bool] = True) -> dict[str, str]:
    """POST data answering every question of `quiz` rightly (or wrongly)."""
    data = {}
    for question in quiz.questions.prefetch_related("choices"):
        want = right if isinstance(right, bool) else right.get(question.pk, True)
        choice = next(c for c in question.choices.all() if c.is_correct == want)
        data[f"q{question.pk}"] = str(choice.pk)
    return data
