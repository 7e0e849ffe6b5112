"""Small helpers shared by the models of the app."""

from __future__ import annotations

from collections.abc import Iterable

from copnet.core.i18n import localised

__all__ = ["join_codes", "localised", "split_codes"]


def join_codes(codes: Iterable[str]) -> str:
    """Several choice codes in one column, delimited so that `__contains=",code,"` finds one."""
    cleaned = sorted({c for c in codes if c})
    return f",{','.join(cleaned)}," if cleaned else ""


def split_codes(value: str) -> list[str]:
    return [c for c in (value or "").split(",") if c]
