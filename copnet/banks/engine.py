"""The detection indexes held in this process's memory, built from the database.

Each index set knows the detection-data generation it reflects (`generations.py`). Before
every match, `get_engine()` reads the current generation (one primary-key lookup): unchanged,
it answers at once; moved on, it adds the entries stamped since; a bank or list switched on
or off since (or a database that went back, as in tests), it rebuilds. So every change
committed before a match call starts is seen by that call, in every process.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from copnet.detection.exact import ExactIndex
from copnet.detection.pdq import PdqIndex
from copnet.detection.text.classifier import TextClassifier
from copnet.detection.urls import UrlListIndex
from copnet.detection.vpdq import VideoIndex, VpdqError, parse_vpdq_file

from . import generations

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


_engine = Engine()
_classifier: Any = None


def _new_engine() -> Engine:
    return Engine(
        generation=-1,  # entries from before generations existed carry 0: load them too
        pdq=PdqIndex(threshold=settings.PDQ_THRESHOLD),
        exact={"md5": ExactIndex(), "sha256": ExactIndex()},
        urls=UrlListIndex(),
        video=VideoIndex(
            threshold=settings.PDQ_THRESHOLD,
            min_quality=settings.PDQ_MIN_QUALITY,
            query_pct=0,
            target_pct=0,
        ),
    )


def _load(engine: Engine, upto: int) -> None:
    """Add the entries stamped after the engine's generation, up to `upto`."""
    entries = generations.hash_entries(engine.generation, upto)
    hashes = entries.exclude(signal_type="vpdq").values_list("pk", "signal_type", "value")
    pdq: list[tuple[str, int]] = []
    exact: dict[str, list[tuple[str, int]]] = {"md5": [], "sha256": []}
    for pk, signal_type, value in hashes.iterator(chunk_size=10_000):
        (pdq if signal_type == "pdq" else exact[signal_type]).append((value, pk))
    if pdq:
        engine.pdq.add(pdq)
    videos = entries.filter(signal_type="vpdq").values_list("pk", "vpdq")
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
        engine = _engine
        if engine.pdq is None or not reload_generation <= engine.generation <= generation:
            engine = _new_engine()
        if engine.generation != generation:
            _load(engine, generation)
        _engine = engine
        return engine


def get_classifier() -> Any:
    global _classifier
    if _classifier is None:
        _classifier = TextClassifier.load(settings.TEXT_MODEL_DIR or None)
    return _classifier


def reset() -> None:
    """Forget everything (tests)."""
    global _engine
    with _lock:
        _engine = Engine()
