"""Errors of staff search: what a search string may be refused for (nothing is searched)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class SearchErrorCode(models.TextChoices):
    REQUIRED = (
        "required",
        _("Type a tracking code, case or request reference, address, hash or account name."),
    )
    INVALID = "invalid", _("This search contains characters that cannot be searched for.")
    TOO_LONG = "too_long", _("This search is too long: at most %(limit)s characters.")


class SearchError(DomainError):
    codes = SearchErrorCode
