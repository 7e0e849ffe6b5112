"""One PDQ index per machine: a file built once, memory-mapped read-only by every process.

`write_index_file` lays out a bank's hashes for exact multi-index search (the same pigeonhole
method as `pdq.PdqIndex`) and `MappedPdqIndex` maps that file, so the web and worker processes
of a machine share one copy of it in the page cache: memory grows with the bank once per
machine, not once per process, and a process is ready as soon as the file is mapped.

Banks change between builds. `LivePdqIndex` puts a small delta over the mapped file: added
hashes go into an in-memory `PdqIndex`, removed (deactivated, expired) entries into a tombstone
set that hides their rows of the file. Every change carries its position in the change log, and
the index says which position it reflects (`position`), so its owner can ask for "the changes
since N" and hand them to `apply`. `fold` (run in the background by `fold_in_background`)
writes a new file holding the file's rows plus the delta, renames it over the old one
atomically, then swaps it in and keeps only the changes after the new file's position; other
processes pick the new file up in `refresh`. Queries are never blocked and never miss an
entry: until a process swaps, its old file and full delta answer; after, the new file and the
rest of its delta. Results always equal a brute-force scan of the live (entry, hash) pairs.

File layout (little-endian, version 1): an 8-byte magic, a 4,088-byte JSON header (padded with
spaces) giving the version, count, change-log position, the key layout, each section's offset,
size and type, and the CRC-32 of every byte after the header; then the sections, each aligned
to 4,096 bytes: `codes` (n x 4 uint64), `entries` (n int32, or int64 when an id needs it),
`ids` (per key, the n row numbers sorted by key), and the bucket offsets into `ids` in two
levels, `coarse` (absolute, one every 64 buckets) and `fine` (uint16 relative to it), so that
10 M hashes in 11 keys of 23-24 bits take about 104 bytes a hash.

Checking. The CRC-32 of a 1 GB file takes about 0.3 s on an idle core, a third of a cold start
at 10 M. The writer computes it anyway, so it records it in a stamp beside the file
(`<name>.verified`: the CRC and the file's device, inode, size, mtime and ctime). Opened with
`verify="stamp"`, a file whose stamp matches is trusted after the cheap checks (magic, header,
version, size); any other (no stamp, or a file written to since: its mtime and ctime moved) is
checked in full, and stamped when it passes. `verify=True` always checks in full.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import mmap
import os
import tempfile
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np

from .base import Match
from .pdq import (  # the same hash parsing and distance
    DEFAULT_THRESHOLD,
    MIN_QUALITY,
    PDQ_BITS,
    PdqIndex,
    PdqQueryResult,
    PdqSignal,
    _distances,
    _parse_many,
    _parse_one,
)

MAGIC = b"COPNPDQ\x00"
VERSION = 1
HEADER_SIZE = 4096
ALIGN = 4096
_WORDS = 4
_MAX_FLIPS = 2  # more flips per key cost more than a full scan
# Keys: (first bit, bits) of the hash read as one 256-bit little-endian number (bit 64w + k is
# bit k of uint64 word w); a layout covers the 256 bits exactly once.
LAYOUT_16 = tuple((16 * t, 16) for t in range(16))
_WIDE = (24, 24, 24, 23, 23, 23, 23, 23, 23, 23, 23)
LAYOUT_23 = tuple((sum(_WIDE[:t]), bits) for t, bits in enumerate(_WIDE))
WIDE_FROM = 1 << 21  # banks from this size use 11 keys of 23-24 bits (far fewer candidates)
_BLOCK_BITS = 6  # bucket offsets: an absolute one every 64 buckets, relative ones between
_QUERY_BLOCK = 32


STAMP_SUFFIX = ".verified"

Verify = bool | Literal["stamp"]


class IndexFileError(ValueError):
    """A file that is not a valid index of this version (bad magic, header, size, checksum)."""


def choose_layout(count: int) -> tuple[tuple[int, int], ...]:
    """16 keys of 16 bits for small banks; 11 keys of 23-24 bits from about 2 M hashes, where
    16-bit buckets grow long: about 2,900 candidates a query at 10 M instead of 41,000."""
    return LAYOUT_23 if count >= WIDE_FROM else LAYOUT_16


def _check_layout(layout: Sequence[tuple[int, int]]) -> None:
    covered = np.zeros(PDQ_BITS, dtype=np.int64)
    for start, bits in layout:
        if not (start >= 0 and 1 <= bits <= 26 and start + bits <= PDQ_BITS):
            raise ValueError(f"bad key {(start, bits)}")
        covered[start : start + bits] += 1
    if not (covered == 1).all():
        raise ValueError("a layout must cover each of the 256 bits exactly once")


def _keys(codes: np.ndarray, start: int, bits: int) -> np.ndarray:
    """Key (start, bits) of each (n, 4) uint64 code, as int64."""
    word, shift = divmod(start, 64)
    value = codes[:, word] >> np.uint64(shift)
    if shift + bits > 64:  # the key runs on into the next word
        value = value | (codes[:, word + 1] << np.uint64(64 - shift))
    return (value & np.uint64((1 << bits) - 1)).astype(np.int64)


# --------------------------------------------------------------------------------------------
# Writing


def codes_from_hex(values: Sequence[str]) -> np.ndarray:
    """(n, 4) uint64 codes of hex hashes; SignalError for the first invalid one."""
    if not values:
        return np.empty((0, _WORDS), dtype=np.uint64)
    return _parse_many(values)


def write_index_file(
    path: str | os.PathLike[str],
    codes: np.ndarray,
    entries: np.ndarray,
    *,
    position: int = 0,
    layout: Sequence[tuple[int, int]] | None = None,
) -> Path:
    """Build the index of these hashes and entries and write it to `path` atomically (a
    temporary file in the same directory, synced, then renamed). `codes` are (n, 32) uint8
    hash bytes or (n, 4) uint64 as `codes_from_hex` gives; `entries` n integer entry ids."""
    codes = _as_codes(codes)
    entries = np.ascontiguousarray(entries, dtype=np.int64).reshape(-1)
    if len(entries) != len(codes):
        raise ValueError("codes and entries differ in number")
    count = len(codes)
    layout = tuple(tuple(key) for key in (layout or choose_layout(count)))  # type: ignore[misc]
    _check_layout(layout)
    total_ids = len(layout) * count
    small = not len(entries) or -(2**31) <= int(entries.min()) <= int(entries.max()) < 2**31
    # Relative offsets fit in 16 bits unless 64 neighbouring buckets hold 65,536 rows or more.
    busiest = max((_busiest_block(codes, key) for key in layout), default=0)
    fine_type = "<u2" if busiest < 2**16 else "<u4"
    sections = [
        ("codes", "<u8", count * _WORDS),
        ("entries", "<i4" if small else "<i8", count),
        ("ids", "<u4", total_ids),
        ("coarse", "<u4" if total_ids < 2**32 else "<u8", sum(_coarse_len(b) for _s, b in layout)),
        ("fine", fine_type, sum((1 << b) + 1 for _s, b in layout)),
    ]
    placed: dict[str, list[Any]] = {}
    cursor = HEADER_SIZE
    for name, dtype, length in sections:
        nbytes = length * np.dtype(dtype).itemsize
        placed[name] = [cursor, nbytes, dtype]
        cursor = _aligned(cursor + nbytes)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "r+b") as handle:
            handle.truncate(cursor)
            with mmap.mmap(handle.fileno(), cursor) as mapped:
                view = memoryview(mapped)
                _array(view, placed["codes"])[:] = codes.reshape(-1)
                _array(view, placed["entries"])[:] = entries
                arrays = [_array(view, placed[name]) for name in ("ids", "coarse", "fine")]
                _build_tables(codes, layout, *arrays)
                del arrays
                header = {
                    "version": VERSION,
                    "count": count,
                    "position": int(position),
                    "layout": [list(key) for key in layout],
                    "sections": placed,
                    "file_size": cursor,
                    "crc32": (crc32 := zlib.crc32(view[HEADER_SIZE:cursor])),
                }
                view[:HEADER_SIZE] = _header_bytes(header)
                view.release()
                mapped.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _sync_dir(target.parent)
    # Without a stamp, the next open checks in full.
    with contextlib.suppress(OSError), open(target, "rb") as handle:
        _write_stamp(target, os.fstat(handle.fileno()), crc32)
    return target


def stamp_path(path: str | os.PathLike[str]) -> Path:
    """Where the record of the file's last full check is kept."""
    target = Path(path)
    return target.with_name(target.name + STAMP_SUFFIX)


def _identity(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def _write_stamp(path: Path, stat: os.stat_result, crc32: int) -> None:
    stamp = stamp_path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{stamp.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump({"file": _identity(stat), "crc32": crc32}, handle)
        os.replace(tmp_name, stamp)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _stamped(path: Path, stat: os.stat_result, crc32: int) -> bool:
    try:
        record = json.loads(stamp_path(path).read_text())
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("file") == _identity(stat)
        and record.get("crc32") == crc32
    )


def read_header(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The header of the file at `path` (nothing else is read), or None if there is no
    readable one."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER_SIZE)
        if head[: len(MAGIC)] != MAGIC:
            return None
        header = json.loads(head[len(MAGIC) :].decode())
    except (OSError, ValueError):
        return None
    return header if isinstance(header, dict) else None


def _coarse_len(bits: int) -> int:
    return ((1 << bits) >> _BLOCK_BITS) + 1


def _busiest_block(codes: np.ndarray, key: tuple[int, int]) -> int:
    if not len(codes):
        return 0
    return int(np.bincount(_keys(codes, *key) >> _BLOCK_BITS).max())


def _build_tables(
    codes: np.ndarray,
    layout: Sequence[tuple[int, int]],
    ids: np.ndarray,
    coarse: np.ndarray,
    fine: np.ndarray,
) -> None:
    """For key t and bucket v, the rows are ids[start : end] with
    start = coarse[cbase_t + (v >> 6)] + fine[fbase_t + v] (and end the same for v + 1)."""
    count = len(codes)
    cbase = fbase = 0
    for table, (start, bits) in enumerate(layout):
        values = _keys(codes, start, bits)
        first = table * count
        ids[first : first + count] = np.argsort(values)  # bucket order does not matter
        cumulative = np.zeros((1 << bits) + 1, dtype=np.int64)
        np.cumsum(np.bincount(values, minlength=1 << bits), out=cumulative[1:])
        blocks = cumulative[:: 1 << _BLOCK_BITS]
        coarse[cbase : cbase + len(blocks)] = first + blocks
        fine[fbase : fbase + len(cumulative)] = (
            cumulative - np.repeat(blocks, 1 << _BLOCK_BITS)[: len(cumulative)]
        )
        cbase += len(blocks)
        fbase += len(cumulative)


def _as_codes(codes: np.ndarray) -> np.ndarray:
    array = np.asarray(codes)
    if array.dtype == np.uint8 and array.ndim == 2 and array.shape[1] == 32:
        return np.ascontiguousarray(array).view("<u8").reshape(-1, _WORDS)
    if array.dtype == np.uint64 and array.ndim == 2 and array.shape[1] == _WORDS:
        return np.ascontiguousarray(array)
    raise ValueError("codes must be (n, 32) uint8 or (n, 4) uint64")


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


def _header_bytes(header: dict[str, Any]) -> bytes:
    text = json.dumps(header, separators=(",", ":")).encode()
    if len(text) > HEADER_SIZE - len(MAGIC):
        raise ValueError("index header too long")
    return MAGIC + text.ljust(HEADER_SIZE - len(MAGIC), b" ")


def _array(buffer: Any, where: list[Any]) -> np.ndarray:
    offset, nbytes, dtype = where
    itemsize = np.dtype(dtype).itemsize
    return np.frombuffer(buffer, dtype=dtype, count=nbytes // itemsize, offset=offset)


def _sync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# Reading


class MappedPdqIndex:
    """A read-only index file mapped into memory; exact, thread-safe, never changes.

    `verify` checks the CRC-32 of the whole file (about 0.3 s a gigabyte; it also brings the
    pages into the page cache, where every process shares them); "stamp" skips that check when
    the stamp written with the file (or by the last full check) still matches it (see the
    module doc). `checked` says whether this open checked the CRC in full.
    """

    def __init__(self, path: str | os.PathLike[str], *, verify: Verify = True) -> None:
        self.path = Path(path)
        self.checked = False
        with open(self.path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            self.identity = (stat.st_dev, stat.st_ino, stat.st_mtime_ns)
            self.size = stat.st_size
            if stat.st_size < HEADER_SIZE:
                raise IndexFileError("The index file is too short.")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            self._open(stat, verify)
        except BaseException:
            self.close()
            raise

    def _open(self, stat: os.stat_result, verify: Verify) -> None:
        size = stat.st_size
        head = self._map[:HEADER_SIZE]
        if head[: len(MAGIC)] != MAGIC:
            raise IndexFileError("Not a COPNet PDQ index file.")
        try:
            header = json.loads(head[len(MAGIC) :].decode())
        except ValueError as error:
            raise IndexFileError("The index header cannot be read.") from error
        if header.get("version") != VERSION:
            raise IndexFileError(f"Index file version {header.get('version')}, not {VERSION}.")
        if header["file_size"] != size:
            raise IndexFileError("The index file is truncated or has grown.")
        if verify == "stamp" and _stamped(self.path, stat, header["crc32"]):
            verify = False
        if verify:
            if zlib.crc32(memoryview(self._map)[HEADER_SIZE:]) != header["crc32"]:
                raise IndexFileError("The index file's checksum does not match: it is corrupt.")
            self.checked = True
            with contextlib.suppress(OSError):  # a read-only directory: checked again next time
                _write_stamp(self.path, stat, header["crc32"])
        self.header = header
        self.count = int(header["count"])
        self.position = int(header["position"])
        self.layout: tuple[tuple[int, int], ...] = tuple(
            (int(start), int(bits)) for start, bits in header["layout"]
        )
        _check_layout(self.layout)
        sections = header["sections"]
        self.codes = _array(self._map, sections["codes"]).reshape(-1, _WORDS)
        self.entries = _array(self._map, sections["entries"])
        self.ids = _array(self._map, sections["ids"])
        self.coarse = _array(self._map, sections["coarse"])
        self.fine = _array(self._map, sections["fine"])
        widths = [bits for _start, bits in self.layout]
        self._fbase = np.cumsum([0] + [(1 << b) + 1 for b in widths])[:-1].astype(np.int64)
        self._cbase = np.cumsum([0] + [_coarse_len(b) for b in widths])[:-1].astype(np.int64)
        words, shifts = zip(*(divmod(start, 64) for start, _bits in self.layout), strict=True)
        spills = [shift + bits > 64 for (_s, bits), shift in zip(self.layout, shifts, strict=True)]
        self._words = np.array(words, dtype=np.intp)
        self._next = np.array(
            [w + 1 if spill else w for w, spill in zip(words, spills, strict=True)]
        )
        self._shifts = np.array(shifts, dtype=np.uint64)
        self._back = np.array(
            [64 - sh if spill else 0 for sh, spill in zip(shifts, spills, strict=True)],
            dtype=np.uint64,
        )
        self._spill = np.array([2**64 - 1 if spill else 0 for spill in spills], dtype=np.uint64)
        self._masks = np.array([(1 << b) - 1 for b in widths], dtype=np.uint64)
        expected = {
            "codes": self.count * _WORDS,
            "entries": self.count,
            "ids": self.count * len(self.layout),
            "coarse": sum(_coarse_len(b) for b in widths),
            "fine": sum((1 << b) + 1 for b in widths),
        }
        for name, length in expected.items():
            if getattr(self, name).size != length:
                raise IndexFileError(f"The index file's {name} section has the wrong size.")

    def __len__(self) -> int:
        return self.count

    def search(self, queries: np.ndarray, threshold: int) -> tuple[np.ndarray, ...]:
        """(query number, slot, distance) of every row within threshold, each pair once."""
        found = [
            self._search_block(queries[start : start + _QUERY_BLOCK], threshold, start)
            for start in range(0, len(queries), _QUERY_BLOCK)
        ]
        if len(found) == 1:
            return found[0]
        return tuple(np.concatenate([part[i] for part in found]) for i in range(3))

    def _search_block(
        self, queries: np.ndarray, threshold: int, first: int
    ) -> tuple[np.ndarray, ...]:
        plan = _plan(self.layout, threshold, max(self.count, 1))
        if plan is None or self.count == 0:
            q, slot, dist = _scan(self.codes, queries, threshold)
            return q + first, slot, dist
        tables, masks = plan
        keys = queries[:, self._words] >> self._shifts
        keys |= (queries[:, self._next] << self._back) & self._spill
        keys &= self._masks
        buckets = keys.astype(np.int64)[:, tables] ^ masks  # (n, probes)
        after = buckets + 1
        fine_at = self._fbase[tables]
        coarse_at = self._cbase[tables]
        starts = np.take(self.coarse, (buckets >> _BLOCK_BITS) + coarse_at).astype(np.intp)
        starts += np.take(self.fine, buckets + fine_at)
        ends = np.take(self.coarse, (after >> _BLOCK_BITS) + coarse_at).astype(np.intp)
        ends += np.take(self.fine, after + fine_at)
        starts = starts.ravel()
        lengths = ends.ravel() - starts
        ends_in_list = np.cumsum(lengths)
        total = int(ends_in_list[-1]) if len(ends_in_list) else 0
        if total == 0:
            empty = np.empty(0, dtype=np.intp)
            return empty, empty, np.empty(0, dtype=np.uint16)
        positions = np.repeat(starts - (ends_in_list - lengths), lengths) + np.arange(total)
        slots = np.take(self.ids, positions)
        rows = np.take(self.codes, slots, axis=0)
        if len(queries) == 1:
            dist = _distances(rows, queries[0])
            hit = np.flatnonzero(dist <= threshold)
            q = np.zeros(len(hit), dtype=np.intp)
        else:
            per_query = lengths.reshape(len(queries), -1).sum(axis=1)
            query_of = np.repeat(np.arange(len(queries)), per_query)
            dist = _distances(rows, queries[query_of])
            hit = np.flatnonzero(dist <= threshold)
            q = query_of[hit]
        slot, dist = slots[hit].astype(np.intp), dist[hit]
        if len(hit) > 1:  # a row found through several keys is listed once
            _unique, keep = np.unique(q * self.count + slot, return_index=True)
            q, slot, dist = q[keep], slot[keep], dist[keep]
        return q + first, slot, dist

    def close(self) -> None:
        for name in ("codes", "entries", "ids", "coarse", "fine"):
            self.__dict__.pop(name, None)
        with contextlib.suppress(BufferError):  # a query holds a view: the mapping goes with it
            self._map.close()


@lru_cache(maxsize=256)
def _flip_masks(bits: int, flips: int) -> np.ndarray:
    masks = [0]
    for count in range(1, flips + 1):
        masks += [
            sum(1 << b for b in combo) for combo in itertools.combinations(range(bits), count)
        ]
    return np.array(masks, dtype=np.int64)


@lru_cache(maxsize=256)
def _plan(
    layout: tuple[tuple[int, int], ...], threshold: int, count: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """(table, flip mask) probes that find every row within threshold, or None for a scan.

    Pigeonhole: with m keys, q = threshold // m and a = threshold % m, a row within threshold
    lies within q flips of the query in one of any a + 1 chosen keys, or within q - 1 flips in
    one of the others (otherwise its distance would be at least m*q + a + 1). The a + 1 keys
    given q flips are those where the extra flip adds the fewest expected candidates.
    """
    tables = len(layout)
    quotient, rest = divmod(threshold, tables)
    if quotient > _MAX_FLIPS:
        return None

    def cost(bits: int, flips: int) -> float:
        if flips < 0:
            return 0.0
        return len(_flip_masks(bits, flips)) * (1 + count / (1 << bits))

    extra = sorted(
        range(tables),
        key=lambda t: cost(layout[t][1], quotient) - cost(layout[t][1], quotient - 1),
    )[: rest + 1]
    plan_tables, plan_masks = [], []
    for table in range(tables):
        flips = quotient if table in extra else quotient - 1
        if flips < 0:
            continue
        masks = _flip_masks(layout[table][1], flips)
        plan_tables.append(np.full(len(masks), table, dtype=np.intp))
        plan_masks.append(masks)
    return np.concatenate(plan_tables), np.concatenate(plan_masks)


def _scan(rows: np.ndarray, queries: np.ndarray, threshold: int) -> tuple[np.ndarray, ...]:
    found_q, found_row, found_dist = [], [], []
    for index, query in enumerate(queries):
        dist = _distances(rows, query)
        hit = np.flatnonzero(dist <= threshold)
        found_q.append(np.full(len(hit), index, dtype=np.intp))
        found_row.append(hit)
        found_dist.append(dist[hit])
    if not found_q:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0, dtype=np.uint16)
    return np.concatenate(found_q), np.concatenate(found_row), np.concatenate(found_dist)


# --------------------------------------------------------------------------------------------
# The live index: file + delta


class PdqChange(NamedTuple):
    """One change-log record: `value` set = this (entry, hash) was added; None = the entry was
    removed (deleted, deactivated, expired), all its hashes with it."""

    position: int
    entry: int
    value: str | None = None


@dataclass(frozen=True)
class _State:
    base: MappedPdqIndex | None
    tombstones: np.ndarray  # sorted int64 entries hidden in the base
    delta: PdqIndex[int]  # added pairs (appended to in place: queries tolerate that)
    pairs: dict[int, frozenset[str]]  # the delta's live hashes by entry
    changes: tuple[PdqChange, ...]  # applied since the base's position, in order
    position: int


@dataclass
class FoldResult:
    path: Path
    position: int
    count: int
    folded_changes: int


class LivePdqIndex:
    """The machine's index file plus this process's changes since it; see the module doc.

    `position` is the change-log position the index reflects. Give `apply` the changes after
    it (older ones are ignored, so handing the same changes twice is harmless).
    """

    signal = PdqSignal()

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        threshold: int = DEFAULT_THRESHOLD,
        min_quality: int = MIN_QUALITY,
        fold_after: int = 50_000,
        verify: Verify = True,
    ) -> None:
        if not 0 <= threshold <= PDQ_BITS:
            raise ValueError(f"threshold must be between 0 and {PDQ_BITS}")
        self.path = Path(path)
        self.threshold = threshold
        self.min_quality = min_quality
        self.fold_after = fold_after
        self._verify = verify
        self._lock = threading.Lock()
        self._fold_thread: threading.Thread | None = None
        # The last file `refresh` refused (identity) and why: not checked again until it changes.
        self._refused: tuple[int, int, int] | None = None
        self.refresh_error = ""
        base = MappedPdqIndex(self.path, verify=verify) if self.path.exists() else None
        self._state = _State(
            base=base,
            tombstones=np.empty(0, dtype=np.int64),
            delta=PdqIndex(threshold=threshold, min_quality=min_quality),
            pairs={},
            changes=(),
            position=base.position if base is not None else 0,
        )

    @classmethod
    def build(
        cls,
        path: str | os.PathLike[str],
        items: Iterable[tuple[str, int]],
        *,
        position: int,
        **options: Any,
    ) -> LivePdqIndex:
        """Write the file from (hash, entry) pairs (e.g. every live bank entry read at change-log
        position `position`) and open it."""
        pairs = list(items)
        codes = codes_from_hex([value for value, _entry in pairs])
        entries = np.array([entry for _value, entry in pairs], dtype=np.int64)
        write_index_file(path, codes, entries, position=position)
        return cls(path, **options)

    # -- state -------------------------------------------------------------------------------

    @property
    def position(self) -> int:
        return self._state.position

    @property
    def base_position(self) -> int:
        base = self._state.base
        return base.position if base is not None else 0

    @property
    def pending_changes(self) -> int:
        return len(self._state.changes)

    def __len__(self) -> int:
        state = self._state
        hidden = 0
        if state.base is not None and len(state.tombstones):
            hidden = int(np.isin(state.base.entries, state.tombstones).sum())
        return (len(state.base) if state.base is not None else 0) - hidden + len(state.delta)

    def needs_fold(self) -> bool:
        return self.pending_changes >= self.fold_after

    def status(self) -> dict[str, Any]:
        """What the index runs on, for health pages: the file's version, size, hash count and
        change-log position, the position reached with the delta, and the delta's size."""
        state = self._state
        base = state.base
        return {
            "path": str(self.path),
            "version": base.header["version"] if base is not None else None,
            "file_bytes": base.size if base is not None else 0,
            "hashes": base.count if base is not None else 0,
            "file_position": base.position if base is not None else None,
            "position": state.position,
            "pending_changes": len(state.changes),
            "delta_hashes": len(state.delta),
            "tombstones": len(state.tombstones),
            "refresh_error": self.refresh_error,
        }

    def close(self) -> None:
        """Unmap the file (queries still running keep their view of it)."""
        base = self._state.base
        if base is not None:
            base.close()

    # -- writes ------------------------------------------------------------------------------

    def apply(self, changes: Iterable[PdqChange], *, position: int | None = None) -> int:
        """Apply the changes after `self.position` (in log order) and return the new position;
        `position` (the log's head, when it is known) moves it on even if no change concerned
        this index. Adds are validated first: one bad hash applies nothing (SignalError)."""
        with self._lock:
            state = self._state
            fresh = [c for c in changes if c.position > state.position]
            fresh.sort(key=lambda change: change.position)
            for change in fresh:
                if change.value is not None:
                    _parse_one(change.value)
            head = max([state.position, *(c.position for c in fresh), position or 0])
            if not fresh:
                if head != state.position:
                    self._state = _replace(state, position=head)
                return head
            self._state = _with_changes(state, fresh, head, self.threshold, self.min_quality)
            return head

    # -- reads -------------------------------------------------------------------------------

    def query(self, value: str, *, threshold: int | None = None) -> list[Match[int]]:
        """Live entries within threshold of this hash, nearest first (then by entry)."""
        code = np.frombuffer(_parse_one(value), dtype=np.uint64).reshape(1, _WORDS)
        return self._search(code, self._threshold(threshold))[0]

    def query_many(
        self, values: Sequence[str], *, threshold: int | None = None
    ) -> list[list[Match[int]]]:
        if not values:
            return []
        return self._search(_parse_many(values), self._threshold(threshold))

    def query_with_quality(
        self, value: str, quality: int, *, threshold: int | None = None
    ) -> PdqQueryResult[int]:
        if quality < self.min_quality:
            self.signal.validate(value)
            return PdqQueryResult(matches=[], low_quality=True)
        return PdqQueryResult(matches=self.query(value, threshold=threshold))

    def _threshold(self, threshold: int | None) -> int:
        value = self.threshold if threshold is None else threshold
        if not 0 <= value <= PDQ_BITS:
            raise ValueError(f"threshold must be between 0 and {PDQ_BITS}")
        return value

    def _search(self, queries: np.ndarray, threshold: int) -> list[list[Match[int]]]:
        state = self._state  # one consistent snapshot for the whole call
        results: list[list[tuple[int, int]]] = [[] for _ in range(len(queries))]
        if state.base is not None and state.base.count:
            q, slot, dist = state.base.search(queries, threshold)
            entries = state.base.entries[slot]
            if len(state.tombstones) and len(entries):
                live = ~np.isin(entries, state.tombstones)
                q, entries, dist = q[live], entries[live], dist[live]
            for qi, entry, di in zip(q.tolist(), entries.tolist(), dist.tolist(), strict=True):
                results[qi].append((di, entry))
        if len(state.delta):
            values = [row.tobytes().hex() for row in queries.view(np.uint8).reshape(-1, 32)]
            for qi, matches in enumerate(state.delta.query_many(values, threshold=threshold)):
                results[qi].extend((m.distance, m.entry) for m in matches)
        return [[Match(entry, distance) for distance, entry in sorted(r)] for r in results]

    # -- the shared file ---------------------------------------------------------------------

    def refresh(self) -> bool:
        """Swap in a newer file another process wrote (if any); True when swapped."""
        state = self._state
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return False
        current = state.base.identity if state.base is not None else None
        identity = (stat.st_dev, stat.st_ino, stat.st_mtime_ns)
        if identity in (current, self._refused):
            return False
        try:
            fresh = MappedPdqIndex(self.path, verify=self._verify)
        except IndexFileError as error:
            # Damaged: keep answering from what we have (the old file and the whole delta)
            # and do not check this one again at every call.
            self._refused, self.refresh_error = identity, str(error)
            return False
        except OSError:
            return False  # being replaced: the next call sees the new file
        self._refused, self.refresh_error = None, ""
        return self._swap(fresh)

    def _swap(self, fresh: MappedPdqIndex) -> bool:
        with self._lock:
            state = self._state
            if state.base is not None and fresh.position < state.base.position:
                fresh.close()  # older than ours: its missing changes are no longer in the delta
                return False
            keep = [c for c in state.changes if c.position > fresh.position]
            empty = _State(
                base=fresh,
                tombstones=np.empty(0, dtype=np.int64),
                delta=PdqIndex(threshold=self.threshold, min_quality=self.min_quality),
                pairs={},
                changes=(),
                position=max(fresh.position, state.position),
            )
            self._state = _with_changes(
                empty, keep, empty.position, self.threshold, self.min_quality
            )
        return True

    def fold(self) -> FoldResult | None:
        """Write a new file with the delta folded in, rename it over the old one, swap it in.

        One process of the machine folds at a time (a lock file beside the index); None when
        another is folding or the file on disk is already as new as this index.
        """
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+b") as lock:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            try:
                self.refresh()
                state = self._state
                on_disk = _file_position(self.path)
                damaged = bool(self.refresh_error)  # refused by refresh: replace it anyway
                if (
                    not damaged
                    and on_disk is not None
                    and on_disk >= state.position
                    and not state.changes
                ):
                    return None
                codes, entries = _live_rows(state)
                write_index_file(self.path, codes, entries, position=state.position)
                fresh = MappedPdqIndex(self.path, verify=False)
                self._swap(fresh)
                return FoldResult(self.path, state.position, len(entries), len(state.changes))
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def fold_in_background(self) -> threading.Thread | None:
        """Start `fold` on a daemon thread unless one is running; matching goes on meanwhile."""
        with self._lock:
            if self._fold_thread is not None and self._fold_thread.is_alive():
                return None
            thread = threading.Thread(target=self.fold, name="pdq-fold", daemon=True)
            self._fold_thread = thread
        thread.start()
        return thread


def _replace(state: _State, **changes: Any) -> _State:
    values = {name: getattr(state, name) for name in state.__dataclass_fields__}
    values.update(changes)
    return _State(**values)


def _with_changes(
    state: _State, fresh: Sequence[PdqChange], head: int, threshold: int, min_quality: int
) -> _State:
    """A new state with these changes on top (in order). The delta index is added to in place,
    so a query still reading the old state may already see new adds, never a half-made one."""
    tombstones = set(state.tombstones.tolist())
    pairs = dict(state.pairs)
    delta = state.delta
    pending: list[tuple[str, int]] = []
    for change in fresh:
        if change.value is None:
            if pending:
                delta.add(pending)
                pending = []
            tombstones.add(change.entry)
            if pairs.pop(change.entry, None):
                delta.remove([change.entry])
            continue
        value = change.value.strip().lower()
        held = pairs.get(change.entry, frozenset())
        if value not in held:
            pairs[change.entry] = held | {value}
            pending.append((value, change.entry))
    if pending:
        delta.add(pending)
    return _State(
        base=state.base,
        tombstones=np.array(sorted(tombstones), dtype=np.int64),
        delta=delta,
        pairs=pairs,
        changes=(*state.changes, *fresh),
        position=head,
    )


def _live_rows(state: _State) -> tuple[np.ndarray, np.ndarray]:
    parts_codes, parts_entries = [], []
    if state.base is not None and state.base.count:
        keep = ~np.isin(state.base.entries, state.tombstones) if len(state.tombstones) else None
        codes = state.base.codes if keep is None else state.base.codes[keep]
        entries = state.base.entries if keep is None else state.base.entries[keep]
        parts_codes.append(np.asarray(codes))
        parts_entries.append(np.asarray(entries))
    delta_pairs = [(value, entry) for entry, values in state.pairs.items() for value in values]
    if delta_pairs:
        parts_codes.append(codes_from_hex([value for value, _entry in delta_pairs]))
        parts_entries.append(np.array([entry for _value, entry in delta_pairs], dtype=np.int64))
    if not parts_codes:
        return np.empty((0, _WORDS), dtype=np.uint64), np.empty(0, dtype=np.int64)
    return np.concatenate(parts_codes), np.concatenate(parts_entries)


def _file_position(path: Path) -> int | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER_SIZE)
        return int(json.loads(head[len(MAGIC) :].decode())["position"])
    except (OSError, ValueError, KeyError):
        return None


__all__ = [
    "FoldResult",
    "IndexFileError",
    "LAYOUT_16",
    "LAYOUT_23",
    "LivePdqIndex",
    "MappedPdqIndex",
    "PdqChange",
    "choose_layout",
    "codes_from_hex",
    "read_header",
    "stamp_path",
    "write_index_file",
]
