"""Kinds and statuses of the personal-data duties (PDPL 2025, Decree 356/2025)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    ACCESS = "access", _("See the data held about my report")
    CORRECTION = "correction", _("Correct my data")
    DELETION = "deletion", _("Delete my data")
    RESTRICTION = "restriction", _("Restrict the processing of my data")
    OBJECTION = "objection", _("Object to the processing of my data")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdraw my consent")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused on a legal ground")


class Ground(models.TextChoices):
    """Legal grounds for processing without consent (PDPL 2025); the first two also keep data
    that a deletion request or the retention purge would otherwise erase."""

    POLICE_INVESTIGATION = "police_investigation", _("Under police investigation")
    LEGAL_HOLD = "legal_hold", _("Legal hold (court, prosecutor or competent authority)")
    LEGAL_DUTY = "legal_duty", _("Legal duty (Law on Children, Decree 147/2024)")
    PROTECTING_LIFE = "protecting_life", _("Protecting the life or health of a child")


# Grounds under which case data must be kept even against a deletion request or the purge.
KEEPING_GROUNDS = frozenset({Ground.POLICE_INVESTIGATION, Ground.LEGAL_HOLD})


class ConsentPurpose(models.TextChoices):
    CONTACT_REPORTER = "contact_reporter", _("Contacting the reporter about the report")
    DISCLOSE_CHILD = (
        "disclose_child",
        _("Disclosing the child's private life (school, media, publication)"),
    )


class ConsentGiver(models.TextChoices):
    REPORTER = "reporter", _("The reporter")
    CHILD = "child", _("The child (from 7 years)")
    REPRESENTATIVE = "representative", _("The child's legal representative")


class BreachStatus(models.TextChoices):
    DETECTED = "detected", _("Detected")
    AUTHORITY_NOTIFIED = "authority_notified", _("Authority notified")
    NOT_NOTIFIABLE = "not_notifiable", _("Assessed: no notification needed")
    CLOSED = "closed", _("Closed")
