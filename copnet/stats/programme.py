"""Programme indicators as data: the targets of a programme period, read from versioned files
in `programmes/` (one JSON file per programme and version), each indicator naming the
computation below that produces its value for a dashboard period.

A new programme period, or new targets, is a new file (a higher `version`, or new dates), not
new code; only a new *kind* of measure needs a function in COMPUTATIONS. Values are computed
for the whole Network (the Steering Board's view). A measure read from an app above stats is
registered by that app's AppConfig.ready() (`register_computation`: campaigns' visits,
volunteers' provinces), so stats never imports it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language

from .periods import aware

if TYPE_CHECKING:
    from .selectors import Dashboard

DIRECTORY = Path(__file__).resolve().parent / "programmes"


@dataclass(frozen=True)
class Programme:
    code: str
    version: int
    valid_from: dt.date
    valid_to: dt.date
    title: dict[str, str]
    source: str
    indicators: list[dict[str, Any]]


@cache
def programmes() -> list[Programme]:
    """Every programme file, checked: known computations, units and a target per period."""
    found = []
    for path in sorted(DIRECTORY.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data["indicators"]:
            if item["computation"] not in COMPUTATIONS:
                raise ValueError(f"{path.name}: unknown computation {item['computation']!r}")
            if item["unit"] not in ("percent", "count") or item["target_period"] not in (
                "any",
                "year",
            ):
                raise ValueError(f"{path.name}: bad unit or target period in {item['key']!r}")
        found.append(
            Programme(
                code=data["code"],
                version=int(data["version"]),
                valid_from=dt.date.fromisoformat(data["valid_from"]),
                valid_to=dt.date.fromisoformat(data["valid_to"]),
                title=data["title"],
                source=data.get("source", ""),
                indicators=data["indicators"],
            )
        )
    return found


def programme_on(day: dt.date) -> Programme | None:
    """The programme in force on `day` (its latest version), if any."""
    valid = [p for p in programmes() if p.valid_from <= day <= p.valid_to]
    return max(valid, key=lambda p: (p.valid_from, p.version), default=None)


# --- computations: (board) -> value ---------------------------------------------------------
def _span(board: Dashboard) -> tuple[dt.datetime, dt.datetime]:
    return aware(board.filters.period.start), aware(board.filters.period.end)


def _extra(board: Dashboard, key: str) -> int | float | None:
    return next((i.value for i in board.extra if i.key == key), None)


def _outcome(board: Dashboard, group: str) -> int | None:
    return next((o["n"] for o in board.outcomes if o["group"] == group), None)


def children_referred_for_support(board: Dashboard) -> int:
    """Cases opened in the period in which the child was referred for support: the outcome
    "child supported" (from the rollups) plus the cases with a child-support action and another
    outcome (until the referral feature records requests). Reads actions, not every case."""
    from copnet.cases.choices import ActionKind, Outcome
    from copnet.cases.models import CaseAction

    start, end = _span(board)
    by_action = (
        CaseAction.objects.filter(
            kind=ActionKind.CHILD_SUPPORT, case__created_at__gte=start, case__created_at__lt=end
        )
        .exclude(case__outcome=Outcome.CHILD_SUPPORTED)
        .values("case_id")
        .distinct()
        .count()
    )
    return (_outcome(board, "support") or 0) + by_action


def classes_with_completed_lessons(board: Dashboard) -> int:
    from copnet.education.models import Completion

    start, end = _span(board)
    return (
        Completion.objects.filter(
            completed_at__gte=start, completed_at__lt=end, learner__isnull=False
        )
        .values("learner__classroom")
        .distinct()
        .count()
    )


def campaign_completions(board: Dashboard) -> int:
    from copnet.education.models import Completion

    start, end = _span(board)
    return Completion.objects.filter(
        completed_at__gte=start, completed_at__lt=end, campaign__isnull=False
    ).count()


COMPUTATIONS: dict[str, Callable[[Dashboard], int | float | None]] = {
    "first_action_on_time_pct": lambda board: board.totals["action_rate"],
    "children_referred_for_support": children_referred_for_support,
    "handed_to_police": lambda board: _outcome(board, "police"),
    "classes_with_completed_lessons": classes_with_completed_lessons,
    "campaign_completions": campaign_completions,
    "removed_within_deadline_pct": lambda board: _extra(board, "removed_within_deadline_pct"),
}


def register_computation(name: str, compute: Callable[[Any], Any]) -> None:
    """Called from a higher app's AppConfig.ready(); registering the same name twice keeps the
    last (ready() may run again in tests)."""
    COMPUTATIONS[name] = compute


def _text(value: dict[str, str]) -> str:
    return value.get((get_language() or "vi")[:2]) or value.get("vi") or next(iter(value.values()))


def indicators(board: Dashboard) -> list[dict[str, Any]]:
    """Each indicator of the programme in force at the period's end, against its target.

    A count target set per year is compared only in a yearly report ("status" None otherwise);
    a percentage or "any" target is compared in every period."""
    period = board.filters.period
    programme = programme_on(period.last_day) or programme_on(period.start)
    if programme is None:
        return []
    out = []
    for item in programme.indicators:
        value = COMPUTATIONS[item["computation"]](board)
        target = item["target"]
        comparable = (
            target is not None
            and value is not None
            and (item["target_period"] == "any" or period.kind == "year")
        )
        out.append(
            {
                "key": item["key"],
                "label": _text(item["label"]),
                "unit": item["unit"],
                "value": value,
                "target": target,
                "target_period": item["target_period"],
                "status": ("on_track" if value >= target else "off_track") if comparable else None,
                "programme": f"{programme.code} v{programme.version}",
            }
        )
    return out
