"""Referrals of a child for support (Decree 56/2017) and the two-way link with hotline 111.

A `Referral` goes from the organisation working a case to a support service of the Network.
Its personal fields (the child's name and contact, the situation, the child's views, notes)
are encrypted and erased with the case's personal data (`retention.py`).
`HotlineEndpoint` is an organisation's webhook address and secret (data, not settings);
`WebhookDelivery` is one event to one endpoint, delivered at most once successfully (its
`event_id` is the receiver's idempotency key); `PostbackReceipt` guards the post-back against
replays; `CallNote` is a hotline operator's note joined to the case of an online report.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.crypto import EncryptedJSONField, EncryptedTextField

from .choices import (
    Consent,
    DeliveryState,
    LegalGround,
    ReferralOutcome,
    ReferralStatus,
    RiskLevel,
    ServiceKind,
    WebhookEvent,
)


class Referral(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="support_referrals"
    )
    referring_org = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referring organisation"),
    )
    receiving_org = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("receiving organisation"),
    )
    service = models.CharField(_("support service"), max_length=24, choices=ServiceKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    risk_level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices)
    reason = EncryptedTextField(_("reason for the referral"))
    shared_fields = models.JSONField(_("what may be shared"), default=list)
    child_name = EncryptedTextField(_("child's name"), blank=True)
    child_contact = EncryptedTextField(_("how to reach the child or family"), blank=True)
    summary = EncryptedTextField(_("summary of the situation"), blank=True)
    # Consent (Decree 56/2017, Law 91/2025 Art. 24): the child's views always; the child's own
    # consent from 7 years old and the legal representative's, unless the life ground applies.
    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    child_views = EncryptedTextField(_("the child's views"), blank=True)
    child_consent = models.CharField(
        _("child's consent"), max_length=12, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    representative_consent = models.CharField(
        _("legal representative's consent"),
        max_length=12,
        choices=Consent.choices,
        default=Consent.NOT_ASKED,
    )
    legal_ground = models.CharField(_("legal ground"), max_length=16, choices=LegalGround.choices)
    ground_note = EncryptedTextField(_("why without consent"), blank=True)
    # The clock.
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    intervention_due = models.DateTimeField(_("assess and intervene by"), null=True, blank=True)
    plan_due = models.DateTimeField(_("support plan by"))
    next_due = models.DateTimeField(_("next deadline"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer_note = EncryptedTextField(_("answer"), blank=True)
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    assessment_note = EncryptedTextField(_("assessment and intervention"), blank=True)
    planned_at = models.DateTimeField(_("plan made"), null=True, blank=True)
    plan_note = EncryptedTextField(_("support plan"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True
    )
    outcome_note = EncryptedTextField(_("outcome note"), blank=True)
    # Escalation: which deadlines were already escalated ("intervention", "plan").
    escalated = models.JSONField(default=list, blank=True)
    # The receiving body's own status in its system (the hotline's post-back).
    external_status = models.CharField(_("their status"), max_length=40, blank=True)
    external_ref = models.CharField(_("their reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral for support")
        verbose_name_plural = _("referrals for support")
        indexes = [models.Index(fields=["status", "next_due"])]

    def __str__(self) -> str:
        return self.reference


class HotlineEndpoint(models.Model):
    """Where an organisation's own system (hotline 111) receives signed webhooks."""

    organisation = models.OneToOneField(
        "network.Organisation",
        on_delete=models.CASCADE,
        related_name="hotline_endpoint",
        verbose_name=_("organisation"),
    )
    url = models.CharField(_("webhook address"), max_length=500)
    secret = EncryptedTextField(_("signing secret"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("hotline link")
        verbose_name_plural = _("hotline links")

    def __str__(self) -> str:
        return f"{self.organisation.code}: {self.url}"


class WebhookDelivery(models.Model):
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        HotlineEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=24, choices=WebhookEvent.choices)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    payload = EncryptedJSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class PostbackReceipt(models.Model):
    """A post-back already applied: the same event id is refused the second time."""

    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    event_id = models.CharField(max_length=100)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "event_id"], name="one_postback_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.event_id


class CallNote(models.Model):
    """A hotline operator's note of a call, joined to the case of an online report."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="call_notes")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    event_id = models.CharField(max_length=100)
    operator_ref = models.CharField(_("operator's reference"), max_length=100, blank=True)
    called_at = models.DateTimeField(_("call time"))
    text = EncryptedTextField(_("call note"))
    received_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["called_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "event_id"], name="one_call_note")
        ]

    def __str__(self) -> str:
        return f"call note #{self.pk}"

    def audit_repr(self) -> str:
        return f"call note #{self.pk}"
