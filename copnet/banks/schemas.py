from __future__ import annotations

from ninja import Field, Schema


class HashItem(Schema):
    signal_type: str = Field(..., max_length=16)
    value: str = Field(..., max_length=200)


class HashMatchIn(Schema):
    hashes: list[HashItem] = Field(..., min_length=1, max_length=1000)


class UrlMatchIn(Schema):
    urls: list[str] = Field(..., min_length=1, max_length=1000)


class TextClassifyIn(Schema):
    texts: list[str] = Field(..., min_length=1, max_length=1000)


class ItemErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class HashMatchItem(Schema):
    bank: str
    signal_type: str
    distance: int
    bank_kind: str
    suppressed_by: str | None = None
    reason: str | None = None


class HashResult(Schema):
    matches: list[HashMatchItem]
    error: ItemErrorOut | None = None


class HashMatchOut(Schema):
    results: list[HashResult]


class UrlMatchItem(Schema):
    list: str
    pattern: str
    kind: str
    category: str


class UrlResult(Schema):
    matches: list[UrlMatchItem]
    error: ItemErrorOut | None = None


class UrlMatchOut(Schema):
    results: list[UrlResult]


class SpanOut(Schema):
    start: int
    end: int
    category: str


class TextResult(Schema):
    scores: dict[str, float]
    spans: list[SpanOut]
    suggested_category: str | None


class TextClassifyOut(Schema):
    results: list[TextResult]
