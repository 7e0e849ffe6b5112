"""The protection feed for ecosystem apps: hash-prefix lookups, diffs, RPZ, hosts, lists.

With an API key: the whole feed. Without one: only what the coordinator marked public. A key
that is present but wrong is refused (401), never downgraded to the public feed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.security import HttpBearer

from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.services import authenticate_api_key
from copnet.core.api_errors import errors
from copnet.core.errors import ApiError, ApiErrorCode

from . import selectors
from .errors import FeedError, FeedErrorCode
from .schemas import (
    CategoryQuery,
    DiffOut,
    DiffQuery,
    ListQuery,
    LookupIn,
    LookupOut,
    PrefixesOut,
    VersionQuery,
    VersionsOut,
)

if TYPE_CHECKING:
    from copnet.accounts.models import ApiKey

ANONYMOUS: Final = "anonymous"
_TEXT_RESPONSE = {
    "description": "OK",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}
_LIST_RESPONSE = {
    "description": "OK: text (`format=txt`) or JSON (`format=json`)",
    "content": {"text/plain": {"schema": {"type": "string"}}, "application/json": {}},
}


class FeedRequest(HttpRequest):
    """A request through FeedKeyAuth: `auth` is the partner's key, or ANONYMOUS without one."""

    auth: ApiKey | Literal["anonymous"]


class FeedKeyAuth(HttpBearer):
    """Optional `Authorization: Bearer <partner key>`: without the header the caller reads the
    public feed (request.auth is ANONYMOUS); a wrong key or scheme is refused (401)."""

    openapi_description = "Optional: a partner API key (Bearer) for the full feed."

    def __call__(self, request: HttpRequest) -> ApiKey | Literal["anonymous"] | None:
        if not request.headers.get("Authorization", ""):
            return ANONYMOUS
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return authenticate_api_key(token.strip())


router = Router(tags=["protection feed"], auth=FeedKeyAuth())
OPTIONAL_KEY: dict[str, Any] = {"security": [{}]}  # OpenAPI: the key may be left out


def _public_only(request: FeedRequest) -> bool:
    client = request.auth
    if isinstance(client, str):  # ANONYMOUS: counted per address by the API's throttle
        return True
    if not has_perm(client, Perm.READ_FEED):
        raise ApiError(403, ApiErrorCode.FORBIDDEN, _("This key may not read the feed."))
    return False


def _version(raw: int | None, field: str = "version") -> int:
    latest = selectors.latest_version()
    if raw is None:
        return latest
    if raw < 0 or raw > latest:
        raise FeedError(FeedErrorCode.UNKNOWN_VERSION, field=field)
    return raw


@router.get(
    "/feed/versions",
    openapi_extra=OPTIONAL_KEY,
    response={200: VersionsOut, **errors(403)},
    summary="Published versions of the feed",
)
def versions(request: FeedRequest) -> dict[str, Any]:
    _public_only(request)
    from .models import FeedVersion

    rows = FeedVersion.objects.order_by("-number")[:100]
    return {
        "latest": selectors.latest_version(),
        "versions": [
            {
                "number": v.number,
                "published_at": v.published_at.isoformat(),
                "added": v.added,
                "withdrawn": v.withdrawn,
            }
            for v in rows
        ],
    }


@router.post(
    "/feed/lookup",
    openapi_extra=OPTIONAL_KEY,
    response={200: LookupOut, **errors(403)},
    summary="Full hashes for 4-byte SHA-256 prefixes (Safe Browsing)",
)
def lookup(request: FeedRequest, payload: LookupIn) -> dict[str, Any]:
    public_only = _public_only(request)
    prefixes = [bytes.fromhex(raw) for raw in payload.prefixes]
    return selectors.lookup(prefixes, public_only=public_only)


@router.get(
    "/feed/prefixes",
    openapi_extra=OPTIONAL_KEY,
    response={200: PrefixesOut, **errors(403, 404)},
    summary="Every 4-byte prefix in a version (for a local copy)",
)
def prefixes(request: FeedRequest, query: Query[VersionQuery]) -> dict[str, Any]:
    public_only = _public_only(request)
    number = _version(query.version)
    return {
        "version": number,
        "prefixes": sorted(selectors.prefixes_at(number, public_only=public_only)),
    }


@router.get(
    "/feed/diff",
    openapi_extra=OPTIONAL_KEY,
    response={200: DiffOut, **errors(403, 404)},
    by_alias=True,
    summary="Prefixes added and removed between two versions",
    description="`unknown_version` (404) for a version that was never published, `bad_range` "
    "(422) when `since` is after `version`.",
)
def diff(request: FeedRequest, query: Query[DiffQuery]) -> dict[str, Any]:
    public_only = _public_only(request)
    old, new = _version(query.since, "since"), _version(query.version)
    if old > new:
        raise FeedError(FeedErrorCode.BAD_RANGE, field="since")
    return selectors.diff(old, new, public_only=public_only)


def _text(body: str, filename: str, version: int) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Feed-Version"] = str(version)
    return response


@router.get(
    "/feed/rpz",
    response=errors(403),
    openapi_extra={**OPTIONAL_KEY, "responses": {200: _TEXT_RESPONSE}},
    summary="DNS Response Policy Zone of blocked hosts",
)
def rpz(request: FeedRequest, query: Query[CategoryQuery]) -> HttpResponse:
    public_only = _public_only(request)
    number = selectors.latest_version()
    body = selectors.rpz(number, public_only=public_only, category=query.category)
    return _text(body, f"copnet-{query.category or 'all'}.rpz", number)


@router.get(
    "/feed/hosts",
    response=errors(403),
    summary="Hosts file of blocked hosts",
    openapi_extra={**OPTIONAL_KEY, "responses": {200: _TEXT_RESPONSE}},
)
def hosts(request: FeedRequest, query: Query[CategoryQuery]) -> HttpResponse:
    public_only = _public_only(request)
    number = selectors.latest_version()
    body = selectors.hosts(number, public_only=public_only, category=query.category)
    return _text(body, f"copnet-{query.category or 'all'}.hosts", number)


@router.get(
    "/feed/list",
    response=errors(403),
    openapi_extra={**OPTIONAL_KEY, "responses": {200: _LIST_RESPONSE}},
    summary="Plain text or JSON list of hosts, addresses or image hashes",
)
def plain_list(request: FeedRequest, query: Query[ListQuery]) -> HttpResponse:
    public_only = _public_only(request)
    kind, format = query.kind, query.format
    number = selectors.latest_version()
    rows = selectors.plain_list(number, public_only=public_only, kind=kind, category=query.category)
    if format == "json":
        body = json.dumps(
            {
                "version": number,
                "kind": kind,
                "entries": [
                    {
                        "value": r["value"],
                        **({"signal_type": r["signal_type"]} if r["signal_type"] else {}),
                        "category": r["category__code"],
                        "severity": r["severity"],
                    }
                    for r in rows.iterator(chunk_size=5000)
                ],
            }
        )
        response = HttpResponse(body, content_type="application/json")
        response["X-Feed-Version"] = str(number)
        return response
    lines = (
        (f"{r['signal_type']} {r['value']}" if r["signal_type"] else r["value"])
        for r in rows.iterator(chunk_size=5000)
    )
    return _text("".join(f"{line}\n" for line in lines), f"copnet-{kind}.txt", number)
