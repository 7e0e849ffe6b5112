"""Background work for detection. Tasks take JSON-safe arguments and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from .engine import fold_pdq_index as fold_now
from .retro import match_past_evidence_now


@task()
def match_past_evidence() -> int:
    """Stored evidence against the entries added since the last run (`retro.py`); returns
    how many cases had a hit."""
    run = match_past_evidence_now()
    return len(run.open_cases) + len(run.closed_cases)


@task()
def fold_pdq_index() -> int:
    """Fold the PDQ index delta into a new machine file when it has grown past
    COPNET_PDQ_INDEX_FOLD_AFTER changes (`machine_index.py`); returns how many changes were
    folded (0: nothing to fold, the index is in memory, or another process is folding)."""
    result = fold_now()
    return result.folded_changes if result else 0
