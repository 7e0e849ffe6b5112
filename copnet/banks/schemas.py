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
