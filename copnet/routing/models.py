from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["category__order", "platform", "province"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "platform", "province"],
                name="one_rule_per_scope",
                violation_error_message=_(
                    "A rule for this category, platform and province already exists."
                ),
            )
        ]

    def __str__(self) -> str:
        scope = " / ".join(filter(None, [self.platform, self.province])) or "*"
        return f"{self.category.code} [{scope}] → {self.lead.code}"
