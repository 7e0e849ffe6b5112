from __future__ import annotations

from ninja import Field, Schema


class LookupIn(Schema):
    prefixes: list[str] = Field(..., min_length=1, max_length=1000)
