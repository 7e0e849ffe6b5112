"""What the staff home counts and what the P1 alert shows, through `visible_to` only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from copnet.cases.choices import OPEN_STATUSES, Priority
from copnet.cases.models import Case, CaseEvent
from copnet.cases.selectors import cases_visible_to
from copnet.network.models import Organisation

from .models import AlertSeen

if TYPE_CHECKING:
    from copnet.accounts.models import User

STUCK_AFTER_DAYS = 7  # an open case with no timeline event for this long is "stuck"
FIRST_LOOK_HOURS = 24  # before a first acknowledgement, P1 cases of the last day are new


@dataclass(frozen=True)
class Counts:
    new: int = 0
    overdue: int = 0
    due_today: int = 0
    unassigned: int = 0
    stuck: int = 0


def _aggregates(now: dt.datetime) -> dict[str, Any]:
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
    return {
        "new": Count("pk", filter=Q(acknowledged_at__isnull=True)),
        "overdue": Count("pk", filter=Q(next_due__lt=now)),
        "due_today": Count("pk", filter=Q(next_due__gte=now, next_due__lte=end_of_day)),
        "unassigned": Count("pk", filter=Q(assignee__isnull=True)),
        "stuck": Count("pk", filter=Q(quiet=False)),
    }


def _open_annotated(cases: QuerySet[Case], now: dt.datetime) -> QuerySet[Case]:
    cutoff = now - dt.timedelta(days=STUCK_AFTER_DAYS)
    recent = CaseEvent.objects.filter(case=OuterRef("pk"), at__gte=cutoff)
    active = ExpressionWrapper(Exists(recent) | Q(created_at__gte=cutoff), BooleanField())
    return cases.filter(status__in=OPEN_STATUSES).annotate(quiet=active)


def home_counts(user: User) -> tuple[Counts, list[tuple[Organisation, Counts]]]:
    """The person's own open cases, and the open cases each organisation in their view leads."""
    now = timezone.now()
    visible = cases_visible_to(user).order_by()
    ids = visible.values("pk")
    base = _open_annotated(Case.objects.filter(pk__in=ids).order_by(), now)
    mine = Counts(**base.filter(assignee=user).aggregate(**_aggregates(now)))
    rows = base.filter(lead_org__isnull=False).values("lead_org").annotate(**_aggregates(now))
    by_org = {row.pop("lead_org"): Counts(**row) for row in rows}
    orgs = Organisation.objects.in_bulk(list(by_org))
    per_org = sorted(
        ((orgs[pk], counts) for pk, counts in by_org.items() if pk in orgs),
        key=lambda pair: (pair[0].pk != user.organisation_id, pair[0].abbreviation),
    )
    return mine, per_org


def alert_since(user: User) -> dt.datetime:
    seen = AlertSeen.objects.filter(user=user).values_list("acknowledged_at", flat=True).first()
    return seen or timezone.now() - dt.timedelta(hours=FIRST_LOOK_HOURS)


def new_p1_cases(user: User, limit: int = 10) -> list[Case]:
    """Open P1 cases visible to `user` triaged since they last acknowledged the alert."""
    return list(
        cases_visible_to(user)
        .filter(status__in=OPEN_STATUSES, priority=Priority.P1, triaged_at__gt=alert_since(user))
        .order_by("-triaged_at")[:limit]
    )
