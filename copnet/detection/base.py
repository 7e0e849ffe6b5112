"""The engine's small interfaces. Each signal type implements what it can."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K")  # what an index returns for a hit: usually an entry id


class SignalError(ValueError):
    """Input that cannot be hashed or matched (bad hex, wrong length, not an image...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Match(Generic[K]):
    """One hit: the entry it matched, and how close (distance 0 = identical)."""

    entry: K
    distance: int = 0
    detail: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why something was flagged, for an analyst: a label, a score and the spans that fired."""

    label: str
    score: float
    spans: tuple[tuple[int, int, str], ...] = field(default_factory=tuple)


class SignalType(ABC):
    """A kind of signal, e.g. "pdq", "md5", "sha256", "url", "text"."""

    name: str

    @abstractmethod
    def validate(self, value: str) -> str:
        """Return the canonical form of a signal value, or raise SignalError."""


class Hasher(ABC):
    @abstractmethod
    def hash_bytes(self, data: bytes) -> list[str]:
        """All signal values for this content (PDQ returns its eight dihedral variants)."""


class Index(ABC, Generic[K]):
    """An in-memory index of (value, entry) pairs; results must equal brute force."""

    @abstractmethod
    def add(self, items: Iterable[tuple[str, K]]) -> None: ...

    @abstractmethod
    def remove(self, entries: Iterable[K]) -> None: ...

    @abstractmethod
    def query(self, value: str) -> list[Match[K]]: ...

    def query_many(self, values: Sequence[str]) -> list[list[Match[K]]]:
        return [self.query(value) for value in values]

    @abstractmethod
    def __len__(self) -> int: ...
