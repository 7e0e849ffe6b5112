from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BankKind, HitKind, SignalKind, UrlPatternKind


class HashBank(models.Model):
    """A named list of image hashes, e.g. a partner hotline's list or our confirmed cases."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=BankKind.choices, default=BankKind.KNOWN_ABUSE
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hash bank")
        verbose_name_plural = _("hash banks")

    def __str__(self) -> str:
        return self.name


class BankEntry(models.Model):
    """One hash in a bank. Expired entries stop matching."""

    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="entries")
    signal_type = models.CharField(_("signal type"), max_length=8, choices=SignalKind.choices)
    value = models.CharField(_("value"), max_length=64)
    source = models.CharField(_("source"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    confirmed_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed in case"),
    )

    class Meta:
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "signal_type", "value"], name="one_value_per_bank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal_type}:{self.value[:16]}…"


class UrlList(models.Model):
    """A named list of harmful hosts, address prefixes and exact addresses."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    category = models.ForeignKey(
        "taxonomy.HarmCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("harm category"),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("address list")
        verbose_name_plural = _("address lists")

    def __str__(self) -> str:
        return self.name


class UrlListEntry(models.Model):
    url_list = models.ForeignKey(UrlList, on_delete=models.CASCADE, related_name="entries")
    pattern = models.CharField(_("pattern"), max_length=2048)
    kind = models.CharField(_("kind"), max_length=8, choices=UrlPatternKind.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("address list entry")
        verbose_name_plural = _("address list entries")

    def __str__(self) -> str:
        return self.pattern


class DetectionHit(models.Model):
    """What detection found in one report's evidence, kept to explain it to the analyst."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hits")
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(
        "reports.Evidence", null=True, blank=True, on_delete=models.CASCADE, related_name="hits"
    )
    kind = models.CharField(max_length=8, choices=HitKind.choices)
    bank_entry = models.ForeignKey(
        BankEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url_entry = models.ForeignKey(
        UrlListEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=200)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    spans = models.JSONField(default=list, blank=True)
    suggested_category = models.CharField(max_length=32, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="one_hit_per_key")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"
