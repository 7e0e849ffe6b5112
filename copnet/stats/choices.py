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
    OUTCOME = "outcome", _("Outcome")


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
    ACK = "ack", _("Time to acknowledge")
    ACTION = "action", _("Time to first action")
    CLOSE = "close", _("Time to close")


class OutcomeGroup(models.TextChoices):
    """What happened to the child's report, as the Steering Board counts it. Each case outcome
    (cases.choices.Outcome) belongs to one group; the "no action" group keeps its reasons."""

    REMOVED = "removed", _("Content removed")
    SUPPORT = "support", _("Child referred for support")
    POLICE = "police", _("Handed to the police")
    PROSECUTED = "prosecuted", _("Prosecuted (where known)")
    ADVICE = "advice", _("Advice given")
    NO_ACTION = "no_action", _("No action")
    OPEN = "open", _("No outcome yet")


# cases.choices.Outcome value -> group. COPNet records no prosecutions yet (the police's
# outcome is not reported back), so that group stays empty and says so.
OUTCOME_GROUPS = {
    "content_removed": OutcomeGroup.REMOVED,
    "child_supported": OutcomeGroup.SUPPORT,
    "referred_to_police": OutcomeGroup.POLICE,
    "advice_given": OutcomeGroup.ADVICE,
    "no_further_action": OutcomeGroup.NO_ACTION,
    "not_harmful": OutcomeGroup.NO_ACTION,
    "out_of_scope": OutcomeGroup.NO_ACTION,
    "": OutcomeGroup.OPEN,
}
