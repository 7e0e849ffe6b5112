from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class SectionOut(Schema):
    title: str
    score: Decimal | None


class ListedProductOut(Schema):
    slug: str
    name: str
    vendor: str
    kind: str
    platforms: list[str]
    purposes: list[str]
    languages: list[str]
    age_min: int
    age_max: int
    verdict: str
    score: Decimal | None
    mandatory_met: bool
    criteria_set: str
    criteria_version: int
    expires_on: dt.date
    url: str
    report_url: str


class ListedProductDetailOut(ListedProductOut):
    description: str
    summary: str
    data_practices: str
    sections: list[SectionOut]
