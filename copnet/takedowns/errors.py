"""Errors of the takedowns app: a stable code, a translated message and an HTTP status."""

from __future__ import annotations

from copnet.core.errors import DomainError


class TakedownError(DomainError):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code, message, status=status)


class PlatformInvalid(TakedownError):
    """What is wrong with a platform's details, field by field (translated messages).

    `errors` maps a field name of `services.platforms.PlatformInput` to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.values()))[0]
        super().__init__("invalid_platform", first)
        self.errors = errors
