"""Writes of the exchanges app: configuring an exchange, fetching it, recording verdicts.

Fetching (`do_fetch_exchange`) is resumable and incremental: each page of the partner's
answer is written in one transaction together with the checkpoint that follows it, so a
process killed at any point resumes after the last page it committed, and reading a page
twice changes nothing (entries are keyed by bank, signal type and value). A retraction or
withdrawal deletes the entry's rows. A fetch claims the exchange with a conditional UPDATE
so two workers never fetch the same exchange at once; a claim older than `FETCH_LEASE` is a
dead process's and is taken over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_change
from copnet.banks.choices import BankKind, ChangeKind
from copnet.banks.generations import begin_change, end_change
from copnet.banks.models import BankEntry, HashBank
from copnet.core.workers import HOST, pid_running, process_started_at

from .choices import ExchangeKind, RunStatus
from .errors import ExchangeError, ExchangeErrorCode
from .models import Exchange, FetchRun, Indicator
from .protocols import Page, adapter_for

FETCH_LEASE = dt.timedelta(hours=2)
SUBMITTING_KINDS = (ExchangeKind.STOPNCII,)  # protocols that take young people's fingerprints
BANK_KINDS = ("pdq", "md5")  # indicators also kept as rows of the exchange's bank
RECORD_FIELDS = [
    "kind",
    "indicator_type",
    "value",
    "descriptors",
    "classification",
    "tags",
    "contributor",
    "last_seen",
]
CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    ExchangeKind.NCMEC: ("username", "password"),
    ExchangeKind.STOPNCII: ("subscription_key", "fetch_key"),
    ExchangeKind.THREATEXCHANGE: ("access_token", "privacy_group"),
}
OPTIONAL_CREDENTIALS: dict[str, tuple[str, ...]] = {
    ExchangeKind.NCMEC: ("negative_reason_guid",),
    ExchangeKind.STOPNCII: ("feedback_key", "submit_key"),
    ExchangeKind.THREATEXCHANGE: (),
}


# --- Configuration ------------------------------------------------------------------------------


@dataclass
class ExchangeInput:
    name: str
    kind: str
    endpoint: str
    legal_ground: str
    transfer_assessment_ref: str
    credentials: dict[str, str] | None = None  # None: keep the stored ones
    fetch_every_minutes: int = 60
    is_active: bool = True
    sends_feedback: bool = True
    bank_kind: str = BankKind.KNOWN_ABUSE
    accepts_submissions: bool = False


def check_endpoint(endpoint: str) -> str:
    """HTTPS only; plain HTTP is allowed to this machine alone (tests, a local relay)."""
    parts = urlsplit(endpoint.strip())
    local = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ExchangeError(ExchangeErrorCode.ENDPOINT_NOT_HTTPS, field="endpoint")
    if not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ExchangeError(ExchangeErrorCode.ENDPOINT_INVALID, field="endpoint")
    return endpoint.strip().rstrip("/")


def _require_manager(actor: Any) -> None:
    if not has_perm(actor, Perm.MANAGE_EXCHANGES):
        raise ExchangeError(ExchangeErrorCode.FORBIDDEN, _("You may not configure exchanges."))


def do_save_exchange(
    *, data: ExchangeInput, actor: Any, exchange: Exchange | None = None
) -> Exchange:
    """Create or change an exchange (and its bank). Credentials are write-only: the audit
    trail records that they changed, never what they are."""
    _require_manager(actor)
    if data.kind not in ExchangeKind.values:
        raise ExchangeError(ExchangeErrorCode.UNKNOWN_PROTOCOL, field="kind")
    endpoint = check_endpoint(data.endpoint)
    if not data.legal_ground.strip() or not data.transfer_assessment_ref.strip():
        raise ExchangeError(
            ExchangeErrorCode.TRANSFER_GROUND_MISSING,
            field="legal_ground" if not data.legal_ground.strip() else "transfer_assessment_ref",
        )
    credentials = None
    if data.credentials is not None:
        allowed = CREDENTIAL_FIELDS[data.kind] + OPTIONAL_CREDENTIALS[data.kind]
        credentials = {k: v.strip() for k, v in data.credentials.items() if k in allowed and v}
        missing = [k for k in CREDENTIAL_FIELDS[data.kind] if not credentials.get(k)]
        if missing:
            raise ExchangeError(
                ExchangeErrorCode.CREDENTIALS_MISSING,
                _("Missing credentials: %(names)s.") % {"names": ", ".join(missing)},
                "credentials",
            )
        if data.kind == ExchangeKind.THREATEXCHANGE and not (
            credentials["privacy_group"].isdigit() and len(credentials["privacy_group"]) <= 30
        ):
            raise ExchangeError(ExchangeErrorCode.PRIVACY_GROUP_INVALID, field="privacy_group")
    elif exchange is None or exchange.kind != data.kind:
        raise ExchangeError(ExchangeErrorCode.CREDENTIALS_MISSING, field="credentials")
    if data.accepts_submissions:
        if data.kind not in SUBMITTING_KINDS:
            raise ExchangeError(
                ExchangeErrorCode.SUBMISSIONS_UNSUPPORTED, field="accepts_submissions"
            )
        stored = (
            credentials if credentials is not None else (exchange.credentials if exchange else {})
        )
        if not stored.get("submit_key"):
            raise ExchangeError(
                ExchangeErrorCode.CREDENTIALS_MISSING,
                _("Missing credentials: %(names)s.") % {"names": "submit_key"},
                "credentials",
            )
    with transaction.atomic():
        if exchange is None:
            if (
                Exchange.objects.filter(name=data.name).exists()
                or HashBank.objects.filter(name=f"exchange-{data.name}").exists()
            ):
                raise ExchangeError(ExchangeErrorCode.DUPLICATE, field="name")
            bank = HashBank.objects.create(
                name=f"exchange-{data.name}",
                kind=data.bank_kind,
                description=_("Entries fetched from the exchange %(name)s") % {"name": data.name},
                source=data.name,
            )
            exchange = Exchange(name=data.name, bank=bank)
            action = AuditAction.CREATE
        else:
            action = AuditAction.UPDATE
        before = {
            f: getattr(exchange, f)
            for f in ("kind", "endpoint", "legal_ground", "transfer_assessment_ref")
        }
        exchange.kind = data.kind
        exchange.endpoint = endpoint
        exchange.legal_ground = data.legal_ground.strip()
        exchange.transfer_assessment_ref = data.transfer_assessment_ref.strip()
        exchange.fetch_every_minutes = max(5, int(data.fetch_every_minutes))
        exchange.is_active = data.is_active
        exchange.sends_feedback = data.sends_feedback
        exchange.accepts_submissions = data.accepts_submissions
        if credentials is not None:
            exchange.credentials = credentials
        if before["kind"] and before["kind"] != data.kind:
            exchange.checkpoint = {}  # another protocol's cursor means nothing
        exchange.save()
        record_change(
            actor=actor,
            action=action,
            target=exchange,
            changes={
                **{f: getattr(exchange, f) for f in before},
                "fetch_every_minutes": exchange.fetch_every_minutes,
                "is_active": exchange.is_active,
                "accepts_submissions": exchange.accepts_submissions,
                "credentials_changed": credentials is not None,
            },
        )
    return exchange


# --- Fetching -----------------------------------------------------------------------------------


def this_process() -> str:
    """The claimant's name: host, process id and the process's start (a reused id differs)."""
    started = process_started_at(os.getpid())
    return f"{HOST}|{os.getpid()}|{int(started or 0)}"


def claimant_is_dead(owner: str) -> bool:
    """True when `owner` names a process of this host that is gone (SIGKILL, OOM, crash) or
    whose id now belongs to a later process. Other hosts' claims wait for the lease."""
    host, _sep, rest = owner.partition("|")
    pid_text, _sep, started_text = rest.partition("|")
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid() or not pid_running(pid):
        return pid != os.getpid()
    started = process_started_at(pid)
    return bool(started and started_text.isdigit() and int(started) > int(started_text) + 5)


def claim_fetch(exchange_id: int) -> bool:
    """Take the exchange for one fetch: a conditional UPDATE that changes one row only when
    nobody holds it, the claim is older than FETCH_LEASE, or its process is dead on this host.
    A run the dead claimant left `running` is closed as interrupted."""
    now = timezone.now()
    free = Q(fetching_since__isnull=True) | Q(fetching_since__lt=now - FETCH_LEASE)
    owner = (
        Exchange.objects.filter(pk=exchange_id).values_list("fetching_by", flat=True).first() or ""
    )
    if owner and claimant_is_dead(owner):
        free |= Q(fetching_by=owner)
    claimed = bool(
        Exchange.objects.filter(pk=exchange_id, is_active=True)
        .filter(free)
        .update(fetching_since=now, last_fetch_at=now, fetching_by=this_process())
    )
    if claimed:
        FetchRun.objects.filter(exchange_id=exchange_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, finished_at=now, error=_("The fetch was interrupted.")
        )
    return claimed


_INSERT_COLUMNS = (
    "bank_id",
    "signal_type",
    "value",
    "vpdq",  # the partners' signals stored here are PDQ and MD5: no video frames
    "source",
    "added_at",
    "generation",
    "external_id",
    "contributor",
    "classification",
    "tags",
    "first_seen",
    "last_seen",
)


def _insert_entries(
    rows: list[tuple[str, str, Any]], *, bank: HashBank, source: str, now: Any, generation: int
) -> None:
    """New entries in one prepared INSERT run over all rows: the ORM's bulk_create spends
    most of a 100,000-entry fetch preparing field values one by one."""
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    table = connection.ops.quote_name(BankEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    params = [
        (
            bank.pk,
            signal_type,
            value,
            "",
            source,
            stamp,
            generation,
            item.external_id[:200],
            item.contributor[:200],
            item.classification[:32],
            json.dumps(list(item.tags)),
            stamp,
            stamp,
        )
        for signal_type, value, item in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 1000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (names only)
                params[start : start + 1000],
            )


def _apply_records(
    exchange: Exchange, page: Page, removed_ids: set[str], now: Any
) -> tuple[int, int, int]:
    """The partner's records of the page (models.Indicator): written, refreshed, removed.
    Returns (added, seen again, removed) for those not counted as bank rows already."""
    removed = 0
    if removed_ids:
        gone = Indicator.objects.filter(exchange=exchange, external_id__in=removed_ids)
        removed = gone.exclude(kind__in=BANK_KINDS).count()
        gone.delete()
    records = {item.external_id: item for item in page.items if not item.removed and item.record}
    if not records:
        return 0, 0, removed
    existing = {
        indicator.external_id: indicator
        for indicator in Indicator.objects.filter(exchange=exchange, external_id__in=records)
    }
    created, updated = [], []
    for external_id, item in records.items():
        record = item.record or {}
        fields = {
            "kind": str(record.get("kind", ""))[:8],
            "indicator_type": str(record.get("type", ""))[:32],
            "value": str(record.get("value", "")),
            "descriptors": list(record.get("descriptors") or []),
            "classification": item.classification[:32],
            "tags": list(item.tags),
            "contributor": item.contributor[:200],
            "last_seen": now,
        }
        indicator = existing.get(external_id)
        if indicator is None:
            created.append(
                Indicator(exchange=exchange, external_id=external_id[:64], first_seen=now, **fields)
            )
        else:
            for name, value in fields.items():
                setattr(indicator, name, value)
            updated.append(indicator)
    Indicator.objects.bulk_create(created, batch_size=500)
    if updated:
        Indicator.objects.bulk_update(updated, RECORD_FIELDS, batch_size=500)
    return (
        sum(1 for indicator in created if indicator.kind not in BANK_KINDS),
        sum(1 for indicator in updated if indicator.kind not in BANK_KINDS),
        removed,
    )


def apply_page(exchange: Exchange, page: Page, run: FetchRun) -> None:
    """Write one page and its checkpoint, in the caller's transaction."""
    now = timezone.now()
    bank = exchange.bank
    removed_ids = {item.external_id for item in page.items if item.removed}
    if removed_ids:
        run.removed += BankEntry.objects.filter(bank=bank, external_id__in=removed_ids).delete()[0]
    wanted: dict[tuple[str, str], Any] = {}
    for item in page.items:
        if item.removed:
            continue
        for signal in item.signals:
            wanted.setdefault(signal, item)  # one row per value: the first entry naming it
    existing: dict[tuple[str, str], BankEntry] = {}
    if wanted:
        values = {value for _type, value in wanted}
        for entry in BankEntry.objects.filter(bank=bank, value__in=values):
            existing[(entry.signal_type, entry.value)] = entry
    new = [key for key in wanted if key not in existing]
    if new:
        generation = begin_change()
        _insert_entries(
            [(signal_type, value, wanted[(signal_type, value)]) for signal_type, value in new],
            bank=bank,
            source=exchange.name,
            now=now,
            generation=generation,
        )
        end_change(generation, kind=ChangeKind.ADDED, hashes=len(new))
    seen = [existing[key] for key in wanted if key in existing]
    for entry in seen:
        item = wanted[(entry.signal_type, entry.value)]
        entry.last_seen = now
        if entry.external_id == item.external_id:
            entry.classification = item.classification[:32]
            entry.tags = list(item.tags)
            entry.contributor = item.contributor[:200]
    if seen:
        BankEntry.objects.bulk_update(
            seen, ["last_seen", "classification", "tags", "contributor"], batch_size=1000
        )
    added_records, seen_records, removed_records = _apply_records(exchange, page, removed_ids, now)
    run.pages += 1
    run.received += page.received
    run.added += len(new) + added_records
    run.seen_again += len(seen) + seen_records
    run.removed += removed_records
    run.skipped += page.skipped
    run.save()
    Exchange.objects.filter(pk=exchange.pk).update(checkpoint=page.checkpoint)
    exchange.checkpoint = page.checkpoint


def do_fetch_exchange(exchange_id: int) -> FetchRun | None:
    """Fetch everything new since the stored checkpoint. None when another process holds the
    exchange (or it is switched off). Partner failures end the run as failed, with what was
    written so far kept; the next run resumes at the checkpoint."""
    if not claim_fetch(exchange_id):
        return None
    exchange = Exchange.objects.select_related("bank").get(pk=exchange_id)
    run = FetchRun.objects.create(exchange=exchange)
    error = ""
    completed = False
    try:
        for page in adapter_for(exchange).pages(dict(exchange.checkpoint or {})):
            with transaction.atomic():
                apply_page(exchange, page, run)
        completed = True
    except ExchangeError as failure:
        error = str(failure.message)[:500]
    finally:
        if not completed and not error:
            error = _("The fetch was interrupted.")
        # Also on a crash inside this process (anything not an ExchangeError): the run and the
        # claim are closed here; a killed process leaves the claim to expire (FETCH_LEASE).
        now = timezone.now()
        run.finished_at = now
        run.status = RunStatus.FAILED if error else RunStatus.DONE
        run.error = error
        run.save()
        fields: dict[str, Any] = {
            "fetching_since": None,
            "fetching_by": "",
            "last_error": error,
        }
        if not error:
            fields["last_success_at"] = now
        Exchange.objects.filter(pk=exchange_id).update(**fields)
        record(
            actor=None,
            action=AuditAction.UPDATE,
            target=exchange,
            reason="exchange fetch",
            changes={
                "received": run.received,
                "added": run.added,
                "removed": run.removed,
                "pages": run.pages,
                "status": run.status,
            },
        )
    return run


def due_exchanges(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    due = []
    for pk, every, last in Exchange.objects.filter(is_active=True).values_list(
        "pk", "fetch_every_minutes", "last_fetch_at"
    ):
        if last is None or last + dt.timedelta(minutes=every) <= now:
            due.append(pk)
    return due
