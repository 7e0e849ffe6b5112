"""Matching and classifying through the in-memory engine, and writing banks and lists."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.cases.workflow import confirms_harm
from copnet.core.cleaning import format_controls_message, has_format_controls
from copnet.core.exports import csv_writer
from copnet.detection.base import SignalError
from copnet.detection.urls import pattern_expression
from copnet.detection.video import format_vpdq
from copnet.detection.vpdq import VpdqError
from copnet.reports.models import Evidence

from .choices import BankKind, ChangeKind, SignalKind, UrlPatternKind
from .engine import get_classifier, get_engine
from .errors import DetectionErrorCode, DetectionInputError, url_error_message
from .generations import begin_change, end_change
from .matches import HashMatch, VideoHashMatch, live_entries
from .models import BankEntry, HashBank, UrlList, UrlListEntry
from .video import check_vpdq, features_of, match_video

_live_entries = live_entries

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

logger = logging.getLogger(__name__)
HEX_LENGTH = {"pdq": 64, "md5": 32, "sha256": 64}
MAX_BATCH = 1000


def check_hash(signal_type: str, value: Any) -> str:
    """The canonical value: lowercase hex, or for vpdq the frames as a vPDQ hash file."""
    if signal_type == SignalKind.VPDQ:
        return check_vpdq(value).text
    if signal_type not in HEX_LENGTH:
        raise DetectionInputError(
            DetectionErrorCode.UNKNOWN_SIGNAL_TYPE,
            _("Unknown signal type: use pdq, md5, sha256 or vpdq."),
        )
    if not isinstance(value, str):
        raise DetectionInputError(
            DetectionErrorCode.INVALID_HEX, _("A hash must be a hexadecimal string.")
        )
    text = value.strip().lower()
    if any(ch not in "0123456789abcdef" for ch in text):
        raise DetectionInputError(
            DetectionErrorCode.INVALID_HEX, _("A hash must be a hexadecimal string.")
        )
    if len(text) != HEX_LENGTH[signal_type]:
        raise DetectionInputError(
            DetectionErrorCode.WRONG_LENGTH,
            _("A %(signal_type)s hash has %(length)s hexadecimal digits.")
            % {"signal_type": signal_type, "length": HEX_LENGTH[signal_type]},
        )
    return text


def match_hashes(items: Sequence[tuple[str, str]]) -> list[list[HashMatch]]:
    """Validated (signal_type, value) pairs → matches per item, nearest first.

    A PDQ match counts within its own bank's threshold (`HashBank.pdq_threshold`, else the
    global one). Quarantined entries match nothing. See `apply_allow_banks` for allow banks:
    callers that group several hashes of one item (triage) apply it per item themselves.
    """
    engine = get_engine()
    raw: list[list[tuple[int, int]]] = []
    videos: dict[int, list[HashMatch]] = {}
    for index, (signal_type, value) in enumerate(items):
        if signal_type == SignalKind.VPDQ:
            try:
                videos[index] = match_video(features_of(value))
            except VpdqError:  # a stored value gone bad matches nothing, as a bad PDQ would
                logger.warning("an unreadable vPDQ value was not matched")
                videos[index] = []
            raw.append([])
        elif signal_type == "pdq":
            found = engine.pdq.query(value, threshold=engine.pdq_threshold)
            raw.append([(m.entry, m.distance) for m in found])
        else:
            raw.append([(m.entry, 0) for m in engine.exact[signal_type].query(value)])
    entries = live_entries(pk for found in raw for pk, _d in found)
    return [
        videos[index]
        if index in videos
        else sorted(
            (
                HashMatch(entries[pk], d)
                for pk, d in found
                if pk in entries and d <= entries[pk].bank.effective_pdq_threshold
            ),
            key=lambda m: (m.distance, m.entry.pk),
        )
        for index, found in enumerate(raw)
    ]


def apply_allow_banks(matches: Sequence[HashMatch]) -> list[HashMatch]:
    """The matches of one item, those outside allow banks marked `suppressed_by` the first
    allow bank that also matched it (by name); unchanged when no allow bank matched."""
    allowing = sorted({m.entry.bank.name for m in matches if m.entry.bank.kind == BankKind.ALLOW})
    if not allowing:
        return list(matches)
    return [
        m if m.entry.bank.kind == BankKind.ALLOW else replace(m, suppressed_by=allowing[0])
        for m in matches
    ]


def match_urls(urls: Sequence[str], *, skip_invalid: bool = False) -> list[list[UrlListEntry]]:
    """Each URL (any spelling) → the live list entries it falls under. Raises SignalError on a
    URL that cannot be matched, unless `skip_invalid` (then it simply matches nothing)."""
    engine = get_engine()

    def entries(url: str) -> list[int]:
        try:
            return [m.entry for m in engine.urls.query(url)]
        except SignalError:
            if skip_invalid:
                return []
            raise

    raw = [entries(url) for url in urls]
    now = timezone.now()
    rows = {
        row.pk: row
        for row in UrlListEntry.objects.filter(
            pk__in={pk for found in raw for pk in found}, url_list__is_active=True
        )
        .exclude(expires_at__lt=now)
        .select_related("url_list__category")
    }
    return [[rows[pk] for pk in found if pk in rows] for found in raw]


def classify_texts(texts: Sequence[str]) -> list[Any]:
    return get_classifier().classify_many(list(texts))


# --- Banks and lists ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    added: int = 0
    duplicates: int = 0
    errors: list[str] | None = None


def parse_hash_file(text: str) -> Iterable[tuple[int, str, str]]:
    """(line number, signal_type, value) from CSV with a header (`signal_type,value`, more
    columns allowed) or from a python-threatexchange signal file (`<signal_type> <value>`;
    a vpdq value is the rest of its line)."""
    lines = text.splitlines()
    first = lines[0].strip().lower() if lines else ""
    if first.startswith("signal_type"):
        reader = csv.DictReader(io.StringIO(text))
        for row in reader:
            signal_type = (row.get("signal_type") or "").strip().lower()
            yield reader.line_num, signal_type, row.get("value") or ""
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head = line.split(None, 1)
        if head[0].lower() == SignalKind.VPDQ and len(head) == 2:
            yield number, SignalKind.VPDQ, head[1]
            continue
        parts = line.replace(",", " ").split()
        if len(parts) < 2:
            yield number, "", line
        else:
            yield number, parts[0].lower(), parts[1]


def is_vpdq_file(text: str) -> bool:
    """A vPDQ hash file of one video (the `vpdq` tools' "frame,quality,hash,seconds" lines),
    told from a hash list by its first line: four fields, the first a frame number."""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()[:1] not in ("", "#")), "")
    fields = first.split(",")
    return len(fields) == 4 and fields[0].strip().isdigit()


def entry_value(signal_type: str, value: str) -> str:
    """What `BankEntry.value` holds for a canonical value (`check_hash`): the hash itself, or
    for a video the SHA-256 of its frames in the one-line form (frame numbers left out, so a
    video read from a hash file or from a CSV export is the same entry)."""
    if signal_type != SignalKind.VPDQ:
        return value
    return hashlib.sha256(format_vpdq(features_of(value)).encode()).hexdigest()


def new_entry(*, bank: HashBank, signal_type: str, value: str, **fields: Any) -> BankEntry:
    """An unsaved entry for a canonical value (`check_hash`), a video's frames included."""
    entry = BankEntry(
        bank=bank, signal_type=signal_type, value=entry_value(signal_type, value), **fields
    )
    if signal_type == SignalKind.VPDQ:
        entry.vpdq = value
        entry.vpdq_frames = value.count("\n")
    return entry


def import_hashes(
    *,
    bank: HashBank,
    text: str,
    actor: Principal | None,
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """All or nothing: any malformed line refuses the whole file. `text` is a hash list (CSV
    or signal file, any signal type) or one video's vPDQ hash file."""
    rows, errors = [], []
    if is_vpdq_file(text):
        try:
            rows.append((SignalKind.VPDQ.value, check_hash(SignalKind.VPDQ, text)))
        except DetectionInputError as exc:
            errors.append(str(exc.message))
    else:
        for number, signal_type, value in parse_hash_file(text):
            try:
                rows.append((signal_type, check_hash(signal_type, value)))
            except DetectionInputError as exc:
                errors.append(
                    _("line %(number)s: %(message)s") % {"number": number, "message": exc.message}
                )
            if len(errors) >= 20:
                break
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    with transaction.atomic():
        generation = begin_change()  # first: concurrent imports wait, so no duplicate slips in
        existing = set(bank.entries.values_list("signal_type", "value"))
        new = []
        for signal_type, value in dict.fromkeys(rows):
            entry = new_entry(
                bank=bank,
                signal_type=signal_type,
                value=value,
                source=source,
                generation=generation,
            )
            if (signal_type, entry.value) in existing:
                result.duplicates += 1
                continue
            existing.add((signal_type, entry.value))
            new.append(entry)
        _bulk_add(bank, new, generation=generation, result=result, actor=actor, progress=progress)
    return result


IMPORT_BATCH = 5000


def _bulk_add(
    target: HashBank | UrlList,
    new: list[BankEntry] | list[UrlListEntry],
    *,
    generation: int,
    result: ImportResult,
    actor: Any,
    progress: Callable[[int], None] | None,
) -> None:
    """The end of an import, inside its transaction: rows written in batches, the generation
    closed with the count, one audit row for the whole import."""
    model: type[BankEntry] | type[UrlListEntry] = (
        BankEntry if isinstance(target, HashBank) else UrlListEntry
    )
    for start in range(0, len(new), IMPORT_BATCH):
        model.objects.bulk_create(new[start : start + IMPORT_BATCH])  # type: ignore[arg-type]
        if progress:
            progress(min(start + IMPORT_BATCH, len(new)))
    result.added = len(new)
    counts = {"hashes" if model is BankEntry else "urls": result.added}
    end_change(generation, kind=ChangeKind.ADDED, **counts)
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        target=target,
        changes={"imported": result.added, "duplicates": result.duplicates},
    )


def export_value(signal_type: str, value: str, vpdq: str) -> str:
    """An entry's value in a hash list: the hash, or a video's frames in the one-line vPDQ
    form ("PDQ hex,quality,seconds" joined by ";"), which `import_hashes` reads back."""
    if signal_type != SignalKind.VPDQ:
        return value
    return format_vpdq(features_of(vpdq))


def export_hashes(bank: HashBank, fmt: str = "csv") -> str:
    entries = [
        (t, export_value(t, v, frames), s)
        for t, v, frames, s in bank.entries.order_by("pk").values_list(
            "signal_type", "value", "vpdq", "source"
        )
    ]
    if fmt == "signals":
        return "".join(f"{t} {v}\n" for t, v, _s in entries)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["signal_type", "value", "source"])
    writer.writerows(entries)
    return out.getvalue()


def export_vpdq_file(entry: BankEntry) -> str:
    """One video entry as a vPDQ hash file ("frame,quality,PDQ hex,seconds" a line)."""
    return entry.vpdq


def pattern_kind(pattern: str) -> str:
    """host ("example.com"), prefix (ends with "/"), or exact (has a path or a query)."""
    body = pattern.split("://", 1)[-1]
    if "/" not in body.rstrip("/") and "?" not in body:
        return UrlPatternKind.HOST
    return UrlPatternKind.PREFIX if body.endswith("/") else UrlPatternKind.EXACT


def import_urls(
    *,
    url_list: UrlList,
    text: str,
    actor: Principal | None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """One host or URL per line (CSV: the first column). All or nothing."""
    patterns, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        raw = line.split(",")[0].strip()
        if not raw or raw.startswith("#") or raw.lower() in {"url", "host", "pattern"}:
            continue
        if has_format_controls(raw):
            errors.append(
                _("line %(number)s: %(message)s")
                % {"number": number, "message": format_controls_message(raw)}
            )
            if len(errors) >= 20:
                break
            continue
        try:
            # What the index will do with it: a pattern it refuses must not reach the table.
            pattern_expression(raw)
        except SignalError as exc:
            errors.append(
                _("line %(number)s: %(message)s")
                % {"number": number, "message": url_error_message(exc)}
            )
            if len(errors) >= 20:
                break
            continue
        patterns.append(raw)
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    with transaction.atomic():
        generation = begin_change()
        existing = set(url_list.entries.values_list("pattern", flat=True))
        new = [
            UrlListEntry(url_list=url_list, pattern=p, kind=pattern_kind(p), generation=generation)
            for p in dict.fromkeys(patterns)
            if p not in existing
        ]
        result.duplicates = len(patterns) - len(new)
        _bulk_add(
            url_list, new, generation=generation, result=result, actor=actor, progress=progress
        )
    return result


def confirmed_bank() -> HashBank:
    bank, _created = HashBank.objects.get_or_create(
        name="confirmed",
        defaults={"description": "Confirmed in COPNet's own cases", "source": "COPNet"},
    )
    return bank


def add_case_hashes_to_confirmed_bank(*, case: Any, actor: Principal | None) -> int:
    """The images of a closed case whose harm was confirmed become known hashes (PDQ of good
    quality, MD5, SHA-256); a case closed or rejected as not harmful or out of scope never
    feeds the bank (`cases.workflow.confirms_harm`)."""

    if not confirms_harm(case):
        raise DetectionInputError(
            DetectionErrorCode.CASE_NOT_CONFIRMED,
            _("Only the images of a closed case whose harm was confirmed can be added."),
        )
    bank = confirmed_bank()
    added = 0
    with transaction.atomic():
        generation = begin_change()
        for evidence in Evidence.objects.filter(report__case=case, kind__in=["image", "video"]):
            values = [("md5", evidence.md5), ("sha256", evidence.sha256)]
            if evidence.pdq and (evidence.pdq_quality or 0) >= settings.PDQ_MIN_QUALITY:
                values.append(("pdq", evidence.pdq))
            if evidence.vpdq:
                values.append(("vpdq", evidence.vpdq))
            for signal_type, value in values:
                if not value:
                    continue
                entry = new_entry(
                    bank=bank,
                    signal_type=signal_type,
                    value=value,
                    source=f"case {case.reference}",
                    confirmed_case=case,
                    generation=generation,
                )
                if bank.entries.filter(signal_type=signal_type, value=entry.value).exists():
                    continue
                entry.save()
                added += 1
        end_change(generation, kind=ChangeKind.ADDED, hashes=added)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=bank,
            changes={"confirmed_from_case": case.reference, "added": added},
        )
    return added


__all__ = ["MAX_BATCH", "HashMatch", "SignalKind", "VideoHashMatch"]
