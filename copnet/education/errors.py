"""Errors of the education app: what a learning or authoring service refuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class LearningErrorCode(models.TextChoices):
    IMAGE_TOO_LARGE = "image_too_large", _("The picture is too large (2 MB at most).")
    IMAGE_TYPE = "image_type", _("This file is not a picture we can use.")
    CHOICES = "choices", _("A true-or-false question has exactly two answers.")
    NO_LESSONS = "no_lessons", _("Add at least one lesson before publishing.")
    NO_QUIZ = "no_quiz", _("Add a quiz with questions before publishing.")
    BAD_QUESTION = "bad_question", _("Every question needs exactly one correct answer.")
    NAME = "name", _("Give the class a name.")
    CODE = "code", _("Could not create a class code. Try again.")
    PSEUDONYM = "pseudonym", _("Choose a made-up name of 2 to 30 letters or numbers.")
    NO_CLASS = "no_class", _("We could not find an open class with this code. Ask your teacher.")
    PSEUDONYM_TAKEN = (
        "pseudonym_taken",
        _("Someone in this class already uses this name. Choose another one."),
    )
    EMPTY_QUIZ = "empty_quiz", _("This quiz has no questions yet.")
    BAD_ANSWER = "bad_answer", _("These answers do not belong to this quiz.")
    UNANSWERED = "unanswered", _("Answer every question, then check your answers.")
    REPLAYED = "replayed", _("These answers were already checked. Start the quiz again.")


class LearningError(DomainError):
    """Input a learning service refuses; nothing was changed."""

    codes = LearningErrorCode
    statuses = {LearningErrorCode.REPLAYED: 409}
