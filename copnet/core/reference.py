"""Versioned reference data: a file, the earlier versions it replaces, and the rule for
applying a new version to rows that exist already.

A reference file (`network/reference/network.json`) carries `"version": N`; the versions it
replaced are kept as `history/<stem>-v<M>.json` beside it. When a new version is loaded, a row
that exists is moved to the new values field by field, but only where the field still holds a
value an earlier version gave it: what a coordinator edited since is never overwritten. Loading
the same version twice finds nothing to change."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HISTORY = re.compile(r"-v(\d+)\.json$")


@dataclass(frozen=True)
class Versions:
    current: dict[str, Any]
    previous: list[dict[str, Any]]  # oldest first

    @property
    def number(self) -> int:
        return int(self.current.get("version", 1))

    def previous_rows(
        self,
        section: str,
        key: Callable[[Mapping[str, Any]], Hashable],
        normalise: Callable[[Mapping[str, Any]], dict[str, Any]],
    ) -> dict[Hashable, list[dict[str, Any]]]:
        """The normalised rows of `section` in earlier versions, by key."""
        rows: dict[Hashable, list[dict[str, Any]]] = {}
        for version in self.previous:
            for row in version.get(section, []):
                rows.setdefault(key(row), []).append(normalise(row))
        return rows


def read_versions(path: Path) -> Versions:
    current = json.loads(path.read_text(encoding="utf-8"))
    history = path.parent / "history"
    found: list[tuple[int, Path]] = []
    if history.is_dir():
        for candidate in history.glob(f"{path.stem}-v*.json"):
            match = _HISTORY.search(candidate.name)
            if match and int(match.group(1)) < int(current.get("version", 1)):
                found.append((int(match.group(1)), candidate))
    previous = [json.loads(p.read_text(encoding="utf-8")) for _, p in sorted(found)]
    return Versions(current=current, previous=previous)


def fields_to_update(
    have: Mapping[str, Any], new: Mapping[str, Any], previous: Iterable[Mapping[str, Any]]
) -> dict[str, list[Any]]:
    """`{field: [stored, new]}` for the fields the new version may change: those that differ from
    the new value and still hold the value of an earlier version (so nobody edited them)."""
    earlier = list(previous)
    changes: dict[str, list[Any]] = {}
    for field, value in new.items():
        stored = have[field]
        if stored == value:
            continue
        if any(old.get(field) == stored for old in earlier):
            changes[field] = [stored, value]
    return changes
