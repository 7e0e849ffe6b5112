"""In-memory hash-prefix index (no Django): 4-byte prefixes → full SHA-256 hashes.

Prefixes are kept as a sorted numpy array of big-endian uint32; a lookup is two binary
searches, so a batch of prefixes costs O(k log n) whatever the size of the feed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class PrefixIndex:
    def __init__(self, hashes: Iterable[bytes], payloads: Sequence[int] | None = None) -> None:
        blob = b"".join(hashes)
        if len(blob) % 32:
            raise ValueError("every hash must be 32 bytes")
        count = len(blob) // 32
        matrix = np.frombuffer(blob, dtype=np.uint8).reshape(count, 32)
        prefixes = matrix[:, :4].copy().view(">u4").reshape(count).astype(np.uint32)
        order = np.argsort(prefixes, kind="stable")
        self._prefixes = prefixes[order]
        self._hashes = matrix[order]
        ids = np.arange(count) if payloads is None else np.asarray(payloads, dtype=np.int64)
        if len(ids) != count:
            raise ValueError("one payload per hash")
        self._payloads = ids[order]

    def __len__(self) -> int:
        return int(self._prefixes.shape[0])

    def lookup(self, prefixes: Sequence[bytes]) -> list[list[tuple[bytes, int]]]:
        """For each 4-byte prefix, the (full hash, payload) pairs that start with it."""
        keys = np.array([int.from_bytes(p[:4], "big") for p in prefixes], dtype=np.uint32)
        left = np.searchsorted(self._prefixes, keys, side="left")
        right = np.searchsorted(self._prefixes, keys, side="right")
        out: list[list[tuple[bytes, int]]] = []
        for start, end in zip(left.tolist(), right.tolist(), strict=True):
            out.append(
                [(self._hashes[i].tobytes(), int(self._payloads[i])) for i in range(start, end)]
            )
        return out

    def prefixes(self) -> list[bytes]:
        return [int(p).to_bytes(4, "big") for p in np.unique(self._prefixes)]
