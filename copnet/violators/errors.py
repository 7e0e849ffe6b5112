"""Errors of the violators app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class ViolatorErrorCode(models.TextChoices):
    INVALID_DAYS = "invalid_days", _("A suspension lasts from 1 to 366 days (empty: permanent).")
    FUTURE_DATE = "future_date", _("A suspension that has not started cannot be recorded yet.")


class ViolatorError(DomainError):
    codes = ViolatorErrorCode
