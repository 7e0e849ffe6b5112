"""The detection indexes of this process, built from the database.

Each index set knows the detection-data generation it reflects (`generations.py`). Before
every match, `get_engine()` reads the current generation (one primary-key lookup): unchanged,
it answers at once; moved on, it adds the entries stamped since; a bank or list switched on
or off since (or a database that went back, as in tests), it rebuilds. So every change
committed before a match call starts is seen by that call, in every process.

PDQ: with `COPNET_PDQ_INDEX_DIR` set (the default), the PDQ index is the machine's index file
(`machine_index.py`), mapped read-only and brought to the same generation by its delta; a bank
switched on or off changes its delta instead of rebuilding it. Empty: an in-memory `PdqIndex`
per process, rebuilt like the others. MD5, SHA-256 and addresses stay in memory.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from copnet.core.tasks import enqueue_on_commit
from copnet.detection.exact import ExactIndex
from copnet.detection.pdq import PdqIndex
from copnet.detection.pdqfile import FoldResult, read_header
from copnet.detection.text.classifier import TextClassifier
from copnet.detection.urls import UrlListIndex
from copnet.detection.vpdq import VideoIndex, VpdqError, parse_vpdq_file

from . import generations
from .machine_index import MachineIndex, file_status, index_path

_lock = threading.Lock()
logger = logging.getLogger(__name__)


@dataclass
class Engine:
    generation: int = -1  # the generation these indexes reflect; -1: not built yet
    pdq: Any = None
    exact: dict[str, Any] = field(default_factory=dict)
    urls: Any = None
    # Banked videos (vPDQ): every frame of every video in one PDQ index (`VideoIndex`).
    video: Any = None
    # The widest PDQ threshold of an active bank (or the global one): what the index is asked
    # for; `services.match_hashes` then keeps each match within its own bank's threshold.
    pdq_threshold: int = 0
    machine: MachineIndex | None = None  # the index file PDQ is matched on (None: in memory)


_engine = Engine()
_machine: MachineIndex | None = None
_classifier: Any = None


def _machine_index() -> MachineIndex | None:
    """This process's view of the machine's index file, as the settings say."""
    global _machine
    path = index_path()
    if path is None:
        if _machine is not None:
            _machine.close()
        _machine = None
    elif _machine is None or _machine.path != path:
        if _machine is not None:
            _machine.close()
        _machine = MachineIndex(
            path, fold_after=settings.PDQ_INDEX_FOLD_AFTER, threshold=settings.PDQ_THRESHOLD
        )
    return _machine


def _new_engine(machine: MachineIndex | None) -> Engine:
    return Engine(
        generation=-1,  # entries from before generations existed carry 0: load them too
        pdq=PdqIndex(threshold=settings.PDQ_THRESHOLD) if machine is None else None,
        exact={"md5": ExactIndex(), "sha256": ExactIndex()},
        urls=UrlListIndex(),
        machine=machine,
        video=VideoIndex(
            threshold=settings.PDQ_THRESHOLD,
            min_quality=settings.PDQ_MIN_QUALITY,
            query_pct=0,
            target_pct=0,
        ),
    )


def _load(engine: Engine, upto: int) -> None:
    """Add the entries stamped after the engine's generation, up to `upto` (PDQ only when it
    is kept in memory; video entries go to the video index)."""
    stamped = generations.hash_entries(engine.generation, upto)
    entries = stamped.exclude(signal_type="vpdq")
    if engine.machine is not None:
        entries = entries.exclude(signal_type="pdq")
    hashes = entries.values_list("pk", "signal_type", "value")
    pdq: list[tuple[str, int]] = []
    exact: dict[str, list[tuple[str, int]]] = {"md5": [], "sha256": []}
    for pk, signal_type, value in hashes.iterator(chunk_size=10_000):
        (pdq if signal_type == "pdq" else exact[signal_type]).append((value, pk))
    if pdq:
        engine.pdq.add(pdq)
    videos = stamped.filter(signal_type="vpdq").values_list("pk", "vpdq")
    for pk, text in videos.iterator(chunk_size=500):
        try:
            engine.video.add_features([(parse_vpdq_file(text), pk)])
        except VpdqError:  # written through check_vpdq: only a hand-edited row can be bad
            logger.warning("bank entry %s has an unreadable vPDQ value; not matched", pk)
    for name, items in exact.items():
        if items:
            engine.exact[name].add(items)
    patterns = generations.url_entries(engine.generation, upto).values_list("pk", "pattern")
    urls = [(pattern, pk) for pk, pattern in patterns.iterator(chunk_size=10_000)]
    if urls:
        engine.urls.add(urls)
    engine.pdq_threshold = widest_pdq_threshold()
    engine.generation = upto


def widest_pdq_threshold() -> int:
    """The largest PDQ threshold any active bank uses (at least the global one). A threshold
    change takes a generation (`curation.do_set_bank_threshold`), so every engine re-reads it."""
    from django.db.models import Max

    from .models import HashBank

    widest = HashBank.objects.filter(is_active=True).aggregate(Max("pdq_threshold"))
    return max(settings.PDQ_THRESHOLD, widest["pdq_threshold__max"] or 0)


def get_engine() -> Engine:
    global _engine
    with _lock:
        generation, reload_generation = generations.current()
        machine = _machine_index()
        engine = _engine
        if (
            engine.urls is None
            or engine.machine is not machine
            or not reload_generation <= engine.generation <= generation
        ):
            engine = _new_engine(machine)
        if engine.generation != generation:
            _load(engine, generation)
        if machine is not None:
            engine.pdq = machine.at(generation, reload_generation)
        _engine = engine
        fold = machine is not None and machine.wants_fold()
    if fold:  # outside the lock: an immediate task backend runs it here and now
        enqueue_on_commit("copnet.banks.tasks.fold_pdq_index")
    return engine


def fold_pdq_index(*, force: bool = False) -> FoldResult | None:
    """Fold this process's delta into a new machine file (renamed over the old one) when it
    is past `COPNET_PDQ_INDEX_FOLD_AFTER` changes, or whenever there is one with `force`.
    None when the index is in memory, nothing needs folding or another process is folding."""
    engine = get_engine()
    machine = engine.machine
    if machine is None or machine.live is None:
        return None
    live = machine.live
    if not live.pending_changes or not (force or live.needs_fold()):
        return None
    return live.fold()


def pdq_index_status() -> dict[str, Any] | None:
    """The machine index file and this process's delta (`machine_index.file_status`); None
    when PDQ is indexed in memory. Reads no database row and builds nothing."""
    path = index_path()
    if path is None:
        return None
    machine = _machine
    live = machine.live if machine is not None and machine.path == path else None
    return file_status(Path(path), live)


def pdq_index_health() -> str:
    """The index file's state for /api/v1/health: a word, never a path or an error text.
    Reads the file's header on disk (not this process's mapped copy), nothing more."""
    status = pdq_index_status()
    if status is None:
        return "in memory"
    path = Path(status["path"])
    if not path.exists():
        return "not built"  # built at the first match, or by build_pdq_index
    if status["refresh_error"] or read_header(path) is None:
        return "error: damaged"  # rebuilt from the database at the next match
    return "ok"


def get_classifier() -> Any:
    global _classifier
    if _classifier is None:
        _classifier = TextClassifier.load(settings.TEXT_MODEL_DIR or None)
    return _classifier


def reset() -> None:
    """Forget everything (tests)."""
    global _engine, _machine
    with _lock:
        _engine = Engine()
        if _machine is not None:
            _machine.close()
        _machine = None
