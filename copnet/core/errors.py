"""One shape for every refusal: a stable machine `code`, a translated `message`, and the input
`field` at fault (or none).

Services raise a `DomainError` (an app may subclass it, e.g. `reports.errors.IntakeError`); a view
puts the message on its form, and the API answers it as JSON `{"code", "message", "field"}` with
the error's HTTP `status` (`copnet.core.api_errors` has the one handler). Nothing here imports
Django or django-ninja, so the detection engine and services can raise these freely.
"""

from __future__ import annotations

from typing import Any


def error_body(code: str, message: Any, field: str | None = None) -> dict[str, str | None]:
    """The JSON body of every API error. `message` may be a lazy translation."""
    return {"code": code, "message": str(message), "field": field or None}


class DomainError(Exception):
    """A refused operation; nothing was changed. `status` is the HTTP answer the API gives."""

    status: int = 400

    def __init__(
        self, code: str, message: Any, field: str | None = None, *, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_body(self) -> dict[str, str | None]:
        return error_body(self.code, self.message, self.field)


class ApiError(DomainError):
    """A refusal decided by the API layer itself: authentication, permission, lookup, limits.

    `retry_after` (seconds) becomes the `Retry-After` header of a 429 or 503 answer."""

    def __init__(
        self,
        status: int,
        code: str,
        message: Any,
        field: str | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(code, message, field, status=status)
        self.retry_after = retry_after


class RateLimited(ApiError):
    """429 with `Retry-After`: the caller went over one of `settings.RATE_LIMITS`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429, "rate_limited", rate_limited_message(retry_after), retry_after=retry_after
        )


def rate_limited_message(retry_after: int) -> str:
    from django.utils.translation import ngettext

    return ngettext(
        "Too many requests. Please wait %(seconds)s second and try again.",
        "Too many requests. Please wait %(seconds)s seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}
