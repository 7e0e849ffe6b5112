from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from copnet.network.choices import ProvincialService
from copnet.network.models import Organisation
from copnet.taxonomy.models import HarmCategory


class RoutingRule(models.Model):
    """Sends cases of a category (optionally on a platform or in a province) to an organisation.

    The most specific active rule wins: platform and province both set, then platform, then
    province, then category alone; with no rule, the category's default lead applies."""

    category = models.ForeignKey(
        HarmCategory,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("harm category"),
    )
    platform = models.CharField(
        _("platform"), max_length=100, blank=True, help_text=_("Leave empty for any platform.")
    )
    province = models.CharField(
        _("province"), max_length=8, blank=True, help_text=_("Leave empty for any province.")
    )
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead organisation"),
    )
    supporting = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("supporting organisations")
    )
    is_active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Leave empty: since always.")
    )
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Leave empty: until further notice.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["category__order", "platform", "province"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="routing_rule_period_ordered",
                violation_error_message=_("The end of the period is before its start."),
            )
        ]

    def __str__(self) -> str:
        scope = " / ".join(filter(None, [self.platform, self.province])) or "*"
        return f"{self.category.code} [{scope}] → {self.lead.code}"

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    def clean(self) -> None:
        """One rule per category, platform and province at any date: periods must not overlap."""
        if self.category_id is None:
            return
        start, end = self.valid_from or dt.date.min, self.valid_to or dt.date.max
        others = RoutingRule.objects.filter(
            category_id=self.category_id,
            platform__iexact=self.platform.strip(),
            province=self.province,
        ).exclude(pk=self.pk)
        for other in others:
            if (other.valid_from or dt.date.min) <= end and start <= (
                other.valid_to or dt.date.max
            ):
                raise ValidationError(
                    _(
                        "A rule for this category, platform and province already applies in "
                        "this period."
                    )
                )


class ProvincialRole(models.TextChoices):
    SUPPORTING = "supporting", _("supports the case")
    LEAD = "lead", _("leads the case")


class ProvincialRule(models.Model):
    """Sends cases of a category also to "the unit of this kind in the case's province" (the
    province the report gives: where the child lives or where it happened), e.g. the provincial
    police cyber unit. Applied on top of the lead and supporting bodies a `RoutingRule` or the
    category gives; as lead, the unit takes the lead and the national lead supports. No unit
    of that kind in the province (or no province): nothing changes. Dated like routing rules,
    so a past day keeps the routing of its time."""

    category = models.ForeignKey(
        HarmCategory,
        on_delete=models.CASCADE,
        related_name="provincial_rules",
        verbose_name=_("harm category"),
    )
    service = models.CharField(
        _("provincial unit"), max_length=32, choices=ProvincialService.choices
    )
    role = models.CharField(
        _("role"), max_length=16, choices=ProvincialRole.choices, default=ProvincialRole.SUPPORTING
    )
    is_active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Leave empty: since always.")
    )
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Leave empty: until further notice.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["category__order", "service", "valid_from"]
        verbose_name = _("provincial routing rule")
        verbose_name_plural = _("provincial routing rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="provincial_rule_period_ordered",
                violation_error_message=_("The end of the period is before its start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.category.code} → {self.service} ({self.role})"

    def clean(self) -> None:
        """One rule per category and kind of unit at any date: periods must not overlap."""
        if self.category_id is None:
            return
        start, end = self.valid_from or dt.date.min, self.valid_to or dt.date.max
        others = ProvincialRule.objects.filter(
            category_id=self.category_id, service=self.service
        ).exclude(pk=self.pk)
        for other in others:
            if (other.valid_from or dt.date.min) <= end and start <= (
                other.valid_to or dt.date.max
            ):
                raise ValidationError(
                    _(
                        "A rule for this category and provincial unit already applies in this "
                        "period."
                    )
                )
