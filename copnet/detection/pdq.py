"""PDQ perceptual image hashes: validation, hashing, and an exact Hamming-distance index.

A PDQ hash is 256 bits, written as 64 lower-case hex digits in the reference bit order (the
first hex digit holds bits 255..252, as Meta's `toHexString` and python-threatexchange write
it; `pdq_bits_to_hex`). This module is the only PDQ hashing in COPNet: the evidence vault
hashes through `PdqHasher.hash_decoded`. Two hashes match when their Hamming distance is at
most the threshold (31 by default, Meta's "confident match" value).

`PdqIndex` answers exactly what a brute-force scan would: the same (entry, distance) pairs for
every query. Large banks are searched by multi-index hashing (Norouzi et al.): the 256 bits are
cut into 16 keys of 16 bits, each with its own bucket table; by the pigeonhole principle a hash
within distance r of the query lies within a small, known number of bit flips of the query in at
least one key, so probing those buckets in every table finds every match, and each candidate
is then checked against its full distance. Recent additions are scanned directly until there
are enough of them to rebuild the tables.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic

import numpy as np
import pdqhash
from PIL import Image, UnidentifiedImageError

from .base import Hasher, Index, K, Match, SignalError, SignalType

PDQ_BITS = 256
PDQ_HEX_LENGTH = 64
DEFAULT_THRESHOLD = 31  # Meta's PDQ_CONFIDENT_MATCH_THRESHOLD
MIN_QUALITY = 50  # below this, Meta advises not to match on a hash

_HEX_DIGITS = frozenset("0123456789abcdef")


def pdq_bits_to_hex(bits: Any) -> str:
    """Hex of the 256 bits pdqhash returns (most significant first), in the reference order:
    packing the bits big-endian gives Meta's toHexString / python-threatexchange hex."""
    array = np.asarray(bits).reshape(-1)
    if array.size != PDQ_BITS:
        raise SignalError("wrong_length", f"A PDQ hash has {PDQ_BITS} bits, not {array.size}.")
    return np.packbits(array.astype(bool)).tobytes().hex()


class PdqSignal(SignalType):
    """PDQ hashes as 64 hex digits; `hamming` is the distance matches are judged by."""

    name = "pdq"

    def validate(self, value: str) -> str:
        """The stripped, lower-case hash; SignalError "invalid_hex" or "wrong_length"."""
        if not isinstance(value, str):
            raise SignalError("invalid_hex", "A PDQ hash must be a hexadecimal string.")
        text = value.strip().lower()
        if not _HEX_DIGITS.issuperset(text):
            raise SignalError("invalid_hex", "A PDQ hash must be a hexadecimal string.")
        if len(text) != PDQ_HEX_LENGTH:
            raise SignalError(
                "wrong_length",
                f"A PDQ hash has {PDQ_HEX_LENGTH} hexadecimal digits, not {len(text)}.",
            )
        return text

    def hamming(self, a: str, b: str) -> int:
        """Number of differing bits between two valid hashes (0..256)."""
        left = int(self.validate(a), 16)
        right = int(self.validate(b), 16)
        return (left ^ right).bit_count()


# --------------------------------------------------------------------------------------------
# Hashing


@dataclass(frozen=True)
class PdqHashes:
    """The eight dihedral hashes of one image (original first) and the hash quality (0-100)."""

    hashes: tuple[str, ...]
    quality: int
    width: int
    height: int
    animated: bool = False

    @property
    def original(self) -> str:
        return self.hashes[0]


# Pillow format plugins tried (the JPEG one also opens multi-picture JPEGs, as "MPO").
_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# Errors Pillow raises on broken files or files that are not what they claim to be.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError)


class PdqHasher(Hasher):
    """PDQ hashes of JPEG, PNG, GIF (first frame) and WebP images.

    The pixel count is read from the header and checked before any pixel is decoded, so a small
    file announcing a huge picture is refused cheaply. Errors are SignalError with the codes
    "empty", "not_an_image", "too_many_pixels", "too_small" (under 5 pixels a side, where PDQ
    has no signal) and "truncated". Pictures wider or taller than `max_side` are box-reduced
    first (as the evidence vault does, so stored and recomputed hashes agree).
    """

    def __init__(self, *, max_pixels: int = 40_000_000, max_side: int = 2048) -> None:
        self.max_pixels = max_pixels
        self.max_side = max_side

    def hash_bytes(self, data: bytes) -> list[str]:
        """The eight dihedral hashes, original first; see `hash_image` for the quality."""
        return list(self.hash_image(data).hashes)

    def hash_image(self, data: bytes) -> PdqHashes:
        """Hashes, quality and size of an encoded image; raises SignalError when refused."""
        if not data:
            raise SignalError("empty", "The file is empty.")
        with _open_image(data) as img:
            width, height = img.size
            self._check_size(width, height)
            try:
                animated = bool(getattr(img, "is_animated", False))  # looks for a 2nd frame
                img.load()
            except Image.DecompressionBombError as error:
                raise _too_many_pixels() from error
            except _DECODE_ERRORS as error:
                raise SignalError("truncated", "The image is broken or incomplete.") from error
            self._check_size(*img.size)  # a GIF frame may grow the canvas
            pixels = self._rgb_array(img)
        bits, quality = pdqhash.compute_dihedral(pixels)
        return PdqHashes(
            hashes=tuple(pdq_bits_to_hex(b) for b in bits),
            quality=int(quality),
            width=width,
            height=height,
            animated=animated,
        )

    def hash_pixels(self, pixels: np.ndarray) -> PdqHashes:
        """Hashes of an already decoded (height, width, 3) uint8 RGB array, as `hash_image`."""
        array = np.asarray(pixels)
        if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
            raise SignalError("not_an_image", "Pixels must be a (height, width, 3) uint8 array.")
        height, width = array.shape[:2]
        self._check_size(width, height)
        bits, quality = pdqhash.compute_dihedral(self._rgb_array(Image.fromarray(array)))
        return PdqHashes(tuple(pdq_bits_to_hex(b) for b in bits), int(quality), width, height)

    def _check_size(self, width: int, height: int) -> None:
        if width * height > self.max_pixels:
            raise _too_many_pixels()
        if min(width, height) < 5:
            raise SignalError("too_small", "The image is too small to hash (under 5 pixels).")

    def hash_decoded(self, img: Image.Image) -> PdqHashes:
        """Hashes of a picture its caller already opened, checked and loaded (the evidence
        vault, through `core.uploads`). Nothing is refused here: a picture under 5 pixels a
        side hashes to zeros with quality 0, which never matches."""
        width, height = img.size
        bits, quality = pdqhash.compute_dihedral(self._rgb_array(img))
        return PdqHashes(tuple(pdq_bits_to_hex(b) for b in bits), int(quality), width, height)

    def _rgb_array(self, img: Image.Image) -> np.ndarray:
        # Alpha is dropped rather than composited, as python-threatexchange does.
        img = eight_bit(img)
        rgb = img if img.mode == "RGB" else img.convert("RGB")
        factor = -(-max(rgb.size) // self.max_side)
        if factor > 1:
            rgb = rgb.reduce(factor)
        return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def eight_bit(img: Image.Image) -> Image.Image:
    """`img` in an 8-bit mode Pillow converts faithfully: 16-bit and 32-bit greys scaled (Pillow's
    convert() clips them to 255), float greys clipped, palettes opened to RGBA (converting a
    palette with transparency straight to RGB or L warns). Other modes are returned as they are."""
    if img.mode.startswith("I;16") or img.mode == "I":
        grey = np.clip(np.asarray(img, dtype=np.int64), 0, 65535) >> 8
        return Image.fromarray(grey.astype(np.uint8))
    if img.mode == "F":
        return Image.fromarray(np.clip(np.asarray(img), 0, 255).astype(np.uint8))
    if img.mode in ("P", "PA"):
        return img.convert("RGBA")
    return img


def _too_many_pixels() -> SignalError:
    return SignalError("too_many_pixels", "The image has too many pixels to hash.")


def _open_image(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Over Pillow's own pixel limit, which is above ours: Pillow raises, or warns (an
        # error where warnings are errors, as in the tests; elsewhere `_check_size` refuses).
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, *_DECODE_ERRORS) as error:
        raise SignalError("not_an_image", "The file is not a supported image.") from error


# --------------------------------------------------------------------------------------------
# Index

_WORDS = PDQ_BITS // 64  # a hash is stored as 4 native uint64 words
_TABLES = 16  # multi-index hashing: 16 keys of 16 bits
_KEY_SPACE = 1 << 16
_MAX_PLAN_FLIPS = 2  # probing more flips per key costs more than a scan: above, scan
_SCAN_MAX = 8192  # unindexed (recently added) hashes scanned directly before a rebuild
_SCAN_BLOCK = 1 << 20  # query x hash pairs per block of a vectorised scan
_QUERY_BLOCK = 16  # queries per block of a vectorised search (and per thread task)


@dataclass(frozen=True)
class PdqQueryResult(Generic[K]):
    """Matches for one query, or none with `low_quality` set when the hash is unreliable."""

    matches: list[Match[K]]
    low_quality: bool = False


@dataclass
class _Tables:
    """Bucket tables over slots [0, size): for key t, bucket v holds the slot numbers
    ids[offsets[t * 65537 + v] : offsets[t * 65537 + v + 1]]."""

    size: int
    ids: np.ndarray
    offsets: np.ndarray

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.offsets.nbytes)


@dataclass
class _Snapshot:
    """What one query reads: arrays are only appended to or replaced while it runs."""

    codes: np.ndarray
    alive: np.ndarray
    entries: list[Any]
    count: int
    tables: _Tables | None
    has_dead: bool = field(default=False)


@lru_cache(maxsize=64)
def _probe_plan(threshold: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(key number, flip mask) pairs to probe so that every hash within threshold is found.

    With q = threshold // 16 and a = threshold % 16: if the first a + 1 keys each differed in
    more than q bits and the other keys each in more than q - 1 bits, the distance would be at
    least 16q + a + 1 > threshold. So probing the buckets within q flips of the first a + 1 keys
    and within q - 1 flips of the rest is exact. None when that is slower than a scan.
    """
    quotient, rest = divmod(threshold, _TABLES)
    if quotient > _MAX_PLAN_FLIPS:
        return None
    masks_by_flips = [_flip_masks(flips) for flips in range(quotient + 1)]
    tables: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    for table in range(_TABLES):
        flips = quotient if table <= rest else quotient - 1
        if flips < 0:
            continue
        mask = masks_by_flips[flips]
        tables.append(np.full(len(mask), table, dtype=np.intp))
        masks.append(mask)
    return np.concatenate(tables), np.concatenate(masks)


def _flip_masks(max_flips: int) -> np.ndarray:
    values = np.arange(_KEY_SPACE, dtype=np.uint32)
    return values[np.bitwise_count(values) <= max_flips].astype(np.uint16)


def _distances(rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Hamming distances (uint16) between rows and queries, both (n, 4) uint64 or broadcast."""
    counts = np.bitwise_count(rows ^ queries)  # uint8, at most 64 per word
    return (counts[..., 0] + counts[..., 1]).astype(np.uint16) + (counts[..., 2] + counts[..., 3])


def _parse_one(value: str) -> bytes:
    try:
        raw = bytes.fromhex(value)
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != PDQ_HEX_LENGTH // 2 or len(value) != PDQ_HEX_LENGTH:
        return bytes.fromhex(PdqSignal().validate(value))
    return raw


def _parse_many(values: Sequence[str]) -> np.ndarray:
    """(n, 4) uint64 codes of valid hashes; SignalError for the first invalid one."""
    count = len(values)
    raw = b""
    try:
        if all(len(v) == PDQ_HEX_LENGTH for v in values):
            raw = bytes.fromhex("".join(values))
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != count * (PDQ_HEX_LENGTH // 2):  # something is wrong: find what, one by one
        raw = b"".join(_parse_one(v) for v in values)
    return np.frombuffer(raw, dtype=np.uint64).reshape(count, _WORDS).copy()


class PdqIndex(Index[K]):
    """Exact PDQ matching: `query` returns every live entry within `threshold` bits.

    Results are the same (entry, distance) pairs as a brute-force scan, nearest first (ties in
    the order entries were added). `add` and `remove` take effect for the next query; removals
    leave tombstones that are dropped, and the tables rebuilt, on a later query once they pile
    up. An entry may be added with several hashes (and a hash with several entries): each pair
    is its own match. Thread-safe: writers are serialised, and a query reads a consistent
    snapshot. Memory: about 110 bytes a hash at a million hashes (32 for the hash, 64 for the
    16 bucket tables, 4 for their offsets, 9 for bookkeeping), plus the caller's entry objects.
    No exact multi-index can go much lower without becoming slower: each of the 16 tables must
    locate every hash, at least about 18 bits a table even compressed (docs/benchmarks.md).

    Hashes of low quality (under `min_quality`, 50 by default) should not be matched:
    `query_with_quality` flags them instead of answering.
    """

    signal = PdqSignal()

    def __init__(
        self,
        items: Iterable[tuple[str, K]] = (),
        *,
        threshold: int = DEFAULT_THRESHOLD,
        min_quality: int = MIN_QUALITY,
    ) -> None:
        if not 0 <= threshold <= PDQ_BITS:
            raise ValueError(f"threshold must be between 0 and {PDQ_BITS}")
        self.threshold = threshold
        self.min_quality = min_quality
        self._lock = threading.RLock()
        self._codes = np.empty((0, _WORDS), dtype=np.uint64)
        self._alive = np.empty(0, dtype=bool)
        self._entries: list[K] = []
        self._count = 0  # slots used, dead or alive
        self._dead = 0
        self._tables: _Tables | None = None
        self.add(items)

    # -- writes ------------------------------------------------------------------------------

    def add(self, items: Iterable[tuple[str, K]]) -> None:
        """Add (hash, entry) pairs; all or nothing: SignalError on the first invalid hash."""
        pairs = list(items)
        if not pairs:
            return
        codes = _parse_many([value for value, _entry in pairs])
        with self._lock:
            start, end = self._count, self._count + len(pairs)
            self._reserve(end)
            self._codes[start:end] = codes
            self._alive[start:end] = True
            self._entries.extend(entry for _value, entry in pairs)
            self._count = end

    def remove(self, entries: Iterable[K]) -> None:
        """Forget every hash added with any of these entries (unknown entries are ignored)."""
        targets = set(entries)
        if not targets:
            return
        with self._lock:
            alive = self._alive
            for slot, entry in enumerate(self._entries):
                if entry in targets and alive[slot]:
                    alive[slot] = False
                    self._dead += 1

    def optimize(self) -> None:
        """Drop tombstones and index every hash now, instead of on a later query."""
        with self._lock:
            self._compact()
            self._build_tables()

    # -- reads -------------------------------------------------------------------------------

    def query(self, value: str, *, threshold: int | None = None) -> list[Match[K]]:
        """Live entries within threshold (default: the index's) of this hash, nearest first."""
        code = np.frombuffer(_parse_one(value), dtype=np.uint64).reshape(1, _WORDS)
        return self._search(code, self._threshold(threshold))[0]

    def query_many(
        self, values: Sequence[str], *, threshold: int | None = None
    ) -> list[list[Match[K]]]:
        """`query` for each value, vectorised; SignalError if any value is invalid."""
        if not values:
            return []
        return self._search(_parse_many(values), self._threshold(threshold))

    def query_with_quality(
        self, value: str, quality: int, *, threshold: int | None = None
    ) -> PdqQueryResult[K]:
        """Like `query`, but a hash under `min_quality` is flagged instead of matched."""
        if quality < self.min_quality:
            self.signal.validate(value)
            return PdqQueryResult(matches=[], low_quality=True)
        return PdqQueryResult(matches=self.query(value, threshold=threshold))

    def __len__(self) -> int:
        return self._count - self._dead

    def memory_bytes(self) -> int:
        """Bytes held by the index's arrays and entry list (not the entry objects themselves)."""
        tables = self._tables.nbytes if self._tables is not None else 0
        return int(self._codes.nbytes + self._alive.nbytes + tables + sys.getsizeof(self._entries))

    # -- persistence -------------------------------------------------------------------------

    def serialize(self) -> bytes:
        """Live hashes and entries as bytes (entries must be JSON values: ints or strings)."""
        with self._lock:
            keep = np.flatnonzero(self._alive[: self._count])
            codes = self._codes[keep]
            entries = [self._entries[slot] for slot in keep.tolist()]
        out = io.BytesIO()
        header = {"threshold": self.threshold, "min_quality": self.min_quality}
        np.savez(
            out,
            codes=codes,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            entries=np.frombuffer(json.dumps(entries).encode(), dtype=np.uint8),
        )
        return out.getvalue()

    @classmethod
    def deserialize(cls, data: bytes) -> PdqIndex[Any]:
        """An index equal to the one `serialize` wrote (no pickle involved)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            codes = np.ascontiguousarray(archive["codes"], dtype=np.uint64).reshape(-1, _WORDS)
            header = json.loads(archive["header"].tobytes())
            entries = json.loads(archive["entries"].tobytes())
        if len(entries) != len(codes):
            raise ValueError("Corrupt PDQ index: hashes and entries differ in number.")
        index: PdqIndex[Any] = cls(
            threshold=int(header["threshold"]), min_quality=int(header["min_quality"])
        )
        with index._lock:
            index._reserve(len(codes))
            index._codes[: len(codes)] = codes
            index._alive[: len(codes)] = True
            index._entries = list(entries)
            index._count = len(codes)
        return index

    # -- internals ---------------------------------------------------------------------------

    def _threshold(self, threshold: int | None) -> int:
        value = self.threshold if threshold is None else threshold
        if not 0 <= value <= PDQ_BITS:
            raise ValueError(f"threshold must be between 0 and {PDQ_BITS}")
        return value

    def _reserve(self, needed: int) -> None:
        capacity = len(self._codes)
        if needed <= capacity:
            return
        new_capacity = max(needed, capacity + capacity // 2, 1024)
        codes = np.empty((new_capacity, _WORDS), dtype=np.uint64)
        codes[: self._count] = self._codes[: self._count]
        alive = np.zeros(new_capacity, dtype=bool)
        alive[: self._count] = self._alive[: self._count]
        # Replaced, not resized in place: running queries keep reading the old arrays.
        self._codes, self._alive = codes, alive

    def _compact(self) -> None:
        if not self._dead:
            return
        keep = np.flatnonzero(self._alive[: self._count])
        self._codes = np.ascontiguousarray(self._codes[keep])
        self._alive = np.ones(len(keep), dtype=bool)
        self._entries = [self._entries[slot] for slot in keep.tolist()]
        self._count, self._dead, self._tables = len(keep), 0, None

    def _build_tables(self) -> None:
        size = self._count
        if size <= _SCAN_MAX:
            self._tables = None
            return
        keys = self._codes[:size].view(np.uint16)  # (size, 16): key t = bytes 2t, 2t + 1
        offset_type = np.uint32 if _TABLES * size < 2**32 else np.int64
        ids = np.empty(_TABLES * size, dtype=np.uint32)
        offsets = np.empty(_TABLES * (_KEY_SPACE + 1), dtype=offset_type)
        for table in range(_TABLES):
            key = keys[:, table]
            base = table * size
            ids[base : base + size] = np.argsort(key, kind="stable")
            start = table * (_KEY_SPACE + 1)
            offsets[start] = base
            offsets[start + 1 : start + _KEY_SPACE + 1] = base + np.cumsum(
                np.bincount(key, minlength=_KEY_SPACE)
            )
        self._tables = _Tables(size=size, ids=ids, offsets=offsets)

    def _snapshot(self) -> _Snapshot:
        with self._lock:
            indexed = self._tables.size if self._tables is not None else 0
            if self._dead > max(1024, self._count // 4):
                self._compact()
                self._build_tables()
            elif self._count - indexed > _SCAN_MAX:
                self._build_tables()
            return _Snapshot(
                codes=self._codes,
                alive=self._alive,
                entries=self._entries,
                count=self._count,
                tables=self._tables,
                has_dead=self._dead > 0,
            )

    def _search(self, queries: np.ndarray, threshold: int) -> list[list[Match[K]]]:
        snap = self._snapshot()
        plan = _probe_plan(threshold)
        tables = snap.tables if plan is not None else None

        def run(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            block = queries[start : start + _QUERY_BLOCK]
            q, slot, dist = _search_block(snap, tables, plan, block, threshold)
            return q + start, slot, dist

        starts = range(0, len(queries), _QUERY_BLOCK)
        # The work is random memory reads, and numpy lets go of the GIL while it does them, so
        # blocks of a large batch run in parallel on the available cores.
        parts = list(_executor().map(run, starts)) if len(starts) > 1 else [run(0)]
        return _collect(snap, len(queries), parts)


_executor_lock = threading.Lock()
_executor_instance: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _executor_instance
    with _executor_lock:
        if _executor_instance is None:
            workers = max(1, min(4, os.cpu_count() or 1))
            _executor_instance = ThreadPoolExecutor(workers, thread_name_prefix="pdq-index")
        return _executor_instance


def _forget_executor() -> None:
    # Threads do not survive fork (servers fork their workers): a child starts its own pool.
    global _executor_instance, _executor_lock
    _executor_instance = None
    _executor_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_executor)


def _search_block(
    snap: _Snapshot,
    tables: _Tables | None,
    plan: tuple[np.ndarray, np.ndarray] | None,
    queries: np.ndarray,
    threshold: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query number, slot, distance) for every slot within threshold, each pair once."""
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    indexed = 0
    if tables is not None and plan is not None:
        found.append(_probe(snap.codes, tables, plan, queries, threshold))
        indexed = tables.size
    if snap.count > indexed:
        q, row, dist = _scan(snap.codes[indexed : snap.count], queries, threshold)
        found.append((q, row + indexed, dist))
    if len(found) == 1:
        return found[0]
    if not found:  # an empty index
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0, dtype=np.uint16)
    return (
        np.concatenate([f[0] for f in found]),
        np.concatenate([f[1] for f in found]),
        np.concatenate([f[2] for f in found]),
    )


def _probe(
    codes: np.ndarray,
    tables: _Tables,
    plan: tuple[np.ndarray, np.ndarray],
    queries: np.ndarray,
    threshold: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query number, slot, distance) of indexed hashes within threshold, each pair once."""
    plan_tables, plan_masks = plan
    keys = queries.view(np.uint16)  # (n, 16)
    probes = (keys[:, plan_tables] ^ plan_masks).astype(np.intp)
    probes += plan_tables * (_KEY_SPACE + 1)
    starts = tables.offsets[probes].astype(np.intp).ravel()
    ends = tables.offsets[probes + 1].astype(np.intp).ravel()
    lengths = ends - starts
    ends_in_list = np.cumsum(lengths)
    total = int(ends_in_list[-1]) if len(ends_in_list) else 0
    if total == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0, dtype=np.uint16)
    # Positions of every listed id: each bucket's range laid end to end.
    positions = np.repeat(starts - (ends_in_list - lengths), lengths) + np.arange(total)
    slots = tables.ids[positions]
    rows = np.take(codes, slots, axis=0)
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
    if len(hit) < 2:
        return q, slot, dist
    # A hash found through several keys is listed once.
    _unique, first = np.unique(q * tables.size + slot, return_index=True)
    return q[first], slot[first], dist[first]


def _scan(
    rows: np.ndarray, queries: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query number, row, distance) of every row within threshold: plain brute force."""
    found_q, found_row, found_dist = [], [], []
    step = max(1, _SCAN_BLOCK // max(1, len(rows)))
    for start in range(0, len(queries), step):
        block = queries[start : start + step]
        dist = _distances(rows[None, :, :], block[:, None, :])  # (queries, rows)
        q, row = np.nonzero(dist <= threshold)
        found_q.append(q + start)
        found_row.append(row)
        found_dist.append(dist[q, row])
    return np.concatenate(found_q), np.concatenate(found_row), np.concatenate(found_dist)


def _collect(
    snap: _Snapshot, count: int, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
) -> list[list[Match[Any]]]:
    results: list[list[Match[Any]]] = [[] for _ in range(count)]
    if len(parts) == 1:
        q, slot, dist = parts[0]
    else:
        q = np.concatenate([part[0] for part in parts])
        slot = np.concatenate([part[1] for part in parts])
        dist = np.concatenate([part[2] for part in parts])
    if not len(q):
        return results
    if snap.has_dead:
        live = snap.alive[slot]
        q, slot, dist = q[live], slot[live], dist[live]
    order = np.lexsort((slot, dist, q))
    entries = snap.entries
    for qi, si, di in zip(
        q[order].tolist(), slot[order].tolist(), dist[order].tolist(), strict=True
    ):
        results[qi].append(Match(entries[si], di))
    return results


__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_QUALITY",
    "PDQ_HEX_LENGTH",
    "PdqHasher",
    "PdqHashes",
    "PdqIndex",
    "PdqQueryResult",
    "PdqSignal",
    "pdq_bits_to_hex",
]
