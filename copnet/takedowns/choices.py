"""Enumerations of the takedowns app, and the deadline rules (hours) by legal basis."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformKind(models.TextChoices):
    SOCIAL = "social", _("Social network")
    VIDEO = "video", _("Video sharing")
    MESSAGING = "messaging", _("Messaging")
    GAME = "game", _("Online game")
    FORUM = "forum", _("Forum or community")
    HOSTING = "hosting", _("Hosting or cloud")
    APP_STORE = "app_store", _("App store")
    SEARCH = "search", _("Search engine")
    OTHER = "other", _("Other service")


class SendChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form (sent by an officer)")
    API = "api", _("HTTP API")


# What each channel needs filled in on the platform (field names of takedowns.Platform).
CHANNEL_NEEDS: dict[str, tuple[str, ...]] = {
    SendChannel.EMAIL: ("email",),
    SendChannel.WEB_FORM: ("web_form_url",),
    SendChannel.API: ("api_url", "api_token"),
}


class LegalBasis(models.TextChoices):
    AUTHORITY_REQUEST = (
        "authority_request",
        _("Decree 147/2024/NĐ-CP: request of a competent authority (24 hours)"),
    )
    USER_COMPLAINT = (
        "user_complaint",
        _("Decree 147/2024/NĐ-CP: well-founded user complaint (48 hours)"),
    )
    CHILD_PRIVACY = (
        "child_privacy",
        _(
            "Decree 147/2024/NĐ-CP: information affecting children, at a competent authority's "
            "request (24 hours); a child's data: Personal Data Protection Law 2025, Art. 24"
        ),
    )
    PLATFORM_TERMS = (
        "platform_terms",
        _("Platform's own terms of service (72 hours: Network policy, not law)"),
    )


# Keep in line with the labels above (domain.md, section 6): 24 h and 48 h are Decree 147/2024's;
# Decree 56/2017 sets no removal deadline (its 12 h is for intervening in a child's situation).
DEADLINE_HOURS: dict[str, int] = {
    LegalBasis.AUTHORITY_REQUEST: 24,
    LegalBasis.USER_COMPLAINT: 48,
    LegalBasis.CHILD_PRIVACY: 24,
    LegalBasis.PLATFORM_TERMS: 72,
}


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent: a child is in danger (12 hours: Network policy)")


# Network policy, not law: an urgent request never gets more time than 12 hours, in step with
# Decree 56's 12-hour emergency intervention in the child's situation.
URGENCY_CAP_HOURS: dict[str, int | None] = {Urgency.NORMAL: None, Urgency.URGENT: 12}


# A request made from a case starts with the urgency of the case's priority (cases.Priority:
# 1 = P1 critical); the officer may change it.
URGENCY_BY_PRIORITY: dict[int, str] = {1: Urgency.URGENT}


def default_urgency(priority: int | None) -> str:
    return URGENCY_BY_PRIORITY.get(priority or 0, Urgency.NORMAL)


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REMOVED = "removed", _("Removed")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")


PENDING_STATUSES = frozenset({RequestStatus.SENT, RequestStatus.ACKNOWLEDGED})
# "Open" as in the queue's filter: still to be sent, or waiting for the platform.
OPEN_STATUSES = frozenset({*PENDING_STATUSES, RequestStatus.DRAFT})
# Which status may follow which: `takedowns.workflow.REQUEST`.
ANSWER_STATUSES = (RequestStatus.ACKNOWLEDGED, RequestStatus.REMOVED, RequestStatus.REFUSED)


class RefusalReason(models.TextChoices):
    NOT_VIOLATING = "not_violating", _("Not against the law or the platform's rules")
    NOT_FOUND = "not_found", _("Content not found")
    INSUFFICIENT = "insufficient", _("Not enough information")
    JURISDICTION = "jurisdiction", _("Outside the platform's jurisdiction")
    OTHER = "other", _("Other reason")


class Delivery(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    MANUAL = "manual", _("To be sent by an officer")
    FAILED = "failed", _("Delivery failed")


class ItemKind(models.TextChoices):
    URL = "url", _("Address (URL)")
    ACCOUNT = "account", _("Account")


class CheckResult(models.TextChoices):
    STILL_ONLINE = "online", _("Still online")
    GONE = "gone", _("Gone (404/410/451)")
    REFUSED = "refused", _("Not checked: private or local address")
    ERROR = "error", _("Could not be checked")


# Follow-up of sent requests (`services.followup`): the platform's period is bounded.
MIN_RENOTICE_HOURS, MAX_RENOTICE_HOURS = 1, 720


class FollowUpKind(models.TextChoices):
    RENOTICE = "renotice", _("Notice sent again")
    RECHECK = "recheck", _("Addresses checked again")
    ESCALATION = "escalation", _("Escalated")
    CLOSED = "closed", _("Follow-up closed")


class EscalationLevel(models.IntegerChoices):
    """The ladder: first the Network's coordinators (the deadline passed), then the case's lead
    organisation, the authority in whose name the request is made."""

    NONE = 0, _("Not escalated")
    COORDINATOR = 1, _("Escalated to the coordinators")
    LEAD_AUTHORITY = 2, _("Escalated to the lead authority")


# Statuses in which the platform has not (credibly) done what it was asked: follow-up goes on.
FOLLOWUP_STATUSES = frozenset(
    {RequestStatus.SENT, RequestStatus.ACKNOWLEDGED, RequestStatus.EXPIRED, RequestStatus.REMOVED}
)
