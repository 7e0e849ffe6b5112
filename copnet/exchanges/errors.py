"""Errors of the exchanges app: a stable code and a translated message (core.errors)."""

from __future__ import annotations

from typing import Any

from copnet.core.errors import DomainError


class ExchangeError(DomainError):
    """A refused configuration or a partner that could not be read or written."""


class ExchangeUnavailable(ExchangeError):
    """The partner did not answer usefully after the retries (timeouts, 429, 5xx): nothing of
    the failed page was written, the checkpoint still points at it."""

    def __init__(self, message: Any, *, status_code: int | None = None) -> None:
        super().__init__("exchange_unavailable", message, status=502)
        self.status_code = status_code


class ExchangeProtocolError(ExchangeError):
    """The partner answered something that does not follow its protocol."""

    def __init__(self, message: Any) -> None:
        super().__init__("exchange_protocol", message, status=502)
