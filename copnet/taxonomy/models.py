from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.i18n import Bilingual
from copnet.network.models import Organisation

from .choices import CategoryFamily, Severity


class HarmCategory(models.Model):
    """A kind of online harm to children, with who handles it and how fast (data, not code)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    help_vi = models.TextField(_("child-friendly description (Vietnamese)"))
    help_en = models.TextField(_("child-friendly description (English)"))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    # Reports join an open case at intake only within one family (cases.joining); empty: the
    # category is a family of its own.
    family = models.CharField(
        _("family"), max_length=32, choices=CategoryFamily.choices, blank=True
    )
    default_lead = models.ForeignKey(
        Organisation,
        verbose_name=_("default lead organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    default_supporting = models.ManyToManyField(
        Organisation,
        verbose_name=_("default supporting organisations"),
        blank=True,
        related_name="+",
    )
    ack_hours = models.PositiveIntegerField(_("acknowledge within (hours)"), default=24)
    action_hours = models.PositiveIntegerField(_("act within (hours)"), default=48)
    close_days = models.PositiveIntegerField(_("close within (days)"), default=30)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    courses = models.ManyToManyField(
        "education.Course",
        verbose_name=_("courses to learn more"),
        blank=True,
        related_name="+",
        help_text=_(
            "Shown beside the category's help, for children and parents who want to learn more."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered to reporters"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("harm category")
        verbose_name_plural = _("harm categories")

    def __str__(self) -> str:
        return self.name

    @property
    def family_key(self) -> str:
        """What joining compares: the family, or the code for a category without one."""
        return self.family or f"code:{self.code}"

    name = Bilingual()
    help = Bilingual()
