"""The starter courses are real reference data: one per age band and for parents and teachers,
publishable, and loaded once (editors' changes are kept)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from copnet.education.choices import Audience
from copnet.education.models import Course, Question, Skill
from copnet.education.services import check_publishable

pytestmark = pytest.mark.django_db


def test_every_audience_has_a_published_starter_course_with_a_quiz(reference_data):
    courses = Course.objects.filter(is_published=True)
    assert {c.audience for c in courses} == set(Audience.values)
    for course in courses:
        check_publishable(course)
        assert course.title_vi
        assert course.title_en
        for lesson in course.lessons.all():
            assert lesson.body_vi
            assert lesson.body_en
            assert lesson.skills.exists()
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == {"choice", "true_false", "scenario"}


def test_the_skills_framework_includes_asking_for_help_at_111(reference_data):
    skill = Skill.objects.get(code="asking-help")
    assert "111" in skill.name_vi
    assert Skill.objects.count() == 7
    assert all(s.questions.exists() for s in Skill.objects.all())


def test_loading_again_keeps_editors_changes(reference_data):
    Course.objects.filter(code="starter-6-8").update(title_vi="Tên đã sửa")
    call_command("load_reference_data", verbosity=0)
    assert Course.objects.get(code="starter-6-8").title_vi == "Tên đã sửa"
    assert Course.objects.filter(code__startswith="starter-").count() == 6


def test_the_learn_page_lists_the_starter_courses_in_vietnamese_and_english(client, reference_data):
    body = client.get(reverse("learn:home")).content.decode()
    assert "Siêu anh hùng an toàn trên mạng" in body
    assert "Đồng hành cùng con trên mạng" in body
    client.cookies["django_language"] = "en"
    assert "Online safety superheroes" in client.get(reverse("learn:home")).content.decode()


def test_the_api_lists_published_courses_and_skills(client, reference_data):
    courses = client.get("/api/v1/learn/courses?audience=12-15").json()
    assert [c["code"] for c in courses] == ["starter-12-15"]
    assert courses[0]["lessons"] == 4
    assert courses[0]["url"].endswith("/learn/course/starter-12-15/")
    skills = client.get("/api/v1/learn/skills").json()
    assert {s["code"] for s in skills} >= {"grooming", "scams", "bullying", "asking-help"}
