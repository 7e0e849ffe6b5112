"""A platform account named in reports, linked across cases (Decree 147/2024's repeat-violator
rule). The handle is personal data: stored encrypted for display, found by a keyed hash of the
platform and the normalised handle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import EncryptedTextField


class PlatformAccount(models.Model):
    platform = models.ForeignKey(
        "takedowns.Platform",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("platform"),
    )
    platform_label = models.CharField(_("platform as reported"), max_length=100, blank=True)
    lookup = models.CharField(max_length=64, unique=True)
    handle = EncryptedTextField(_("account"))
    first_seen = models.DateTimeField(_("first reported"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last reported"), db_index=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")

    def __str__(self) -> str:
        return self.handle

    def audit_repr(self) -> str:
        return f"account #{self.pk}"


class AccountSighting(models.Model):
    """The account named in one report of a case (or in a removal request's items)."""

    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="sightings")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(db_index=True)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "case"], name="one_sighting_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} in {self.case_id}"


class AccountSuspension(models.Model):
    """A suspension the platform confirmed, recorded by staff (counts toward "permanent after
    three")."""

    account = models.ForeignKey(
        PlatformAccount, on_delete=models.CASCADE, related_name="suspensions"
    )
    starts_on = models.DateField(_("from"))
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("account suspension")
        verbose_name_plural = _("account suspensions")

    def __str__(self) -> str:
        return f"{self.account_id} {self.starts_on}"
