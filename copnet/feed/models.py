from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import EncryptedTextField
from copnet.detection.hosts import host_to_unicode
from copnet.taxonomy.choices import Severity

from .choices import AppealStatus, EntryKind, EntrySource


class FeedVersion(models.Model):
    """A published state of the feed. Entry rows carry the versions that added and withdrew
    them, so the contents of any version, and the diff between two, can be rebuilt exactly."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added = models.PositiveIntegerField(_("added"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("feed version")
        verbose_name_plural = _("feed versions")

    def __str__(self) -> str:
        return str(self.number)


class FeedEntry(models.Model):
    """A confirmed harmful address, host or image hash offered to ecosystem apps.

    `expression` is the Safe Browsing lookup expression ("host/" for a host, "host/path" for
    an address) and `full_hash` its SHA-256 (hex); image hashes keep their own value."""

    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    value = models.CharField(_("value"), max_length=2048)
    signal_type = models.CharField(_("signal type"), max_length=8, blank=True)
    full_hash = models.CharField(max_length=64, blank=True)
    prefix = models.CharField(max_length=8, blank=True, db_index=True)
    category = models.ForeignKey(
        "taxonomy.HarmCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("harm category"),
    )
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    is_public = models.BooleanField(_("public"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=EntrySource.choices)
    source_label = models.CharField(_("source detail"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url_list_entry = models.ForeignKey(
        "banks.UrlListEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bank_entry = models.ForeignKey(
        "banks.BankEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_on = models.DateField(_("review or expiry date"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_in_version = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Typed by staff (an upheld appeal's reason can name the site's owner): encrypted, and
    # erased with the appeal's case.
    withdrawn_reason = EncryptedTextField(_("reason for withdrawal"), blank=True)
    withdrawn_in_version = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "signal_type", "value"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_feed_entry_per_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value[:80]}"

    @property
    def display_value(self) -> str:
        """Hosts written in Unicode for people (punycode is kept for machines)."""
        if self.kind == EntryKind.HASH:
            return self.value
        host, slash, rest = self.value.partition("/")
        return host_to_unicode(host) + slash + rest


class Appeal(models.Model):
    """A site owner's request to review a blocked address; it opens a case for the review.
    Address, contact and explanation are encrypted and erased with that case's personal data."""

    address = EncryptedTextField(_("address"))
    contact = EncryptedTextField(_("contact"))
    explanation = EncryptedTextField(_("explanation"))
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.SET_NULL, related_name="+")
    entries = models.ManyToManyField(FeedEntry, blank=True, related_name="appeals")
    status = models.CharField(
        _("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal {self.pk}"
