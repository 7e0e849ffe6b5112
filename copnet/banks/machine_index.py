"""The machine's PDQ index: one file (`detection.pdqfile`) that every process maps read-only.

The file lives in `COPNET_PDQ_INDEX_DIR` (empty: each process keeps its own in-memory index,
as before). It holds the PDQ hashes of the active banks' entries as of one detection-data
generation, recorded in its header as its position (`generations.py`). Each process puts over
it the changes since (`LivePdqIndex`), read with the generation protocol, so the freshness rule
holds as it did in memory: every change committed before a match call starts is seen by that
call, in every process.

- Entries stamped after the index's position, in active banks (imports, added entries, a
  closed case's hashes, a bank switched back on, which stamps all its entries anew): each
  hides the entry's rows in the file first (a tombstone: a bank switched off and on again is
  in the file already), then adds its hash.
- A bank switched on or off since the position (`reload_generation` above it): every PDQ entry
  of an inactive bank becomes a tombstone, so its rows leave the index and the next fold.
- Deactivation, expiry and quarantine need no index change: `services.match_hashes` re-reads
  every matched entry and drops those (`_live_entries`), at once and in every process. The
  index may hold dead entries, never miss a live one; results equal a scan of the live ones.

Opening: the first match of a process opens the file; if there is none, it is damaged
(`IndexFileError`: logged) or ahead of the database (restored from a backup), the process takes
the lock file beside it and builds it from the database; processes that need it meanwhile wait
on the lock, then open what was built. A file is checked in full once (CRC-32, at its writing
or at its first open) and by a cheap stamp check after that; `manage.py build_pdq_index --verify`
checks in full on demand.

Folding: when a process's delta reaches `COPNET_PDQ_INDEX_FOLD_AFTER` changes it enqueues
`tasks.fold_pdq_index` (once per file; the scheduler also runs it every 10 minutes), which
writes a new file with the delta folded in and renames it over the old one. Matching is never
blocked and never misses an entry: each process keeps answering from its old file and full
delta until its next generation check sees the new file (a `stat`), then swaps to it and keeps
only the changes after the new file's position.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from copnet.detection.pdqfile import (
    IndexFileError,
    LivePdqIndex,
    PdqChange,
    codes_from_hex,
    read_header,
    stamp_path,
    write_index_file,
)

from . import generations
from .choices import SignalKind
from .models import BankEntry

logger = logging.getLogger(__name__)

INDEX_NAME = "pdq.index"
READ_CHUNK = 50_000


def index_path() -> Path | None:
    """The machine's index file, or None when the index is kept in memory."""
    directory = settings.PDQ_INDEX_DIR
    return Path(directory) / INDEX_NAME if directory else None


@contextlib.contextmanager
def build_lock(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """The lock file beside the index, the one `LivePdqIndex.fold` takes: one process of the
    machine writes the file at a time. Yields False when `wait` is off and another holds it."""
    # Bank hashes are partners' data: the folder is the service account's only, as var/ is.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(lock, "r+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def build_index_file(path: Path) -> tuple[int, int]:
    """Write the file from the database: the PDQ hash of every entry of an active bank stamped
    up to the current generation, which becomes the file's position. Returns (position, hashes).
    Call it holding `build_lock`.

    Reading the generation first is what makes this exact: an entry stamped up to it was
    committed before it could be read (`generations.py`); one stamped later is in the delta.
    """
    _remove_leftovers(path)
    generation, _reload = generations.current()
    rows = (
        BankEntry.objects.filter(
            signal_type=SignalKind.PDQ, bank__is_active=True, generation__lte=generation
        )
        .order_by("pk")
        .values_list("value", "pk")
    )
    codes: list[np.ndarray] = []
    entries: list[np.ndarray] = []
    values: list[str] = []
    ids: list[int] = []

    def flush() -> None:
        codes.append(codes_from_hex(values))
        entries.append(np.array(ids, dtype=np.int64))
        values.clear()
        ids.clear()

    for value, pk in rows.iterator(chunk_size=READ_CHUNK):
        values.append(value)
        ids.append(pk)
        if len(values) >= READ_CHUNK:
            flush()
    flush()
    all_entries = np.concatenate(entries)
    write_index_file(path, np.concatenate(codes), all_entries, position=generation)
    return generation, len(all_entries)


def _remove_leftovers(path: Path) -> None:
    """Temporary files of a writer that died (only writers make them, under the lock)."""
    for leftover in path.parent.glob(f".{path.name}.*"):
        if not leftover.name.startswith(f".{stamp_path(path).name}."):
            leftover.unlink(missing_ok=True)


def delta_since(after: int, generation: int, reload_generation: int) -> list[PdqChange]:
    """The changes an index at position `after` lacks to reflect `generation` (module doc)."""
    changes: list[PdqChange] = []
    pdq = BankEntry.objects.filter(signal_type=SignalKind.PDQ).order_by()
    if reload_generation > after:  # a bank was switched on or off since
        hidden = pdq.filter(bank__is_active=False, generation__lte=generation)
        for pk in hidden.values_list("pk", flat=True).iterator(chunk_size=READ_CHUNK):
            changes.append(PdqChange(generation, pk))
    added = pdq.filter(
        bank__is_active=True, generation__gt=after, generation__lte=generation
    ).order_by("generation", "pk")
    for stamped, pk, value in added.values_list("generation", "pk", "value").iterator(
        chunk_size=READ_CHUNK
    ):
        changes.append(PdqChange(stamped, pk))  # its rows in the file, if any, go
        changes.append(PdqChange(stamped, pk, value))
    return changes


class MachineIndex:
    """This process's view of the machine's index file, kept at the generation it is given."""

    def __init__(self, path: Path, *, fold_after: int, threshold: int) -> None:
        self.path = path
        self.fold_after = fold_after
        self.threshold = threshold
        self.live: LivePdqIndex | None = None
        self._fold_asked_at: int | None = None  # the file position a fold was asked for

    def at(self, generation: int, reload_generation: int) -> LivePdqIndex:
        """The index reflecting at least `generation` (read from the database just before)."""
        live = self.live
        if live is None:
            live = self.live = self._open()
        else:
            live.refresh()  # a file another process folded since: swap it in
            if live.refresh_error:  # the file on disk is damaged, maybe the one mapped here
                logger.error(
                    "PDQ index file %s is damaged (%s): rebuilding it",
                    self.path,
                    live.refresh_error,
                )
                live.close()
                live = self.live = self._open(rebuild=True)
            elif live.position > generation and not self._behind(live.position):
                logger.warning("The database went back: reopening the PDQ index %s", self.path)
                live.close()
                live = self.live = self._open(rebuild=True)
        if live.position < generation:
            changes = delta_since(live.position, generation, reload_generation)
            live.apply(changes, position=generation)
        return live

    def wants_fold(self) -> bool:
        """True once per file when the delta is past the threshold (the caller enqueues)."""
        live = self.live
        if live is None or not live.needs_fold() or self._fold_asked_at == live.base_position:
            return False
        self._fold_asked_at = live.base_position
        return True

    def _behind(self, position: int) -> bool:
        """Whether the database has reached `position` (a fold may have written a file newer
        than the generation this call read); False: the database went back."""
        return generations.current()[0] >= position

    def _open(self, *, rebuild: bool = False) -> LivePdqIndex:
        if not rebuild:
            live = self._try_open()
            if live is not None:
                return live
        with build_lock(self.path):
            live = self._try_open(quiet=True)  # built by another process while we waited?
            if live is not None:
                return live
            started = time.monotonic()
            position, hashes = build_index_file(self.path)
            logger.info(
                "PDQ index file %s built: %s hashes at generation %s in %.1f s",
                self.path,
                hashes,
                position,
                time.monotonic() - started,
            )
        live = self._try_open()
        if live is None:
            raise IndexFileError(f"The PDQ index file {self.path} cannot be opened after a build.")
        return live

    def _try_open(self, *, quiet: bool = False) -> LivePdqIndex | None:
        """The file if it is there, sound and not ahead of the database; else None."""
        if not self.path.exists():
            return None
        try:
            live = LivePdqIndex(
                self.path,
                threshold=self.threshold,
                fold_after=self.fold_after,
                verify="stamp",
            )
        except (IndexFileError, OSError) as error:
            if not quiet:
                logger.error("PDQ index file %s is damaged (%s): rebuilding it", self.path, error)
            return None
        if live.status()["version"] is None:  # removed meanwhile: never run without a file
            live.close()
            return None
        if not self._behind(live.position):
            if not quiet:
                logger.warning(
                    "PDQ index file %s is ahead of the database: rebuilding it", self.path
                )
            live.close()
            return None
        return live

    def close(self) -> None:
        if self.live is not None:
            self.live.close()
            self.live = None


def file_status(path: Path, live: LivePdqIndex | None) -> dict[str, Any]:
    """The index file's version, size, hash count and generation, and this process's delta
    (None when this process has not opened the file yet). Reads no database row."""
    if live is not None:
        status = live.status()
        if status["version"] is not None:
            return status
    header = read_header(path)
    return {
        "path": str(path),
        "version": header.get("version") if header else None,
        "file_bytes": header.get("file_size", 0) if header else 0,
        "hashes": header.get("count", 0) if header else 0,
        "file_position": header.get("position") if header else None,
        "position": None,
        "pending_changes": None,
        "delta_hashes": None,
        "tombstones": None,
        "refresh_error": "",
    }
