"""Entries from cases, lists and imports; withdrawals; publicity. Each in a transaction with
its audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.cases.workflow import confirms_harm
from copnet.core.text import clean_text
from copnet.taxonomy.models import HarmCategory

from ..choices import EntryKind, EntrySource
from ..errors import FeedError, FeedErrorCode
from ..models import FeedEntry
from .checks import CheckedValue, check_host, check_url

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.banks.models import UrlList
    from copnet.cases.models import Case

MAX_ERRORS = 20


def _live_keys() -> set[tuple[str, str, str]]:
    return set(
        FeedEntry.objects.filter(withdrawn_at__isnull=True).values_list(
            "kind", "signal_type", "value"
        )
    )


def _add(
    values: list[CheckedValue],
    *,
    category: HarmCategory,
    source: str,
    source_label: str,
    actor: Principal | None,
    is_public: bool = False,
    review_on: dt.date | None = None,
    case: Case | None = None,
    links: dict[CheckedValue, dict[str, Any]] | None = None,
) -> tuple[int, int]:
    """(added, duplicates). Must run inside a transaction."""
    live = _live_keys()
    new = []
    for item in dict.fromkeys(values):
        key = (item.kind, item.signal_type, item.value)
        if key in live:
            continue
        live.add(key)
        new.append(
            FeedEntry(
                kind=item.kind,
                value=item.value,
                signal_type=item.signal_type,
                full_hash=item.full_hash,
                prefix=item.prefix,
                category=category,
                severity=category.severity,
                is_public=is_public,
                source=source,
                source_label=source_label[:200],
                case=case,
                review_on=review_on,
                **((links or {}).get(item, {})),
            )
        )
    FeedEntry.objects.bulk_create(new, batch_size=2000)
    return len(new), len(values) - len(new)


def _add_for(
    target: Any,
    found: dict[CheckedValue, dict[str, Any]],
    *,
    source: str,
    source_label: str,
    actor: Principal | None,
    reason: str,
    case: Any = None,
) -> int:
    """Entries that come from `target` (a case, an address list: its category), each value with
    the links it keeps (`bank_entry`, `url_list_entry`), and one audit row on the target, in one
    transaction; returns how many were added."""
    with transaction.atomic():
        added, _duplicates = _add(
            list(found),
            category=target.category,
            source=source,
            source_label=source_label,
            actor=actor,
            case=case,
            links=found,
        )
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=target,
            changes={"feed_entries_added": added},
            reason=reason,
        )
    return added


@dataclass
class ImportResult:
    added: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def do_import_list(
    *,
    text: str,
    kind: str,
    category: HarmCategory,
    actor: Principal | None,
    source_label: str = "",
    is_public: bool = False,
    review_on: dt.date | None = None,
) -> ImportResult:
    """One host or address per line (`#` comments). All or nothing: a too large file or any
    bad line refuses the whole list (FeedError, with up to 20 line errors)."""
    if kind not in {EntryKind.URL, EntryKind.HOST}:
        raise FeedError(FeedErrorCode.BAD_KIND, _("Choose hosts or addresses."))
    if len(text.encode("utf-8", "surrogatepass")) > settings.FEED_MAX_IMPORT_BYTES:
        raise FeedError(
            FeedErrorCode.TOO_LARGE,
            _("The list is larger than %(mb)s MB; split it.")
            % {"mb": settings.FEED_MAX_IMPORT_BYTES // (1024 * 1024)},
        )
    lines = text.splitlines()
    if len(lines) > settings.FEED_MAX_IMPORT_LINES:
        raise FeedError(
            FeedErrorCode.TOO_MANY_LINES,
            _("The list has more than %(n)s lines; split it.")
            % {"n": settings.FEED_MAX_IMPORT_LINES},
        )
    checker = check_host if kind == EntryKind.HOST else check_url
    values, errors = [], []
    for number, line in enumerate(lines, start=1):
        raw = line.split("#", 1)[0].strip() if kind == EntryKind.HOST else line.strip()
        if not raw or raw.startswith("#"):
            continue
        if any(0xD800 <= ord(c) <= 0xDFFF for c in raw):
            errors.append(_("line %(n)s: broken characters") % {"n": number})
        else:
            try:
                values.append(checker(raw))
            except FeedError as exc:
                errors.append(_("line %(n)s: %(error)s") % {"n": number, "error": exc.message})
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise FeedError(
            FeedErrorCode.BAD_LINES, _("The list was not imported: fix these lines."), errors=errors
        )
    if not values:
        raise FeedError(FeedErrorCode.EMPTY, _("The list has no host or address."))
    with transaction.atomic():
        added, duplicates = _add(
            values,
            category=category,
            source=EntrySource.IMPORT,
            source_label=source_label or _("imported list"),
            actor=actor,
            is_public=is_public,
            review_on=review_on,
        )
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type="feed.feedentry",
            changes={
                "imported": added,
                "duplicates": duplicates,
                "kind": kind,
                "category": category.code,
            },
            reason="feed list import",
        )
    return ImportResult(added=added, duplicates=duplicates)


def do_add_case(*, case: Case, actor: Principal | None, hosts: list[str] | None = None) -> int:
    """The addresses and image hashes of a closed, confirmed case (images go through the
    banks' confirmed bank first). `hosts`: hosts of the case to block whole."""
    from copnet.banks.models import BankEntry
    from copnet.banks.services import DetectionInputError, add_case_hashes_to_confirmed_bank
    from copnet.reports.models import ReportUrl

    if not confirms_harm(case):
        raise FeedError(
            FeedErrorCode.CASE_NOT_CONFIRMED,
            _("Only a closed case whose harm was confirmed can feed the list."),
        )
    found: dict[CheckedValue, dict[str, Any]] = {}
    for url in ReportUrl.objects.filter(report__case=case).values_list("url", flat=True):
        try:
            found[check_url(url)] = {}
        except FeedError:
            continue  # a reported address that cannot be listed (e.g. not http) is skipped
    for host in hosts or []:
        found[check_host(host)] = {}
    with transaction.atomic():
        try:
            add_case_hashes_to_confirmed_bank(case=case, actor=actor)
        except DetectionInputError as exc:
            raise FeedError(FeedErrorCode(exc.code), exc.message) from None
        for entry in BankEntry.objects.filter(confirmed_case=case):
            found[CheckedValue(EntryKind.HASH, entry.value, entry.signal_type)] = {
                "bank_entry": entry
            }
        return _add_for(
            case,
            found,
            source=EntrySource.CASE,
            source_label=case.reference,
            actor=actor,
            reason="case added to the protection feed",
            case=case,
        )


def do_import_url_list(*, url_list: UrlList, actor: Principal | None) -> int:
    """Entries of a detection address list (banks.UrlList) join the feed in its category."""
    from copnet.banks.choices import UrlPatternKind

    found: dict[CheckedValue, dict[str, Any]] = {}
    now = timezone.now()
    for entry in url_list.entries.exclude(expires_at__lt=now):
        try:
            if entry.kind == UrlPatternKind.HOST:
                item = check_host(entry.pattern)
            else:
                item = check_url(entry.pattern)
        except FeedError:
            continue  # IP hosts cannot be DNS-blocked; they stay in the detection list only
        found[item] = {"url_list_entry": entry}
    return _add_for(
        url_list,
        found,
        source=EntrySource.URL_LIST,
        source_label=url_list.name,
        actor=actor,
        reason="address list added to the protection feed",
    )


def do_withdraw(*, entry: FeedEntry, reason: str, actor: Principal | None) -> FeedEntry:
    """Leaves the feed at the next published version (an unpublished entry never appears)."""
    reason = clean_text(reason)[:500]
    if not reason:
        raise FeedError(FeedErrorCode.REASON_REQUIRED, _("Say why the entry is withdrawn."))
    with transaction.atomic():
        locked = FeedEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.withdrawn_at is not None:
            raise FeedError(FeedErrorCode.ALREADY_WITHDRAWN, _("This entry was already withdrawn."))
        locked.withdrawn_at, locked.withdrawn_reason = timezone.now(), reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"withdrawn": True},
            reason="feed entry withdrawn",
            note=reason,
        )
    return locked


def do_set_public(*, category: HarmCategory, is_public: bool, actor: Principal | None) -> int:
    """Mark a category's live entries public (readable without an API key) or not."""
    with transaction.atomic():
        changed = (
            FeedEntry.objects.filter(category=category, withdrawn_at__isnull=True)
            .exclude(is_public=is_public)
            .update(is_public=is_public)
        )
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="feed.feedentry",
            changes={"category": category.code, "is_public": is_public, "entries": changed},
            reason="feed publicity",
        )
    return changed
