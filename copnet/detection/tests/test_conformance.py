"""The shared index contract (conformance.py) for the PDQ, exact-digest and video indexes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from copnet.detection.exact import ExactIndex, Md5Signal
from copnet.detection.pdq import PdqIndex
from copnet.detection.tests.conformance import IndexConformance, Pair
from copnet.detection.video import VpdqFeature
from copnet.detection.vpdq import VideoIndex, compare_brute, format_vpdq, parse_vpdq


def random_hex(rng: np.random.Generator, digits: int = 64) -> str:
    return rng.integers(0, 256, digits // 2, dtype=np.uint8).tobytes().hex()


def flip(value: str, bits: int, rng: np.random.Generator) -> str:
    number = int(value, 16)
    for bit in rng.choice(256, size=bits, replace=False):
        number ^= 1 << int(bit)
    return f"{number:064x}"


class TestPdqIndex(IndexConformance):
    @pytest.fixture
    def make_index(self):
        return lambda items: PdqIndex(items)

    @pytest.fixture
    def items(self) -> list[Pair]:
        rng = np.random.default_rng(1)
        values = [random_hex(rng) for _ in range(300)]
        pairs: list[Pair] = [(value, i) for i, value in enumerate(values)]
        pairs += [(flip(values[i], 10, rng), i) for i in range(0, 300, 7)]  # two values an entry
        pairs += [(values[5], 1000)]  # one value, two entries
        return pairs

    @pytest.fixture
    def queries(self, items) -> list[str]:
        rng = np.random.default_rng(2)
        return [flip(items[i][0], int(rng.integers(0, 40)), rng) for i in range(0, 300, 11)] + [
            random_hex(rng) for _ in range(5)
        ]

    @pytest.fixture
    def expect(self):
        def brute(items: Sequence[Pair], value: str) -> list[tuple[Any, int]]:
            found = []
            for stored, entry in items:
                distance = (int(stored, 16) ^ int(value, 16)).bit_count()
                if distance <= 31:
                    found.append((entry, distance))
            return sorted(found)

        return brute


class TestExactIndex(IndexConformance):
    @pytest.fixture
    def make_index(self):
        return lambda items: ExactIndex(items, signal=Md5Signal())

    @pytest.fixture
    def items(self) -> list[Pair]:
        rng = np.random.default_rng(3)
        values = [random_hex(rng, 32) for _ in range(50)]
        return [(v, i) for i, v in enumerate(values)] + [(values[0], 99), (values[1].upper(), 1)]

    @pytest.fixture
    def queries(self, items) -> list[str]:
        return [value for value, _entry in items[::4]] + ["0" * 32]

    @pytest.fixture
    def expect(self):
        def brute(items: Sequence[Pair], value: str) -> list[tuple[Any, int]]:
            return sorted({(e, 0) for v, e in items if v.lower() == value.lower()})

        return brute


class TestVideoIndex(IndexConformance):
    @pytest.fixture
    def make_index(self):
        return lambda items: VideoIndex(items)

    @pytest.fixture
    def items(self) -> list[Pair]:
        rng = np.random.default_rng(4)
        videos = []
        for entry in range(60):
            frames = [
                VpdqFeature(random_hex(rng), int(rng.integers(40, 101)), float(s))
                for s in range(int(rng.integers(3, 15)))
            ]
            videos.append((format_vpdq(frames), entry))
        videos.append((videos[0][0], 500))  # the same video banked twice
        return videos

    @pytest.fixture
    def queries(self, items) -> list[str]:
        rng = np.random.default_rng(5)
        out = []
        for value, _entry in items[:40:3]:
            frames = parse_vpdq(value)
            piece = frames[: max(1, len(frames) // 2)]
            out.append(
                format_vpdq(
                    VpdqFeature(flip(f.pdq_hex, int(rng.integers(0, 30)), rng), 90, f.timestamp)
                    for f in piece
                )
            )
        out.append(format_vpdq([VpdqFeature(random_hex(rng), 90, 0.0)]))
        return out

    @pytest.fixture
    def expect(self):
        def brute(items: Sequence[Pair], value: str) -> list[tuple[Any, int]]:
            query = parse_vpdq(value)
            found = []
            for stored, entry in items:
                frames = parse_vpdq(stored)
                q_pct, _t_pct = compare_brute(query, frames)
                if q_pct >= 80.0:
                    distance = min(
                        (int(a.pdq_hex, 16) ^ int(b.pdq_hex, 16)).bit_count()
                        for a in query
                        for b in frames
                        if a.quality >= 50 and b.quality >= 50
                    )
                    found.append((entry, distance))
            return sorted(found)

        return brute


class _LiveAsIndex:
    """The file-backed index through the Index interface: adds and removals become change-log
    records at the next positions, folded into a new file after every other write."""

    def __init__(self, folder, items: Sequence[Pair]) -> None:
        from copnet.detection.pdqfile import LivePdqIndex

        self.live = LivePdqIndex.build(folder / "pdq.idx", items, position=1)
        self.writes = 0

    def add(self, items):
        from copnet.detection.pdqfile import PdqChange

        start = self.live.position
        changes = [PdqChange(start + i + 1, e, v) for i, (v, e) in enumerate(items)]
        self.live.apply(changes)
        self._maybe_fold()

    def remove(self, entries):
        from copnet.detection.pdqfile import PdqChange

        start = self.live.position
        self.live.apply([PdqChange(start + i + 1, e) for i, e in enumerate(entries)])
        self._maybe_fold()

    def _maybe_fold(self) -> None:
        self.writes += 1
        if self.writes % 2 == 0:
            self.live.fold()

    def query(self, value):
        return self.live.query(value)

    def query_many(self, values):
        return self.live.query_many(values)

    def __len__(self) -> int:
        return len(self.live)


class TestLivePdqIndex(TestPdqIndex):
    @pytest.fixture
    def make_index(self, tmp_path):
        return lambda items: _LiveAsIndex(tmp_path, items)

    @pytest.fixture
    def items(self) -> list[Pair]:
        rng = np.random.default_rng(1)
        values = [random_hex(rng) for _ in range(300)]
        pairs: list[Pair] = [(value, i) for i, value in enumerate(values)]
        pairs += [(flip(values[i], 10, rng), i) for i in range(0, 300, 7)]
        return pairs + [(values[5], 1000)]  # entries are integers in the file
