from __future__ import annotations

import pytest

from copnet.core.figures import median, percentile


def test_percentile_interpolates_between_closest_ranks_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5
    assert percentile([2.0, 10.0, 30.0], 0.5) == 10.0
    assert percentile([2.0, 10.0, 30.0], 0.9) == pytest.approx(26.0)
    assert percentile(map(float, range(1, 11)), 0.9) == pytest.approx(9.1)


def test_percentile_does_not_depend_on_input_order():
    assert percentile([30.0, 2.0, 10.0], 0.25) == percentile([2.0, 10.0, 30.0], 0.25) == 6.0


@pytest.mark.parametrize("q", [-0.1, 1.5])
def test_a_quantile_outside_zero_to_one_is_refused(q):
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0, 2.0], q)


@pytest.mark.django_db
def test_python_and_database_medians_agree():
    """The rollups compute in Python, the live dashboard asks the database: one definition."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's")
    values = [1.0, 4.0, 9.0, 50.0, 51.0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float[]) v",
            [values],
        )
        (expected,) = cursor.fetchone()
    assert percentile(values, 0.9) == pytest.approx(expected)
