"""The "self-reported" hash bank: fingerprints young people computed on their own device from
their own intimate pictures (`reports.self_hash`). It is reference data (`load_reference_bank`,
run by load_reference_data) and matches like any bank: through `/api/v1/match/hash`, triage
of new evidence and the retroactive matching of past evidence.

Entries are never deleted: a withdrawal expires them (expired entries stop matching at once),
a new submission of the same picture switches them back on.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from .choices import BankKind, ChangeKind
from .generations import begin_change, end_change
from .models import BankEntry, HashBank

BANK_NAME = "self-reported"
Value = tuple[str, str]


def load_reference_bank() -> HashBank:
    """Create the bank if missing (idempotent; an edited bank is left as it is)."""
    bank, _created = HashBank.objects.get_or_create(
        name=BANK_NAME,
        defaults={
            "kind": BankKind.KNOWN_ABUSE,
            "description": "Young people's own pictures, hashed on their device (Take It Down)",
            "source": "COPNet /report/self-hash/",
        },
    )
    return bank


class SelfReportedBank:
    """The writer `reports.self_hash.BANK` calls; both methods run in the caller's
    transaction and take a detection-data generation."""

    def add(self, values: list[Value], *, source: str, classification: str) -> None:
        bank = load_reference_bank()
        with transaction.atomic():
            generation = begin_change()
            existing = {
                (e.signal_type, e.value): e
                for e in BankEntry.objects.select_for_update().filter(
                    bank=bank, value__in=[v for _k, v in values]
                )
            }
            new = [v for v in values if v not in existing]
            BankEntry.objects.bulk_create(
                BankEntry(
                    bank=bank,
                    signal_type=kind,
                    value=value,
                    source=source,
                    classification=classification,
                    generation=generation,
                )
                for kind, value in new
            )
            revived = [
                e.pk for v, e in existing.items() if v in values and e.expires_at is not None
            ]
            BankEntry.objects.filter(pk__in=revived).update(expires_at=None)
            end_change(
                generation, kind=ChangeKind.ADDED if new else ChangeKind.ENTRY, hashes=len(new)
            )
            record_change(
                actor=None,
                action=AuditAction.UPDATE,
                target=bank,
                changes={"self_reported_added": len(new), "switched_on": len(revived)},
            )

    def remove(self, values: list[Value]) -> None:
        bank = load_reference_bank()
        with transaction.atomic():
            end_change(begin_change(), kind=ChangeKind.ENTRY)
            wanted = set(values)
            ids = [
                e.pk
                for e in BankEntry.objects.filter(
                    bank=bank, value__in=[v for _k, v in values], expires_at=None
                )
                if (e.signal_type, e.value) in wanted
            ]
            BankEntry.objects.filter(pk__in=ids).update(expires_at=timezone.now())
            record_change(
                actor=None,
                action=AuditAction.UPDATE,
                target=bank,
                changes={"self_reported_withdrawn": len(ids)},
            )
