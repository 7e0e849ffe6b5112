"""Answers for another quiz, replayed submissions and forged tokens are refused; nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from copnet.education.models import Attempt, Completion

from .factories import answers_for, make_course

pytestmark = pytest.mark.django_db


def _start(client, course):
    quiz = course.quizzes.get()
    page = client.get(reverse("learn:quiz", args=[course.code, quiz.pk]))
    return quiz, page.context["attempt"].token


def test_answers_for_another_quiz_are_refused(client):
    course, other = make_course(code="one"), make_course(code="two")
    quiz, token = _start(client, course)
    response = client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]),
        {"token": token, **answers_for(other.quizzes.get())},
    )
    assert response.status_code == 400
    assert Attempt.objects.get(token=token).submitted_at is None


def test_a_token_of_another_quiz_is_refused(client):
    course, other = make_course(code="one"), make_course(code="two")
    other_quiz, other_token = _start(client, other)
    quiz = course.quizzes.get()
    response = client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]),
        {"token": other_token, **answers_for(other_quiz)},
    )
    assert response.status_code == 400
    assert Attempt.objects.get(token=other_token).submitted_at is None


def test_a_replayed_submission_is_refused_and_changes_nothing(client):
    course = make_course()
    quiz, token = _start(client, course)
    url = reverse("learn:quiz", args=[course.code, quiz.pk])
    assert client.post(url, {"token": token, **answers_for(quiz)}).status_code == 200
    before = Attempt.objects.values().get(token=token)
    replay = client.post(url, {"token": token, **answers_for(quiz, right=False)})
    assert replay.status_code == 409
    assert Attempt.objects.values().get(token=token) == before
    assert Attempt.objects.count() == 1


def test_a_forged_token_is_refused(client):
    course = make_course()
    quiz, _token = _start(client, course)
    response = client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]),
        {"token": "f" * 32, **answers_for(quiz)},
    )
    assert response.status_code == 400
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()


def test_another_browsers_token_is_refused(client, django_user_model):
    from django.test import Client

    course = make_course()
    quiz, token = _start(client, course)
    stranger = Client()
    response = stranger.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]), {"token": token, **answers_for(quiz)}
    )
    assert response.status_code == 400
    assert Attempt.objects.get(token=token).submitted_at is None


@pytest.mark.parametrize("junk", ["abc", "", "999999999", "1e3", "𝟙"])
def test_unanswered_or_junk_answers_are_refused(client, junk):
    course = make_course()
    quiz, token = _start(client, course)
    data = answers_for(quiz)
    first = next(iter(data))
    data[first] = junk
    response = client.post(
        reverse("learn:quiz", args=[course.code, quiz.pk]), {"token": token, **data}
    )
    assert response.status_code == 400
    assert Attempt.objects.get(token=token).submitted_at is None
    assert not Completion.objects.exists()
