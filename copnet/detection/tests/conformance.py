"""What every index of the detection engine must do, whatever its signal type.

Subclass `IndexConformance` in a `test_*.py` file and give it the five fixtures below; the tests
then check that the index answers exactly what a brute-force comparison of every stored pair
answers, before and after removals and re-adds, one value at a time and in batches, that bad
values are refused with a SignalError and change nothing, and that a serialized copy (where the
index has `serialize`) answers the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from copnet.detection.base import Index, SignalError

Pair = tuple[str, Any]


class IndexConformance:
    """Fixtures to provide: `make_index` (items -> index), `items` (value, entry) pairs with
    shared values and entries with several values, `queries` (values, some matching), `expect`
    ((items, value) -> sorted (entry, distance) list) and `bad_value`."""

    @pytest.fixture
    def make_index(self) -> Callable[[Sequence[Pair]], Index[Any]]:
        raise NotImplementedError

    @pytest.fixture
    def items(self) -> list[Pair]:
        raise NotImplementedError

    @pytest.fixture
    def queries(self) -> list[str]:
        raise NotImplementedError

    @pytest.fixture
    def expect(self) -> Callable[[Sequence[Pair], str], list[tuple[Any, int]]]:
        raise NotImplementedError

    @pytest.fixture
    def bad_value(self) -> str:
        return "not a hash"

    # -- the contract ------------------------------------------------------------------------

    @staticmethod
    def found(matches: Sequence[Any]) -> list[tuple[Any, int]]:
        return sorted((m.entry, m.distance) for m in matches)

    def test_answers_equal_brute_force(self, make_index, items, queries, expect):
        index = make_index(items)
        answers = [self.found(index.query(value)) for value in queries]
        assert answers == [expect(items, value) for value in queries]
        assert any(answers), "the queries should match something"
        assert any(not answer for answer in answers), "and some should match nothing"

    def test_query_many_equals_query(self, make_index, items, queries):
        index = make_index(items)
        assert [self.found(r) for r in index.query_many(queries)] == [
            self.found(index.query(value)) for value in queries
        ]

    def test_removed_entries_are_never_returned_and_can_come_back(
        self, make_index, items, queries, expect
    ):
        index = make_index(items)
        gone = {entry for _value, entry in items[::3]}
        index.remove(gone)
        kept = [(value, entry) for value, entry in items if entry not in gone]
        assert [self.found(index.query(q)) for q in queries] == [expect(kept, q) for q in queries]
        back = [(value, entry) for value, entry in items if entry in gone]
        index.add(back)
        assert [self.found(index.query(q)) for q in queries] == [
            expect(kept + back, q) for q in queries
        ]

    def test_bad_values_are_refused_and_change_nothing(self, make_index, items, queries, bad_value):
        index = make_index(items)
        before = [self.found(index.query(q)) for q in queries]
        size = len(index)
        with pytest.raises(SignalError):
            index.add([(items[0][0], 123456), (bad_value, 123457)])
        with pytest.raises(SignalError):
            index.query(bad_value)
        assert len(index) == size
        assert [self.found(index.query(q)) for q in queries] == before

    def test_an_empty_index_matches_nothing(self, make_index, queries):
        index = make_index([])
        assert len(index) == 0
        assert all(index.query(q) == [] for q in queries)

    def test_a_serialized_copy_answers_the_same(self, make_index, items, queries):
        index = make_index(items)
        if not hasattr(index, "serialize"):
            pytest.skip("this index is not serialized")
        index.remove([items[0][1]])
        copy = type(index).deserialize(index.serialize())
        assert len(copy) == len(index)
        assert [self.found(copy.query(q)) for q in queries] == [
            self.found(index.query(q)) for q in queries
        ]
