"""Percentiles: the one definition every figure uses (no Django imports).

Linear interpolation between the closest ranks, as PostgreSQL's `percentile_cont` computes it,
so that a figure computed in Python (rollups, takedown compliance) and one computed by the
database (live dashboard) agree: the median of 1, 2, 3, 10 hours is 2.5.
"""

from __future__ import annotations

from collections.abc import Iterable


def percentile(values: Iterable[float], q: float) -> float | None:
    """The `q` quantile (0 ≤ q ≤ 1) of `values`, None when there are none."""
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Iterable[float]) -> float | None:
    return percentile(values, 0.5)
