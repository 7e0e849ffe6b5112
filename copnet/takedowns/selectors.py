"""Reads of removal requests (scoped through accounts.permissions) and compliance figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case as When_
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from copnet.accounts.permissions import Perm, access, has_perm, visible_to
from copnet.core.figures import percentile

from .choices import OPEN_STATUSES, PENDING_STATUSES, FollowUpKind, RequestStatus
from .models import FollowUp, Platform, RemovalItem, RemovalRequest

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def requests_visible_to(principal: Principal | None) -> QuerySet[RemovalRequest]:
    return visible_to(
        principal, RemovalRequest.objects.select_related("platform", "case", "case__category")
    )


def access_request(principal: Principal | None, reference: str) -> RemovalRequest:
    return access(
        principal,
        RemovalRequest.objects.select_related("platform", "case", "case__category"),
        reference=reference,
    )


def access_item(principal: Principal | None, pk: int) -> RemovalItem:
    return access(principal, RemovalItem.objects.select_related("request"), pk=pk)


def may_close_followup(removal: RemovalRequest) -> bool:
    """Has the request a follow-up a person may still close (sent, not closed, scheduled)?"""
    return (
        removal.sent_at is not None
        and removal.followup_closed_at is None
        and removal.next_followup_at is not None
    )


def followup_steps(removal: RemovalRequest) -> QuerySet[FollowUp]:
    """The request's re-notices, re-checks and escalations (the caller may see the request)."""
    return FollowUp.objects.filter(request_id=removal.pk).order_by("at", "id")


def request_queue(principal: Principal | None, status: str = "") -> QuerySet[RemovalRequest]:
    """Overdue first (by how late), then pending by deadline, then drafts and answered ones."""
    now = timezone.now()
    rows = requests_visible_to(principal)
    if status == "open" or not status:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status in RequestStatus.values:
        rows = rows.filter(status=status)
    rank = When_(
        When(status__in=PENDING_STATUSES, deadline__lt=now, then=Value(0)),
        When(status__in=PENDING_STATUSES, then=Value(1)),
        When(status=RequestStatus.DRAFT, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return rows.annotate(rank=rank).order_by("rank", "deadline", "-created_at")


@dataclass
class PlatformFigures:
    platform: Platform
    sent: int = 0
    removed: int = 0
    removed_in_time: int = 0
    refused: int = 0
    expired: int = 0
    pending: int = 0
    hours_to_removal: list[float] = field(default_factory=list)
    hours_to_first_response: list[float] = field(default_factory=list)
    renotices: int = 0
    refusals: Counter[str] = field(default_factory=Counter)

    @property
    def median_first_response_hours(self) -> float | None:
        value = percentile(self.hours_to_first_response, 0.5)
        return None if value is None else round(value, 2)

    @property
    def share_in_time(self) -> float | None:
        return round(self.removed_in_time / self.sent, 4) if self.sent else None

    @property
    def median_hours(self) -> float | None:
        value = percentile(self.hours_to_removal, 0.5)
        return None if value is None else round(value, 2)

    @property
    def p90_hours(self) -> float | None:
        value = percentile(self.hours_to_removal, 0.9)
        return None if value is None else round(value, 2)

    @property
    def refusal_pairs(self) -> list[tuple[str, int]]:
        return sorted(self.refusals.items())

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform.code,
            "name": self.platform.name,
            "sent": self.sent,
            "removed": self.removed,
            "removed_within_deadline": self.removed_in_time,
            "share_removed_within_deadline": self.share_in_time,
            "median_hours_to_removal": self.median_hours,
            "p90_hours_to_removal": self.p90_hours,
            "median_hours_to_first_response": self.median_first_response_hours,
            "renotices": self.renotices,
            "refused": self.refused,
            "refusals_by_reason": dict(sorted(self.refusals.items())),
            "expired": self.expired,
            "pending": self.pending,
        }


def compliance(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[PlatformFigures]:
    """Per platform, over requests sent in [since, until): aggregate figures only (no case
    content), so the same numbers can be shown to every role with VIEW_COMPLIANCE."""
    rows = RemovalRequest.objects.filter(sent_at__isnull=False).select_related("platform")
    if since:
        rows = rows.filter(sent_at__gte=since)
    if until:
        rows = rows.filter(sent_at__lt=until)
    figures: dict[int, PlatformFigures] = {}
    for row in rows.only(
        "platform",
        "status",
        "sent_at",
        "deadline",
        "acknowledged_at",
        "resolved_at",
        "refusal_reason",
        "renotice_count",
    ):
        if row.sent_at is None:  # never: the query asks for sent requests (narrows the type)
            continue
        item = figures.setdefault(row.platform_id, PlatformFigures(row.platform))
        item.sent += 1
        item.renotices += row.renotice_count
        if row.acknowledged_at is not None:
            hours = (row.acknowledged_at - row.sent_at).total_seconds() / 3600
            item.hours_to_first_response.append(hours)
        if row.status == RequestStatus.REMOVED:
            item.removed += 1
            item.removed_in_time += int(row.removed_in_time)
            if row.resolved_at is not None:  # set with every answer (services.requests)
                hours = (row.resolved_at - row.sent_at).total_seconds() / 3600
                item.hours_to_removal.append(hours)
        elif row.status == RequestStatus.REFUSED:
            item.refused += 1
            item.refusals[row.refusal_reason] += 1
        elif row.status == RequestStatus.EXPIRED:
            item.expired += 1
        else:
            item.pending += 1
    return sorted(figures.values(), key=lambda f: f.platform.name)


def platforms_overview(
    principal: Principal | None, *, now: dt.datetime | None = None
) -> QuerySet[Platform]:
    """Every platform (active first) for those who manage the registry, with counts of its open
    removal requests (draft, sent, acknowledged) and of the overdue ones (sent or acknowledged,
    past the deadline). Counts are network-wide and carry no case content, like the compliance
    figures. One query, however many platforms."""
    if not has_perm(principal, Perm.MANAGE_PLATFORMS):
        return Platform.objects.none()
    now = now or timezone.now()
    return Platform.objects.annotate(
        open_requests=Count("requests", filter=Q(requests__status__in=OPEN_STATUSES)),
        overdue_requests=Count(
            "requests",
            filter=Q(requests__status__in=PENDING_STATUSES, requests__deadline__lt=now),
        ),
    ).order_by("-is_active", "name")


def access_platform(principal: Principal | None, pk: int) -> Platform:
    """One platform for someone who manages the registry, or Http404."""
    if not has_perm(principal, Perm.MANAGE_PLATFORMS):
        raise Http404
    try:
        return Platform.objects.select_related("organisation").get(pk=pk)
    except (Platform.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def renotices(*, since: dt.datetime, until: dt.datetime) -> dict[int, int]:
    """Per platform id, the re-notices needed in [since, until) because an earlier notice did
    not get the content removed: notices sent again by the follow-up (`FollowUp` re-notices),
    and requests sent for content the platform had already been sent a request about (same
    case and platform, sent earlier). Counts only, no case content."""
    sent = RemovalRequest.objects.filter(sent_at__isnull=False)
    earlier = sent.filter(
        case_id=OuterRef("case_id"),
        platform_id=OuterRef("platform_id"),
        sent_at__lt=OuterRef("sent_at"),
    )
    rows = (
        sent.filter(sent_at__gte=since, sent_at__lt=until)
        .filter(Exists(earlier))
        .values("platform_id")
        .annotate(n=Count("id"))
    )
    counts = {row["platform_id"]: row["n"] for row in rows}
    again = (
        FollowUp.objects.filter(kind=FollowUpKind.RENOTICE, at__gte=since, at__lt=until)
        .values("request__platform_id")
        .annotate(n=Count("id"))
    )
    for row in again:
        key = row["request__platform_id"]
        counts[key] = counts.get(key, 0) + row["n"]
    return counts
