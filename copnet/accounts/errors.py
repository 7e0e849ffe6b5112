"""Errors of the accounts app: sign-in and second-factor steps that cannot be taken."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class AccountErrorCode(models.TextChoices):
    CODE_FORMAT = "code_format", _("Type the 6 digits your authenticator app shows.")
    CODE_WRONG = "code_wrong", _("This code is wrong.")
    CODE_WAIT = "code_wait", _("Too many wrong codes. Wait a little and try again.")
    CODE_USED = "code_used", _("This code was already used.")
    RECOVERY_WRONG = "recovery_wrong", _("This recovery code is wrong.")
    RECOVERY_USED = "recovery_used", _("This recovery code was already used.")
    NOT_FOUND = "not_found", _("This passkey does not exist.")
    LAST_FACTOR = (
        "last_factor",
        _("Set up an authenticator app or another passkey before removing this one."),
    )
    REQUIRED = "required", _("Your role needs a second factor: it cannot be turned off.")
    OWN_FACTOR = (
        "own_factor",
        _("You cannot reset your own second factor. Change it on your security page."),
    )


class AccountError(DomainError):
    """A sign-in or account step that cannot be taken; nothing was changed."""

    codes = AccountErrorCode
    statuses = {AccountErrorCode.NOT_FOUND: 404}
