"""The API's one error contract: every error is JSON `{"code", "message", "field"}`.

`install(api)` registers the one handler for `DomainError` (and so every app's error class and
`ApiError`) plus handlers for django-ninja's own errors (unparsable body, validation,
authentication, throttling, 404) and for anything unexpected (500). `ContractAPI` documents the
error answers of every operation in OpenAPI, derived from what the operation has: a key or
session (401, 429), a body (400, 411, 413, 422), parameters (422), a path parameter (404); an
operation adds the others it can give (403, 409...) with `errors(...)` in its `response`.
Errors that never reach django-ninja (unknown path, wrong method, oversized body) get the same
body from `copnet.core.middleware`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from pydantic import ValidationError as PydanticValidationError

from copnet.core.errors import API_STATUSES, ApiErrorCode, DomainError, error_body

logger = logging.getLogger("copnet.api")
E = TypeVar("E", bound=Exception)

# The generic codes, by HTTP status, with their translated messages (`ApiErrorCode` labels). An
# app's own codes (for example `IntakeErrorCode.EMPTY_REPORT`) come with their own message.
GENERIC: dict[int, tuple[str, Any]] = {
    status: (str(code), ApiErrorCode(code).label) for code, status in API_STATUSES.items()
}


class FieldErrorOut(Schema):
    field: str = Field(..., description="Where the error is, dotted (`urls.2`, `category`).")
    code: str = Field(..., description="What is wrong (`missing`, `string_too_long`...).")


class ErrorOut(Schema):
    """Every error answer of the API."""

    code: str = Field(
        ...,
        description="Stable machine code: bad_request, unauthorized, forbidden, not_found, "
        "method_not_allowed, conflict, length_required, payload_too_large, invalid, "
        "rate_limited, server_error, unavailable, or an operation's own code (e.g. "
        "empty_report, invalid_url), listed per app in its errors.py.",
    )
    message: str = Field(..., description="For people, in the request's language (vi or en).")
    field: str | None = Field(None, description="The input at fault, if one is.")
    errors: list[FieldErrorOut] | None = Field(
        None, description="Validation errors (422) only: every field at fault."
    )


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error answers an operation gives beyond those derived from its shape:
    `response={200: Out, **errors(403, 409)}`."""
    return dict.fromkeys(statuses, ErrorOut)


def generic_body(status: int, message: Any = None, field: str | None = None) -> dict[str, Any]:
    code, default = GENERIC.get(status, GENERIC[400] if status < 500 else GENERIC[500])
    return error_body(code, message if message is not None else default, field)


def json_error(
    status: int, body: dict[str, Any], *, retry_after: float | None = None
) -> HttpResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if retry_after is not None:
        response["Retry-After"] = str(max(1, round(retry_after)))
    return response


# --- handlers ------------------------------------------------------------------------------


def _field(loc: Any) -> str:
    """`("body", "payload", "urls", 2)` -> `urls.2`; `("query", "age")` -> `age`."""
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in {"query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    return ".".join(parts)


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return json_error(exc.status, exc.as_body(), retry_after=getattr(exc, "retry_after", None))


def invalid_body(details: list[dict[str, str]]) -> dict[str, Any]:
    """The 422 body for validation errors `[{"field": ..., "code": ...}, ...]`."""
    first = details[0]["field"] if details else ""
    if not first:
        message = GENERIC[422][1]
    elif details[0]["code"] == "missing":
        message = _("“%(field)s” is required.") % {"field": first}
    else:
        message = _("“%(field)s” is not valid.") % {"field": first}
    body = generic_body(422, message, first or None)
    body["errors"] = details
    return body


def pydantic_details(exc: PydanticValidationError) -> list[dict[str, str]]:
    """Field errors of a schema validated by hand (e.g. one item of a bulk call)."""
    return [
        {"field": ".".join(str(p) for p in e["loc"]), "code": e["type"]}
        for e in exc.errors(include_url=False)
    ]


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"field": _field(e.get("loc")), "code": str(e.get("type", "invalid"))} for e in exc.errors
    ]
    return json_error(422, invalid_body(details))


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return json_error(401, generic_body(401))


def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return json_error(429, generic_body(429), retry_after=exc.wait or 60)


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja's own: an unparsable body (400), a CSRF or permission refusal (403).
    return json_error(exc.status_code, generic_body(exc.status_code))


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return json_error(404, generic_body(404))


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return json_error(413, generic_body(413))
    if isinstance(exc, SuspiciousOperation):
        return json_error(400, generic_body(400))
    if isinstance(exc, PermissionDenied):
        return json_error(403, generic_body(403))
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return json_error(500, generic_body(500))


def _handle(
    api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # django-ninja types a handler's argument as "the exception or its class" (`ExcHandler`);
    # it always calls the handler with the exception itself.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]


def install(api: NinjaAPI) -> None:
    _handle(api, DomainError, on_domain_error)
    _handle(api, ValidationError, on_validation_error)
    _handle(api, AuthenticationError, on_authentication_error)
    _handle(api, Throttled, on_throttled)
    _handle(api, HttpError, on_http_error)
    _handle(api, Http404, on_not_found)
    _handle(api, Exception, on_unexpected)


# --- OpenAPI -------------------------------------------------------------------------------


def derived_statuses(operation: Operation, details: dict[str, Any]) -> set[int]:
    statuses: set[int] = set()
    if operation.auth_callbacks:
        statuses |= {401, 429}  # keys and sessions are refused and rate-limited
    if operation.throttle_objects:
        statuses.add(429)
    if "requestBody" in details:
        statuses |= {400, 411, 413, 422}
    parameters = details.get("parameters") or []
    if parameters:
        statuses.add(422)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    return statuses


class ContractSchema(OpenAPISchema):
    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        responses = details["responses"]
        for status in sorted(derived_statuses(operation, details)):
            if status not in responses:
                responses[status] = {
                    "description": HTTPStatus(status).phrase,
                    "content": {"application/json": {"schema": {"$ref": _ERROR_REF}}},
                }
        return details

    def get_components(self) -> dict[str, Any]:
        schema = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
        self.add_schema_definitions({**schema.pop("$defs", {}), "ErrorOut": schema})
        return super().get_components()


_ERROR_REF = REF_TEMPLATE.format(model="ErrorOut")


class ContractAPI(NinjaAPI):
    """A NinjaAPI whose errors and OpenAPI document follow the contract above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install(self)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ContractSchema(api=self, path_prefix=path_prefix)


# --- errors that never reach django-ninja --------------------------------------------------

KEPT_HEADERS = ("Allow", "Retry-After", "Vary", "WWW-Authenticate", "Content-Language")


class ApiErrorMiddleware:
    """On `/api/`, an error answered outside django-ninja (unknown path 404, wrong method 405,
    Django's own 400 and 500) becomes the JSON error body too; a JSON answer is left alone."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        with translation.override(translation.get_language_from_request(request)):
            replaced = json_error(response.status_code, generic_body(response.status_code))
        for name in KEPT_HEADERS:
            if name in response:
                replaced[name] = response[name]
        return replaced
