"""Criteria sets: versioned reference data. A version in use is never edited; a change makes a
new version, and every evaluation keeps its own copy of the criteria it was scored on."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.i18n import Bilingual

from .fields import split_codes


class CriteriaSet(models.Model):
    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    product_kinds = models.CharField(
        _("product kinds"), max_length=200, blank=True, help_text=_("Empty: every kind.")
    )
    recommended_min = models.DecimalField(
        _("score needed for 'recommended' (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("80.0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    basics_min = models.DecimalField(
        _("score needed for 'meets the basics' (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("60.0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    title = Bilingual()
    description = Bilingual()

    @property
    def kinds(self) -> list[str]:
        return split_codes(self.product_kinds)

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Section(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(_("code"), max_length=40)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="section_code_per_set")
        ]

    def __str__(self) -> str:
        return self.title

    title = Bilingual()


class Criterion(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    text_vi = models.TextField(_("criterion (Vietnamese)"))
    text_en = models.TextField(_("criterion (English)"))
    guidance_vi = models.TextField(_("guidance (Vietnamese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    evidence_vi = models.TextField(_("evidence that proves it (Vietnamese)"), blank=True)
    evidence_en = models.TextField(_("evidence that proves it (English)"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    mandatory = models.BooleanField(_("mandatory"), default=False)
    product_kinds = models.CharField(
        _("only for product kinds"),
        max_length=200,
        blank=True,
        help_text=_("Empty: every kind the set applies to."),
    )
    order = models.PositiveSmallIntegerField(default=0)
    to_verify = models.BooleanField(
        _("still to verify"),
        default=False,
        help_text=_("Drawn from a source that is not public or not yet confirmed."),
    )

    class Meta:
        ordering = ["section__order", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="criterion_code_per_section")
        ]

    def __str__(self) -> str:
        return self.code

    text = Bilingual()
    guidance = Bilingual()
    evidence = Bilingual()

    def applies_to(self, kind: str) -> bool:
        kinds = split_codes(self.product_kinds)
        return not kinds or kind in kinds
