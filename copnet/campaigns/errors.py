"""Errors of the campaigns app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class CampaignErrorCode(models.TextChoices):
    CODE = "code", _("Could not create a short code. Try again.")
    EMPTY = "empty", _("Upload a file or give a link.")
    FILE_TYPE = "file_type", _("This file cannot be used here.")
    TOO_LARGE = "too_large", _("The file is too large (10 MB at most).")
    NO_SURVEY = "no_survey", _("This campaign has no survey.")
    BAD_ANSWER = "bad_answer", _("These answers do not belong to this survey.")
    UNANSWERED = "unanswered", _("Choose a rating from 1 to 5 for each statement.")


class CampaignError(DomainError):
    """Input a campaign service refuses; nothing was changed."""

    codes = CampaignErrorCode
