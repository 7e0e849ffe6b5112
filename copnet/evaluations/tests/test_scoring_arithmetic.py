"""The weighted score and verdict, on examples computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copnet.evaluations.choices import ScoreValue as V
from copnet.evaluations.choices import Verdict
from copnet.evaluations.scoring import Scored, mandatory_met, result, weighted_score

THRESHOLDS = {"recommended_min": Decimal(80), "basics_min": Decimal(60)}


def test_weights_partly_and_not_applicable_count_as_computed_by_hand():
    # earned = 3*1 + 2*0.5 + 1*0 = 4; possible = 3 + 2 + 1 = 6 (the N/A weight 5 is left out)
    items = [
        Scored(3, True, V.MET),
        Scored(2, False, V.PARTLY),
        Scored(1, False, V.NOT_MET),
        Scored(5, False, V.NOT_APPLICABLE),
    ]
    assert weighted_score(items) == Decimal("66.7")  # 4 / 6 = 66.666… → 66.7


def test_rounding_is_half_up_to_one_decimal():
    # 1 partly out of weight 1+7: 0.5 / 8 = 6.25 % → 6.3 (half up, not banker's 6.2)
    assert weighted_score([Scored(1, False, V.PARTLY), Scored(7, False, V.NOT_MET)]) == Decimal(
        "6.3"
    )


def test_everything_not_applicable_has_no_score_and_is_not_recommended():
    outcome = result([Scored(2, False, V.NOT_APPLICABLE)], **THRESHOLDS)
    assert outcome.score is None
    assert outcome.verdict == Verdict.NOT_RECOMMENDED


def test_all_met_is_recommended():
    outcome = result([Scored(3, True, V.MET), Scored(1, False, V.MET)], **THRESHOLDS)
    assert (outcome.score, outcome.mandatory_met, outcome.verdict) == (
        Decimal("100.0"),
        True,
        Verdict.RECOMMENDED,
    )


def test_score_between_thresholds_meets_the_basics():
    # 3 + 1 + 0.5*2 = 5 of 3 + 1 + 2 + 1 = 7 → 71.4 %
    items = [
        Scored(3, True, V.MET),
        Scored(1, False, V.MET),
        Scored(2, False, V.PARTLY),
        Scored(1, False, V.NOT_MET),
    ]
    outcome = result(items, **THRESHOLDS)
    assert outcome.score == Decimal("71.4")
    assert outcome.verdict == Verdict.MEETS_BASICS


def test_a_high_score_with_one_mandatory_criterion_partly_met_is_not_recommended():
    # 9 of 10 weight met, the mandatory one (weight 1) partly: 9.5 / 10 = 95 %
    items = [Scored(9, False, V.MET), Scored(1, True, V.PARTLY)]
    outcome = result(items, **THRESHOLDS)
    assert outcome.score == Decimal("95.0")
    assert outcome.mandatory_met is False
    assert outcome.verdict == Verdict.NOT_RECOMMENDED


def test_a_mandatory_criterion_that_does_not_apply_does_not_block():
    assert mandatory_met([Scored(3, True, V.NOT_APPLICABLE), Scored(1, True, V.MET)])


def test_exactly_on_the_threshold_counts():
    # 4 of 5 = 80.0 % exactly
    items = [Scored(4, False, V.MET), Scored(1, False, V.NOT_MET)]
    assert result(items, **THRESHOLDS).verdict == Verdict.RECOMMENDED


def test_a_value_that_is_not_a_score_is_refused():
    with pytest.raises(ValueError, match="not a score"):
        weighted_score([Scored(1, False, "excellent")])
