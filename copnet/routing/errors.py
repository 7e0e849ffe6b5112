"""Errors of the routing app: the codes a bulk re-route may refuse with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class RoutingErrorCode(models.TextChoices):
    NO_CASES = "no_cases", _("Choose at least one case to re-route.")
    REASON_REQUIRED = "reason_required", _("Give a reason for the reassignment.")
    NOT_REROUTABLE = (
        "not_reroutable",
        _("Some of the chosen cases cannot be re-routed any more. Reload the page."),
    )
    CASE_REFUSED = "case_refused", _("One of the chosen cases refused the new route.")


class RerouteError(DomainError):
    """A bulk re-route that was refused as a whole; no case was changed."""

    codes = RoutingErrorCode
    statuses = {RoutingErrorCode.NOT_REROUTABLE: 409}
