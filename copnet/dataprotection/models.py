"""Rows of the personal-data duties: data-subject requests, legal grounds, consents, breaches.

Records of processing and retention periods are reference data (`reference/*.json`, read by
`register.py`), not rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import EncryptedTextField
from copnet.core.i18n import Bilingual

from .choices import (
    BreachStatus,
    ConsentGiver,
    ConsentPurpose,
    Ground,
    RequestKind,
    RequestStatus,
)


class SubjectRequest(models.Model):
    """A data subject's request about a report (the reporter proves it with the tracking code
    and secret: no account, no identity document)."""

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="subject_requests",
        verbose_name=_("report"),
    )
    kind = models.CharField(_("request"), max_length=24, choices=RequestKind.choices)
    details = EncryptedTextField(_("details"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = EncryptedTextField(_("answer"), blank=True)
    legal_ground = models.CharField(
        _("legal ground"), max_length=24, choices=Ground.choices, blank=True
    )
    erased = models.JSONField(_("data erased"), default=list, blank=True)
    kept = models.JSONField(_("data kept"), default=list, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    def audit_repr(self) -> str:
        return f"data-subject request #{self.pk}"

    @property
    def overdue(self) -> bool:
        end = self.answered_at or timezone.now()
        return end > self.due_at

    @property
    def number(self) -> str:
        return f"DP-{self.pk:06d}"

    def _titles(self, codes: list[str]) -> str:
        rules = {r.code: r.title for r in RetentionRule.objects.filter(code__in=codes)}
        return ", ".join(rules.get(code, code) for code in codes)

    @property
    def erased_titles(self) -> str:
        return self._titles(self.erased)

    @property
    def kept_titles(self) -> str:
        return self._titles(self.kept)


class LegalGround(models.Model):
    """Why a case's data is processed without consent, or must be kept (a police
    investigation, a legal hold). Active while `released_at` is empty."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="legal_grounds")
    ground = models.CharField(_("legal ground"), max_length=24, choices=Ground.choices)
    basis = models.CharField(_("legal basis (law, article, document)"), max_length=200)
    note = EncryptedTextField(_("note"), blank=True)
    placed_at = models.DateTimeField(_("recorded"), default=timezone.now)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("legal ground")
        verbose_name_plural = _("legal grounds")

    def __str__(self) -> str:
        return f"{self.get_ground_display()} ({self.basis})"


class ConsentRecord(models.Model):
    """One person's consent to one purpose for a case (PDPL Art. 24: for a child's private life,
    the child from 7 and the legal representative both consent)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=24, choices=ConsentPurpose.choices)
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by_request = models.ForeignKey(
        SubjectRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_given_by_display()}"


class Breach(models.Model):
    """A personal-data breach in the register, with its notification deadline."""

    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="breaches",
        verbose_name=_("organisation"),
    )
    summary = EncryptedTextField(_("what happened"))
    data_categories = models.CharField(_("data concerned"), max_length=200)
    subjects_affected = models.PositiveIntegerField(_("people affected (estimate)"), default=0)
    discovered_at = models.DateTimeField(_("discovered"))
    notify_due = models.DateTimeField(_("notify the authority by"))
    status = models.CharField(
        _("status"), max_length=24, choices=BreachStatus.choices, default=BreachStatus.DETECTED
    )
    authority_notified_at = models.DateTimeField(_("authority notified"), null=True, blank=True)
    authority_reference = models.CharField(_("notification reference"), max_length=100, blank=True)
    assessment = EncryptedTextField(_("assessment"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")

    def __str__(self) -> str:
        return f"breach #{self.pk}"

    def audit_repr(self) -> str:
        return f"breach #{self.pk}"

    @property
    def notified_late(self) -> bool:
        end = self.authority_notified_at or timezone.now()
        return self.status != BreachStatus.NOT_NOTIFIABLE and end > self.notify_due


class RetentionRule(models.Model):
    """How long one category of personal data is kept (reference data, `reference/register.json`).
    `days` empty: the setting named in `setting` decides (the defaults before this table)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    counted_from_vi = models.CharField(_("counted from (Vietnamese)"), max_length=200)
    counted_from_en = models.CharField(_("counted from (English)"), max_length=200)
    setting = models.CharField(_("default setting"), max_length=60, blank=True)
    days = models.PositiveIntegerField(_("days (empty: the setting)"), null=True, blank=True)
    kept_under_legal_hold = models.BooleanField(_("kept under a legal hold"), default=True)

    title = Bilingual()
    counted_from = Bilingual()

    class Meta:
        ordering = ["code"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return self.code

    @property
    def effective_days(self) -> int:
        if self.days is not None:
            return self.days
        value = getattr(settings, self.setting, None) if self.setting else None
        if value is None:
            raise LookupError(f"retention rule {self.code}: no days and no setting")
        return int(value) if not self.setting.endswith("_HOURS") else max(1, int(value) // 24)


class ProcessingActivity(models.Model):
    """One entry of the records of processing activities (reference data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    purpose_vi = models.TextField(_("purpose (Vietnamese)"))
    purpose_en = models.TextField(_("purpose (English)"))
    subjects_vi = models.TextField(_("data subjects (Vietnamese)"))
    subjects_en = models.TextField(_("data subjects (English)"))
    data_vi = models.TextField(_("personal data (Vietnamese)"))
    data_en = models.TextField(_("personal data (English)"))
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    recipients_vi = models.TextField(_("recipients (Vietnamese)"))
    recipients_en = models.TextField(_("recipients (English)"))
    retention = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="activities"
    )
    security_vi = models.TextField(_("security measures (Vietnamese)"))
    security_en = models.TextField(_("security measures (English)"))
    to_verify = models.BooleanField(_("to verify"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    name = Bilingual()
    purpose = Bilingual()
    subjects = Bilingual()
    data = Bilingual()
    recipients = Bilingual()
    security = Bilingual()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("records of processing activities")

    def __str__(self) -> str:
        return self.code
