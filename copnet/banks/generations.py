"""Detection data that is never stale: a generation number for the banks and lists.

Writers. Every change to a hash bank or an address list (import, add, confirm a case's hashes,
switch a bank, list or entry on or off) calls `begin_change()` first in its transaction. That
increments the one `DetectionGeneration` row, which keeps the row locked until the transaction
ends, and the writer stamps the entries it adds with the new number. `end_change()` logs the
change (`DetectionChange`) and, when entries were added, enqueues the matching of past evidence
against them after commit.

Readers (each process's engine) remember the generation their indexes reflect and, before
every match, read the row (one primary-key lookup): if it moved on, they add the entries
stamped after their generation up to the one they read, or rebuild when a bank or list was
switched on or off since (`reload_generation`).

Why this is correct on PostgreSQL, where the old "entries with an id above the highest seen"
was not: ids come from a sequence in the order rows are inserted, not the order transactions
commit, so an import that inserted first and committed last was skipped for ever. Here a
second writer blocks on the row lock until the first commits (or rolls back, which gives the
number back), so generation g+1 can only commit after g did. A reader that sees generation G
therefore sees every entry stamped up to G, and entries of a transaction still running carry
a number above G: they are picked up by the first read after their commit. Locking first also
serialises writers of banks and lists, which is what makes the duplicate checks of imports
and URL entries safe. Writers are rare (staff and imports), readers never lock.

Expiry needs no change: matching re-reads the matched entries and drops expired ones and
those of inactive banks (`services._live_entries`), so an index may hold more than is live,
never less. A file-based index can follow the same protocol: store the generation it
reflects, rebuild if `reload_generation` is above it, else apply `hash_entries(after, upto)`.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone

from copnet.core.tasks import enqueue_on_commit

from .models import BankEntry, DetectionChange, DetectionGeneration, UrlListEntry


def current() -> tuple[int, int]:
    """(generation, reload_generation) as committed now; (0, 0) before the first change."""
    row = (
        DetectionGeneration.objects.filter(pk=1)
        .values_list("generation", "reload_generation")
        .first()
    )
    return row or (0, 0)


def begin_change(*, reload: bool = False) -> int:
    """The next generation, for the calling transaction: call it inside `transaction.atomic()`,
    before writing any entry. Other writers wait until this transaction ends. `reload`: readers
    must rebuild their indexes (a bank or list was switched on or off)."""
    if not connection.in_atomic_block:
        raise RuntimeError("begin_change() must run inside transaction.atomic()")
    fields: dict[str, Any] = {"generation": F("generation") + 1}
    if reload:
        fields["reload_generation"] = F("generation") + 1  # SQL reads the old value here
    if not DetectionGeneration.objects.filter(pk=1).update(**fields):
        DetectionGeneration.objects.get_or_create(pk=1)  # first change, or after a flush
        DetectionGeneration.objects.filter(pk=1).update(**fields)
    return DetectionGeneration.objects.values_list("generation", flat=True).get(pk=1)


def end_change(generation: int, *, kind: str, hashes: int = 0, urls: int = 0) -> DetectionChange:
    """Log the change made under `generation`; past evidence is matched against the entries
    it added once the transaction commits."""
    change = DetectionChange.objects.create(
        generation=generation, kind=kind, hashes=hashes, urls=urls
    )
    if hashes or urls:
        enqueue_on_commit("copnet.banks.tasks.match_past_evidence")
    return change


def hash_entries(after: int, upto: int) -> QuerySet[BankEntry]:
    """Entries of active banks stamped in (after, upto]: what an index at `after` lacks."""
    return BankEntry.objects.filter(
        generation__gt=after, generation__lte=upto, bank__is_active=True
    ).order_by("pk")


def url_entries(after: int, upto: int) -> QuerySet[UrlListEntry]:
    return UrlListEntry.objects.filter(
        generation__gt=after, generation__lte=upto, url_list__is_active=True
    ).order_by("pk")


def unmatched_changes() -> QuerySet[DetectionChange]:
    """Changes that added entries and whose past-evidence matching has not finished."""
    return DetectionChange.objects.filter(matched_at__isnull=True).exclude(hashes=0, urls=0)


def mark_matched(generations: list[int]) -> None:
    DetectionChange.objects.filter(generation__in=generations).update(matched_at=timezone.now())
