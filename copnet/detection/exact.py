"""Exact file hashes (MD5, SHA-256): validation and a dictionary index.

These match only byte-identical files; perceptual matching is `pdq`'s job. MD5 is kept because
partner hash lists are still exchanged in it, not for any security property.
"""

from __future__ import annotations

from collections.abc import Iterable

from .base import Index, K, Match, SignalError, SignalType

_HEX_DIGITS = frozenset("0123456789abcdef")


class HexDigestSignal(SignalType):
    """A fixed-length hex digest; `validate` returns it stripped and lower-case."""

    length: int

    def validate(self, value: str) -> str:
        """The canonical digest; SignalError "invalid_hex" or "wrong_length"."""
        if not isinstance(value, str):
            raise SignalError("invalid_hex", f"A {self.name} hash must be a hexadecimal string.")
        text = value.strip().lower()
        if not _HEX_DIGITS.issuperset(text):
            raise SignalError("invalid_hex", f"A {self.name} hash must be a hexadecimal string.")
        if len(text) != self.length:
            raise SignalError(
                "wrong_length",
                f"A {self.name} hash has {self.length} hexadecimal digits, not {len(text)}.",
            )
        return text


class Md5Signal(HexDigestSignal):
    name = "md5"
    length = 32


class Sha256Signal(HexDigestSignal):
    name = "sha256"
    length = 64


class ExactIndex(Index[K]):
    """Entries by exact digest: `query` returns the entries added with that very value.

    With a `signal`, values are validated (and canonicalised) by it on `add` and `query`;
    without one, any hex string is accepted and compared lower-case. Matches have distance 0
    and come in the order their entries were added. A (value, entry) pair added twice counts
    once; an entry may have several values and a value several entries.
    """

    def __init__(
        self, items: Iterable[tuple[str, K]] = (), *, signal: HexDigestSignal | None = None
    ) -> None:
        self.signal = signal
        self._entries_by_value: dict[str, dict[K, None]] = {}
        self._values_by_entry: dict[K, dict[str, None]] = {}
        self._size = 0
        self.add(items)

    def canonical(self, value: str) -> str:
        """The form values are stored and looked up in; SignalError when invalid."""
        if self.signal is not None:
            return self.signal.validate(value)
        if not isinstance(value, str):
            raise SignalError("invalid_hex", "A hash must be a hexadecimal string.")
        text = value.strip().lower()
        if not text or not _HEX_DIGITS.issuperset(text):
            raise SignalError("invalid_hex", "A hash must be a hexadecimal string.")
        return text

    def add(self, items: Iterable[tuple[str, K]]) -> None:
        """Add pairs; all or nothing: one invalid value raises SignalError and adds none."""
        staged = [(self.canonical(value), entry) for value, entry in items]
        for value, entry in staged:
            entries = self._entries_by_value.setdefault(value, {})
            if entry in entries:
                continue
            entries[entry] = None
            self._values_by_entry.setdefault(entry, {})[value] = None
            self._size += 1

    def remove(self, entries: Iterable[K]) -> None:
        """Forget every value of these entries; unknown entries are ignored."""
        for entry in entries:
            for value in self._values_by_entry.pop(entry, {}):
                holders = self._entries_by_value[value]
                del holders[entry]
                if not holders:
                    del self._entries_by_value[value]
                self._size -= 1

    def query(self, value: str) -> list[Match[K]]:
        return [Match(entry) for entry in self._entries_by_value.get(self.canonical(value), ())]

    def __len__(self) -> int:
        return self._size


__all__ = ["ExactIndex", "HexDigestSignal", "Md5Signal", "Sha256Signal"]
