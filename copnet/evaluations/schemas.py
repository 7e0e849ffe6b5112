from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from copnet.core.schemas import Text

from .choices import Language, Platform, ProductKind, Purpose, Verdict


class CatalogueQuery(Schema):
    q: Text = Field("", max_length=200)
    kind: ProductKind | None = None
    platform: Platform | None = None
    purpose: Purpose | None = None
    language: Language | None = None
    age: int | None = Field(None, ge=0, le=18, description="The child's age, 0 to 18.")
    verdict: Verdict | None = None


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
