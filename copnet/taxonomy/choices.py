from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class AgeBand(models.TextChoices):
    """COPNet's age bands; they map onto the official handbook's under 6, 6-11 and 11-16."""

    UNDER_6 = "0-5", _("0–5 years")
    AGE_6_8 = "6-8", _("6–8 years")
    AGE_9_11 = "9-11", _("9–11 years")
    AGE_12_15 = "12-15", _("12–15 years")
    AGE_16_17 = "16-17", _("16–17 years")


class SupportingSees(models.TextChoices):
    """What a supporting organisation of a case may see (need to know; the lead sees all).
    Enforced in accounts.permissions (NEED_TO_KNOW), which names these values."""

    SUMMARY = "summary", _("The case summary only")
    REPORTS = "reports", _("The case and its reports (no evidence)")
    EVIDENCE = "evidence", _("The case, its reports and their evidence")


class CategoryFamily(models.TextChoices):
    """Kinds of harm that may share a case: a report joins an open case at intake only within
    its category's family (cases.joining); across families only an explicit merge joins."""

    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse and exploitation of children")
    EXPLOITATION = "exploitation", _("Trafficking, kidnapping and exploitation")
    HARASSMENT = "harassment", _("Bullying, harassment and privacy")
    WELLBEING = "wellbeing", _("Self-harm and wellbeing")
    HARMFUL_CONTENT = "harmful_content", _("Harmful content")
    FRAUD = "fraud", _("Scams and gambling")
    OTHER = "other", _("Other")
