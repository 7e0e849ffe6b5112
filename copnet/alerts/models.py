from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.crypto import EncryptedTextField

from .choices import DeliveryState, WebhookEvent


class AlertSeen(models.Model):
    """When a person last acknowledged the in-app P1 alert: later P1 cases are "new" to them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_seen"
    )
    acknowledged_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} {self.acknowledged_at:%Y-%m-%d %H:%M}"


class Webhook(models.Model):
    """An organisation's own paging system: P1 cases it leads are POSTed there, signed with
    HMAC-SHA256 of the secret (`webhooks.signature`)."""

    organisation = models.OneToOneField(
        "network.Organisation",
        on_delete=models.CASCADE,
        related_name="webhook",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("address"), max_length=500)
    secret = EncryptedTextField(_("signing secret"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"webhook of {self.organisation_id}"


class WebhookDelivery(models.Model):
    """One event for one webhook: its attempts and their outcome (the delivery log)."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=32, choices=WebhookEvent.choices)
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "case", "event"], name="webhook_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.case_id} → {self.webhook_id}"
