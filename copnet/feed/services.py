"""Writes on the protection feed: entries from cases, lists and imports; withdrawals; publishing;
appeals. Each runs in a transaction and writes its audit row itself."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.cases.workflow import confirms_harm
from copnet.core.cleaning import (
    format_controls_message,
    has_format_controls,
)
from copnet.core.text import clean_text
from copnet.detection.base import SignalError
from copnet.detection.hosts import HostError, host_to_ascii
from copnet.detection.urls import expressions, full_hash, parse_url, pattern_expression
from copnet.taxonomy.models import HarmCategory

from .choices import AppealStatus, EntryKind, EntrySource
from .errors import FeedError, FeedErrorCode
from .exports import valid_dns_name
from .models import Appeal, FeedEntry, FeedVersion

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

MAX_ERRORS = 20


@dataclass(frozen=True)
class CheckedValue:
    kind: str
    value: str
    signal_type: str = ""
    full_hash: str = ""

    @property
    def prefix(self) -> str:
        return self.full_hash[:8]


def _check_punycode(host: str) -> None:
    """Reject ASCII labels that claim to be punycode ("xn--") but do not decode."""
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                host_to_ascii(label)
            except HostError:
                raise FeedError(
                    FeedErrorCode.BAD_PUNYCODE,
                    _("%(label)s is not valid punycode.") % {"label": label},
                ) from None


def _refuse_format_controls(raw: str) -> None:
    if has_format_controls(raw):
        raise FeedError(FeedErrorCode.FORMAT_CHARACTERS, format_controls_message(raw))


def check_host(raw: str) -> CheckedValue:
    """A host to block with its subdomains: a DNS name (Unicode or punycode), never an IP."""
    _refuse_format_controls(raw)
    text = clean_text(raw)
    bare = text.strip("[]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        pass
    else:
        raise FeedError(
            FeedErrorCode.IP_LITERAL,
            _("%(host)s is an IP address: DNS cannot block it; list an address instead.")
            % {"host": text[:100]},
        )
    if ":" in text.split("://", 1)[-1] or not text:
        raise FeedError(
            FeedErrorCode.BAD_HOST, _("%(host)s is not a host name.") % {"host": text[:100]}
        )
    try:
        canonical = parse_url(text if "://" in text else f"http://{text}/")
    except SignalError:
        raise FeedError(
            FeedErrorCode.BAD_HOST, _("%(host)s is not a host name.") % {"host": text[:100]}
        ) from None
    if canonical.host_is_ip:
        raise FeedError(
            FeedErrorCode.IP_LITERAL,
            _("%(host)s is an IP address: DNS cannot block it; list an address instead.")
            % {"host": text[:100]},
        )
    if canonical.path != "/" or canonical.query is not None:
        raise FeedError(
            FeedErrorCode.NOT_A_HOST,
            _("%(host)s has a path: list it as an address.") % {"host": text[:100]},
        )
    host = canonical.host
    _check_punycode(host)
    try:
        expression = pattern_expression(host)
    except SignalError:
        raise FeedError(
            FeedErrorCode.TOO_BROAD,
            _("%(host)s would block a whole domain.") % {"host": text[:100]},
        ) from None
    if not valid_dns_name(host):
        raise FeedError(
            FeedErrorCode.BAD_HOST, _("%(host)s is not a host name.") % {"host": text[:100]}
        )
    return CheckedValue(EntryKind.HOST, host, "", full_hash(expression).hex())


def check_url(raw: str) -> CheckedValue:
    """An exact address, or an address prefix ending in "/"."""
    _refuse_format_controls(raw)
    text = clean_text(raw)
    try:
        expression = pattern_expression(text)
    except SignalError as exc:
        raise FeedError(
            FeedErrorCode.BAD_URL,
            _("%(url)s is not an address that can be listed (%(code)s).")
            % {"url": text[:100], "code": exc.code},
        ) from None
    _check_punycode(expression.partition("/")[0])
    return CheckedValue(EntryKind.URL, expression, "", full_hash(expression).hex())


HASH_LENGTHS = {"sha256": 64, "md5": 32, "pdq": 64}


def check_image_hash(signal_type: str, raw: str) -> CheckedValue:
    from copnet.banks.services import DetectionInputError, check_hash

    try:
        value = check_hash(signal_type, raw)
    except DetectionInputError as exc:
        raise FeedError(FeedErrorCode(exc.code), exc.message) from None
    return CheckedValue(EntryKind.HASH, value, signal_type)


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
    case: Any = None,
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


def do_add_case(*, case: Any, actor: Principal | None, hosts: list[str] | None = None) -> int:
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
    values: list[CheckedValue] = []
    links: dict[CheckedValue, dict[str, Any]] = {}
    for url in ReportUrl.objects.filter(report__case=case).values_list("url", flat=True):
        try:
            values.append(check_url(url))
        except FeedError:
            continue  # a reported address that cannot be listed (e.g. not http) is skipped
    for host in hosts or []:
        values.append(check_host(host))
    with transaction.atomic():
        try:
            add_case_hashes_to_confirmed_bank(case=case, actor=actor)
        except DetectionInputError as exc:
            raise FeedError(FeedErrorCode(exc.code), exc.message) from None
        for entry in BankEntry.objects.filter(confirmed_case=case):
            item = CheckedValue(EntryKind.HASH, entry.value, entry.signal_type)
            values.append(item)
            links[item] = {"bank_entry": entry}
        added, _duplicates = _add(
            values,
            category=case.category,
            source=EntrySource.CASE,
            source_label=case.reference,
            actor=actor,
            case=case,
            links=links,
        )
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=case,
            changes={"feed_entries_added": added},
            reason="case added to the protection feed",
        )
    return added


def do_import_url_list(*, url_list: Any, actor: Principal | None) -> int:
    """Entries of a detection address list (banks.UrlList) join the feed in its category."""
    from copnet.banks.choices import UrlPatternKind

    values: list[CheckedValue] = []
    links: dict[CheckedValue, dict[str, Any]] = {}
    now = timezone.now()
    for entry in url_list.entries.exclude(expires_at__lt=now):
        try:
            if entry.kind == UrlPatternKind.HOST:
                item = check_host(entry.pattern)
            else:
                item = check_url(entry.pattern)
        except FeedError:
            continue  # IP hosts cannot be DNS-blocked; they stay in the detection list only
        values.append(item)
        links[item] = {"url_list_entry": entry}
    with transaction.atomic():
        added, _duplicates = _add(
            values,
            category=url_list.category,
            source=EntrySource.URL_LIST,
            source_label=url_list.name,
            actor=actor,
            links=links,
        )
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=url_list,
            changes={"feed_entries_added": added},
            reason="address list added to the protection feed",
        )
    return added


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


def pending_changes() -> tuple[int, int]:
    adds = FeedEntry.objects.filter(added_in_version__isnull=True, withdrawn_at__isnull=True)
    withdrawals = FeedEntry.objects.filter(
        withdrawn_at__isnull=False,
        withdrawn_in_version__isnull=True,
        added_in_version__isnull=False,
    )
    return adds.count(), withdrawals.count()


def do_publish(*, actor: Principal | None) -> FeedVersion | None:
    """Publish pending additions and withdrawals as the next version (None if nothing changed).
    Entries whose review date has passed are withdrawn first ("expired")."""
    today = timezone.localdate()
    with transaction.atomic():
        expired = FeedEntry.objects.filter(withdrawn_at__isnull=True, review_on__lt=today).update(
            withdrawn_at=timezone.now(), withdrawn_reason="review date passed"
        )
        adds, withdrawals = pending_changes()
        if not adds and not withdrawals:
            return None
        number = (FeedVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = FeedVersion.objects.create(
            number=number,
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        version.added = FeedEntry.objects.filter(
            added_in_version__isnull=True, withdrawn_at__isnull=True
        ).update(added_in_version=number)
        version.withdrawn = FeedEntry.objects.filter(
            withdrawn_at__isnull=False,
            withdrawn_in_version__isnull=True,
            added_in_version__isnull=False,
        ).update(withdrawn_in_version=number)
        # Withdrawn before ever being published: mark them so they never count as pending.
        FeedEntry.objects.filter(withdrawn_at__isnull=False, added_in_version__isnull=True).update(
            added_in_version=0, withdrawn_in_version=0
        )
        version.save(update_fields=["added", "withdrawn"])
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=version,
            changes={"added": version.added, "withdrawn": version.withdrawn, "expired": expired},
        )
    return version


def matching_entries(address: str) -> list[FeedEntry]:
    """Live entries that block `address` (by its Safe Browsing expressions)."""
    hashes = [full_hash(e).hex() for e in expressions(address)]
    return list(
        FeedEntry.objects.filter(
            full_hash__in=hashes,
            withdrawn_at__isnull=True,
            kind__in=[EntryKind.URL, EntryKind.HOST],
        )
    )


def do_submit_appeal(*, address: str, contact: str, explanation: str) -> Appeal:
    """A site owner asks for review: a report opens (or joins) a case, and the appeal records
    which entries block the address. Raises FeedError or reports' IntakeError."""
    from copnet.reports.choices import Channel
    from copnet.reports.services import ReportInput, check_report, submit_report

    _refuse_format_controls(address)
    address = clean_text(address, multiline=False)
    try:
        parse_url(address)
    except SignalError:
        raise FeedError(
            FeedErrorCode.BAD_URL, _("Enter the web address that is blocked.")
        ) from None
    entries = matching_entries(address)
    checked = check_report(
        ReportInput(
            category="other",
            description=_("Review request (appeal) for a blocked address:") + "\n" + explanation,
            urls=[address],
            reporter_contact=contact,
        )
    )
    with transaction.atomic():
        report, _secret = submit_report(checked, channel=Channel.WEB)
        appeal = Appeal.objects.create(
            address=address,
            contact=clean_text(contact, multiline=False),
            explanation=clean_text(explanation),
            case=report.case,
        )
        appeal.entries.set(entries)
        record_change(
            actor=None,
            action=AuditAction.CREATE,
            target=appeal,
            changes={"case": report.case.reference, "entries": len(entries)},
        )
    return appeal


def do_decide_appeal(
    *, appeal: Appeal, uphold: bool, reason: str, actor: Principal | None
) -> Appeal:
    with transaction.atomic():
        if uphold:
            for entry in appeal.entries.filter(withdrawn_at__isnull=True):
                do_withdraw(entry=entry, reason=reason or _("appeal upheld"), actor=actor)
        appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
        appeal.save(update_fields=["status"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=appeal,
            changes={"status": appeal.status},
            reason="appeal decided",
            note=reason,
        )
    return appeal
