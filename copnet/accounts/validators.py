"""Password rules that Django's own validators leave out (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class DistinctCharactersValidator:
    """Refuses passwords made of too few different characters (`aaaaaaaaaaaa`,
    `abababababab`): long enough for the length rule, but guessed at once."""

    def __init__(self, min_distinct: int = 6) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if len(set(password.casefold())) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password uses too few different characters. Use at least %(min)d "
                    "different character.",
                    "This password uses too few different characters. Use at least %(min)d "
                    "different characters.",
                    self.min_distinct,
                )
                % {"min": self.min_distinct},
                code="password_too_few_distinct",
                params={"min": self.min_distinct},
            )

    def get_help_text(self) -> str:
        return _("Use at least %(min)d different characters.") % {"min": self.min_distinct}
