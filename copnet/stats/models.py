from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.network.models import Organisation
from copnet.taxonomy.models import HarmCategory

from .choices import Dim, Grain, Metric, OrgRole, PeriodKind, Subject


class Rollup(models.Model):
    """Counts of cases or reports for one day or month and one combination of dimensions.

    Built from the raw tables by `rollups.rebuild_month` (never edited by hand). A case appears
    once with its lead organisation (or role "none") and once per supporting organisation, so
    network-wide figures sum the lead/none rows and an organisation's figures sum its own rows.
    The coarse grains (D, M, P, F) are the same sums with province and/or platform dropped,
    derived from the detail rows (d, m) of the same month; see `rollups.COARSE_GRAINS`.
    """

    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    subject = models.CharField(max_length=6, choices=Subject.choices)
    dim = models.CharField(max_length=8, choices=Dim.choices, blank=True)
    value = models.CharField(max_length=32, blank=True)
    org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    org_role = models.CharField(max_length=8, choices=OrgRole.choices)
    category = models.ForeignKey(HarmCategory, on_delete=models.CASCADE, related_name="+")
    province = models.CharField(max_length=8, blank=True)
    platform = models.CharField(max_length=100, blank=True)
    n = models.PositiveIntegerField(default=0)
    repeat = models.PositiveIntegerField(default=0)
    ack_met = models.PositiveIntegerField(default=0)
    ack_missed = models.PositiveIntegerField(default=0)
    action_met = models.PositiveIntegerField(default=0)
    action_missed = models.PositiveIntegerField(default=0)
    close_met = models.PositiveIntegerField(default=0)
    close_missed = models.PositiveIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["grain", "dim", "period"], name="rollup_lookup"),
            # Dashboards filtered by province or platform read the detail grains (d, m) only.
            models.Index(
                fields=["grain", "dim", "province", "period"],
                name="rollup_province",
                condition=models.Q(grain__in=["d", "m"]),
            ),
            models.Index(
                fields=["grain", "dim", "platform", "period"],
                name="rollup_platform",
                condition=models.Q(grain__in=["d", "m"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grain}{self.period} {self.subject} {self.dim}={self.value}: {self.n}"


class DurationSummary(models.Model):
    """Median and 90th percentile of a handling time for one period and scope (exact values).

    `org` empty = the whole Network. Rebuilt with the rollups of the months it covers."""

    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    metric = models.CharField(max_length=8, choices=Metric.choices)
    # For the time to close: "" = every case, else the cases closed with that outcome
    # (time to outcome).
    outcome = models.CharField(max_length=32, blank=True, default="")
    n = models.PositiveIntegerField(default=0)
    p50_hours = models.FloatField(null=True, blank=True)
    p90_hours = models.FloatField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        indexes = [models.Index(fields=["period_kind", "period_start"], name="duration_lookup")]

    def __str__(self) -> str:
        return f"{self.period_kind} {self.period_start} {self.metric}"


class RefreshState(models.Model):
    """Where the incremental refresh stopped (one row): the watermarks and the data's age.

    A watermark is the highest id read plus the ranges below it that were still missing
    (`watermark.IdMark`: rows of transactions that had not committed yet)."""

    last_event_id = models.BigIntegerField(default=0)
    last_report_id = models.BigIntegerField(default=0)
    event_gaps = models.JSONField(default=list, blank=True)
    report_gaps = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    full_rebuild_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at}"


class PeriodicReport(models.Model):
    """A report to the Steering Board for one month, quarter or year, as PDF and XLSX."""

    kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=8, default="vi")
    generated_at = models.DateTimeField(_("generated"), auto_now=True)
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("generated by"),
    )
    pdf = models.BinaryField()
    xlsx = models.BinaryField()
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period_start", "kind"]
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "language"], name="one_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}"


class PublishedQuarter(models.Model):
    """The public figures of one completed quarter, as published: aggregated, small cells
    suppressed, and frozen (never recomputed), so that comparing pages over time reveals
    nothing either."""

    period_start = models.DateField(unique=True)
    published_at = models.DateTimeField(auto_now_add=True)
    data_as_of = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m}"
