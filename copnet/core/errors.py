"""One shape for every refusal: a stable machine `code`, a translated `message`, the input
`field` at fault (or none) and the HTTP `status` the API answers.

Each app has an `errors.py` with a `TextChoices` of its codes (the label is the code's default
translated message) and one `DomainError` subclass naming them in `codes`, e.g.::

    class IntakeErrorCode(models.TextChoices):
        EMPTY_REPORT = "empty_report", _("Tell us what happened, or give a web address ...")

    class IntakeError(DomainError):
        codes = IntakeErrorCode

    raise IntakeError(IntakeErrorCode.EMPTY_REPORT, field="description")

A service raises it; a view shows it with `add_to_form`/`show_message` (below); the API answers
it as JSON `{"code", "message", "field"}` with its `status` (`copnet.core.api_errors` has the one
handler). The status is the one given at the raise site, else the class's `statuses[code]`, else
the class's `status` (400). A code that is not one of the class's `codes` is a programming error
(ValueError), so a free-string code cannot slip through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def error_body(code: str, message: Any, field: str | None = None) -> dict[str, str | None]:
    """The JSON body of every API error. `message` may be a lazy translation."""
    return {"code": str(code), "message": str(message), "field": field or None}


class ApiErrorCode(models.TextChoices):
    """The generic codes, one per HTTP status the API gives; the labels are their messages."""

    BAD_REQUEST = "bad_request", _("The request could not be read. Send JSON as documented.")
    UNAUTHORIZED = "unauthorized", _("A valid API key is required (Authorization: Bearer).")
    FORBIDDEN = "forbidden", _("You may not do this.")
    NOT_FOUND = "not_found", _("Not found.")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("This method is not allowed here.")
    CONFLICT = "conflict", _("Please retry the request.")
    LENGTH_REQUIRED = "length_required", _("Send the size of the request body (Content-Length).")
    PAYLOAD_TOO_LARGE = "payload_too_large", _("The request is too large.")
    INVALID = "invalid", _("The request is not valid.")
    RATE_LIMITED = "rate_limited", _("Too many requests. Try again later.")
    SERVER_ERROR = (
        "server_error",
        _("Something went wrong on our side. It was recorded; try again later."),
    )
    UNAVAILABLE = "unavailable", _("The service is unavailable. Try again later.")


class DomainError(Exception):
    """A refused operation; nothing was changed.

    Subclasses set `codes` (their `TextChoices`), and may set `status` (the default HTTP answer)
    and `statuses` (a default per code)."""

    codes: ClassVar[type[models.TextChoices] | None] = None
    status: int = 400
    statuses: ClassVar[Mapping[str, int]] = {}

    def __init__(
        self,
        code: str,
        message: Any = None,
        field: str | None = None,
        *,
        status: int | None = None,
    ) -> None:
        code = self.checked_code(code)
        self.code = code
        self.message = message if message is not None else getattr(code, "label", code)
        self.field = field or None
        super().__init__(self.message)
        if status is not None:
            self.status = status
        elif code in self.statuses:
            self.status = self.statuses[code]

    @classmethod
    def checked_code(cls, code: str) -> str:
        """The code as a member of `codes` (ValueError: not one of this app's codes)."""
        return cls.codes(code) if cls.codes is not None else code

    def as_body(self) -> dict[str, str | None]:
        return error_body(self.code, self.message, self.field)


class TransitionErrorCode(models.TextChoices):
    INVALID_TRANSITION = "invalid_transition", _("This step is not possible now.")
    TRANSITION_FORBIDDEN = "transition_forbidden", _("You may not take this step.")


class TransitionError(DomainError):
    """A status change that may not happen (`core.workflow.check`); nothing was changed.

    Its code is one of `TransitionErrorCode`, or the code of the app's condition that refused
    (already a member of that app's `TextChoices`, e.g. `CaseErrorCode.OUTCOME_REQUIRED`)."""

    codes = TransitionErrorCode
    status = 409

    @classmethod
    def checked_code(cls, code: str) -> str:
        if isinstance(code, models.TextChoices) and not isinstance(code, TransitionErrorCode):
            return code
        return super().checked_code(code)


API_STATUSES: dict[str, int] = {
    ApiErrorCode.BAD_REQUEST: 400,
    ApiErrorCode.UNAUTHORIZED: 401,
    ApiErrorCode.FORBIDDEN: 403,
    ApiErrorCode.NOT_FOUND: 404,
    ApiErrorCode.METHOD_NOT_ALLOWED: 405,
    ApiErrorCode.CONFLICT: 409,
    ApiErrorCode.LENGTH_REQUIRED: 411,
    ApiErrorCode.PAYLOAD_TOO_LARGE: 413,
    ApiErrorCode.INVALID: 422,
    ApiErrorCode.RATE_LIMITED: 429,
    ApiErrorCode.SERVER_ERROR: 500,
    ApiErrorCode.UNAVAILABLE: 503,
}


class ApiError(DomainError):
    """A refusal decided by the API layer itself: authentication, permission, lookup, limits.

    `retry_after` (seconds) becomes the `Retry-After` header of a 429 or 503 answer."""

    codes = ApiErrorCode
    statuses = API_STATUSES

    def __init__(
        self,
        status: int,
        code: str,
        message: Any = None,
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
            429,
            ApiErrorCode.RATE_LIMITED,
            rate_limited_message(retry_after),
            retry_after=retry_after,
        )


def rate_limited_message(retry_after: int) -> str:
    return ngettext(
        "Too many requests. Please wait %(seconds)s second and try again.",
        "Too many requests. Please wait %(seconds)s seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}


# --- showing an error on a page ------------------------------------------------------------


def add_to_form(form: Any, error: DomainError, *, field: str | None = None) -> None:
    """Put the error's translated message on the form: on its field when the form has that
    field (or on `field` when given), else above the form."""
    target = field or error.field
    form.add_error(target if target in form.fields else None, error.message)


def show_message(request: HttpRequest, error: DomainError) -> None:
    """Show the error's translated message at the top of the next page."""
    messages.error(request, error.message)


def after_post(
    request: HttpRequest, url: str, error: DomainError | None = None, ok: str = ""
) -> HttpResponse:
    """The end of a form's POST: the error's message (or `ok`, when given) at the top of the
    page at `url`, then a redirect there."""
    if error is not None:
        show_message(request, error)
    elif ok:
        messages.success(request, ok)
    return redirect(url)


def run_then_redirect(
    request: HttpRequest, url: str, call: Callable[[], object], ok: str = ""
) -> HttpResponse:
    """POST → service → message → redirect: run `call` (one service); a `DomainError` it
    raises is shown instead of `ok`. Either way the answer is a redirect to `url`."""
    try:
        call()
    except DomainError as exc:
        return after_post(request, url, exc)
    return after_post(request, url, ok=ok)
