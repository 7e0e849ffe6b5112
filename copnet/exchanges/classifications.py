"""One classification map (reference/classifications.json): COPNet classification ↔ COPNet
harm category ↔ NCMEC A1-B2 ↔ IWF A/B/C ↔ INTERPOL baseline ↔ ICCAM assessment ↔ Universal
Classification Schema labels. Imports read a partner's class through `from_ncmec` /
`from_iwf`; exports write theirs through `row(code)`.

Going from a coarser scheme to a finer one cannot be exact (NCMEC A1 does not say whether the
act was penetrative): `from_*` answers the first row in the file with that class, and the
rows are ordered most severe first, so a lookup never under-states severity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PATH = Path(__file__).with_name("reference") / "classifications.json"


@dataclass(frozen=True)
class Classification:
    code: str
    category: str
    ncmec: str
    iwf: str
    interpol_baseline: bool
    iccam: str
    ucs: tuple[str, ...]


@cache
def rows() -> tuple[Classification, ...]:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    return tuple(
        Classification(
            code=r["code"],
            category=r["category"],
            ncmec=r["ncmec"],
            iwf=r["iwf"],
            interpol_baseline=bool(r["interpol_baseline"]),
            iccam=r["iccam"],
            ucs=tuple(r["ucs"]),
        )
        for r in data["rows"]
    )


def row(code: str) -> Classification | None:
    return next((r for r in rows() if r.code == code), None)


def from_ncmec(value: str) -> Classification | None:
    value = (value or "").strip().upper()
    return next((r for r in rows() if value and r.ncmec == value), None)


def from_iwf(value: str) -> Classification | None:
    value = (value or "").strip().upper()
    return next((r for r in rows() if value and r.iwf == value), None)


def from_partner(kind: str, value: str) -> Classification | None:
    """A bank entry's classification as its exchange gave it, in every scheme."""
    if kind == "ncmec":
        return from_ncmec(value)
    if kind == "iwf":
        return from_iwf(value)
    return row(value)
