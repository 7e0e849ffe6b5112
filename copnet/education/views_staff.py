"""Authoring for content editors (/staff/learning/): courses, lessons, quizzes, questions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.core.errors import add_to_form, show_message
from copnet.core.middleware import markdown_pictures

from . import services
from .errors import LearningError
from .forms import CourseForm, LessonForm, QuestionForm, QuizForm
from .markdown import render_markdown
from .models import Course, Lesson, Question, Quiz, Skill


@require_perm(Perm.MANAGE_LEARNING)
def course_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "education/staff/course_list.html",
        {
            "courses": Course.objects.prefetch_related("lessons", "quizzes"),
            "skills": Skill.objects.all(),
        },
    )


@require_perm(Perm.MANAGE_LEARNING)
def course_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    course = get_object_or_404(Course, code=code) if code else Course()
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        course = services.do_save_course(course=form.save(commit=False), actor=request.user)
        messages.success(request, _("The course was saved."))
        return redirect("education_staff:course", code=course.code)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": course.title if course.pk else _("New course")},
    )


@require_perm(Perm.MANAGE_LEARNING)
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    course = get_object_or_404(Course, code=code)
    return render(
        request,
        "education/staff/course_detail.html",
        {
            "course": course,
            "lessons": course.lessons.prefetch_related("skills"),
            "quizzes": course.quizzes.prefetch_related("questions__choices", "questions__skill"),
        },
    )


@require_perm(Perm.MANAGE_LEARNING)
@require_POST
def course_publish(request: HttpRequest, code: str) -> HttpResponse:
    course = get_object_or_404(Course, code=code)
    publish = request.POST.get("publish") == "1"
    try:
        services.do_set_published(course=course, published=publish, actor=request.user)
    except LearningError as exc:
        show_message(request, exc)
    else:
        messages.success(
            request, _("The course is published.") if publish else _("The course is withdrawn.")
        )
    return redirect("education_staff:course", code=course.code)


@markdown_pictures
@require_perm(Perm.MANAGE_LEARNING)
def lesson_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    course = get_object_or_404(Course, code=code)
    lesson = get_object_or_404(Lesson, pk=pk, course=course) if pk else Lesson(course=course)
    form = LessonForm(
        request.POST or None,
        request.FILES or None,
        instance=lesson,
        initial={"skills": list(lesson.skills.all()) if lesson.pk else []},
    )
    preview = ""
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["body_vi"])
        else:
            picture = form.cleaned_data.get("picture")
            try:
                services.do_save_lesson(
                    lesson=form.save(commit=False),
                    skills=form.cleaned_data["skills"],
                    actor=request.user,
                    image=picture.read() if picture else None,
                )
            except LearningError as exc:
                add_to_form(form, exc, field="picture")
            else:
                messages.success(request, _("The lesson was saved."))
                return redirect("education_staff:course", code=course.code)
    return render(
        request,
        "education/staff/lesson_form.html",
        {"form": form, "course": course, "lesson": lesson, "preview": preview},
        status=400 if form.errors else 200,
    )


@require_perm(Perm.MANAGE_LEARNING)
def quiz_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    course = get_object_or_404(Course, code=code)
    quiz = get_object_or_404(Quiz, pk=pk, course=course) if pk else Quiz(course=course)
    form = QuizForm(request.POST or None, instance=quiz)
    if request.method == "POST" and form.is_valid():
        services.do_save_quiz(quiz=form.save(commit=False), actor=request.user)
        messages.success(request, _("The quiz was saved."))
        return redirect("education_staff:course", code=course.code)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": quiz.title if quiz.pk else _("New quiz")},
    )


@require_perm(Perm.MANAGE_LEARNING)
def question_edit(request: HttpRequest, quiz_pk: int, pk: int | None = None) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=quiz_pk)
    question = get_object_or_404(Question, pk=pk, quiz=quiz) if pk else Question(quiz=quiz)
    if pk and question.quiz_id != quiz.pk:
        raise Http404
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_question(
                question=form.save(commit=False), choices=form.choice_inputs(), actor=request.user
            )
        except LearningError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("education_staff:course", code=quiz.course.code)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Question of %(quiz)s") % {"quiz": quiz.title}},
        status=400 if form.errors else 200,
    )
