"""A teacher's class: children join with its code and a made-up name; the teacher sees results
per skill and prints certificates; nobody else sees the class."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from copnet.education.models import Classroom, Completion, Learner
from copnet.education.services import do_create_class, has_completed

from .factories import answers_for, make_course, make_teacher

pytestmark = pytest.mark.django_db


def _complete_course(client: Client, course, *, right=True) -> None:
    for lesson in course.lessons.all():
        client.post(reverse("learn:lesson", args=[course.code, lesson.pk]))
    quiz = course.quizzes.get()
    token = client.get(reverse("learn:quiz", args=[course.code, quiz.pk])).context["attempt"].token
    client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]),
        {"token": token, **answers_for(quiz, right=right)},
    )


def test_a_class_code_flow_with_the_teachers_view(client, org_a):
    teacher = make_teacher(email="teacher@a.example", organisation=org_a)
    course = make_course()
    course.quizzes.update(pass_percent=100)
    client.force_login(teacher)
    response = client.post(reverse("learn:classes"), {"name": "Lớp 5A", "courses": [course.pk]})
    classroom = Classroom.objects.get()
    assert response.url == reverse("learn:class_detail", args=[classroom.pk])
    assert classroom.teacher == teacher
    assert len(classroom.code) == 6

    child_a, child_b = Client(), Client()
    joined = child_a.post(
        reverse("learn:join"), {"code": classroom.code.lower(), "pseudonym": "Mèo Xanh"}
    )
    assert joined.status_code == 302
    child_b.post(reverse("learn:join"), {"code": f" {classroom.code} ", "pseudonym": "Tia Chớp"})
    assert sorted(Learner.objects.values_list("pseudonym", flat=True)) == ["Mèo Xanh", "Tia Chớp"]
    assert "Mèo Xanh" in child_a.get(reverse("learn:home")).content.decode()

    _complete_course(child_a, course)
    wrong_on_bullying = {
        q.pk: q.skill.code != "bullying" for q in course.quizzes.get().questions.all()
    }
    _complete_course(child_b, course, right=wrong_on_bullying)

    mèo = Learner.objects.get(pseudonym="Mèo Xanh")
    assert has_completed(mèo, course.code)
    assert not has_completed(Learner.objects.get(pseudonym="Tia Chớp"), course.code)

    page = client.get(reverse("learn:class_detail", args=[classroom.pk]))
    progress = page.context["progress"]
    rows = {row.learner.pseudonym: row for row in progress.rows}
    assert rows["Mèo Xanh"].lessons_read == 2
    assert rows["Mèo Xanh"].completed == [course.code]
    by_skill = {s.skill.code: (s.correct, s.total) for s in rows["Tia Chớp"].scores if s.total}
    assert by_skill == {"personal-info": (1, 1), "bullying": (0, 1)}
    class_scores = {s.skill.code: s.percent for s in progress.class_scores if s.total}
    assert class_scores == {"personal-info": 100, "bullying": 50}

    pdf = client.get(reverse("learn:class_certificates", args=[classroom.pk, course.code]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Mèo Xanh" in text
    assert "Tia Chớp" not in text


def test_a_teacher_sees_only_their_own_classes(client, org_a, org_b):
    own = make_teacher(email="t1@a.example", organisation=org_a)
    colleague = make_teacher(email="t2@a.example", organisation=org_a)
    course = make_course()
    classroom = do_create_class(teacher=own, name="Lớp 6B", courses=[course])
    client.force_login(colleague)
    assert client.get(reverse("learn:class_detail", args=[classroom.pk])).status_code == 404
    assert (
        client.get(
            reverse("learn:class_certificates", args=[classroom.pk, course.code])
        ).status_code
        == 404
    )
    assert client.post(reverse("learn:class_toggle", args=[classroom.pk])).status_code == 404
    assert "Lớp 6B" not in client.get(reverse("learn:classes")).content.decode()
    classroom.refresh_from_db()
    assert classroom.is_open


def test_a_forged_class_code_creates_nothing(client, org_a):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    classroom = do_create_class(teacher=teacher, name="Lớp 1", courses=[make_course()])
    forged = "Z" * 6 if classroom.code != "Z" * 6 else "Y" * 6
    response = client.post(reverse("learn:join"), {"code": forged, "pseudonym": "Mèo Xanh"})
    assert response.status_code == 400
    assert not Learner.objects.exists()
    assert "learner_id" not in client.session


def test_a_closed_class_cannot_be_joined(client, org_a):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    classroom = do_create_class(teacher=teacher, name="Lớp 1", courses=[make_course()])
    Classroom.objects.filter(pk=classroom.pk).update(is_open=False)
    response = client.post(reverse("learn:join"), {"code": classroom.code, "pseudonym": "Mèo"})
    assert response.status_code == 400
    assert not Learner.objects.exists()


@pytest.mark.parametrize(
    "pseudonym", ["a", "me@example.com", "0912345678", "<script>", "Mèo_Xanh", "x" * 31]
)
def test_a_pseudonym_must_not_be_contact_details_or_markup(client, org_a, pseudonym):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    classroom = do_create_class(teacher=teacher, name="Lớp 1", courses=[make_course()])
    response = client.post(reverse("learn:join"), {"code": classroom.code, "pseudonym": pseudonym})
    assert response.status_code == 400
    assert not Learner.objects.exists()


def test_a_taken_pseudonym_is_refused(client, org_a):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    classroom = do_create_class(teacher=teacher, name="Lớp 1", courses=[make_course()])
    client.post(reverse("learn:join"), {"code": classroom.code, "pseudonym": "Mèo Xanh"})
    other = Client()
    response = other.post(reverse("learn:join"), {"code": classroom.code, "pseudonym": "Mèo Xanh"})
    assert response.status_code == 400
    assert Learner.objects.count() == 1


def test_joining_is_rate_limited(client, org_a):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    do_create_class(teacher=teacher, name="Lớp 1", courses=[make_course()])
    for _ in range(20):
        client.post(reverse("learn:join"), {"code": "AAAAAA", "pseudonym": "Mèo"})
    assert (
        client.post(reverse("learn:join"), {"code": "AAAAAA", "pseudonym": "Mèo"}).status_code
        == 429
    )


def test_has_completed_for_a_signed_in_user(client, org_a):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    course = make_course()
    client.force_login(teacher)
    assert not has_completed(teacher, course.code)
    _complete_course(client, course)
    assert has_completed(teacher, course.code)
    assert Completion.objects.get().user == teacher
    assert not has_completed(None, course.code)
