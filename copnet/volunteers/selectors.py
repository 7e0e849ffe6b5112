"""Reads of the volunteer network. Coordinator lists go through permissions.visible_to
(province scope); a volunteer's own lists are filtered to their own rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from copnet.accounts.models import User
from copnet.accounts.permissions import access, visible_to
from copnet.core.provinces import province_choices

from .choices import (
    OPEN_APPLICATION_STATUSES,
    AssignmentStatus,
    Skill,
    TaskStatus,
    VolunteerStatus,
)
from .models import (
    Application,
    Assignment,
    Task,
    Volunteer,
    VolunteerReport,
)
from .rules import task_kinds_allowed

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def volunteer_of(user: Principal | None) -> Volunteer | None:
    if not isinstance(user, User):  # anonymous, or a partner's key
        return None
    return Volunteer.objects.select_related("user").filter(user_id=user.pk).first()


# --- Coordinator side ---------------------------------------------------------------------------
def applications_for(user: Principal | None, *, status: str = "") -> QuerySet[Application]:
    rows = visible_to(user, Application.objects.all())
    if status == "open" or not status:
        return rows.filter(status__in=OPEN_APPLICATION_STATUSES)
    return rows.filter(status=status)


def access_application(user: Principal | None, pk: int) -> Application:
    return access(user, Application.objects.all(), pk=pk)


def volunteers_for(
    user: Principal | None, *, province: str = "", skill: str = ""
) -> QuerySet[Volunteer]:
    rows = visible_to(user, Volunteer.objects.select_related("user"))
    if province:
        rows = rows.filter(province=province)
    if skill:
        chosen = [v.pk for v in rows if skill in (v.skills or [])]
        return Volunteer.objects.select_related("user").filter(pk__in=chosen)
    return rows


def access_volunteer(user: Principal | None, pk: int) -> Volunteer:
    return access(user, Volunteer.objects.select_related("user"), pk=pk)


def tasks_for(user: Principal | None) -> QuerySet[Task]:
    return visible_to(user, Task.objects.all()).annotate(
        taken=Count("assignments", filter=~Q(assignments__status=AssignmentStatus.WITHDRAWN))
    )


def access_task(user: Principal | None, pk: int) -> Task:
    return access(user, Task.objects.all(), pk=pk)


def overdue_assignments(user: Principal | None) -> QuerySet[Assignment]:
    return visible_to(
        user,
        Assignment.objects.select_related("task", "volunteer__user").filter(
            status=AssignmentStatus.ACCEPTED, task__due_at__lt=timezone.now()
        ),
    ).order_by("task__due_at")


@dataclass
class ProvinceCoverage:
    code: str
    name: str
    volunteers: int
    by_skill: dict[str, int]
    open_tasks: int

    @property
    def gap(self) -> bool:
        return self.volunteers == 0


def coverage(user: Principal | None) -> list[ProvinceCoverage]:
    """Active volunteers per province and skill, open tasks, and where the network has nobody."""
    active = visible_to(user, Volunteer.objects.filter(status=VolunteerStatus.ACTIVE))
    per_province: Counter[str] = Counter()
    skills: dict[str, Counter[str]] = defaultdict(Counter)
    for province, skill_list in active.values_list("province", "skills"):
        per_province[province] += 1
        for skill in skill_list or []:
            skills[province][skill] += 1
    open_tasks = Counter(
        visible_to(user, Task.objects.filter(status=TaskStatus.OPEN)).values_list(
            "province", flat=True
        )
    )
    return [
        ProvinceCoverage(
            code=code,
            name=name,
            volunteers=per_province[code],
            by_skill={s: skills[code][s] for s in Skill.values},
            open_tasks=open_tasks[code],
        )
        for code, name in province_choices()
    ]


# --- Volunteer side -----------------------------------------------------------------------------
def open_tasks_for_volunteer(volunteer: Volunteer) -> list[Task]:
    """Open tasks of the volunteer's province (or nationwide) that match a skill they have;
    tasks that could show harmful content are left out for volunteers under 18."""
    rows = (
        Task.objects.filter(status=TaskStatus.OPEN, due_at__gt=timezone.now())
        .filter(Q(province="") | Q(province=volunteer.province))
        .exclude(assignments__volunteer=volunteer)
        .annotate(
            taken=Count("assignments", filter=~Q(assignments__status=AssignmentStatus.WITHDRAWN))
        )
    )
    allowed = task_kinds_allowed(volunteer)
    if allowed is not None:
        rows = rows.filter(kind__in=allowed)
    skills = set(volunteer.skills or [])
    return [
        task
        for task in rows
        if task.taken < task.slots and (not task.skills or skills & set(task.skills))
    ]


def assignments_of(volunteer: Volunteer) -> QuerySet[Assignment]:
    return Assignment.objects.filter(volunteer=volunteer).select_related("task")


def reports_of(volunteer: Volunteer) -> QuerySet[VolunteerReport]:
    return VolunteerReport.objects.filter(volunteer=volunteer).select_related(
        "report", "report__category"
    )


def total_hours(volunteer: Volunteer, *, since: dt.datetime | None = None) -> Decimal:
    rows = Assignment.objects.filter(volunteer=volunteer, status=AssignmentStatus.REPORTED)
    if since is not None:
        rows = rows.filter(reported_at__gte=since)
    return rows.aggregate(total=Sum("hours"))["total"] or Decimal("0")


@dataclass
class HistoryItem:
    at: dt.datetime
    kind: str
    text: str


def history(volunteer: Volunteer) -> list[HistoryItem]:
    """What the volunteer did, newest first: joined, training, tasks, reports."""
    from django.utils.translation import gettext as _

    items = [HistoryItem(volunteer.joined_at, "joined", _("Joined the volunteer network"))]
    for done in volunteer.training.select_related("item"):
        items.append(HistoryItem(done.completed_at, "training", done.item.title))
    for assignment in assignments_of(volunteer):
        items.append(HistoryItem(assignment.accepted_at, "task", assignment.task.title))
        if assignment.reported_at:
            items.append(
                HistoryItem(
                    assignment.reported_at,
                    "reported",
                    _("Reported back: %(title)s (%(hours)s h)")
                    % {"title": assignment.task.title, "hours": assignment.hours},
                )
            )
    for link in reports_of(volunteer):
        items.append(HistoryItem(link.created_at, "report", link.report.tracking_code))
    return sorted(items, key=lambda item: item.at, reverse=True)


@dataclass
class LeaderboardRow:
    rank: int
    name: str
    hours: Decimal
    tasks: int
    is_me: bool


def leaderboard(
    province: str, *, me: Volunteer | None = None, days: int = 365
) -> list[LeaderboardRow]:
    """Hours reported in the last `days` days in one province. Volunteers who opted out and
    volunteers under 18 never appear; names are shortened to the given name and an initial."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Volunteer.objects.filter(
            province=province,
            status=VolunteerStatus.ACTIVE,
            leaderboard_opt_out=False,
        )
        .annotate(
            hours=Sum(
                "assignments__hours",
                filter=Q(
                    assignments__status=AssignmentStatus.REPORTED,
                    assignments__reported_at__gte=since,
                ),
            ),
            tasks=Count(
                "assignments",
                filter=Q(
                    assignments__status=AssignmentStatus.REPORTED,
                    assignments__reported_at__gte=since,
                ),
            ),
        )
        .filter(hours__gt=0)
        .select_related("user")
        .order_by("-hours", "joined_at")
    )
    # Dates of birth are encrypted, so the age rule runs here (a province has few volunteers).
    adults = [v for v in rows if not v.is_minor][:50]
    return [
        LeaderboardRow(
            rank=index,
            name=short_name(v.user.full_name or v.user.email.split("@")[0]),
            hours=v.hours,
            tasks=v.tasks,
            is_me=me is not None and v.pk == me.pk,
        )
        for index, v in enumerate(adults, start=1)
    ]


def short_name(full_name: str) -> str:
    """Vietnamese names put the given name last: "Nguyễn Văn An" -> "An N."."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return f"{parts[-1]} {parts[0][0]}."
