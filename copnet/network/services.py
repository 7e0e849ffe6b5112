"""Writes on the Network directory: the reference-data loader and the coordinators' edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change, save_with_audit
from copnet.core.reference import Versions, fields_to_update, read_versions

from .models import Duty, Membership, Organisation, Succession

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

REFERENCE_FILE = Path(__file__).parent / "reference" / "network.json"


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0
    updated: int = 0
    version: int = 1


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


LINK_FIELDS = ("parent", "successor")
ORG_TEXT = ("abbreviation", "name_vi", "name_en", "kind", "description_vi", "description_en")


def _org_values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **{k: row.get(k, "") for k in (*ORG_TEXT, "website")},
        "active_from": _date(row.get("active_from")),
        "active_to": _date(row.get("active_to")),
        "parent": row.get("parent") or None,
        "successor": row.get("successor") or None,
    }


def _membership_key(row: Mapping[str, Any]) -> Hashable:
    return (row["organisation"], row["role"], row.get("valid_from") or None)


def _membership_values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "valid_to": _date(row.get("valid_to")),
        "basis": row.get("basis", ""),
        "note_vi": row.get("note_vi", ""),
        "note_en": row.get("note_en", ""),
        "to_verify": bool(row.get("to_verify", False)),
        "verify_note": row.get("verify_note", ""),
    }


def _duty_values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"text_vi": row["text_vi"], "text_en": row.get("text_en", "")}


def _succession_values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "effective": _date(row.get("effective")),
        "functions_vi": row.get("functions_vi", ""),
        "functions_en": row.get("functions_en", ""),
        "basis": row.get("basis", ""),
        "to_verify": bool(row.get("to_verify", False)),
        "verify_note": row.get("verify_note", ""),
    }


def _previous_duties(versions: Versions) -> dict[Hashable, list[dict[str, Any]]]:
    rows: dict[Hashable, list[dict[str, Any]]] = {}
    for version in versions.previous:
        for duty in version.get("general_duties", []):
            rows.setdefault((None, duty["key"]), []).append(_duty_values(duty))
        for membership in version.get("memberships", []):
            for duty in membership.get("duties", []):
                key = (_membership_key(membership), duty["key"])
                rows.setdefault(key, []).append(_duty_values(duty))
    return rows


class _Loader:
    """One run of the loader: creates missing rows, moves unedited ones to the new version."""

    def __init__(self, versions: Versions) -> None:
        self.versions = versions
        self.result = LoadResult(version=versions.number)
        self.reason = f"reference data version {versions.number}"
        self.duties_before = _previous_duties(versions)

    def apply(
        self,
        obj: Any,
        have: dict[str, Any],
        new: dict[str, Any],
        before: list[dict[str, Any]],
        links: Mapping[str, Organisation] | None = None,
    ) -> None:
        """Moves `obj` to `new` where it still holds an earlier version's value; audited.
        Fields in `links` hold organisation codes, resolved through that mapping."""
        changes = fields_to_update(have, new, before)
        if not changes:
            self.result.existing += 1
            return
        for name, (_, value) in changes.items():
            if links is not None and name in LINK_FIELDS:
                setattr(obj, name, links[value] if value else None)
            else:
                setattr(obj, name, value)
        obj.full_clean(validate_unique=False)
        obj.save(update_fields=list(changes))
        self.result.updated += 1
        record_change(
            actor=None,
            action=AuditAction.UPDATE,
            target=obj,
            changes={
                k: [None if v is None else str(v) for v in pair] for k, pair in changes.items()
            },
            reason=self.reason,
        )

    def duty(
        self, *, membership: Membership | None, key: Hashable, row: Mapping[str, Any], order: int
    ) -> None:
        duty, created = Duty.objects.get_or_create(
            membership=membership,
            key=row["key"],
            defaults={**_duty_values(row), "order": order},
        )
        if created:
            self.result.created += 1
            return
        new = _duty_values(row)
        have = {k: getattr(duty, k) for k in new}
        self.apply(duty, have, new, self.duties_before.get(key, []))


def load_reference_data(path: Path = REFERENCE_FILE) -> LoadResult:
    """Create the bodies, memberships, duties and successions of the reference data, and apply
    a new version of it to what exists (see `copnet.core.reference`).

    Idempotent: rows are found by their stable keys; missing ones are created, existing ones
    move to the new version only in the fields nobody edited since the earlier version, each
    change with an audit row. Running it again changes nothing."""
    versions = read_versions(path)
    data = versions.current
    loader = _Loader(versions)
    result = loader.result
    orgs_before = versions.previous_rows("organisations", lambda r: r["code"], _org_values)
    memberships_before = versions.previous_rows("memberships", _membership_key, _membership_values)
    successions_before = versions.previous_rows(
        "successions", lambda r: (r["predecessor"], r["successor"]), _succession_values
    )

    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        created_orgs: set[str] = set()
        for row in data["organisations"]:
            values = _org_values(row)
            org, created = Organisation.objects.get_or_create(
                code=row["code"],
                defaults={k: v for k, v in values.items() if k not in LINK_FIELDS},
            )
            orgs[org.code] = org
            if created:
                result.created += 1
                created_orgs.add(org.code)
        for row in data["organisations"]:  # links need every organisation to exist first
            org = orgs[row["code"]]
            values = _org_values(row)
            if org.code in created_orgs:
                links = [f for f in LINK_FIELDS if values[f]]
                for name in links:
                    setattr(org, name, orgs[values[name]])
                if links:
                    org.save(update_fields=links)
                continue
            have = {k: getattr(org, k) for k in values if k not in LINK_FIELDS}
            for name in LINK_FIELDS:
                linked = getattr(org, name)
                have[name] = linked.code if linked else None
            loader.apply(org, have, values, orgs_before.get(org.code, []), links=orgs)
        for order, row in enumerate(data["general_duties"]):
            loader.duty(membership=None, key=(None, row["key"]), row=row, order=order)
        for row in data["memberships"]:
            values = _membership_values(row)
            membership, created = Membership.objects.get_or_create(
                organisation=orgs[row["organisation"]],
                role=row["role"],
                valid_from=_date(row.get("valid_from")),
                defaults=values,
            )
            if created:
                result.created += 1
            else:
                have = {k: getattr(membership, k) for k in values}
                loader.apply(
                    membership, have, values, memberships_before.get(_membership_key(row), [])
                )
            for order, duty in enumerate(row.get("duties", [])):
                loader.duty(
                    membership=membership,
                    key=(_membership_key(row), duty["key"]),
                    row=duty,
                    order=order,
                )
        for row in data.get("successions", []):
            values = _succession_values(row)
            succession, created = Succession.objects.get_or_create(
                predecessor=orgs[row["predecessor"]],
                successor=orgs[row["successor"]],
                defaults=values,
            )
            if created:
                result.created += 1
            else:
                key = (row["predecessor"], row["successor"])
                have = {k: getattr(succession, k) for k in values}
                loader.apply(succession, have, values, successions_before.get(key, []))
        if result.created:
            record_change(
                actor=None,
                action=AuditAction.CREATE,
                target=orgs[data["organisations"][0]["code"]],
                changes={
                    "reference_data": str(path.name),
                    "version": versions.number,
                    "rows": result.created,
                },
                reason="reference data loaded",
            )
    return result


def do_save_organisation(*, organisation: Organisation, actor: Principal | None) -> Organisation:
    return save_with_audit(instance=organisation, actor=actor)


def do_save_membership(*, membership: Membership, actor: Principal | None) -> Membership:
    return save_with_audit(instance=membership, actor=actor)


def do_save_duty(*, duty: Duty, actor: Principal | None) -> Duty:
    return save_with_audit(instance=duty, actor=actor)


PROVINCIAL_UNITS_FILE = Path(__file__).parent / "reference" / "provincial-units.json"
UNIT_FIELDS = ("abbreviation", "name_vi", "name_en", "kind", "to_verify", "verify_note")


def _unit_values(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **{k: row.get(k, "") for k in UNIT_FIELDS if k != "to_verify"},
        "to_verify": bool(row.get("to_verify", False)),
        "active_from": _date(row.get("active_from")),
        "active_to": _date(row.get("active_to")),
    }


def load_provincial_units(path: Path = PROVINCIAL_UNITS_FILE) -> LoadResult:
    """The provincial bodies routing rules reach ("the unit of this kind in the case's
    province"): one per province and service, each `to_verify` until checked. Missing ones are
    created in one statement; an existing one moves to a new version of the file only in the
    fields nobody edited (`copnet.core.reference`). Needs the Network directory (parents).
    Idempotent."""
    versions = read_versions(path)
    loader = _Loader(versions)
    result = loader.result
    rows = versions.current["units"]
    before = versions.previous_rows("units", lambda r: r["code"], _unit_values)
    with transaction.atomic():
        existing = {
            org.code: org for org in Organisation.objects.filter(code__in=[r["code"] for r in rows])
        }
        parents = {
            org.code: org
            for org in Organisation.objects.filter(code__in={r.get("parent") for r in rows})
        }
        missing = [
            Organisation(
                code=row["code"],
                province=row["province"],
                provincial_service=row["service"],
                parent=parents.get(row.get("parent") or ""),
                **_unit_values(row),
            )
            for row in rows
            if row["code"] not in existing
        ]
        Organisation.objects.bulk_create(missing)
        result.created = len(missing)
        for row in rows:
            org = existing.get(row["code"])
            if org is not None:
                new = _unit_values(row)
                loader.apply(org, {k: getattr(org, k) for k in new}, new, before.get(org.code, []))
        if missing:
            record_change(
                actor=None,
                action=AuditAction.CREATE,
                target=Organisation.objects.get(code=missing[0].code),
                changes={
                    "reference_data": path.name,
                    "version": versions.number,
                    "rows": len(missing),
                },
                reason="reference data loaded",
            )
    return result
