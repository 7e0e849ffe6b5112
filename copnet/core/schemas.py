"""Types shared by the API's input schemas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field
from ninja.params.functions import Path as P
from ninja.params.functions import Query as Q
from pydantic import BeforeValidator


def _iso_text(value: Any) -> Any:
    # JSON has no date type: a date is ISO 8601 text, never a number of seconds since 1970.
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("give the date as ISO 8601 text")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_text)]


# PostgreSQL text cannot hold NUL: a parameter with one is refused (422, in the schema too)
# instead of failing in the database (500).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(pattern=NO_NUL)]
PathText = Annotated[str, P(pattern=NO_NUL, max_length=100)]
QueryText = Annotated[str, Q("", pattern=NO_NUL, max_length=200)]
