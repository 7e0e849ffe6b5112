"""Scoring arithmetic, as plain functions (no database).

Points: met 1, partly 0.5, not met 0; "not applicable" leaves the criterion out of both sums.
Score = 100 × Σ(weight × points) / Σ(weight), rounded half up to one decimal.
Verdict: every mandatory criterion met (or not applicable) and score ≥ the set's threshold for
"recommended", else ≥ the threshold for "meets the basics", else "not recommended"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import ScoreValue, Verdict

POINTS: dict[str, Decimal] = {
    ScoreValue.MET: Decimal(1),
    ScoreValue.PARTLY: Decimal("0.5"),
    ScoreValue.NOT_MET: Decimal(0),
}


@dataclass(frozen=True)
class Scored:
    weight: int
    mandatory: bool
    value: str


@dataclass(frozen=True)
class Result:
    score: Decimal | None  # None when every criterion is "not applicable"
    mandatory_met: bool
    verdict: str


def weighted_score(items: Iterable[Scored]) -> Decimal | None:
    earned = Decimal(0)
    possible = Decimal(0)
    for item in items:
        if item.value == ScoreValue.NOT_APPLICABLE:
            continue
        if item.value not in POINTS:
            raise ValueError(f"not a score: {item.value!r}")
        earned += item.weight * POINTS[item.value]
        possible += item.weight
    if not possible:
        return None
    return (earned * 100 / possible).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def mandatory_met(items: Iterable[Scored]) -> bool:
    return all(
        item.value in (ScoreValue.MET, ScoreValue.NOT_APPLICABLE)
        for item in items
        if item.mandatory
    )


def result(items: Iterable[Scored], *, recommended_min: Decimal, basics_min: Decimal) -> Result:
    items = list(items)
    score = weighted_score(items)
    all_mandatory = mandatory_met(items)
    if score is None or not all_mandatory:
        verdict = Verdict.NOT_RECOMMENDED
    elif score >= recommended_min:
        verdict = Verdict.RECOMMENDED
    elif score >= basics_min:
        verdict = Verdict.MEETS_BASICS
    else:
        verdict = Verdict.NOT_RECOMMENDED
    return Result(score=score, mandatory_met=all_mandatory, verdict=verdict)


def section_scores(items: Iterable[tuple[str, Scored]]) -> dict[str, Decimal | None]:
    """Score per section key, in the order the sections first appear."""
    grouped: dict[str, list[Scored]] = {}
    for key, item in items:
        grouped.setdefault(key, []).append(item)
    return {key: weighted_score(group) for key, group in grouped.items()}
