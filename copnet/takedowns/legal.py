"""The legal bases a removal notice cites, by category and date (reference data in
`reference/authorities.json`, from ../shared/domain.md section 6)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REFERENCE_FILE = Path(__file__).resolve().parent / "reference" / "authorities.json"


@cache
def reference() -> dict[str, Any]:
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class LegalGround:
    code: str
    text_vi: str
    text_en: str
    valid_from: dt.date
    categories: tuple[str, ...] | None  # None: every category

    def text(self, language: str) -> str:
        return self.text_vi if language == "vi" else self.text_en


def legal_grounds(category_code: str, on: dt.date) -> list[LegalGround]:
    """The instruments a notice about `category_code` cites on day `on` (laws not yet in force
    are left out: the Cybersecurity Law 2025 from 1 July 2026)."""
    grounds = []
    for row in reference()["legal_bases"]:
        categories = None if row["categories"] == "*" else tuple(row["categories"])
        ground = LegalGround(
            code=row["code"],
            text_vi=row["text_vi"],
            text_en=row["text_en"],
            valid_from=dt.date.fromisoformat(row["valid_from"]),
            categories=categories,
        )
        if ground.valid_from <= on and (categories is None or category_code in categories):
            grounds.append(ground)
    return grounds
