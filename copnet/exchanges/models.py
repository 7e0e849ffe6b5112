from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import EncryptedJSONField, EncryptedTextField

from .choices import (
    ExchangeKind,
    FeedbackStatus,
    ForeignReportStatus,
    IndicatorKind,
    RunStatus,
    SubmissionStatus,
    Verdict,
)


class Exchange(models.Model):
    """A partner's hash list, configured as data: what protocol it speaks, where, with which
    credentials (encrypted), how often it is fetched, and on what legal ground data crosses
    the border (PDPL 2025: the transfer impact assessment filed with the authority).

    Its entries live in its own hash bank (`bank`), so a match names its source exchange.
    `checkpoint` is the protocol's cursor, written in the same transaction as each page of
    entries: a fetch that dies resumes after the last page it committed."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("protocol"), max_length=16, choices=ExchangeKind.choices)
    endpoint = models.URLField(_("endpoint"), max_length=500)
    # {"username", "password"} (NCMEC) or {"subscription_key", "fetch_key", "feedback_key"}
    # (StopNCII); never shown back, never in the audit trail.
    credentials = EncryptedJSONField(_("credentials"), default=dict, blank=True)
    bank = models.OneToOneField(
        "banks.HashBank",
        on_delete=models.PROTECT,
        related_name="exchange",
        verbose_name=_("hash bank"),
    )
    fetch_every_minutes = models.PositiveIntegerField(_("fetch every (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    sends_feedback = models.BooleanField(_("sends feedback"), default=True)
    # Young people's own fingerprints, shared with their consent (submissions.py); only
    # protocols that take submissions (StopNCII) may have it.
    accepts_submissions = models.BooleanField(
        _("receives young people's fingerprints (with their consent)"), default=False
    )
    legal_ground = models.CharField(_("legal ground"), max_length=300)
    transfer_assessment_ref = models.CharField(
        _("cross-border transfer assessment reference"), max_length=100
    )
    checkpoint = models.JSONField(_("checkpoint"), default=dict, blank=True)
    # A fetch claims the exchange by setting this (conditional UPDATE); a claim older than
    # the lease belongs to a dead process and may be taken over.
    fetching_since = models.DateTimeField(null=True, blank=True)
    # "host|pid|process start" of the claimant: on this host a claim whose process is gone
    # (killed, crashed) is taken over at once instead of after the lease.
    fetching_by = models.CharField(max_length=300, blank=True)
    last_fetch_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful fetch"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")

    def __str__(self) -> str:
        return self.name


class FetchRun(models.Model):
    """One fetch of an exchange: what it received, what it changed, how it ended."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    pages = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    seen_again = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # signal types COPNet does not match
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.exchange} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class Indicator(models.Model):
    """A partner's indicator as it last described it (ThreatExchange: the indicator, its
    type, the descriptors that name it, their tags and strongest status). Hash indicators
    (PDQ, MD5) are also rows of the exchange's bank, where they are matched; vPDQ, addresses
    and text are kept here. The descriptor ids are what a reaction is sent to. Written and
    removed (on the partner's tombstone) in the same transaction as the bank's rows."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="indicators")
    external_id = models.CharField(_("external id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices)
    indicator_type = models.CharField(_("partner's type"), max_length=32)
    value = models.TextField(_("value"))
    descriptors = models.JSONField(default=list, blank=True)
    classification = models.CharField(_("classification"), max_length=32, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    contributor = models.CharField(_("contributor"), max_length=200, blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["exchange", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "external_id"], name="one_indicator_per_exchange"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exchange} {self.kind} {self.external_id}"


class OutboxRow(models.Model):
    """A message to a partner, sent by a task and retried with backoff
    (`retries.next_attempt`): tries so far, when the next is due, the last failure, when it
    was made and when it went."""

    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class FeedbackMessage(OutboxRow):
    """An analyst's verdict on a match, to be sent to the exchange the entry came from, in the
    exchange's own form (NCMEC vote, StopNCII CSP feedback). One per hit and verdict; sent by
    a task, retried with backoff until it is accepted or `FEEDBACK_MAX_ATTEMPTS` is reached."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="feedback")
    hit = models.ForeignKey(
        "banks.DetectionHit", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    # What the partner needs to find its entry, copied so the message survives a retraction.
    external_id = models.CharField(max_length=200)
    signal_type = models.CharField(max_length=8)
    value = models.CharField(max_length=64)
    # The partner's objects the verdict is about (ThreatExchange descriptors), copied too.
    descriptors = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=8, choices=FeedbackStatus.choices, default=FeedbackStatus.QUEUED
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hit", "verdict"], name="one_feedback_per_verdict")
        ]

    def __str__(self) -> str:
        return f"{self.exchange} {self.verdict} {self.external_id}"


class Referral(models.Model):
    """A report received from abroad (a CyberTipline report as A05 receives it), imported
    into a COPNet report and case. The report number is unique: the same file twice is
    refused. What identifies people (the reported account, IP addresses with times, devices,
    file names) is encrypted and readable only by police roles (Perm.VIEW_REFERRAL_EVENTS,
    scoped to the case's organisations in ORG_SCOPES); the case purge erases it."""

    source = models.CharField(max_length=32, default="cybertipline")
    external_id = models.CharField(_("external id"), max_length=100, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    incident_type = models.CharField(_("incident type"), max_length=200)
    reporting_service = models.CharField(_("reporting service"), max_length=200, blank=True)
    classification = models.CharField(_("classification"), max_length=32, blank=True)
    annotations = models.JSONField(default=list, blank=True)
    # [{"name", "hashes": {"md5": …}, "classification", "matched": [entry ids]}]
    files = models.JSONField(default=list, blank=True)
    # {"account": {...}, "ip_events": [{"ip", "event", "at"}], "devices": [...],
    #  "file_names": [...]}: personal data, encrypted.
    people = EncryptedJSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.external_id}"


class ForeignReport(OutboxRow):
    """A report about an address hosted abroad, for the hotline of the hosting country
    (ICCAM style: one URL, its classification). Queued, then tracked until the content is
    removed: `removed_at - created_at` is the notice-and-takedown time. The address and the
    payload name the reported content: encrypted, erased by the case purge."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    url = EncryptedTextField(_("address"))
    host = models.CharField(_("host"), max_length=253)
    ip = models.GenericIPAddressField(_("IP address"))
    country = models.CharField(_("hosting country"), max_length=2)
    hotline = models.CharField(_("hotline"), max_length=32)
    payload = EncryptedJSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=ForeignReportStatus.choices, default=ForeignReportStatus.QUEUED
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # The hotline's own reference for the report, and when its status was last asked.
    hotline_ref = models.CharField(_("hotline's reference"), max_length=100, blank=True)
    checked_at = models.DateTimeField(_("status last asked"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.hotline} ({self.country})"

    @property
    def takedown_time(self) -> Any:
        """The notice-and-takedown time: from the report to the content's removal."""
        return self.removed_at - self.created_at if self.removed_at else None


class HashSubmission(OutboxRow):
    """Fingerprints a young person made on their device and agreed to share abroad
    (`reports.SelfHashSubmission.share_consent_at`), for one exchange that accepts them. One
    per submission and exchange; sent by a task after commit, claimed with a conditional
    UPDATE, retried with backoff, audited; cancelled when withdrawn before it was sent."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="submissions")
    submission = models.ForeignKey(
        "reports.SelfHashSubmission", on_delete=models.CASCADE, related_name="+"
    )
    values = models.JSONField(default=list)  # [[signal type, value], …] as sent
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.QUEUED
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "submission"], name="one_hash_submission_per_exchange"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exchange} {self.submission_id} {self.status}"


class HotlineEndpoint(models.Model):
    """Where a foreign hotline receives reports out (`copnet.foreign-report/1` over HTTPS),
    configured as data by coordinators (who sign in with a second factor): the hotline's code
    as in `reference/hotlines.json`, its endpoint, its API key (encrypted, write-only, never
    audited) and, before anything crosses the border, the legal ground and the reference of
    the transfer impact assessment (PDPL 2025). A hotline without one is handed its reports
    by a person (the payload is the document)."""

    code = models.SlugField(_("hotline"), max_length=32, unique=True)
    endpoint = models.URLField(_("endpoint"), max_length=500)
    credentials = EncryptedJSONField(_("credentials"), default=dict, blank=True)
    legal_ground = models.CharField(_("legal ground"), max_length=300)
    transfer_assessment_ref = models.CharField(
        _("cross-border transfer assessment reference"), max_length=100
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("hotline endpoint")
        verbose_name_plural = _("hotline endpoints")

    def __str__(self) -> str:
        return self.code
