from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    """Detail rows (d, m) keep every dimension; the coarse grains are derived from them and
    drop province and/or platform, so unfiltered dashboards read far fewer rows."""

    DAY = "d", _("Day")
    MONTH = "m", _("Month")
    # Internal (never shown to users, so not translated).
    DAY_ALL = "D", "Day, all provinces and platforms"
    MONTH_ALL = "M", "Month, all provinces and platforms"
    MONTH_PROVINCE = "P", "Month by province, all platforms"
    MONTH_PLATFORM = "F", "Month by platform, all provinces"


class Subject(models.TextChoices):
    CASE = "case", _("Cases")
    REPORT = "report", _("Reports")


class OrgRole(models.TextChoices):
    """How a rollup row's organisation relates to its cases (a case counts once per role)."""

    LEAD = "lead", _("Lead")
    SUPPORT = "support", _("Supporting")
    NONE = "none", _("No lead yet")


class Dim(models.TextChoices):
    """The extra breakdown a rollup row carries besides category, province, platform, org."""

    BASE = "", _("None")
    CHANNEL = "channel", _("Channel")
    AGE = "age", _("Child's age")
    GENDER = "gender", _("Child's gender")
    STATUS = "status", _("Status")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class TrendKind(models.TextChoices):
    WEEK = "week", _("By week")
    MONTH = "month", _("By month")
    QUARTER = "quarter", _("By quarter")
    YEAR = "year", _("By year")


class Metric(models.TextChoices):
    TRIAGE = "triage", _("Time to triage")
    ACTION = "action", _("Time to first action")
    CLOSE = "close", _("Time to close")
