from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import EncryptedTextField

from .choices import (
    CHANNEL_NEEDS,
    MAX_RENOTICE_HOURS,
    MIN_RENOTICE_HOURS,
    CheckResult,
    Delivery,
    EscalationLevel,
    FollowUpKind,
    ItemKind,
    LegalBasis,
    PlatformKind,
    RefusalReason,
    RequestStatus,
    SendChannel,
    Urgency,
)


class Platform(models.Model):
    """An online service that receives removal requests, and how to reach it.

    `organisation` links the platform to its Network organisation: API keys of that
    organisation may answer the platform's requests through the callback API."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PlatformKind.choices)
    domains = models.TextField(
        _("domains"), blank=True, help_text=_("One host per line, e.g. facebook.com")
    )
    legal_contact = models.TextField(_("legal contact in Vietnam"), blank=True)
    channel = models.CharField(
        _("channel for removal requests"),
        max_length=16,
        choices=SendChannel.choices,
        default=SendChannel.WEB_FORM,
    )
    email = models.EmailField(_("e-mail for removal requests"), blank=True)
    web_form_url = models.URLField(_("web form"), max_length=500, blank=True)
    api_url = models.URLField(_("API endpoint"), max_length=500, blank=True)
    api_token = EncryptedTextField(_("API token (sent as Bearer)"), blank=True)
    languages = models.CharField(_("languages"), max_length=50, default="vi,en")
    notes = models.TextField(_("notes"), blank=True)
    organisation = models.ForeignKey(
        "network.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms",
        verbose_name=_("organisation in the Network"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    renotice_hours = models.PositiveSmallIntegerField(
        _("re-notify every (hours)"),
        default=24,
        validators=[MinValueValidator(MIN_RENOTICE_HOURS), MaxValueValidator(MAX_RENOTICE_HOURS)],
        help_text=_(
            "While a request is unanswered or its content still online, the platform is sent "
            "the notice again and the addresses are checked again this often."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name

    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.domains.splitlines() if d.strip()]

    def missing_contact_details(self) -> list[str]:
        """Labels of what removal requests to this platform still lack: the legal contact in
        Vietnam and what the channel needs (`choices.CHANNEL_NEEDS`)."""
        needed = ("legal_contact", *CHANNEL_NEEDS.get(self.channel, ()))
        return [self._label(name) for name in needed if not getattr(self, name)]

    def _label(self, name: str) -> str:
        field = self._meta.get_field(name)
        return str(field.verbose_name) if isinstance(field, models.Field) else name


class IssuingAuthority(models.Model):
    """A competent authority under Decree 147/2024 in whose name removal requests are issued
    (A05, the culture ministry's authority, a provincial authority): the Network transmits and
    tracks its notices. Each has its own document number series."""

    organisation = models.OneToOneField(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="issuing_authority",
        verbose_name=_("organisation"),
    )
    series = models.CharField(_("document number series"), max_length=20, unique=True)
    signatory_title_vi = models.CharField(_("signatory's title (Vietnamese)"), max_length=100)
    signatory_title_en = models.CharField(_("signatory's title (English)"), max_length=100)
    next_number = models.PositiveIntegerField(_("next document number"), default=1)
    is_active = models.BooleanField(_("issues notices"), default=True)

    class Meta:
        ordering = ["series"]
        verbose_name = _("issuing authority")
        verbose_name_plural = _("issuing authorities")

    def __str__(self) -> str:
        return str(self.organisation)


class RemovalRequest(models.Model):
    """A request to one platform to remove content or accounts named in one case.

    Status changes only through `takedowns.services` (see `workflow.REQUEST`); the deadline
    is set when the request is sent, from its legal basis and urgency. The notice (which names
    the items) and the platform's answer are encrypted and erased with the case's personal
    data; statuses and times stay for the compliance figures."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="removal_requests"
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="requests", verbose_name=_("platform")
    )
    requested_by_org = models.ForeignKey(
        "network.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("answered"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("refusal reason"), max_length=16, choices=RefusalReason.choices, blank=True
    )
    answer_note = EncryptedTextField(_("platform's answer"), blank=True)
    platform_ref = models.CharField(_("platform's reference"), max_length=100, blank=True)
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last delivery error"), max_length=300, blank=True)
    notice = EncryptedTextField(_("notice"), blank=True)
    # Follow-up (`services.followup`): while `next_followup_at` is set, the platform is sent the
    # notice again and the addresses are checked again when it is due.
    renotice_count = models.PositiveSmallIntegerField(_("re-notices sent"), default=0)
    next_followup_at = models.DateTimeField(
        _("next re-notice and check"), null=True, blank=True, db_index=True
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    followup_closed_at = models.DateTimeField(_("follow-up closed"), null=True, blank=True)
    followup_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Issued in the name of a competent authority, approved by one of its people (Decree 147).
    issuing_authority = models.ForeignKey(
        IssuingAuthority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("issuing authority"),
    )
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    signatory = models.CharField(_("signatory"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("removal request")
        verbose_name_plural = _("removal requests")
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_authority", "document_number"],
                condition=~models.Q(document_number=""),
                name="one_document_number_per_authority",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in {RequestStatus.SENT, RequestStatus.ACKNOWLEDGED}
            and self.deadline is not None
            and self.deadline < timezone.now()
        )

    @property
    def removed_in_time(self) -> bool:
        return (
            self.status == RequestStatus.REMOVED
            and self.deadline is not None
            and self.resolved_at is not None
            and self.resolved_at <= self.deadline
        )


class RemovalItem(models.Model):
    """One address or account to remove, with the last verification check of an address.
    The value and the check's detail are encrypted and erased with the case's personal data."""

    request = models.ForeignKey(RemovalRequest, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    value = EncryptedTextField(_("address or account"))
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    check_result = models.CharField(
        _("check result"), max_length=8, choices=CheckResult.choices, blank=True
    )
    check_detail = EncryptedTextField(_("check detail"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("item to remove")
        verbose_name_plural = _("items to remove")

    def __str__(self) -> str:
        return self.value

    def audit_repr(self) -> str:
        return f"{self.kind} #{self.pk}"


class FollowUp(models.Model):
    """One re-notice, re-check or escalation step of a removal request. `number` counts the
    steps of one kind (the re-notice number, the ladder level): the same step is written once,
    however often the sweep runs."""

    request = models.ForeignKey(RemovalRequest, on_delete=models.CASCADE, related_name="followups")
    kind = models.CharField(_("kind"), max_length=12, choices=FollowUpKind.choices)
    number = models.PositiveIntegerField(_("number"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    result = models.CharField(_("result"), max_length=40, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up step")
        verbose_name_plural = _("follow-up steps")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "number"], name="one_followup_step_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class CallbackReceipt(models.Model):
    """A platform callback already applied: the same event id is refused the second time."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=100)
    request = models.ForeignKey(RemovalRequest, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "event_id"], name="one_callback_per_event")
        ]

    def __str__(self) -> str:
        return self.event_id
