"""The detection indexes held in this process's memory, built from the database.

Built on first use, then kept current incrementally: new entries (ids above the last one seen)
are added on the next query; removals and deactivations bump a shared generation number (in
the cache), which makes every process rebuild. Expired entries are filtered out when results
are read back, so an index never answers with an entry that no longer applies.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "banks:generation"
_lock = threading.Lock()


@dataclass
class Engine:
    generation: int = -1
    last_hash_id: int = 0
    last_url_id: int = 0
    pdq: Any = None
    exact: dict[str, Any] = field(default_factory=dict)
    urls: Any = None


_engine = Engine()
_classifier: Any = None


def bump_generation() -> None:
    """Call after entries were removed, expired early or a bank was deactivated."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def _generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def _new_engine(generation: int) -> Engine:
    from copnet.detection.exact import ExactIndex
    from copnet.detection.pdq import PdqIndex
    from copnet.detection.urls import UrlListIndex

    return Engine(
        generation=generation,
        pdq=PdqIndex(threshold=settings.PDQ_THRESHOLD),
        exact={"md5": ExactIndex(), "sha256": ExactIndex()},
        urls=UrlListIndex(),
    )


def _load_new_entries(engine: Engine) -> None:
    from .models import BankEntry, UrlListEntry

    hashes = (
        BankEntry.objects.filter(pk__gt=engine.last_hash_id, bank__is_active=True)
        .order_by("pk")
        .values_list("pk", "signal_type", "value")
    )
    pdq, exact = [], {"md5": [], "sha256": []}
    for pk, signal_type, value in hashes.iterator(chunk_size=10_000):
        (pdq if signal_type == "pdq" else exact[signal_type]).append((value, pk))
        engine.last_hash_id = pk
    if pdq:
        engine.pdq.add(pdq)
    for name, items in exact.items():
        if items:
            engine.exact[name].add(items)
    patterns = (
        UrlListEntry.objects.filter(pk__gt=engine.last_url_id, url_list__is_active=True)
        .order_by("pk")
        .values_list("pk", "pattern")
    )
    items = []
    for pk, pattern in patterns.iterator(chunk_size=10_000):
        items.append((pattern, pk))
        engine.last_url_id = pk
    if items:
        engine.urls.add(items)


def get_engine() -> Engine:
    global _engine
    with _lock:
        generation = _generation()
        if _engine.generation != generation:
            _engine = _new_engine(generation)
        _load_new_entries(_engine)
        return _engine


def get_classifier() -> Any:
    global _classifier
    if _classifier is None:
        from copnet.detection.text.classifier import TextClassifier

        _classifier = TextClassifier.load(settings.TEXT_MODEL_DIR or None)
    return _classifier


def reset() -> None:
    """Forget everything (tests)."""
    global _engine
    with _lock:
        _engine = Engine()
