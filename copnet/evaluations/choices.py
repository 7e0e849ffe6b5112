"""Every enumeration of the evaluations app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
    PARENTAL_CONTROL = "parental_control", _("Parental-control app")
    LEARNING = "learning", _("Learning app")
    GAME = "game", _("Game")
    SOCIAL_VIDEO = "social_video", _("Social or video platform")
    FILTER = "filter", _("Browser or DNS filter")
    DEVICE = "device", _("Device")
    SCHOOL_SERVICE = "school_service", _("School service")


class Platform(models.TextChoices):
    ANDROID = "android", "Android"
    IOS = "ios", "iOS / iPadOS"
    WINDOWS = "windows", "Windows"
    MACOS = "macos", "macOS"
    LINUX = "linux", "Linux"
    CHROMEOS = "chromeos", "ChromeOS"
    WEB = "web", _("Web browser")
    CONSOLE = "console", _("Game console")
    HARDWARE = "hardware", _("Own hardware or router")


class Purpose(models.TextChoices):
    LEARN = "learn", _("Learn")
    CONNECT = "connect", _("Connect")
    PLAY = "play", _("Play")
    PROTECT = "protect", _("Protect")


class Language(models.TextChoices):
    VI = "vi", _("Vietnamese")
    EN = "en", _("English")
    OTHER = "other", _("Other languages")


class ScoreValue(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "na", _("Not applicable")


class EvaluationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_REVIEW = "in_review", _("Being evaluated")
    RECONCILIATION = "reconciliation", _("Reconciling differences")
    DECIDED = "decided", _("Result decided")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned to the vendor")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded by a newer evaluation")
    WITHDRAWN = "withdrawn", _("Withdrawn from the catalogue")


OPEN_STATUSES = frozenset(
    {
        EvaluationStatus.SUBMITTED,
        EvaluationStatus.ACCEPTED,
        EvaluationStatus.IN_REVIEW,
        EvaluationStatus.RECONCILIATION,
        EvaluationStatus.DECIDED,
    }
)


class Verdict(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    MEETS_BASICS = "meets_basics", _("Meets the basics")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


PUBLISHABLE_VERDICTS = frozenset({Verdict.RECOMMENDED, Verdict.MEETS_BASICS})
