"""The public transparency page: figures per completed quarter with small-cell suppression.

Rules (the test suite attacks them):
- Publication units are completed calendar quarters, each published once and then frozen.
  Nothing overlapping is published (no year or all-time totals), so the only relation between
  published numbers is "the cells of a table add up to its total".
- Each table is one breakdown of one quarter (cases by category, by province, by age; reports
  by channel; removal requests sent by platform), with every possible value listed, zero
  included.
- Platforms are named: per platform, the requests sent in the quarter (suppressed like any
  count), and only where that count is shown and at least 5, the share removed within the
  legal deadline, the median hours to removal and the re-notices needed (a count below 5 shown
  as "<5"). These are frozen with the quarter, like everything else.
- Primary suppression: a count below 5 (zero included) is shown as "<5".
- Complementary suppression: while a suppressed cell could be worked out from the total and the
  visible cells (its possible range is a single value), the smallest visible cell is hidden as
  well (shown as "•"). A total below 5 hides the total and all its cells; when a table cannot be
  protected otherwise, its total is hidden in every table that shares it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.cases.choices import CaseStatus
from copnet.core.provinces import province_choices, province_name
from copnet.reports.choices import Channel
from copnet.taxonomy.choices import AgeBand
from copnet.taxonomy.models import HarmCategory

from .choices import Dim, Grain, OrgRole, PeriodKind, Subject
from .models import PublishedQuarter, Rollup
from .periods import Period
from .rollups import freshness

REQUEST = "request"  # the subject of the platform table: removal requests sent

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "•"
BIG = 10**9


def cell_ranges(cells: dict[str, int | None], lows: dict[str, int], highs: dict[str, int],
                total: int | None) -> dict[str, tuple[int, int]]:  # fmt: skip
    """What an attacker can deduce about each hidden cell (None) from the visible ones and the
    total: the smallest and largest value consistent with everything published."""
    hidden = [k for k, v in cells.items() if v is None]
    if total is None:
        return {k: (lows[k], highs[k]) for k in hidden}
    rest = total - sum(v for v in cells.values() if v is not None)
    ranges = {}
    for key in hidden:
        others_low = sum(lows[k] for k in hidden if k != key)
        others_high = sum(highs[k] for k in hidden if k != key)
        ranges[key] = (max(lows[key], rest - others_high), min(highs[key], rest - others_low))
    return ranges


def suppress(counts: dict[str, int], total: int, total_hidden: bool = False) -> dict[str, Any]:
    """Publishable form of one table: {"total": n|None, "cells": {key: n|None}, "flags"}.

    Returns "protected": False when even hiding every cell leaves one determinable (the caller
    then hides the total)."""
    flags = {k: (SMALL if n < THRESHOLD else "") for k, n in counts.items()}
    if total < THRESHOLD:
        total_hidden = True
        flags = dict.fromkeys(counts, SMALL)
    lows = {k: 0 if flags[k] == SMALL else THRESHOLD for k in counts}
    highs = {k: THRESHOLD - 1 if flags[k] == SMALL else total for k in counts}
    published_total = None if total_hidden else total
    protected = True
    while True:
        cells = {k: (None if flags[k] else n) for k, n in counts.items()}
        ranges = cell_ranges(cells, lows, highs, published_total)
        if all(low < high for low, high in ranges.values()):
            break
        visible = sorted((n, k) for k, n in counts.items() if not flags[k])
        if not visible:
            protected = False
            break
        flags[visible[0][1]] = HIDDEN
    return {
        "total": published_total,
        "total_flag": SMALL if total < THRESHOLD else (HIDDEN if total_hidden else ""),
        "cells": {k: (None if flags[k] else n) for k, n in counts.items()},
        "flags": flags,
        "protected": protected,
    }


def _network_rows(period: Period) -> Any:
    return Rollup.objects.filter(
        grain=Grain.MONTH,
        org_role__in=[OrgRole.LEAD, OrgRole.NONE],
        period__gte=period.start,
        period__lt=period.end,
    )


def _counts(rows: Any, group: str, keys: list[str]) -> dict[str, int]:
    found = {str(r[group] or ""): r["total"] for r in rows.values(group).annotate(total=Sum("n"))}
    return {k: found.get(k, 0) for k in keys} | {
        k: v for k, v in found.items() if k not in keys and v
    }


CHANNELS = list(Channel.values)
PROVINCES = [code for code, _name in province_choices()]


def quarter_tables(period: Period) -> dict[str, Any]:
    """Raw (unsuppressed) tables of one quarter: {name: (subject, counts)}."""
    rows = _network_rows(period)
    cases = rows.filter(subject=Subject.CASE)
    reports = rows.filter(subject=Subject.REPORT)
    categories = {str(c.pk): c.code for c in HarmCategory.objects.all()}
    by_category = _counts(cases.filter(dim=Dim.BASE), "category_id", list(categories))
    return {
        "category": (
            Subject.CASE,
            {categories.get(k, k): n for k, n in by_category.items()},
        ),
        "province": (
            Subject.CASE,
            _counts(cases.filter(dim=Dim.BASE), "province", [*PROVINCES, ""]),
        ),
        "age": (Subject.CASE, _counts(cases.filter(dim=Dim.AGE), "value", [*AgeBand.values, ""])),
        "channel": (Subject.REPORT, _counts(reports.filter(dim=Dim.CHANNEL), "value", CHANNELS)),
    }  # fmt: skip


PlatformFigures = tuple[dict[str, int], dict[str, dict[str, Any]]]
# Removal requests sent per platform: takedowns (above stats) hands its function in at start-up
# (TakedownsConfig.ready(), `takedowns.indicators.platform_figures`).
PLATFORM_FIGURES: list[Callable[[Period], PlatformFigures]] = []


def platform_figures(period: Period) -> PlatformFigures:
    """Requests sent per platform code in the quarter (every active platform listed, zero
    included) and the raw details: name, removed within deadline, median hours, re-notices."""
    counts: dict[str, int] = {}
    details: dict[str, dict[str, Any]] = {}
    for source in PLATFORM_FIGURES:
        more_counts, more_details = source(period)
        counts.update(more_counts)
        details.update(more_details)
    return counts, details


def _platform_details(
    cells: dict[str, int | None], details: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """What is published beside each platform's count: nothing unless the count is shown and at
    least 5 (a share or a median of fewer requests would reveal them)."""
    out = {}
    for code, sent in cells.items():
        item = details[code]
        shown = sent is not None and sent >= THRESHOLD
        again = item["renotices"]
        out[code] = {
            "name": item["name"],
            "share_in_time": round(100 * item["in_time"] / sent, 1) if shown and sent else None,
            "median_hours": item["median_hours"] if shown else None,
            "renotices": again if shown and again >= THRESHOLD else None,
            "renotices_flag": "" if shown and again >= THRESHOLD else (SMALL if shown else ""),
        }
    return out


def publish_quarter(period: Period) -> dict[str, Any]:
    tables = quarter_tables(period)
    sent, details = platform_figures(period)
    tables["platform"] = (REQUEST, sent)
    totals = {
        subject: sum(next(c for s, c in tables.values() if s == subject).values())
        for subject in (Subject.CASE, Subject.REPORT, REQUEST)
    }
    hidden = {subject: totals[subject] < THRESHOLD for subject in totals}
    published = {}
    for _attempt in range(2):
        published = {
            name: suppress(counts, totals[subject], hidden[subject]) | {"subject": subject}
            for name, (subject, counts) in tables.items()
        }
        unprotected = {t["subject"] for t in published.values() if not t["protected"]}
        if not unprotected:
            break
        for subject in unprotected:
            hidden[subject] = True
    return {
        "period": period.slug,
        "start": period.start.isoformat(),
        "totals": {
            s: {"n": None if hidden[s] else totals[s],
                "flag": (SMALL if totals[s] < THRESHOLD else HIDDEN) if hidden[s] else ""}
            for s in totals
        },
        "tables": {
            name: {"subject": t["subject"], "cells": t["cells"], "flags": t["flags"]}
            for name, t in published.items()
        },
        "platforms": _platform_details(published["platform"]["cells"], details),
    }  # fmt: skip


def completed_quarters(today: dt.date | None = None) -> list[Period]:
    today = today or timezone.localdate()
    bounds = Rollup.objects.filter(grain=Grain.MONTH).aggregate(a=Min("period"), b=Max("period"))
    if not bounds["a"]:
        return []
    current = Period.containing(PeriodKind.QUARTER, today)
    quarter = Period.containing(PeriodKind.QUARTER, bounds["a"])
    out = []
    while quarter.start < current.start:
        out.append(quarter)
        quarter = Period(PeriodKind.QUARTER, quarter.end)
    return out


def publish(today: dt.date | None = None) -> int:
    """Publish every completed quarter not yet published (data must have been refreshed after
    the quarter ended). Published quarters are never changed."""
    as_of = freshness()
    done = set(PublishedQuarter.objects.values_list("period_start", flat=True))
    made = 0
    for quarter in completed_quarters(today):
        if quarter.start in done or as_of is None or timezone.localtime(as_of).date() < quarter.end:
            continue
        with transaction.atomic():
            PublishedQuarter.objects.create(
                period_start=quarter.start, data_as_of=as_of, data=publish_quarter(quarter)
            )
        made += 1
    return made


def _label(table: str, key: str) -> str:
    if not key:
        return _("Not given")
    if table == "category":
        names = {c.code: c.name for c in HarmCategory.objects.all()}
        return names.get(key, key)
    if table == "province":
        return province_name(key)
    if table == "age":
        return str(dict(AgeBand.choices).get(key, key))
    if table == "channel":
        return str(dict(Channel.choices).get(key, key))
    if table == "platform":
        return key
    return str(dict(CaseStatus.choices).get(key, key))


def table_titles() -> dict[str, str]:
    return {
        "category": _("Cases by harm category"),
        "province": _("Cases by province or city"),
        "age": _("Cases by child's age"),
        "channel": _("Reports by channel"),
        "platform": _("Removal requests sent, by platform"),
    }


def display(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows ready for the template: shown text per cell ("<5", "•" or the number)."""
    titles = table_titles()
    out = []
    platforms = data.get("platforms", {})
    for name, table in data.get("tables", {}).items():
        total = data["totals"][table["subject"]]
        rows = [
            {
                "key": key,
                "label": platforms[key]["name"] if name == "platform" else _label(name, key),
                "shown": table["flags"][key] or str(n),
                **({"platform": platforms[key]} if name == "platform" else {}),
            }
            for key, n in table["cells"].items()
        ]
        out.append(
            {
                "name": name,
                "title": titles.get(name, name),
                "rows": rows,
                "total": total["flag"] or str(total["n"]),
            }
        )
    return out


def latest_quarters() -> list[PublishedQuarter]:
    return list(PublishedQuarter.objects.all())


# --- Reusable downloads -----------------------------------------------------------------------
SCHEMA = "copnet-transparency/1"
# Columns of the CSV download, in this order; new columns are only ever added at the end.
CSV_COLUMNS = [
    "schema", "quarter", "table", "subject", "key", "label", "value", "flag",
    "share_removed_within_deadline_pct", "median_hours_to_removal", "renotices",
    "renotices_flag",
]  # fmt: skip
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def licence_line() -> str:
    return _(
        "Licence: Creative Commons Attribution 4.0 (CC BY 4.0), %(url)s. Source: Vietnam's "
        "Child Online Protection Network (COPNet). Counts below 5 are shown as <5; • marks a "
        "figure hidden so that a small count cannot be worked out."
    ) % {"url": LICENCE_URL}


def export(quarter: PublishedQuarter) -> dict[str, Any]:
    """One published quarter in the stable download schema (`SCHEMA`): the frozen figures as
    published, with labels in the current language; suppressed values are null + a flag."""
    data = quarter.data
    titles = table_titles()
    platforms = data.get("platforms", {})
    tables = []
    for name, table in data.get("tables", {}).items():
        total = data["totals"][table["subject"]]
        rows = []
        for key, n in table["cells"].items():
            row: dict[str, Any] = {
                "key": key,
                "label": platforms[key]["name"] if name == "platform" else _label(name, key),
                "value": n,
                "flag": table["flags"][key],
            }
            if name == "platform":
                detail = platforms[key]
                row |= {
                    "share_removed_within_deadline_pct": detail["share_in_time"],
                    "median_hours_to_removal": detail["median_hours"],
                    "renotices": detail["renotices"],
                    "renotices_flag": detail["renotices_flag"],
                }
            rows.append(row)
        tables.append(
            {
                "name": name,
                "subject": table["subject"],
                "title": titles.get(name, name),
                "total": total["n"],
                "total_flag": total["flag"],
                "rows": rows,
            }
        )
    return {
        "schema": SCHEMA,
        "licence": {"name": "CC BY 4.0", "url": LICENCE_URL, "text": licence_line()},
        "quarter": data.get("period"),
        "start": data.get("start"),
        "published_at": quarter.published_at.isoformat() if quarter.published_at else None,
        "data_as_of": quarter.data_as_of.isoformat() if quarter.data_as_of else None,
        "threshold": THRESHOLD,
        "tables": tables,
    }


def export_rows(quarter: PublishedQuarter) -> list[list[Any]]:
    """The CSV body (after the header): one row per cell and one "_total" row per table."""
    found = export(quarter)
    out = []
    for table in found["tables"]:
        base = [SCHEMA, found["quarter"], table["name"], table["subject"]]
        for row in table["rows"]:
            out.append(
                base
                + [row["key"], row["label"], row["value"], row["flag"]]
                + [row.get(c) for c in CSV_COLUMNS[8:]]
            )
        out.append(base + ["_total", _("Total"), table["total"], table["total_flag"]] + [None] * 4)
    return out


def find_quarter(slug: str) -> PublishedQuarter | None:
    for quarter in latest_quarters():
        if quarter.data.get("period") == slug:
            return quarter
    return None
