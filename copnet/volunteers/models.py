from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    lookup_hash,
)
from copnet.core.i18n import Bilingual

from .choices import (
    ApplicationStatus,
    AssignmentStatus,
    Background,
    Level,
    ReportOutcome,
    TaskKind,
    TaskStatus,
    VolunteerStatus,
)

ADULT_AGE = 18


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def email_key(email: str) -> str:
    """The keyed hash that finds an application by its (encrypted) e-mail address."""
    return lookup_hash(email.strip().lower(), purpose="volunteer-email")


class Application(models.Model):
    """Someone asks to join the volunteer network. Contact details, date of birth and answers
    are encrypted; `email_key` finds duplicates without the address in clear.

    Applicants under 18 need a guardian's consent, confirmed by the guardian through a one-time
    link (see GuardianConsent), before the application can be accepted. A refused application,
    or that of a volunteer who left, is purged after settings.APPLICATION_RETENTION_DAYS
    (`volunteers.retention`): the row stays for the counts, its personal data goes."""

    full_name = EncryptedTextField(_("full name"))
    email = EncryptedTextField(_("e-mail"))
    email_key = models.CharField(max_length=64, blank=True, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True)
    province = models.CharField(_("province"), max_length=8)
    background = models.CharField(_("who you are"), max_length=16, choices=Background.choices)
    organisation_name = EncryptedTextField(_("school, union or employer"), blank=True)
    skills = models.JSONField(_("skills"), default=list)
    availability = models.JSONField(_("availability"), default=list)
    hours_per_month = models.PositiveSmallIntegerField(_("hours per month"))
    motivation = EncryptedTextField(_("motivation"))
    consent_vetting = models.BooleanField(_("consents to vetting"), default=False)
    consent_code = models.BooleanField(_("accepts the code of conduct"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
        db_index=True,
    )
    decision_reason = EncryptedTextField(_("reason or question"), blank=True)
    applicant_reply = EncryptedTextField(_("applicant's reply"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reply_token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("volunteer application")
        verbose_name_plural = _("volunteer applications")
        constraints = [
            # One open application per e-mail address: a duplicate is refused, even when two
            # arrive at the same moment.
            models.UniqueConstraint(
                fields=["email_key"],
                condition=Q(status__in=["pending", "more_info"]),
                name="one_open_application_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.email}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_key = email_key(self.email) if self.email else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)

    def audit_repr(self) -> str:
        return f"application #{self.pk}"

    def age(self, day: dt.date | None = None) -> int:
        if self.date_of_birth is None:  # purged
            return ADULT_AGE
        return age_on(self.date_of_birth, day or timezone.localdate())

    @property
    def is_minor(self) -> bool:
        return self.age() < ADULT_AGE


class GuardianConsent(models.Model):
    """A parent's or guardian's consent for an applicant under 18. The guardian confirms it
    through a one-time link sent to their own address; only a hash of the link's token is kept."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="guardian"
    )
    guardian_name = EncryptedTextField(_("guardian's name"))
    relationship = models.CharField(_("relationship"), max_length=50)
    guardian_email = EncryptedTextField(_("guardian's e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_name = EncryptedTextField(_("name typed by the guardian"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")

    def __str__(self) -> str:
        return f"consent for application #{self.application_id}"


class Volunteer(models.Model):
    """A member of the volunteer network: the account plus level, province, skills and status.

    Off-boarding keeps the row and its history; it only removes access. After
    settings.APPLICATION_RETENTION_DAYS the departed volunteer's account is pseudonymised
    (`volunteers.retention`). The date of birth is encrypted: ages are computed in Python."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="volunteer"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.NEW)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.ACTIVE,
        db_index=True,
    )
    province = models.CharField(_("province"), max_length=8, db_index=True)
    skills = models.JSONField(_("skills"), default=list)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True)
    leaderboard_opt_out = models.BooleanField(_("hide me from the leaderboard"), default=False)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    last_active_at = models.DateTimeField(_("last active"), default=timezone.now)
    last_reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    status_reason = EncryptedTextField(_("reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["province", "user__email"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return str(self.user)

    def audit_repr(self) -> str:
        return f"volunteer #{self.pk}"

    @property
    def is_minor(self) -> bool:
        if self.date_of_birth is None:  # pseudonymised after leaving: no longer acts
            return True
        return age_on(self.date_of_birth, timezone.localdate()) < ADULT_AGE

    @property
    def is_active(self) -> bool:
        return self.status == VolunteerStatus.ACTIVE


class TrainingItem(models.Model):
    """One item of the required training checklist (reference data, editable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_vi = models.TextField(_("what to do (Vietnamese)"), blank=True)
    body_en = models.TextField(_("what to do (English)"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("training item")
        verbose_name_plural = _("training items")

    def __str__(self) -> str:
        return self.code

    title = Bilingual()
    body = Bilingual()


class TrainingCompletion(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="training")
    item = models.ForeignKey(TrainingItem, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "item"], name="training_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.item_id}"


class Task(models.Model):
    """Work a coordinator or team lead posts for volunteers. A verification task carries only
    addresses and a question; the case it came from is never shown to volunteers. Title,
    question and addresses are encrypted; a case's tasks are emptied with its personal data."""

    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    title = EncryptedTextField(_("title"))
    question = EncryptedTextField(_("question or instructions"))
    urls = EncryptedJSONField(_("web addresses"), default=list, blank=True)
    province = models.CharField(_("province"), max_length=8, blank=True, db_index=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    slots = models.PositiveSmallIntegerField(_("volunteers needed"), default=1)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("volunteer task")
        verbose_name_plural = _("volunteer tasks")

    def __str__(self) -> str:
        return self.title

    def audit_repr(self) -> str:
        return f"task #{self.pk}"


class Assignment(models.Model):
    """A volunteer took a task; the report back records hours and outcome (encrypted, with the
    per-address checks; emptied with the task's case)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACCEPTED,
    )
    accepted_at = models.DateTimeField(auto_now_add=True)
    reported_at = models.DateTimeField(_("reported back"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    url_results = EncryptedJSONField(_("address checks"), default=dict, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["task", "volunteer"], name="one_assignment_per_task")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.volunteer_id}"


class VolunteerReport(models.Model):
    """A report filed by a volunteer, with the feedback they get once the case is decided.

    The volunteer learns only the outcome (confirmed / not harmful), never the case's content."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.PROTECT, related_name="volunteer_link"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="reports")
    trusted = models.BooleanField(_("higher initial trust"), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ReportOutcome.choices, default=ReportOutcome.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.report_id}"


class VolunteerKey(models.Model):
    """A volunteer's personal API key (prefix `cpv_`): acts as that volunteer, only on the
    volunteer routes, and stops working as soon as the volunteer is suspended or leaves."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="keys")
    name = models.CharField(_("label"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
