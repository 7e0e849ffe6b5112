"""Retroactive matching: past evidence against hashes and addresses that just arrived.

When entries are added (an import, one entry, a closed case's hashes, a bank or list switched
back on), `generations.end_change` enqueues `tasks.match_past_evidence` after commit, and the
scheduler runs it every quarter of an hour to catch an enqueue lost with its process. A run
takes every logged change whose matching has not finished, builds small indexes of just their
live entries, and goes through the stored evidence: MD5 and SHA-256 through the database's
indexes, PDQ hashes (of matchable quality) and reported addresses by a scan in batches.

Cases with a candidate are handed to the code that handles live hits. Open cases are triaged
again (`cases.tasks.triage_cases`): detection against the whole engine stores the hits, raises
the priority, tightens deadlines and writes the timeline event, exactly as for a new report.
Cases no longer open (closed, rejected, merged) get their hits recorded the same way
(`detectors.record_bank_hits`, shown on the case and the hits page) but are not reopened: that
is a person's decision. Idempotent: a hit is stored once per case and key, and triage only
ever raises a priority. A change is marked matched at the end, so a run that dies is redone.

No report falls between live and retroactive matching: a report triaged before the change
committed was itself committed before, and this run starts after the commit, so it is scanned;
a report triaged after sees the entries in the engine. Limit: PDQ is matched on the stored
hash of the picture as received; mirrored or rotated copies, which live triage also checks,
are found only for the cases triaged again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.utils import timezone

from copnet.cases.choices import OPEN_STATUSES
from copnet.cases.models import Case
from copnet.cases.tasks import triage_cases
from copnet.core.tasks import enqueue_on_commit
from copnet.detection.base import SignalError
from copnet.detection.pdq import PdqIndex
from copnet.detection.urls import UrlListIndex
from copnet.reports.choices import EvidenceKind
from copnet.reports.models import Evidence, ReportUrl

from .detectors import record_bank_hits
from .engine import widest_pdq_threshold
from .generations import mark_matched, unmatched_changes
from .models import BankEntry, UrlListEntry

SCAN_BATCH = 5_000  # evidence rows or addresses read and matched at a time
LOOKUP_BATCH = 500  # hash values per indexed lookup
CASE_BATCH = 500  # cases per triage job, as intake enqueues them
MAX_CHANGES = 1_000  # changes per run; the next run takes the rest

T = TypeVar("T")


@dataclass
class RetroRun:
    generations: list[int] = field(default_factory=list)
    open_cases: list[int] = field(default_factory=list)  # triaged again
    closed_cases: list[int] = field(default_factory=list)  # hits recorded only


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _image_cases(generations: Sequence[int]) -> set[int]:
    entries = (
        BankEntry.objects.filter(generation__in=generations, bank__is_active=True)
        .exclude(expires_at__lt=timezone.now())
        .values_list("signal_type", "value")
    )
    exact: dict[str, set[str]] = {"md5": set(), "sha256": set()}
    pdq: list[tuple[str, int]] = []
    videos_added = False
    for signal_type, value in entries.iterator(chunk_size=10_000):
        if signal_type == "pdq":
            pdq.append((value, 0))
        elif signal_type == "vpdq":
            videos_added = True
        else:
            exact[signal_type].add(value)
    images = Evidence.objects.filter(kind=EvidenceKind.IMAGE)
    files = Evidence.objects.filter(kind__in=[EvidenceKind.IMAGE, EvidenceKind.VIDEO])
    cases: set[int] = set()
    for name, values in exact.items():
        for part in _chunks(sorted(values), LOOKUP_BATCH):
            lookup = files.filter(**{f"{name}__in": part})
            cases.update(lookup.values_list("report__case_id", flat=True))
    if videos_added or pdq:
        # Stored videos are matched frame by frame by the detector itself (`video.py`): the
        # cases holding one are handed to it (videos are few next to pictures).
        stored_videos = Evidence.objects.filter(kind=EvidenceKind.VIDEO).exclude(vpdq="")
        cases.update(stored_videos.values_list("report__case_id", flat=True).distinct())
    if pdq:
        # The widest bank threshold: triage then keeps each match within its own bank's.
        index: PdqIndex[int] = PdqIndex(pdq, threshold=widest_pdq_threshold())
        stored = (
            images.filter(pdq_quality__gte=settings.PDQ_MIN_QUALITY)
            .exclude(pdq="")
            .values_list("report__case_id", "pdq")
        )
        for batch in _chunks(stored.iterator(chunk_size=SCAN_BATCH), SCAN_BATCH):
            cases.update(_pdq_cases(index, batch))
    return cases


def _pdq_cases(index: PdqIndex[int], batch: list[tuple[int, str]]) -> set[int]:
    try:
        results = index.query_many([value for _case, value in batch])
    except SignalError:  # one stored hash the engine refuses: match the others one by one
        return {case for case, value in batch if _pdq_matches(index, value)}
    return {case for (case, _value), matches in zip(batch, results, strict=True) if matches}


def _pdq_matches(index: PdqIndex[int], value: str) -> bool:
    try:
        return bool(index.query(value))
    except SignalError:  # it matches nothing, as in triage
        return False


def _url_cases(generations: Sequence[int]) -> set[int]:
    patterns = (
        UrlListEntry.objects.filter(generation__in=generations, url_list__is_active=True)
        .exclude(expires_at__lt=timezone.now())
        .values_list("pattern", "pk")
    )
    index: UrlListIndex[int] = UrlListIndex(patterns.iterator(chunk_size=10_000))
    cases: set[int] = set()
    if not len(index):
        return cases
    addresses = ReportUrl.objects.values_list("report__case_id", "normalised")
    for case, url in addresses.iterator(chunk_size=SCAN_BATCH):
        if case in cases:
            continue
        try:
            if index.query(url):
                cases.add(case)
        except SignalError:  # an address that cannot be matched, as in triage
            continue
    return cases


def match_past_evidence_now() -> RetroRun:
    """Match the stored evidence against the entries of every unmatched change (see above)."""

    run = RetroRun()
    changes = unmatched_changes().order_by("generation").values_list("generation", flat=True)
    run.generations = list(changes[:MAX_CHANGES])
    if not run.generations:
        return run
    found = sorted(_image_cases(run.generations) | _url_cases(run.generations))
    for part in _chunks(found, CASE_BATCH):
        cases = Case.objects.filter(pk__in=part)
        run.open_cases += cases.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True)
        closed: list[Any] = list(cases.exclude(status__in=OPEN_STATUSES))
        run.closed_cases += [case.pk for case in closed]
        if closed:
            record_bank_hits(closed)
    for part in _chunks(run.open_cases, CASE_BATCH):
        enqueue_on_commit(triage_cases, part)
    mark_matched(run.generations)
    return run
