"""The machine-wide PDQ index file: exact search, the live delta, folding and sharing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from copnet.detection.base import SignalError
from copnet.detection.pdqfile import (
    HEADER_SIZE,
    LAYOUT_16,
    LAYOUT_23,
    IndexFileError,
    LivePdqIndex,
    MappedPdqIndex,
    PdqChange,
    codes_from_hex,
    write_index_file,
)

ROOT = Path(__file__).resolve().parents[3]
# Keys of four different widths (12, 13, 19 and 20 bits), one running across two words: the
# general layout code on a small bank, without the 23-bit tables' 300 MB of offsets.
MIXED = tuple(
    (64 * w + start, bits) for w in range(4) for start, bits in ((0, 12), (12, 13), (25, 19))
) + tuple((64 * w + 44, 20) for w in range(4))
# Keys running across word boundaries (bits 50-69, 110-129, ...) and of very unequal widths.
STRADDLING = ((0, 10), *((10 + 20 * i, 20) for i in range(12)), (250, 6))


def random_codes(count: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(count, 32), dtype=np.uint8)


def near(code: np.ndarray, distance: int, rng: np.random.Generator) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(256, size=distance, replace=False)] ^= 1
    return np.packbits(bits)


def hexes(codes: np.ndarray) -> list[str]:
    return [row.tobytes().hex() for row in codes]


def brute(pairs: dict[tuple[str, int], None], query: str, threshold: int) -> list[tuple[int, int]]:
    """(distance, entry) of every live pair within threshold, by XOR and popcount."""
    if not pairs:
        return []
    values = np.frombuffer(bytes.fromhex("".join(v for v, _e in pairs)), np.uint64).reshape(-1, 4)
    target = np.frombuffer(bytes.fromhex(query), np.uint64)
    distance = np.bitwise_count(values ^ target).sum(axis=1)
    entries = [e for _v, e in pairs]
    return sorted((int(distance[i]), entries[i]) for i in np.flatnonzero(distance <= threshold))


def answers(index: LivePdqIndex, queries: list[str], threshold: int) -> list[list[tuple[int, int]]]:
    return [
        sorted((m.distance, m.entry) for m in r)
        for r in index.query_many(queries, threshold=threshold)
    ]


@pytest.fixture
def bank() -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(7)
    codes = random_codes(6000, 1)
    # families of near-duplicates, as real lists hold
    for start in range(0, 600, 20):
        for row in range(start + 1, start + 20):
            codes[row] = near(codes[start], int(rng.integers(0, 25)), rng)
    entries = np.arange(6000, dtype=np.int64) * 7 + 3
    queries = [
        near(codes[int(i)], int(rng.integers(0, 40)), rng) for i in rng.integers(0, 6000, 60)
    ]
    queries += list(random_codes(20, 2)) + list(codes[:5])  # unrelated, and exact copies
    return codes, entries, hexes(np.array(queries))


@pytest.mark.parametrize("layout", [LAYOUT_16, MIXED, STRADDLING])
@pytest.mark.parametrize("threshold", [0, 8, 31, 32, 40, 70])
def test_file_answers_equal_brute_force(tmp_path, bank, layout, threshold):
    codes, entries, queries = bank
    write_index_file(tmp_path / "pdq.idx", codes, entries, position=3, layout=layout)
    index = LivePdqIndex(tmp_path / "pdq.idx")
    pairs = dict.fromkeys(zip(hexes(codes), entries.tolist(), strict=True))
    expected = [brute(pairs, q, threshold) for q in queries]
    assert answers(index, queries, threshold) == expected
    assert [
        sorted((m.distance, m.entry) for m in index.query(q, threshold=threshold)) for q in queries
    ] == expected
    assert sum(map(len, expected)) > 0


def test_wide_layout_is_chosen_for_large_banks_and_covers_every_bit():
    from copnet.detection.pdqfile import WIDE_FROM, choose_layout

    assert choose_layout(WIDE_FROM - 1) == LAYOUT_16
    assert choose_layout(WIDE_FROM) == LAYOUT_23
    assert sum(bits for _start, bits in LAYOUT_23) == 256
    assert len(LAYOUT_23) == 11


def test_bad_layouts_are_refused(tmp_path):
    codes = random_codes(10, 3)
    with pytest.raises(ValueError, match="exactly once"):
        write_index_file(tmp_path / "x.idx", codes, np.arange(10), layout=((0, 16),) * 16)


def test_the_header_records_version_position_and_layout(tmp_path):
    write_index_file(tmp_path / "pdq.idx", random_codes(50, 4), np.arange(50), position=42)
    raw = (tmp_path / "pdq.idx").read_bytes()
    header = json.loads(raw[8:HEADER_SIZE])
    assert raw[:8] == b"COPNPDQ\x00"
    assert header["version"] == 1
    assert header["position"] == 42
    assert header["count"] == 50
    assert header["file_size"] == len(raw)
    mapped = MappedPdqIndex(tmp_path / "pdq.idx")
    assert mapped.position == 42
    assert len(mapped) == 50
    assert mapped.entries.dtype.itemsize == 4  # small ids are stored in 32 bits
    mapped.close()


def test_large_entry_ids_are_kept_in_64_bits(tmp_path):
    codes = random_codes(3, 5)
    entries = np.array([1, 2**40, -(2**35)], dtype=np.int64)
    write_index_file(tmp_path / "pdq.idx", codes, entries)
    index = LivePdqIndex(tmp_path / "pdq.idx")
    assert [m.entry for m in index.query(hexes(codes)[1])] == [2**40]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda raw: b"NOTANIDX" + raw[8:], "Not a COPNet"),
        (lambda raw: raw[:-4096], "truncated"),
        (
            lambda raw: (
                raw[: HEADER_SIZE + 100]
                + bytes([raw[HEADER_SIZE + 100] ^ 1])
                + raw[HEADER_SIZE + 101 :]
            ),
            "checksum",
        ),
        (lambda raw: raw[:8] + b"{not json" + raw[17:], "header"),
        (
            lambda raw: (
                raw[:8]
                + raw[8:HEADER_SIZE].replace(b'"version":1', b'"version":9')
                + raw[HEADER_SIZE:]
            ),
            "version 9",
        ),
        (lambda raw: raw[:100], "too short"),
    ],
)
def test_damaged_files_are_refused_with_a_clear_error(tmp_path, damage, message):
    path = tmp_path / "pdq.idx"
    write_index_file(path, random_codes(300, 6), np.arange(300))
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(IndexFileError, match=message):
        MappedPdqIndex(path)


def test_a_missing_file_is_an_empty_index_until_one_is_folded(tmp_path):
    index = LivePdqIndex(tmp_path / "pdq.idx")
    code = hexes(random_codes(1, 8))[0]
    assert index.query(code) == []
    assert len(index) == 0
    assert index.position == 0
    index.apply([PdqChange(1, 10, code)])
    assert [m.entry for m in index.query(code)] == [10]
    result = index.fold()
    assert result is not None
    assert result.position == 1
    assert result.count == 1
    assert index.pending_changes == 0
    assert [m.entry for m in index.query(code)] == [10]


def test_deltas_and_tombstones_equal_brute_force_before_and_after_folding(tmp_path, bank):
    codes, entries, queries = bank
    path = tmp_path / "pdq.idx"
    write_index_file(path, codes, entries, position=100, layout=MIXED)
    index = LivePdqIndex(path)
    pairs = dict.fromkeys(zip(hexes(codes), entries.tolist(), strict=True))
    rng = np.random.default_rng(11)
    changes = []
    position = 100
    extra = random_codes(300, 12)
    for i in range(300):
        position += 1
        if i % 3 == 0:  # remove a banked entry (deactivated or expired)
            victim = int(entries[int(rng.integers(0, len(entries)))])
            changes.append(PdqChange(position, victim))
        elif i % 3 == 1:  # add a new hash near a query, so that it matches
            value = near(np.frombuffer(bytes.fromhex(queries[i % len(queries)]), np.uint8), 5, rng)
            changes.append(PdqChange(position, 10**6 + i, value.tobytes().hex()))
        else:  # add an unrelated hash, or re-add a removed entry with its old hash
            if changes and changes[-2].value is None:
                victim = changes[-2].entry
                old = hexes(codes[entries == victim])[0]
                changes.append(PdqChange(position, victim, old))
            else:
                changes.append(PdqChange(position, 2 * 10**6 + i, hexes(extra[i : i + 1])[0]))
    for change in changes:
        if change.value is None:
            pairs = {pair: None for pair in pairs if pair[1] != change.entry}
        else:
            pairs[(change.value, change.entry)] = None
    index.apply(changes[:150])
    index.apply(changes)  # the first 150 again: ignored
    assert index.position == position
    assert index.pending_changes == 300
    expected = [brute(pairs, q, 31) for q in queries]
    assert answers(index, queries, 31) == expected
    assert len(index) == len(pairs)
    index.fold()
    assert index.base_position == position
    assert index.pending_changes == 0
    assert answers(index, queries, 31) == expected
    assert len(MappedPdqIndex(path)) == len(pairs)


def test_a_removal_cancels_earlier_adds_and_a_later_add_revives_the_entry(tmp_path):
    codes = random_codes(5, 13)
    path = tmp_path / "pdq.idx"
    write_index_file(path, codes, np.arange(5), position=1)
    index = LivePdqIndex(path)
    new = hexes(random_codes(1, 14))[0]
    index.apply([PdqChange(2, 3, new), PdqChange(3, 3), PdqChange(4, 9, new)])
    assert [m.entry for m in index.query(new)] == [9]
    assert index.query(hexes(codes)[3]) == []
    index.apply([PdqChange(5, 3, hexes(codes)[3])])
    assert [m.entry for m in index.query(hexes(codes)[3])] == [3]


def test_apply_is_all_or_nothing_and_can_move_to_the_log_head(tmp_path):
    index = LivePdqIndex(tmp_path / "pdq.idx")
    good = hexes(random_codes(1, 15))[0]
    with pytest.raises(SignalError):
        index.apply([PdqChange(1, 1, good), PdqChange(2, 2, "zz")])
    assert index.position == 0
    assert index.query(good) == []
    assert index.apply([], position=17) == 17
    assert index.position == 17
    index.apply([PdqChange(12, 1, good)])  # older than the position: already reflected
    assert index.query(good) == []


def test_another_process_file_is_picked_up_by_refresh_without_losing_newer_changes(tmp_path):
    codes = random_codes(200, 16)
    path = tmp_path / "pdq.idx"
    write_index_file(path, codes, np.arange(200), position=10)
    web, worker = LivePdqIndex(path), LivePdqIndex(path)
    a, b = hexes(random_codes(2, 17))
    web.apply([PdqChange(11, 500, a)])
    worker.apply([PdqChange(11, 500, a), PdqChange(12, 501, b), PdqChange(13, 5)])
    assert web.fold() is not None  # the web process folds what it knows: position 11
    assert worker.refresh() is True
    assert worker.base_position == 11
    assert worker.position == 13
    assert worker.pending_changes == 2
    assert [m.entry for m in worker.query(a)] == [500]
    assert [m.entry for m in worker.query(b)] == [501]
    assert worker.query(hexes(codes)[5]) == []
    assert worker.refresh() is False  # nothing new


def test_an_older_file_never_replaces_a_newer_one(tmp_path):
    path = tmp_path / "pdq.idx"
    write_index_file(path, random_codes(20, 18), np.arange(20), position=50)
    ahead, behind = LivePdqIndex(path), LivePdqIndex(path)
    a = hexes(random_codes(1, 19))[0]
    ahead.apply([PdqChange(60, 99, a)])
    ahead.fold()
    behind_result = behind.fold()  # nothing of its own to fold: the file is newer
    assert behind_result is None
    assert MappedPdqIndex(path).position == 60
    behind.refresh()
    assert [m.entry for m in behind.query(a)] == [99]


def test_only_one_process_folds_at_a_time(tmp_path):
    import fcntl

    path = tmp_path / "pdq.idx"
    write_index_file(path, random_codes(20, 20), np.arange(20), position=1)
    index = LivePdqIndex(path)
    index.apply([PdqChange(2, 1)])
    with open(path.with_name("pdq.idx.lock"), "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        assert index.fold() is None
    assert index.fold() is not None


def test_matching_never_misses_a_new_entry_while_a_fold_runs(tmp_path):
    codes = random_codes(20_000, 21)
    path = tmp_path / "pdq.idx"
    write_index_file(path, codes, np.arange(20_000), position=1)
    index = LivePdqIndex(path, fold_after=1)
    new = hexes(random_codes(40, 22))
    index.apply([PdqChange(2 + i, 100_000 + i, value) for i, value in enumerate(new)])
    index.apply([PdqChange(100, 7)])
    misses: list[str] = []
    stop = threading.Event()

    def match_all() -> None:
        while not stop.is_set():
            for i, value in enumerate(new):
                if [m.entry for m in index.query(value)] != [100_000 + i]:
                    misses.append(value)
            if index.query(hexes(codes)[7]):
                misses.append("removed entry found")

    readers = [threading.Thread(target=match_all) for _ in range(2)]
    for reader in readers:
        reader.start()
    assert index.needs_fold()
    thread = index.fold_in_background()
    assert thread is not None
    thread.join(timeout=60)
    stop.set()
    for reader in readers:
        reader.join()
    assert misses == []
    assert index.base_position == 100
    assert index.pending_changes == 0


def test_three_processes_map_the_same_file_and_answer_alike(tmp_path):
    codes = random_codes(5000, 23)
    path = tmp_path / "pdq.idx"
    write_index_file(path, codes, np.arange(5000), position=1)
    queries = hexes(codes[:20])
    script = (
        "import json, sys\n"
        "from copnet.detection.pdqfile import LivePdqIndex\n"
        "index = LivePdqIndex(sys.argv[1])\n"
        "answers = [[m.entry for m in r] for r in index.query_many(sys.argv[2].split(','))]\n"
        "maps = [line for line in open('/proc/self/maps') if sys.argv[1] in line]\n"
        "print(json.dumps({'answers': answers, 'mapped': bool(maps)}))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(path), ",".join(queries)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for _ in range(3)
    ]
    results = [json.loads(run.stdout) for run in runs]
    assert all(r["mapped"] for r in results)
    assert all(r["answers"] == [[i] for i in range(20)] for r in results)


def test_build_from_pairs_and_hex_validation(tmp_path):
    codes = random_codes(10, 24)
    index = LivePdqIndex.build(
        tmp_path / "pdq.idx", zip(hexes(codes), range(10), strict=True), position=5
    )
    assert index.position == 5
    assert len(index) == 10
    with pytest.raises(SignalError):
        codes_from_hex(["nothex"])
    low = index.query_with_quality(hexes(codes)[0], 20)
    assert low.low_quality
    assert low.matches == []
    assert [m.entry for m in index.query_with_quality(hexes(codes)[0], 90).matches] == [0]
