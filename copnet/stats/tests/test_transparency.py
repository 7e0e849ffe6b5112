"""The public page: small cells suppressed, and no subtraction can reveal them."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from copnet.stats import rollups, transparency
from copnet.stats.models import PublishedQuarter
from copnet.stats.transparency import HIDDEN, SMALL, suppress

from .factories import at, make_case


def attack(table: dict, total: int | None) -> dict[str, set[int]]:
    """Every value each hidden cell can take, given what is published (the visible cells, the
    total, "<5" = 0..4, "•" = 5 or more): for each candidate value, can the other hidden cells
    make up the rest? Exhaustive over the sums the others can reach."""
    cells, flags = table["cells"], table["flags"]
    hidden = [k for k, v in cells.items() if v is None]
    top = total if total is not None else 60
    ranges = {k: range(0, 5) if flags[k] == SMALL else range(5, top + 1) for k in hidden}
    if total is None:
        return {k: set(ranges[k]) for k in hidden}
    rest = total - sum(v for v in cells.values() if v is not None)
    possible: dict[str, set[int]] = {}
    for key in hidden:
        sums = {0}
        for other in hidden:
            if other != key:
                sums = {s + v for s in sums for v in ranges[other] if s + v <= rest}
        possible[key] = {v for v in ranges[key] if rest - v in sums}
    return possible


def test_counts_below_five_are_shown_as_less_than_five():
    table = suppress({"a": 10, "b": 3, "c": 20, "d": 4}, 37)
    assert table["flags"]["b"] == table["flags"]["d"] == SMALL
    assert table["cells"]["c"] == 20
    assert table["total"] == 37


def test_the_subtraction_attack_fails_on_a_single_small_cell():
    table = suppress({"a": 10, "b": 3, "c": 20}, 33)
    # Without complementary suppression, 33 - 10 - 20 would give b = 3.
    assert table["flags"]["a"] == HIDDEN
    possible = attack(table, table["total"])
    assert 3 in possible["b"]
    assert len(possible["b"]) > 1
    assert all(len(values) > 1 for values in possible.values())


def test_two_zero_cells_are_not_revealed_as_zero():
    table = suppress({"a": 0, "b": 0, "c": 12}, 12)
    assert table["flags"]["c"] == HIDDEN
    assert all(len(v) > 1 for v in attack(table, table["total"]).values())


def test_when_no_cell_can_protect_another_the_total_is_hidden():
    table = suppress({"a": 5, "b": 0}, 5)
    assert table["protected"] is False
    rescued = suppress({"a": 5, "b": 0}, 5, total_hidden=True)
    assert rescued["total"] is None
    assert all(len(v) > 1 for v in attack(rescued, None).values())


def test_a_small_total_hides_everything():
    table = suppress({"a": 3, "b": 0}, 3)
    assert table["total"] is None
    assert set(table["flags"].values()) == {SMALL}


@pytest.mark.parametrize("seed", range(40))
def test_no_random_table_gives_away_a_suppressed_cell(seed):
    rng = random.Random(seed)
    counts = {f"k{i}": rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 15]) for i in range(5)}
    total = sum(counts.values())
    table = suppress(counts, total)
    published_total = table["total"] if table["protected"] else None
    if not table["protected"]:
        table = suppress(counts, total, total_hidden=True)
    for key, values in attack(table, published_total).items():
        assert counts[key] in values
        assert len(values) > 1, (counts, key)


@pytest.fixture
def published(small_world):
    rollups.refresh(now=at(2025, 10, 2))
    assert transparency.publish(today=dt.date(2025, 10, 15)) == 2
    return small_world


@pytest.mark.django_db
def test_every_table_of_every_published_quarter_resists_the_attack(published):
    for quarter in PublishedQuarter.objects.all():
        totals = quarter.data["totals"]
        for table in quarter.data["tables"].values():
            total = totals[table["subject"]]["n"]
            for values in attack(table, total).values():
                assert len(values) > 1


@pytest.mark.django_db
def test_the_page_shows_only_suppressed_small_figures(client, published):
    response = client.get("/transparency/?quarter=2025-Q3")
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;5" in html
    # 5 cases in Q3: the total is published, every category and province is below 5.
    assert '<td class="num" data-total>5</td>' in html
    for small in ('<td class="num">1</td>', '<td class="num">2</td>', '<td class="num">3</td>'):
        assert small not in html


@pytest.mark.django_db
def test_published_quarters_never_change(client, published):
    before = PublishedQuarter.objects.get(period_start=dt.date(2025, 7, 1)).data
    make_case(created=at(2025, 8, 1), province="01", platform="Zalo")
    rollups.refresh(now=at(2025, 10, 3))
    assert transparency.publish(today=dt.date(2025, 10, 16)) == 0
    assert PublishedQuarter.objects.get(period_start=dt.date(2025, 7, 1)).data == before


@pytest.mark.django_db
def test_an_unknown_quarter_is_a_clear_404(client, published):
    for bad in ("2031-Q1", "<script>alert(1)</script>", "x" * 5000):
        response = client.get("/transparency/", {"quarter": bad})
        assert response.status_code == 404
        assert "<script>alert" not in response.content.decode()


@pytest.mark.django_db
def test_the_page_works_before_anything_is_published(client):
    assert client.get("/transparency/").status_code == 200
