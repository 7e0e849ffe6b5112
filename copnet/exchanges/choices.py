"""Enumerations of the exchanges app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeKind(models.TextChoices):
    NCMEC = "ncmec", _("NCMEC hash sharing (v2, XML)")
    STOPNCII = "stopncii", _("StopNCII (JSON)")
    THREATEXCHANGE = "threatexchange", _("Meta ThreatExchange (Graph API)")


class IndicatorKind(models.TextChoices):
    """What a partner's indicator is (ThreatExchange types, as COPNet names them)."""

    PDQ = "pdq", "PDQ"
    MD5 = "md5", "MD5"
    VPDQ = "vpdq", "vPDQ"
    URL = "url", _("Address")
    TEXT = "text", _("Text")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class Verdict(models.TextChoices):
    """An analyst's decision on a match with an exchange's entry."""

    CONFIRM = "confirm", _("Confirmed: the match is right")
    DECONFIRM = "deconfirm", _("Deconfirmed: false match")


class FeedbackStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GAVE_UP = "gave_up", _("Given up")


class ForeignReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued for the hotline")
    SENT = "sent", _("Sent to the hotline")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the hotline")
    REMOVED = "removed", _("Content removed")
    GAVE_UP = "gave_up", _("Delivery given up")


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GAVE_UP = "gave_up", _("Given up")
    CANCELLED = "cancelled", _("Withdrawn before it was sent")
