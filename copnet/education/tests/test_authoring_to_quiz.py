"""An editor writes and publishes a course; a child reads it and takes the quiz without an
account, and sees results per skill. Nothing identifies the child."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.audit.models import AuditEvent
from copnet.education.models import Attempt, Completion, Course, Lesson, Question, Quiz

from .factories import answers_for, make_editor, make_skill

pytestmark = pytest.mark.django_db


def test_an_editor_authors_and_publishes_and_a_child_completes_the_course(client, org_a):
    editor = make_editor(organisation=org_a)
    privacy, help_skill = make_skill("personal-info"), make_skill("asking-help")
    client.force_login(editor)

    response = client.post(
        reverse("education_staff:course_new"),
        {"code": "my-secrets", "audience": "6-8", "title_vi": "Bí mật của em",
         "title_en": "Your secrets", "order": 1},
    )  # fmt: skip
    assert response.status_code == 302
    course = Course.objects.get(code="my-secrets")
    assert not course.is_published

    # Publishing an empty course is refused.
    client.post(reverse("education_staff:course_publish", args=[course.code]), {"publish": "1"})
    course.refresh_from_db()
    assert not course.is_published

    response = client.post(
        reverse("education_staff:lesson_new", args=[course.code]),
        {"title_vi": "Giữ bí mật", "title_en": "Keep secrets", "order": 0,
         "body_vi": "Đừng cho người lạ biết **địa chỉ** nhà em. <script>alert(1)</script>",
         "skills": [privacy.pk, help_skill.pk],
         "video_url": "https://youtu.be/dQw4w9WgXcQ"},
    )  # fmt: skip
    assert response.status_code == 302
    lesson = Lesson.objects.get(course=course)
    assert set(lesson.skills.values_list("code", flat=True)) == {"personal-info", "asking-help"}

    client.post(
        reverse("education_staff:quiz_new", args=[course.code]),
        {"title_vi": "Đố vui", "title_en": "Quiz", "pass_percent": 100, "draw_count": 0},
    )
    quiz = Quiz.objects.get(course=course)
    for skill, correct in [(privacy, 0), (help_skill, 1)]:
        response = client.post(
            reverse("education_staff:question_new", args=[quiz.pk]),
            {"kind": "choice", "skill": skill.pk, "prompt_vi": f"Câu về {skill.code}?", "order": 0,
             "text_vi_0": "Trả lời A", "feedback_vi_0": "Phản hồi A",
             "text_vi_1": "Trả lời B", "feedback_vi_1": "Phản hồi B", "correct": str(correct)},
        )  # fmt: skip
        assert response.status_code == 302
    assert Question.objects.filter(quiz=quiz).count() == 2

    client.post(reverse("education_staff:course_publish", args=[course.code]), {"publish": "1"})
    course.refresh_from_db()
    assert course.is_published
    assert (
        AuditEvent.objects.filter(
            target_type="education.course", target_id=str(course.pk), actor=editor
        ).count()
        >= 2
    )

    # A child, no account.
    client.logout()
    page = client.get(reverse("learn:home"))
    assert "Bí mật của em" in page.content.decode()
    lesson_page = client.get(reverse("learn:lesson", args=[course.code, lesson.pk]))
    body = lesson_page.content.decode()
    assert "<strong>địa chỉ</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" in body
    response = client.post(reverse("learn:lesson", args=[course.code, lesson.pk]))
    assert response.url == reverse("learn:quiz", args=[course.code, quiz.pk])

    quiz_page = client.get(response.url)
    token = quiz_page.context["attempt"].token
    wrong_on_help = {q.pk: q.skill.code != "asking-help" for q in quiz.questions.all()}
    result = client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]),
        {"token": token, **answers_for(quiz, right=wrong_on_help)},
    )
    assert result.status_code == 200
    scores = {s.skill.code: (s.correct, s.total) for s in result.context["scores"]}
    assert scores == {"personal-info": (1, 1), "asking-help": (0, 1)}
    assert "Phản hồi" in result.content.decode()
    attempt = Attempt.objects.get(token=token)
    assert (attempt.score, attempt.passed, attempt.learner, attempt.user) == (1, False, None, None)
    assert not Completion.objects.exists()

    # Second go, all right: passed, and the course counts as completed once, with no identity.
    again = client.get(reverse("learn:quiz", args=[course.code, quiz.pk]))
    result = client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]),
        {"token": again.context["attempt"].token, **answers_for(quiz)},
    )
    assert result.context["attempt"].passed
    assert result.context["completed_now"]
    completion = Completion.objects.get()
    assert (completion.course, completion.learner, completion.user) == (course, None, None)
    assert client.get(reverse("learn:course", args=[course.code])).context["completed"]


def test_a_draft_course_is_not_shown_to_learners(client, db):
    course = Course.objects.create(code="draft", audience="6-8", title_vi="Nháp", title_en="Draft")
    assert client.get(reverse("learn:course", args=[course.code])).status_code == 404
    assert "Nháp" not in client.get(reverse("learn:home")).content.decode()


def test_the_quiz_draws_questions_from_the_bank(client, db):
    from .factories import make_course

    course = make_course()
    quiz = course.quizzes.get()
    Quiz.objects.filter(pk=quiz.pk).update(draw_count=1)
    page = client.get(reverse("learn:quiz", args=[course.code, quiz.pk]))
    assert len(page.context["attempt"].question_ids) == 1
    assert len(page.context["questions"]) == 1


def test_answers_keep_their_order_when_an_attempt_is_reloaded(client, db):
    from .factories import make_course

    course = make_course()
    quiz = course.quizzes.get()
    url = reverse("learn:quiz", args=[course.code, quiz.pk])
    first = [[c.pk for c in choices] for _q, choices in client.get(url).context["questions"]]
    again = [[c.pk for c in choices] for _q, choices in client.get(url).context["questions"]]
    assert first == again
    expected = [sorted(q.choices.values_list("pk", flat=True)) for q in quiz.questions.all()]
    assert sorted(sorted(ids) for ids in first) == sorted(expected)
