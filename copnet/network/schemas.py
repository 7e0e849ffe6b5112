from __future__ import annotations

import datetime as dt

from ninja import Schema


class OrganisationOut(Schema):
    code: str
    abbreviation: str
    name_vi: str
    name_en: str
    kind: str
    parent: str | None
    active_from: dt.date | None
    active_to: dt.date | None

    @staticmethod
    def resolve_parent(obj: object) -> str | None:
        parent = getattr(obj, "parent", None)
        return parent.code if parent else None


class ContactOut(Schema):
    label: str
    email: str
    phone: str
    is_primary: bool


class WhoAmIOut(Schema):
    key_prefix: str
    key_name: str
    organisation: OrganisationOut
