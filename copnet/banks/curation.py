"""Staff curation of hash banks and URL lists: create, add one entry, deactivate, export.

Bulk imports stay in `services.import_hashes` / `services.import_urls`. Every write here runs in
one transaction, takes the next detection-data generation first (`generations.begin_change`,
which every process reads before its next match) and writes its audit row itself.
Deactivating never deletes: an entry is expired now (expired entries stop matching at once,
see `services.match_hashes`); a bank or list is switched off, and switching it on or off makes
every process rebuild its indexes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.cleaning import (
    format_controls_message,
    has_format_controls,
)
from copnet.core.exports import csv_writer
from copnet.detection.base import SignalError
from copnet.detection.urls import pattern_expression

from .choices import ChangeKind, UrlPatternKind
from .errors import DetectionErrorCode, DetectionInputError, url_error_message
from .generations import begin_change, end_change
from .models import BankEntry, HashBank, UrlList, UrlListEntry
from .selectors import visible_case_ids
from .services import check_hash, export_value, new_entry, pattern_kind

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def check_pattern(pattern: str, kind: str) -> str:
    """The pattern as it will be stored for `kind`, or DetectionInputError.

    The engine tells the kind from the pattern's form (`services.pattern_kind`), so the form
    must agree with the kind chosen: a host has no path, a prefix ends with "/", an exact
    address has a path or a query.
    """
    text = pattern.strip()
    if has_format_controls(text):
        raise DetectionInputError(
            DetectionErrorCode.FORMAT_CHARACTERS, format_controls_message(text)
        )
    if kind == UrlPatternKind.PREFIX and not text.endswith("/"):
        text += "/"
    if kind == UrlPatternKind.HOST:
        text = text.rstrip("/")
    try:
        pattern_expression(text)
    except SignalError as exc:
        code = (
            exc.code
            if exc.code in DetectionErrorCode.values
            else DetectionErrorCode.INVALID_PATTERN
        )
        raise DetectionInputError(DetectionErrorCode(code), url_error_message(exc)) from exc
    if pattern_kind(text) != kind:
        raise DetectionInputError(
            DetectionErrorCode.KIND_MISMATCH,
            {
                UrlPatternKind.HOST: _("A host has no path: give only the host name."),
                UrlPatternKind.PREFIX: _("A prefix needs a path, e.g. example.com/bad/."),
                UrlPatternKind.EXACT: _("An exact address needs a path or a query."),
            }[UrlPatternKind(kind)],
        )
    return text


def do_create_bank(
    *, name: str, kind: str, description: str, source: str, actor: Principal | None
) -> HashBank:
    with transaction.atomic():
        bank = HashBank.objects.create(name=name, kind=kind, description=description, source=source)
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=bank,
            changes={"name": name, "kind": kind, "source": source},
        )
    return bank


def _switch(target: HashBank | UrlList, active: bool, actor: Principal | None) -> None:
    """Switch a bank or list on or off. Switched on, its entries are stamped with the new
    generation: they are new to the indexes, and past evidence is matched against them."""
    with transaction.atomic():
        generation = begin_change(reload=True)
        kind = ChangeKind.BANK_ON if active else ChangeKind.BANK_OFF
        updated = type(target).objects.filter(pk=target.pk).exclude(is_active=active)
        if not updated.update(is_active=active):  # it already was: nothing to stamp or audit
            end_change(generation, kind=kind)
            return
        stamped = target.entries.update(generation=generation) if active else 0
        counts = {"hashes" if isinstance(target, HashBank) else "urls": stamped}
        end_change(generation, kind=kind, **counts)
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=target,
            changes={"is_active": [not active, active]},
        )


def do_set_bank_active(*, bank: HashBank, active: bool, actor: Principal | None) -> HashBank:
    _switch(bank, active, actor)
    bank.is_active = active
    return bank


def do_add_bank_entry(
    *, bank: HashBank, signal_type: str, value: str, source: str, actor: Principal | None
) -> BankEntry:
    """Adds one validated hash; DetectionInputError for bad input or one already in the bank."""
    value = check_hash(signal_type, value)
    try:
        with transaction.atomic():
            generation = begin_change()
            entry = new_entry(
                bank=bank,
                signal_type=signal_type,
                value=value,
                source=source,
                generation=generation,
            )
            entry.save()
            end_change(generation, kind=ChangeKind.ADDED, hashes=1)
            record_change(
                actor=actor,
                action=AuditAction.CREATE,
                target=entry,
                changes={"bank": bank.name, "signal_type": signal_type, "value": entry.value},
            )
    except IntegrityError as exc:
        raise DetectionInputError(
            DetectionErrorCode.DUPLICATE, _("This hash is already in the bank.")
        ) from exc
    return entry


_Entry = TypeVar("_Entry", BankEntry, UrlListEntry)


def _set_entry_active(entry: _Entry, active: bool, actor: Principal | None) -> _Entry:
    """Deactivating expires the entry now; reactivating removes its expiry date."""
    with transaction.atomic():
        end_change(begin_change(), kind=ChangeKind.ENTRY)
        locked = type(entry).objects.select_for_update().get(pk=entry.pk)
        before = locked.expires_at
        locked.expires_at = None if active else timezone.now()
        locked.save(update_fields=["expires_at"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"expires_at": [before, locked.expires_at], "active": active},
        )
    return locked


def do_set_entry_active(*, entry: BankEntry, active: bool, actor: Principal | None) -> BankEntry:
    return _set_entry_active(entry, active, actor)


def do_create_url_list(
    *, name: str, category: Any, source: str, actor: Principal | None
) -> UrlList:
    with transaction.atomic():
        url_list = UrlList.objects.create(name=name, category=category, source=source)
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=url_list,
            changes={"name": name, "category": category.code, "source": source},
        )
    return url_list


def do_set_url_list_active(*, url_list: UrlList, active: bool, actor: Principal | None) -> UrlList:
    _switch(url_list, active, actor)
    url_list.is_active = active
    return url_list


def do_add_url_entry(
    *, url_list: UrlList, pattern: str, kind: str, actor: Principal | None
) -> UrlListEntry:
    text = check_pattern(pattern, kind)
    with transaction.atomic():
        generation = begin_change()  # first: the duplicate check below cannot race
        if url_list.entries.filter(pattern=text).exists():
            raise DetectionInputError(
                DetectionErrorCode.DUPLICATE, _("This address is already in the list.")
            )
        entry = UrlListEntry.objects.create(
            url_list=url_list, pattern=text, kind=kind, generation=generation
        )
        end_change(generation, kind=ChangeKind.ADDED, urls=1)
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=entry,
            changes={"list": url_list.name, "pattern": text, "kind": kind},
        )
    return entry


def do_set_url_entry_active(
    *, entry: UrlListEntry, active: bool, actor: Principal | None
) -> UrlListEntry:
    return _set_entry_active(entry, active, actor)


def export_bank(bank: HashBank, fmt: str, user: Any) -> tuple[str, int]:
    """`services.export_hashes` as `user` may see it: the source of an entry confirmed in a
    case the user may not see (it names the case) becomes "confirmed case"."""

    rows = [
        (signal_type, export_value(signal_type, value, vpdq), source, case)
        for signal_type, value, vpdq, source, case in bank.entries.order_by("pk").values_list(
            "signal_type", "value", "vpdq", "source", "confirmed_case"
        )
    ]
    visible = visible_case_ids(user, [case for *_rest, case in rows if case])
    if fmt == "signals":
        return "".join(f"{t} {v}\n" for t, v, _s, _c in rows), len(rows)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["signal_type", "value", "source"])
    for signal_type, value, source, case in rows:
        shown = source if case is None or case in visible else "confirmed case"
        writer.writerow([signal_type, value, shown])
    return out.getvalue(), len(rows)


def export_urls(url_list: UrlList) -> str:
    """CSV `pattern,kind,added_at,expires_at`; `services.import_urls` reads it back."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["pattern", "kind", "added_at", "expires_at"])
    for pattern, kind, added, expires in url_list.entries.order_by("pk").values_list(
        "pattern", "kind", "added_at", "expires_at"
    ):
        writer.writerow([pattern, kind, added.isoformat(), expires.isoformat() if expires else ""])
    return out.getvalue()


def record_export(
    *, target: HashBank | UrlList, actor: Principal | None, fmt: str, rows: int
) -> None:
    with transaction.atomic():
        record_change(
            actor=actor,
            action=AuditAction.EXPORT,
            target=target,
            changes={"format": fmt, "rows": rows},
        )
