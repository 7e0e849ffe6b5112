"""Which case each incoming report belongs to: an open case with the same address or image,
or a new one. Works on a whole batch of reports with a handful of queries.

Rule: a report joins the earliest-opened open case of the same category family
(`HarmCategory.family`) that has one of its normalised URLs; failing that, one that has one of
its image SHA-256s; otherwise it opens a case. Reports earlier in the same batch count, so two
reports of one address in one bulk call share a case. Matches across families, and nearly
identical pictures, are only proposed for a person to decide (cases.proposals, after triage).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils import timezone

from copnet.reports.models import Evidence, ReportUrl
from copnet.taxonomy.models import HarmCategory

from .choices import OPEN_STATUSES, EventKind, Priority
from .deadlines import deadlines_for
from .events import new_event, new_reference, refresh_next_due
from .models import Case, CaseEvent
from .triage import SEVERITY_PRIORITY

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

CHUNK = 500


@dataclass
class CaseRequest:
    category: HarmCategory
    platform: str = ""
    province: str = ""
    child_age_band: str = ""
    in_danger: bool = False
    url_keys: list[str] = field(default_factory=list)
    sha256s: list[str] = field(default_factory=list)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _family_key(family: str, code: str) -> str:
    return family or f"code:{code}"  # as HarmCategory.family_key


def _open_cases_by(
    model: Any, column: str, values: set[str], families: dict[int, str]
) -> dict[str, set[tuple[dt.datetime, int]]]:
    """value -> {(opened, id)} of the open cases holding it; fills `families` (id -> family)."""
    found: dict[str, set[tuple[dt.datetime, int]]] = {}
    for chunk in _chunks(sorted(values)):
        rows = model.objects.filter(
            **{f"{column}__in": chunk}, report__case__status__in=OPEN_STATUSES
        ).values_list(
            column,
            "report__case__created_at",
            "report__case_id",
            "report__case__category__family",
            "report__case__category__code",
        )
        for value, opened, case_id, family, code in rows:
            found.setdefault(value, set()).add((opened, case_id))
            families[case_id] = _family_key(family, code)
    return found


def _lock(found: list[dict[str, set[tuple[dt.datetime, int]]]]) -> dict[int, bool]:
    """Lock the candidate cases in id order, in ONE statement, before any other case row is
    touched: concurrent batches then take their locks in the same order and cannot deadlock.
    Returns id -> still open, for the cases that were locked."""
    ids = sorted({case_id for by in found for cases in by.values() for _o, case_id in cases})
    locked: dict[int, bool] = {}
    for chunk in [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)] if ids else []:
        rows = (
            Case.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "status")
        )
        locked.update((pk, status in OPEN_STATUSES) for pk, status in rows)
    return locked


def _earliest(
    found: dict[str, set[tuple[dt.datetime, int]]],
    locked: dict[int, bool],
    families: dict[int, str],
) -> dict[tuple[str, str], tuple[dt.datetime, int]]:
    """(value, family) -> the earliest-opened case of that family holding the value that is
    locked by us and still open. A case committed by someone else after the lookup is not
    joined (the report opens its own)."""
    earliest: dict[tuple[str, str], tuple[dt.datetime, int]] = {}
    for value, cases in found.items():
        for case in cases:
            if not locked.get(case[1]):
                continue
            key = (value, families[case[1]])
            if key not in earliest or case < earliest[key]:
                earliest[key] = case
    return earliest


def build_case(request: CaseRequest, now: dt.datetime) -> Case:
    """An unsaved case for one request, opened `now`, with its category's deadlines."""
    category = request.category
    due = deadlines_for(category, now, SEVERITY_PRIORITY[category.severity])
    case = Case(
        reference=new_reference(),
        created_at=now,
        category=category,
        platform=request.platform,
        province=request.province,
        child_age_band=request.child_age_band,
        in_danger=request.in_danger,
        priority=Priority.P1 if request.in_danger else SEVERITY_PRIORITY[category.severity],
        ack_due=due.ack_due,
        action_due=due.action_due,
        close_due=due.close_due,
    )
    refresh_next_due(case)
    return case


def open_or_join_cases(
    requests: Sequence[CaseRequest], *, actor: Principal | None
) -> list[tuple[Case, bool]]:
    """(case, joined an existing case?) per request, in order. Must run inside the caller's
    transaction, which saves the reports."""

    families: dict[int, str] = {}
    url_cases = _open_cases_by(
        ReportUrl, "url_key", {k for r in requests for k in r.url_keys}, families
    )
    image_cases = _open_cases_by(
        Evidence, "sha256", {s for r in requests for s in r.sha256s}, families
    )
    locked = _lock([url_cases, image_cases])
    by_url = _earliest(url_cases, locked, families)
    by_image = _earliest(image_cases, locked, families)
    # Cases opened by this batch rank after every existing case, in batch order.
    now = timezone.now()
    new_cases: list[Case] = []
    batch_url: dict[tuple[str, str], int] = {}  # (key, family) -> index in new_cases
    batch_image: dict[tuple[str, str], int] = {}

    def pick(
        keys: list[str],
        family: str,
        existing: dict[tuple[str, str], Any],
        batch: dict[tuple[str, str], int],
    ) -> Any:
        old = [existing[(k, family)] for k in keys if (k, family) in existing]
        if old:
            return min(old)[1]  # an existing case id
        fresh = [batch[(k, family)] for k in keys if (k, family) in batch]
        return new_cases[min(fresh)] if fresh else None

    picked: list[Any] = []  # an existing case id, or a new Case
    for request in requests:
        family = request.category.family_key
        target = pick(request.url_keys, family, by_url, batch_url)
        if target is None:
            target = pick(request.sha256s, family, by_image, batch_image)
        if target is None:
            target = build_case(request, now)
            new_cases.append(target)
            index = len(new_cases) - 1
            for key in request.url_keys:
                batch_url.setdefault((key, family), index)
            for sha in request.sha256s:
                batch_image.setdefault((sha, family), index)
        elif isinstance(target, Case):
            target.report_count += 1
            target.in_danger = target.in_danger or request.in_danger
        picked.append(target)

    Case.objects.bulk_create(new_cases, batch_size=CHUNK)
    joined_counts = Counter(t for t in picked if isinstance(t, int))
    danger = {
        t for t, r in zip(picked, requests, strict=True) if isinstance(t, int) and r.in_danger
    }
    for case_id, count in sorted(joined_counts.items()):
        # Only ever raise the danger flag: a concurrent join may have set it already.
        extra = {"in_danger": True} if case_id in danger else {}
        Case.objects.filter(pk=case_id).update(report_count=F("report_count") + count, **extra)
    existing = Case.objects.in_bulk(list(joined_counts))

    events = [
        new_event(case, kind=EventKind.CREATED, actor=actor, to_status=case.status)
        for case in new_cases
    ]
    results: list[tuple[Case, bool]] = []
    seen_new: set[int] = set()
    for target in picked:
        if isinstance(target, int):
            case, joined = existing[target], True
        else:
            case, joined = target, id(target) in seen_new
            seen_new.add(id(target))
        if joined:
            events.append(new_event(case, kind=EventKind.REPORT_ADDED, actor=actor))
        results.append((case, joined))
    CaseEvent.objects.bulk_create(events, batch_size=CHUNK)
    return results
