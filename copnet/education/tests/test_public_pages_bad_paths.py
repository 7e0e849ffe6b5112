"""Public learning pages answer 404 for drafts and for lessons or quizzes of another course; the
teacher's look at a class is audited; the editor's preview is sanitised."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.audit.models import AuditEvent
from copnet.education.models import Attempt, Course
from copnet.education.services import do_create_class

from .factories import make_course, make_editor, make_skill, make_teacher

pytestmark = pytest.mark.django_db


def test_lessons_and_quizzes_of_another_course_are_not_found(client):
    one, two = make_course(code="one"), make_course(code="two")
    other_lesson = two.lessons.first()
    other_quiz = two.quizzes.get()
    assert client.get(reverse("learn:lesson", args=[one.code, other_lesson.pk])).status_code == 404
    assert client.get(reverse("learn:quiz", args=[one.code, other_quiz.pk])).status_code == 404
    assert not Attempt.objects.exists()


def test_a_withdrawn_course_is_not_found_and_starts_no_attempt(client):
    course = make_course()
    Course.objects.filter(pk=course.pk).update(is_published=False)
    quiz = course.quizzes.get()
    assert client.get(reverse("learn:quiz", args=[course.code, quiz.pk])).status_code == 404
    assert (
        client.get(
            reverse("learn:lesson", args=[course.code, course.lessons.first().pk])
        ).status_code
        == 404
    )
    assert not Attempt.objects.exists()


def test_a_teacher_looking_at_a_class_is_audited(client, org_a):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    classroom = do_create_class(teacher=teacher, name="Lớp 2D", courses=[make_course()])
    client.force_login(teacher)
    client.get(reverse("learn:class_detail", args=[classroom.pk]))
    assert AuditEvent.objects.filter(
        action="view", target_type="education.classroom", target_id=str(classroom.pk), actor=teacher
    ).exists()


def test_the_editors_preview_is_sanitised_and_saves_nothing(client, org_a):
    course = make_course()
    client.force_login(make_editor(organisation=org_a))
    before = course.lessons.count()
    response = client.post(
        reverse("education_staff:lesson_new", args=[course.code]),
        {"title_vi": "Xem", "title_en": "See", "order": 9, "skills": [make_skill().pk],
         "body_vi": '**Đậm** <img src=x onerror=alert(1)> [x](javascript:alert(1))',
         "preview": "1"},
    )  # fmt: skip
    preview = response.context["preview"]
    assert "<strong>Đậm</strong>" in preview
    assert "onerror=" not in preview.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert 'href="javascript' not in preview
    assert course.lessons.count() == before
