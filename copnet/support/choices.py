"""Statuses and kinds of referrals for support (Decree 56/2017) and of hotline webhooks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, waiting for the receiving body")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ASSESSED = "assessed", _("Assessed, intervention done")
    PLANNED = "planned", _("Support plan made")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REFERRAL_STATUSES = frozenset(
    {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ASSESSED, ReferralStatus.PLANNED}
)


class ServiceKind(models.TextChoices):
    HOTLINE_111 = "hotline_111", _("Hotline 111 (national child protection hotline)")
    HEALTH_SOCIAL = "health_social", _("Provincial health or social services")
    COMMUNE_OFFICER = "commune_officer", _("Commune child-protection officer")
    SCHOOL_COUNSELLOR = "school_counsellor", _("School counsellor")
    OTHER = "other", _("Other support service of the Network")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High: the child is at risk")
    IMMEDIATE = "immediate", _("Immediate danger")


# A child at risk (Decree 56/2017): assessment and emergency intervention within 12 hours.
AT_RISK_LEVELS = frozenset({RiskLevel.HIGH, RiskLevel.IMMEDIATE})


class Consent(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    NOT_ASKED = "not_asked", _("Not asked")


class LegalGround(models.TextChoices):
    CONSENT = "consent", _("Consent of the child and the legal representative")
    PROTECT_LIFE = (
        "protect_life",
        _("Without consent: to protect the child's life or health (emergency)"),
    )


class SharedField(models.TextChoices):
    """What the receiving body may be told about the child (data minimisation)."""

    CATEGORY = "category", _("Kind of harm")
    AGE_BAND = "age_band", _("Age band")
    PROVINCE = "province", _("Province")
    CHILD_NAME = "child_name", _("Child's name")
    CONTACT = "contact", _("How to reach the child or the family")
    SUMMARY = "summary", _("Summary of the situation")


class ReferralOutcome(models.TextChoices):
    SUPPORTED = "supported", _("Child supported")
    COUNSELLING = "counselling", _("Counselling given")
    PLACED_IN_CARE = "placed_in_care", _("Child placed in care or protection")
    REFERRED_ON = "referred_on", _("Referred on to another service")
    NOT_REACHED = "not_reached", _("Child or family could not be reached")
    NO_NEED = "no_need", _("No support needed after assessment")


class WebhookEvent(models.TextChoices):
    REFERRAL_CREATED = "referral.created", _("Referral sent")
    REFERRAL_UPDATED = "referral.updated", _("Referral changed")
    CASE_STATUS = "case.status", _("Case status changed")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
