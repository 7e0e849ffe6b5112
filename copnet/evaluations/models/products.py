from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.i18n import Bilingual
from copnet.network.models import Organisation

from ..choices import Language, Platform, ProductKind, Purpose
from .fields import split_codes


class Vendor(models.Model):
    """An organisation that makes products and asks the Network to evaluate them.

    Registering as a vendor gives no place in the Network and no access to its work."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="vendor"
    )
    website = models.URLField(_("website"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class Product(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="products")
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    name = models.CharField(_("product name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=32, choices=ProductKind.choices)
    description_vi = models.TextField(_("description (Vietnamese)"), max_length=4000)
    description_en = models.TextField(_("description (English)"), max_length=4000, blank=True)
    platforms = models.CharField(_("platforms"), max_length=200)
    purposes = models.CharField(_("good for"), max_length=100)
    languages = models.CharField(_("languages"), max_length=50)
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), validators=[MaxValueValidator(18)]
    )
    age_max = models.PositiveSmallIntegerField(_("oldest age"), validators=[MaxValueValidator(18)])
    data_practices = models.TextField(
        _("data practices"),
        max_length=4000,
        help_text=_(
            "What data about children it collects, why, where it is kept and for how long."
        ),
    )
    collects_location = models.BooleanField(_("collects location"), default=False)
    shows_ads = models.BooleanField(_("shows advertising"), default=False)
    shares_data = models.BooleanField(_("shares data with third parties"), default=False)
    website = models.URLField(_("website"), blank=True)
    privacy_url = models.URLField(_("privacy policy"), blank=True)
    store_url = models.URLField(_("app store or shop page"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(age_max__gte=F("age_min")),
                name="product_age_range_ordered",
                violation_error_message=_("The oldest age is below the youngest age."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    description = Bilingual()

    def _labels(self, value: str, choices: type[models.TextChoices]) -> list[str]:
        known = dict(choices.choices)
        return [str(known[c]) for c in split_codes(value) if c in known]

    @property
    def platform_labels(self) -> list[str]:
        return self._labels(self.platforms, Platform)

    @property
    def purpose_labels(self) -> list[str]:
        return self._labels(self.purposes, Purpose)

    @property
    def language_labels(self) -> list[str]:
        return self._labels(self.languages, Language)
