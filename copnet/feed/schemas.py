from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

# A 4-byte SHA-256 prefix in hexadecimal, as Safe Browsing clients send them.
Prefix = Annotated[str, Field(pattern=r"^[0-9A-Fa-f]{8}$")]
CATEGORY_PATTERN = r"^[a-z0-9_-]{0,32}$"


class LookupIn(Schema):
    prefixes: list[Prefix] = Field(..., min_length=1, max_length=1000)


class CategoryQuery(Schema):
    category: str = Field(
        "", pattern=CATEGORY_PATTERN, description="A harm category code; empty: every category."
    )


class ListQuery(CategoryQuery):
    kind: Literal["host", "url", "hash"] = "host"
    format: Literal["txt", "json"] = "txt"


class VersionQuery(Schema):
    version: int | None = Field(None, ge=0, description="A published version; empty: the latest.")


class DiffQuery(VersionQuery):
    since: int = Field(..., ge=0)


class VersionOut(Schema):
    number: int
    published_at: dt.datetime
    added: int
    withdrawn: int


class VersionsOut(Schema):
    latest: int
    versions: list[VersionOut]


class FullHashOut(Schema):
    hash: str
    kind: str
    category: str
    severity: str


class PrefixMatchOut(Schema):
    prefix: str
    full_hashes: list[FullHashOut]


class LookupOut(Schema):
    version: int
    matches: list[PrefixMatchOut]
    cache_seconds: int


class PrefixesOut(Schema):
    version: int
    prefixes: list[str]


class DiffOut(Schema):
    from_: int = Field(..., alias="from")
    to: int
    additions: list[str]
    removals: list[str]
