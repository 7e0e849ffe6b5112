"""Errors the API answers with: a stable machine code plus a translated message."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class RateLimited(ApiError):
    """429 with `Retry-After`: the caller went over one of `settings.RATE_LIMITS`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "rate_limited", rate_limited_message(retry_after))
        self.retry_after = retry_after


def rate_limited_message(retry_after: int) -> str:
    from django.utils.translation import ngettext

    return ngettext(
        "Too many requests. Please wait %(seconds)s second and try again.",
        "Too many requests. Please wait %(seconds)s seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}
