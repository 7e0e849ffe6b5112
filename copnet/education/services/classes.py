"""Classes and learners: class codes, opening and closing, joining under a pseudonym."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.text import clean_text

from ..errors import LearningError, LearningErrorCode
from ..models import Classroom, Course, Learner

if TYPE_CHECKING:
    from copnet.accounts.models import User
    from copnet.accounts.principal import Principal


# Class codes avoid letters and digits that children confuse (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def normalise_class_code(raw: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw or "")).upper()[:20]


def _new_class_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def do_create_class(*, teacher: User, name: str, courses: Iterable[Course]) -> Classroom:
    name = clean_text(name, multiline=False)
    if not name:
        raise LearningError(LearningErrorCode.NAME, _("Give the class a name."), "name")
    for _attempt in range(10):
        try:
            with transaction.atomic():
                classroom = Classroom.objects.create(
                    teacher=teacher, name=name[:80], code=_new_class_code()
                )
                classroom.courses.set(list(courses))
                record(actor=teacher, action=AuditAction.CREATE, target=classroom)
                return classroom
        except IntegrityError:  # the random code was taken: draw another
            continue
    raise LearningError(LearningErrorCode.CODE, _("Could not create a class code. Try again."))


def do_set_class_open(*, classroom: Classroom, is_open: bool, actor: Principal | None) -> Classroom:
    with transaction.atomic():
        Classroom.objects.filter(pk=classroom.pk).update(is_open=is_open)
        classroom.is_open = is_open
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=classroom,
            changes={"is_open": [not is_open, is_open]},
        )
    return classroom


_PSEUDONYM = re.compile(r"^[\w .'-]{2,30}$")


def check_pseudonym(raw: str) -> str:
    """A made-up name: 2-30 letters, digits or spaces, and nothing that looks like contact
    details (an @ or a run of digits like a phone number)."""
    name = " ".join(clean_text(raw or "").split())
    if not _PSEUDONYM.match(name) or "_" in name:
        raise LearningError(
            LearningErrorCode.PSEUDONYM,
            _("Choose a made-up name of 2 to 30 letters or numbers."),
            "pseudonym",
        )
    if re.search(r"\d{5,}", name):
        raise LearningError(
            LearningErrorCode.PSEUDONYM,
            _("Do not use a phone number. Choose a made-up name instead."),
            "pseudonym",
        )
    return name


def do_join_class(*, code: str, pseudonym: str) -> Learner:
    """A child joins an open class with its code and a made-up name. A wrong or closed code and a
    name already used in the class are refused with the same care: nothing is created."""
    name = check_pseudonym(pseudonym)
    classroom = Classroom.objects.filter(code=normalise_class_code(code), is_open=True).first()
    if classroom is None:
        raise LearningError(
            LearningErrorCode.NO_CLASS,
            _("We could not find an open class with this code. Ask your teacher."),
            "code",
        )
    try:
        with transaction.atomic():
            return Learner.objects.create(classroom=classroom, pseudonym=name)
    except IntegrityError:
        raise LearningError(
            LearningErrorCode.PSEUDONYM_TAKEN,
            _("Someone in this class already uses this name. Choose another one."),
            "pseudonym",
        ) from None
