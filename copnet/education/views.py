"""The public learning pages (/learn/) and the teacher's classes (/learn/teach/)."""

from __future__ import annotations

import mimetypes
import random

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.accounts.principal import AuthedHttpRequest
from copnet.audit.services import record_view
from copnet.core.errors import add_to_form
from copnet.core.middleware import markdown_pictures
from copnet.core.page_cache import public_page
from copnet.core.ratelimit import check_rate, refused_page, wait_message

from . import progress, selectors, services
from .certificates import class_certificates_pdf
from .choices import CHILD_AUDIENCES, Audience
from .errors import LearningError
from .forms import ClassroomForm, JoinClassForm
from .models import Attempt, Course, Lesson, Question, Quiz


@public_page
def home(request: HttpRequest) -> HttpResponse:
    learner = progress.current_learner(request)
    courses = list(selectors.published_courses())
    done = set(progress.state(request)["done"])
    return render(
        request,
        "education/home.html",
        {
            "learner": learner,
            "class_courses": list(learner.classroom.courses.filter(is_published=True))
            if learner
            else [],
            "child_courses": [c for c in courses if c.audience in CHILD_AUDIENCES],
            "adult_courses": [c for c in courses if c.audience not in CHILD_AUDIENCES],
            "done": done,
            "audiences": Audience,
        },
    )


def _course_context(request: HttpRequest, course: Course) -> dict[str, object]:
    data = progress.state(request)
    lessons = list(course.lessons.all())
    read = set(data["read"])
    return {
        "course": course,
        "lessons": lessons,
        "read": read,
        "quizzes": list(course.quizzes.all()),
        "completed": course.pk in data["done"],
        "all_read": all(lesson.pk in read for lesson in lessons),
    }


@public_page
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    course = selectors.access_published_course(code)
    return render(request, "education/course.html", _course_context(request, course))


def _lesson(course: Course, pk: int) -> Lesson:
    lesson = course.lessons.filter(pk=pk).first()
    if lesson is None:
        raise Http404
    return lesson


@markdown_pictures
@public_page
def lesson_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = selectors.access_published_course(code)
    lesson = _lesson(course, pk)
    lessons = list(course.lessons.all())
    position = lessons.index(lesson)
    next_lesson = lessons[position + 1] if position + 1 < len(lessons) else None
    if request.method == "POST":
        data = progress.state(request)
        if lesson.pk not in data["read"]:
            data["read"].append(lesson.pk)
            progress.save(request, data)
        services.do_mark_lesson_read(
            lesson=lesson, learner=progress.current_learner(request), user=request.user
        )
        _maybe_complete(request, course)
        if next_lesson:
            return redirect("learn:lesson", code=course.code, pk=next_lesson.pk)
        quiz = course.quizzes.first()
        if quiz:
            return redirect("learn:quiz", code=course.code, pk=quiz.pk)
        return redirect("learn:course", code=course.code)
    return render(
        request,
        "education/lesson.html",
        {
            "course": course,
            "lesson": lesson,
            "number": position + 1,
            "count": len(lessons),
            "is_read": lesson.pk in progress.state(request)["read"],
        },
    )


def lesson_image(request: HttpRequest, pk: int) -> FileResponse:
    lesson = Lesson.objects.filter(pk=pk, course__is_published=True).first()
    if lesson is None or not lesson.image:
        raise Http404
    content_type = mimetypes.guess_type(lesson.image.name)[0] or "application/octet-stream"
    response = FileResponse(lesson.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quiz(course: Course, pk: int) -> Quiz:
    quiz = course.quizzes.filter(pk=pk).first()
    if quiz is None:
        raise Http404
    return quiz


def _maybe_complete(request: HttpRequest, course: Course) -> bool:
    """Count the course as completed once every lesson is read and a quiz is passed."""
    data = progress.state(request)
    learner = progress.current_learner(request)
    if course.pk in data["done"]:
        return False
    passed = Attempt.objects.filter(
        quiz__course=course, token__in=list(data["attempts"].values()), passed=True
    ).exists()
    if not passed or not services.lessons_all_read(course, data["read"]):
        return False
    services.do_record_completion(
        course=course, learner=learner, user=request.user, campaign_id=progress.campaign_id(request)
    )
    data["done"].append(course.pk)
    progress.save(request, data)
    return True


def quiz_take(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    course = selectors.access_published_course(code)
    quiz = _quiz(course, pk)
    data = progress.state(request)
    learner = progress.current_learner(request)
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "")
        attempt = Attempt.objects.filter(token=token).select_related("quiz").first()
        if attempt is None or token not in data["attempts"].values() or attempt.quiz_id != quiz.pk:
            error = _("These answers do not belong to this quiz.")
            status = 400
        else:
            answers = {
                key[1:]: request.POST[key]
                for key in request.POST
                if key.startswith("q") and key[1:].isdigit()
            }
            try:
                attempt = services.do_submit_attempt(attempt=attempt, answers=answers)
            except LearningError as exc:
                error, status = exc.message, exc.status
            else:
                return _result(request, course, quiz, attempt)
        if error and status == 409:
            return render(
                request,
                "education/quiz_error.html",
                {"course": course, "quiz": quiz, "error": error},
                status=409,
            )
    # A fresh draw of questions, unless an unfinished attempt of this session is waiting.
    waiting = data["attempts"].get(str(quiz.pk))
    attempt = (
        Attempt.objects.filter(token=waiting, submitted_at__isnull=True).first()
        if waiting
        else None
    )
    if attempt is None:
        attempt = services.do_start_attempt(quiz=quiz, learner=learner, user=request.user)
        data["attempts"][str(quiz.pk)] = attempt.token
        progress.save(request, data)
    questions = []
    for question in (
        Question.objects.filter(pk__in=attempt.question_ids)
        .select_related("skill")
        .prefetch_related("choices")
    ):
        # Answers in an order of their own for each attempt (authors tend to put the right one
        # first), stable across reloads of the same attempt. Not for security.
        choices = list(question.choices.all())
        random.Random(f"{attempt.token}:{question.pk}").shuffle(choices)  # noqa: S311
        questions.append((question, choices))
    return render(
        request,
        "education/quiz.html",
        {
            "course": course,
            "quiz": quiz,
            "attempt": attempt,
            "questions": questions,
            "error": error,
        },
        status=400 if error else 200,
    )


def _result(request: HttpRequest, course: Course, quiz: Quiz, attempt: Attempt) -> HttpResponse:
    questions = list(
        Question.objects.filter(pk__in=attempt.question_ids)
        .select_related("skill")
        .prefetch_related("choices")
    )
    answered = []
    for question in questions:
        chosen_id = attempt.answers.get(str(question.pk))
        choices = list(question.choices.all())
        chosen = next(c for c in choices if c.pk == chosen_id)
        answered.append(
            {
                "question": question,
                "chosen": chosen,
                "right": next(c for c in choices if c.is_correct),
            }
        )
    completed = _maybe_complete(request, course)
    return render(
        request,
        "education/result.html",
        {
            "course": course,
            "quiz": quiz,
            "attempt": attempt,
            "answered": answered,
            "scores": [s for s in selectors.skill_scores([attempt.skill_results]) if s.total],
            "completed_now": completed,
            "all_read": services.lessons_all_read(course, progress.state(request)["read"]),
        },
    )


def join_class(request: HttpRequest) -> HttpResponse:
    form = JoinClassForm(request.POST or None)
    if request.method == "POST":
        wait = check_rate(request, "class-join")
        if wait:
            form.add_error(None, wait_message(wait))
            return refused_page(request, "education/join.html", {"form": form}, wait)
        if form.is_valid():
            try:
                learner = services.do_join_class(
                    code=form.cleaned_data["code"], pseudonym=form.cleaned_data["pseudonym"]
                )
            except LearningError as exc:
                add_to_form(form, exc)
            else:
                request.session[progress.LEARNER_KEY] = learner.pk
                messages.success(
                    request,
                    _("Welcome to %(name)s, %(pseudonym)s!")
                    % {"name": learner.classroom.name, "pseudonym": learner.pseudonym},
                )
                return redirect("learn:home")
    return render(
        request, "education/join.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def leave_class(request: HttpRequest) -> HttpResponse:
    request.session.pop(progress.LEARNER_KEY, None)
    return redirect("learn:home")


# --- teachers ---------------------------------------------------------------------------------


@require_perm(Perm.TEACH_CLASSES)
def class_list(request: AuthedHttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.do_create_class(
                teacher=request.user,
                name=form.cleaned_data["name"],
                courses=form.cleaned_data["courses"],
            )
        except LearningError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The class was created. Give your students its code."))
            return redirect("learn:class_detail", pk=classroom.pk)
    return render(
        request,
        "education/class_list.html",
        {"classes": selectors.classes_of(request.user).prefetch_related("courses"), "form": form},
    )


@require_perm(Perm.TEACH_CLASSES)
def class_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.access_class(request.user, pk)
    record_view(actor=request.user, target=classroom)
    return render(
        request,
        "education/class_detail.html",
        {"progress": selectors.class_progress(classroom), "courses": classroom.courses.all()},
    )


@require_perm(Perm.TEACH_CLASSES)
@require_POST
def class_toggle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    classroom = selectors.access_class(request.user, pk)
    services.do_set_class_open(
        classroom=classroom, is_open=not classroom.is_open, actor=request.user
    )
    return redirect("learn:class_detail", pk=classroom.pk)


@require_perm(Perm.TEACH_CLASSES)
def class_certificates(request: AuthedHttpRequest, pk: int, code: str) -> HttpResponse:
    classroom = selectors.access_class(request.user, pk)
    course = classroom.courses.filter(code=code).first()
    if course is None:
        raise Http404
    pdf, _count = class_certificates_pdf(classroom=classroom, course=course)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="certificates-{classroom.code}-{course.code}.pdf"'
    )
    return response
