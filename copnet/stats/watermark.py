"""How far an incremental job has read a table whose rows are only added: an id watermark that
survives commits out of id order.

Ids come from a sequence in the order rows are inserted, not the order their transactions
commit: on PostgreSQL a row with a lower id can become visible after a higher one was read.
"Every id above the highest seen" then skips it for ever. So the mark keeps, beside the highest
id read, the ranges of ids below it that were missing when it was read: rows of transactions
still running, or ids that a rollback or a failed insert used up. Each read looks above the
highest id and into those ranges; what turns up there is processed (again, harmlessly, if it
was already: callers recompute idempotently), and the ranges shrink to what is still missing.

A range is dropped once no transaction can still fill it: when the row just above it was
written more than GAP_TTL ago (its ids were taken before that row's), so ranges left by
rollbacks cost a few index lookups for that long and nothing after. Too many ranges are
merged with their nearest neighbour (a merged range only makes more rows be recomputed).
Reads are ordered so that every row counted as seen is also in what the caller processes.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

GAP_TTL = dt.timedelta(hours=1)  # longer than any transaction that writes events or reports
MAX_GAPS = 200

Gap = tuple[int, int, float]  # first id, last id, when its ids were taken (unix time, at most)


@dataclass
class IdMark:
    high: int = 0
    gaps: list[Gap] = field(default_factory=list)

    @classmethod
    def load(cls, high: int, gaps: Any) -> IdMark:
        return cls(high, [(int(a), int(b), float(t)) for a, b, t in gaps or []])

    def gaps_json(self) -> list[list[float]]:
        return [[a, b, t] for a, b, t in self.gaps]


def _in_gaps(gaps: list[Gap]) -> Q:
    q = Q(pk__in=[])
    for first, last, _taken in gaps:
        q |= Q(pk__gte=first, pk__lte=last)
    return q


def _missing(present: list[int], first: int, last: int) -> list[tuple[int, int]]:
    """Ranges of [first, last] not in `present` (sorted)."""
    ranges = []
    start = first
    for pk in present[bisect.bisect_left(present, first) : bisect.bisect_right(present, last)]:
        if pk > start:
            ranges.append((start, pk - 1))
        start = pk + 1
    if start <= last:
        ranges.append((start, last))
    return ranges


def _merge(gaps: list[Gap]) -> list[Gap]:
    gaps = sorted(gaps)
    while len(gaps) > MAX_GAPS:
        i = min(range(len(gaps) - 1), key=lambda k: gaps[k + 1][0] - gaps[k][1])
        (a, _b, t1), (_c, d, t2) = gaps[i], gaps[i + 1]
        gaps[i : i + 2] = [(a, d, min(t1, t2))]
    return gaps


def advance(
    rows: QuerySet[Any], mark: IdMark, time_field: str, now: dt.datetime
) -> tuple[Q, IdMark]:
    """The rows to process now (a filter on `rows`) and the mark to store with the result."""
    oldest = (now - GAP_TTL).timestamp()
    gaps: list[Gap] = []
    if mark.gaps:  # 1. what turned up in the known gaps
        found = sorted(rows.filter(_in_gaps(mark.gaps)).values_list("pk", flat=True))
        for first, last, taken in mark.gaps:
            if taken >= oldest:
                gaps += [(a, b, taken) for a, b in _missing(found, first, last)]
    # 2. above the highest id: contiguous unless a count says otherwise
    above = rows.filter(pk__gt=mark.high).aggregate(top=Max("pk"), n=Count("pk"))
    top = above["top"] or mark.high
    if above["n"] and above["n"] < top - mark.high:
        present = list(
            rows.filter(pk__gt=mark.high, pk__lte=top).order_by("pk").values_list("pk", time_field)
        )
        ids = [pk for pk, _at in present]
        for first, last in _missing(ids, mark.high + 1, top):
            taken = present[bisect.bisect_right(ids, last)][1].timestamp()
            if taken >= oldest:
                gaps.append((first, last, taken))
    # 3. the caller processes with a later snapshot, which holds every row seen in 1 and 2
    process = Q(pk__gt=mark.high, pk__lte=top) | _in_gaps(mark.gaps)
    return process, IdMark(top, _merge(gaps))
