from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import EncryptedJSONField, EncryptedTextField
from copnet.taxonomy.choices import AgeBand
from copnet.taxonomy.models import HarmCategory

from .choices import Channel, ChildGender, EvidenceKind, ReporterKind


class Report(models.Model):
    """One report of harm, from any channel. Personal data is encrypted at rest.

    A report is acknowledged (tracking code, HTTP 201) only after it and its case are committed.
    """

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        HarmCategory,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("what happened"),
    )
    description = EncryptedTextField(_("description"), blank=True)
    platform = models.CharField(_("platform or app"), max_length=100, blank=True)
    account_handles = EncryptedTextField(_("account names"), blank=True)
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    child_age_band = models.CharField(
        _("child's age"), max_length=8, choices=AgeBand.choices, blank=True
    )
    child_gender = models.CharField(
        _("child's gender"), max_length=8, choices=ChildGender.choices, blank=True
    )
    province = models.CharField(_("province"), max_length=8, blank=True)
    in_danger = models.BooleanField(_("a child is in danger right now"), default=False)
    reporter_kind = models.CharField(
        _("who is reporting"), max_length=16, choices=ReporterKind.choices, blank=True
    )
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_contact = EncryptedTextField(_("reporter's contact"), blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hotline operator"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("volunteer"),
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.ForeignKey(
        "network.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner organisation"),
    )
    external_id = EncryptedTextField(_("partner's reference"), blank=True)
    # The language the report was made in (the page's language, or the API request's): the
    # Network writes to this reporter in it. Empty for reports older than the field.
    language = models.CharField(_("language"), max_length=8, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reports", verbose_name=_("case")
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.tracking_code


class ReportUrl(models.Model):
    """A place on the internet named in a report, normalised so that duplicates meet.

    The address is encrypted (it is often a child's profile); reports meet through `url_key`,
    a keyed hash of the normalised address (`services.url_lookup_key`). The purge empties both
    addresses and keeps the key, which nobody can turn back into an address."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="urls")
    url = EncryptedTextField(_("address as reported"))
    normalised = EncryptedTextField(_("normalised address"))
    url_key = models.CharField(max_length=64, db_index=True)
    # Keyed hash of the normalised host (`lookups.host_lookup_key`): staff search by domain.
    host_key = models.CharField(max_length=64, blank=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("reported address")
        verbose_name_plural = _("reported addresses")

    def __str__(self) -> str:
        return self.normalised

    def audit_repr(self) -> str:
        return f"address #{self.pk}"


class Evidence(models.Model):
    """An image or a video (encrypted file in the vault, with hashes) or a text excerpt of a
    report. A video has `duration` and `vpdq`: its frame hashes, one a second, as a vPDQ hash
    file ("frame number,quality,PDQ hex,seconds" a line; `detection.vpdq.format_vpdq_file`)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices)
    text = EncryptedTextField(_("text"), blank=True)
    mime = models.CharField(max_length=32, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    md5 = models.CharField(max_length=32, blank=True, db_index=True)
    pdq = models.CharField(max_length=64, blank=True)
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    vpdq = models.TextField(_("vPDQ frame hashes"), blank=True)
    blob_path = models.CharField(max_length=100, blank=True)
    preview_path = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        # The orphan-file sweep looks stored files up by path (text evidence has none).
        indexes = [
            # Staff search finds evidence by its PDQ hash (MD5 and SHA-256 are indexed above).
            models.Index(fields=["pdq"], name="evidence_pdq", condition=~Q(pdq="")),
            models.Index(
                fields=["blob_path"], name="evidence_blob_path", condition=~Q(blob_path="")
            ),
            models.Index(
                fields=["preview_path"],
                name="evidence_preview_path",
                condition=~Q(preview_path=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ReportHandle(models.Model):
    """A keyed hash of one platform account name of a report (`lookups.handle_keys`), so that
    staff search finds reports by account name although `Report.account_handles` is
    encrypted. Read only through the case it belongs to (scoped there); the purge keeps it,
    as it keeps `ReportUrl.url_key`: nobody can turn it back into a name."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="handles")
    key = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_handle_once")]

    def __str__(self) -> str:
        return f"handle of report #{self.report_id}"


class IdempotencyRecord(models.Model):
    """The answer given to a partner's request, replayed when it retries with the same key.

    The answer is encrypted (error details can quote what was sent); records are deleted
    after settings.IDEMPOTENCY_RETENTION_HOURS."""

    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = EncryptedJSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_per_api_key")
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.key}"


class SelfHashSubmission(models.Model):
    """Fingerprints of a young person's own intimate pictures, computed on their device
    (`reports/static/reports/devicehash.js`); the pictures are never sent. The values go to the
    "self-reported" hash bank (banks app, through `self_hash.BANK`). The tracking code and the
    secret (stored as its hash) let the young person check the status or withdraw them."""

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    category = models.CharField(_("what the picture shows"), max_length=16)
    images = models.PositiveSmallIntegerField(_("pictures"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # The young person's explicit opt-in to share the fingerprints with partners abroad that
    # accept them (StopNCII): when it was given and the wording they agreed to
    # (`self_hash.SHARE_CONSENT_WORDING`). Empty: they stay in COPNet's own bank only.
    share_consent_at = models.DateTimeField(_("agreed to share abroad"), null=True, blank=True)
    share_consent_wording = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("self-reported fingerprints")
        verbose_name_plural = _("self-reported fingerprints")

    def __str__(self) -> str:
        return self.tracking_code


class SelfHashValue(models.Model):
    """One hash of a submission (PDQ, MD5 or SHA-256 of one picture)."""

    submission = models.ForeignKey(
        SelfHashSubmission, on_delete=models.CASCADE, related_name="values"
    )
    signal_type = models.CharField(max_length=8)
    value = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "signal_type", "value"], name="one_value_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal_type}:{self.value[:16]}…"


class PendingUpload(models.Model):
    """A picture accepted with a report form that came back with an error: kept encrypted in
    the evidence store under a short-lived token (only its keyed hash is stored), shown as
    "already attached" and added when the form is sent. Deleted when used, or by the purge
    after settings.PENDING_UPLOAD_MINUTES (`reports.pending`)."""

    token_hash = models.CharField(max_length=64, db_index=True)
    blob_path = models.CharField(max_length=100, db_index=True)
    mime = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("picture waiting for its report")
        verbose_name_plural = _("pictures waiting for their report")

    def __str__(self) -> str:
        return f"pending #{self.pk}"
