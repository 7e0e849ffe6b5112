"""Writes of the learning app, split by concept: authoring (courses, lessons, quizzes,
publishing), classes (codes, learners), attempts (lessons read, quiz attempts, completions),
reference (the starter content). Every public name stays importable from
`copnet.education.services`."""

from __future__ import annotations

from .attempts import (
    do_mark_lesson_read,
    do_record_completion,
    do_start_attempt,
    do_submit_attempt,
    has_completed,
    lessons_all_read,
)
from .authoring import (
    LESSON_IMAGE_TYPES,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    ChoiceInput,
    check_choices,
    check_lesson_image,
    check_publishable,
    do_save_course,
    do_save_lesson,
    do_save_question,
    do_save_quiz,
    do_set_published,
)
from .classes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    check_pseudonym,
    do_create_class,
    do_join_class,
    do_set_class_open,
    normalise_class_code,
)
from .reference import REFERENCE_DIR, load_learning_content

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "LESSON_IMAGE_TYPES",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "REFERENCE_DIR",
    "ChoiceInput",
    "check_choices",
    "check_lesson_image",
    "check_publishable",
    "check_pseudonym",
    "do_create_class",
    "do_join_class",
    "do_mark_lesson_read",
    "do_record_completion",
    "do_save_course",
    "do_save_lesson",
    "do_save_question",
    "do_save_quiz",
    "do_set_class_open",
    "do_set_published",
    "do_start_attempt",
    "do_submit_attempt",
    "has_completed",
    "lessons_all_read",
    "load_learning_content",
    "normalise_class_code",
]
