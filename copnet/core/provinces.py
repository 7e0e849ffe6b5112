"""Vietnam's provinces (the 34 units in force since the 2025 reform), from vietnam-provinces."""

from __future__ import annotations

from functools import cache

from vietnam_provinces import Province


@cache
def province_choices() -> list[tuple[str, str]]:
    return [(f"{int(p.code):02d}", p.name) for p in Province.iter_all()]


@cache
def province_names() -> dict[str, str]:
    return dict(province_choices())


def province_name(code: str) -> str:
    return province_names().get(code, code)


def province_codes() -> tuple[str, ...]:
    """The two-digit codes, for schemas that list the allowed values."""
    return tuple(code for code, _name in province_choices())
