"""One HTTP call to a partner, with the retry rules every protocol shares.

Timeouts, refused connections, 429 and 5xx answers are retried (`EXCHANGE_HTTP_ATTEMPTS` in
all), waiting the partner's `Retry-After` (capped by `EXCHANGE_MAX_RETRY_WAIT`) or a short
doubling backoff; any other 4xx is the partner refusing the request and is not retried.
What finally fails raises `ExchangeUnavailable`, so the caller writes nothing of that page.
Standard library only: the two protocols need GET/PUT/POST with headers and basic auth.
"""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ExchangeErrorCode, ExchangeProtocolError, ExchangeUnavailable

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def _opener() -> urllib.request.OpenerDirector:
    # No proxies from the environment, no redirects followed silently into another host.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _retry_after(error: urllib.error.HTTPError, attempt: int) -> float:
    header = error.headers.get("Retry-After") if error.headers else None
    try:
        wait = float(header) if header is not None else 0.2 * 2**attempt
    except ValueError:
        wait = 0.2 * 2**attempt
    return max(0.0, min(wait, float(settings.EXCHANGE_MAX_RETRY_WAIT)))


def call(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    basic_auth: tuple[str, str] | None = None,
    accept: tuple[int, ...] = (200, 201, 202, 204),
) -> Response:
    """The answer to one request, retried as the module says; raises ExchangeUnavailable."""
    all_headers = {"User-Agent": "COPNet-exchange/1", **(headers or {})}
    if basic_auth:
        token = base64.b64encode(f"{basic_auth[0]}:{basic_auth[1]}".encode()).decode()
        all_headers["Authorization"] = f"Basic {token}"
    if not url.startswith(("https://", "http://")):
        raise ValueError("exchanges speak HTTP(S) only")
    attempts = max(1, settings.EXCHANGE_HTTP_ATTEMPTS)
    last_status: int | None = None
    last_reason = ""
    for attempt in range(attempts):
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, data=body, headers=all_headers, method=method
        )
        try:
            with _opener().open(request, timeout=settings.EXCHANGE_HTTP_TIMEOUT) as answer:
                status, content = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            last_status, last_reason = error.code, f"HTTP {error.code}"
            error.read()
            if error.code not in RETRY_STATUSES:
                raise ExchangeUnavailable(
                    ExchangeErrorCode.UNAVAILABLE,
                    _("The partner refused the request (HTTP %(status)s).")
                    % {"status": error.code},
                    status_code=error.code,
                ) from error
            if attempt + 1 < attempts:
                time.sleep(_retry_after(error, attempt))
            continue
        except (OSError, http.client.HTTPException) as error:  # timeouts, resets, cut bodies
            last_status, last_reason = None, type(error).__name__
            if attempt + 1 < attempts:
                time.sleep(min(0.2 * 2**attempt, float(settings.EXCHANGE_MAX_RETRY_WAIT)))
            continue
        if status not in accept:
            raise ExchangeUnavailable(
                ExchangeErrorCode.UNAVAILABLE,
                _("The partner refused the request (HTTP %(status)s).") % {"status": status},
                status_code=status,
            )
        return Response(status, content)
    raise ExchangeUnavailable(
        ExchangeErrorCode.UNAVAILABLE,
        _("The partner did not answer after %(attempts)s tries (%(reason)s).")
        % {"attempts": attempts, "reason": last_reason},
        status_code=last_status,
    )


def json_object(body: bytes) -> dict[str, Any]:
    """A partner's answer as a JSON object, or ExchangeProtocolError (not JSON, not an object)."""
    try:
        data = json.loads(body)
    except ValueError as error:
        raise ExchangeProtocolError(
            ExchangeErrorCode.PROTOCOL, _("The partner's answer is not JSON.")
        ) from error
    if not isinstance(data, dict):
        raise ExchangeProtocolError(
            ExchangeErrorCode.PROTOCOL, _("The partner's answer is not an object.")
        )
    return data
