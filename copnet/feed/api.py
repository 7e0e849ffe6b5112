"""The protection feed for ecosystem apps: hash-prefix lookups, diffs, RPZ, hosts, lists.

With an API key: the whole feed. Without one: only what the coordinator marked public. A key
that is present but wrong is refused (401), never downgraded to the public feed."""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from copnet.accounts.permissions import Perm, has_perm
from copnet.accounts.services import authenticate_api_key
from copnet.core.errors import ApiError

from . import selectors
from .choices import EntryKind
from .schemas import LookupIn

ANONYMOUS = "anonymous"
_PREFIX = re.compile(r"[0-9a-f]{8}")


def feed_auth(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if not header:
        return ANONYMOUS
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return authenticate_api_key(token.strip())


feed_auth.openapi_description = "Optional: a partner API key (Bearer) for the full feed."  # type: ignore[attr-defined]
router = Router(tags=["protection feed"], auth=feed_auth)


def _public_only(request: HttpRequest) -> bool:
    client = request.auth  # type: ignore[attr-defined]
    if client == ANONYMOUS:  # counted per address by the API's throttle (api-anonymous)
        return True
    if not has_perm(client, Perm.READ_FEED):
        raise ApiError(403, "forbidden", _("This key may not read the feed."))
    return False


def _version(raw: int | None) -> int:
    latest = selectors.latest_version()
    if raw is None:
        return latest
    if raw < 0 or raw > latest:
        raise ApiError(404, "unknown_version", _("There is no such feed version."))
    return raw


@router.get("/feed/versions", summary="Published versions of the feed")
def versions(request: HttpRequest) -> dict[str, Any]:
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


@router.post("/feed/lookup", summary="Full hashes for 4-byte SHA-256 prefixes (Safe Browsing)")
def lookup(request: HttpRequest, payload: LookupIn) -> dict[str, Any]:
    public_only = _public_only(request)
    prefixes = []
    for raw in payload.prefixes:
        text = raw.strip().lower()
        if not _PREFIX.fullmatch(text):
            raise ApiError(
                422, "bad_prefix", _("Each prefix is 8 hexadecimal digits (4 bytes of SHA-256).")
            )
        prefixes.append(bytes.fromhex(text))
    return selectors.lookup(prefixes, public_only=public_only)


@router.get("/feed/prefixes", summary="Every 4-byte prefix in a version (for a local copy)")
def prefixes(request: HttpRequest, version: int | None = None) -> dict[str, Any]:
    public_only = _public_only(request)
    number = _version(version)
    return {
        "version": number,
        "prefixes": sorted(selectors.prefixes_at(number, public_only=public_only)),
    }


@router.get("/feed/diff", summary="Prefixes added and removed between two versions")
def diff(request: HttpRequest, since: int, version: int | None = None) -> dict[str, Any]:
    public_only = _public_only(request)
    old, new = _version(since), _version(version)
    if old > new:
        raise ApiError(422, "bad_range", _("The first version must not be after the second."))
    return selectors.diff(old, new, public_only=public_only)


def _text(body: str, filename: str, version: int) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Feed-Version"] = str(version)
    return response


def _category(raw: str) -> str:
    if raw and not re.fullmatch(r"[a-z0-9_-]{1,32}", raw):
        raise ApiError(422, "bad_category", _("Unknown category."))
    return raw


@router.get("/feed/rpz", summary="DNS Response Policy Zone of blocked hosts")
def rpz(request: HttpRequest, category: str = "") -> HttpResponse:
    public_only = _public_only(request)
    number = selectors.latest_version()
    body = selectors.rpz(number, public_only=public_only, category=_category(category))
    return _text(body, f"copnet-{category or 'all'}.rpz", number)


@router.get("/feed/hosts", summary="Hosts file of blocked hosts")
def hosts(request: HttpRequest, category: str = "") -> HttpResponse:
    public_only = _public_only(request)
    number = selectors.latest_version()
    body = selectors.hosts(number, public_only=public_only, category=_category(category))
    return _text(body, f"copnet-{category or 'all'}.hosts", number)


@router.get("/feed/list", summary="Plain text or JSON list of hosts, addresses or image hashes")
def plain_list(
    request: HttpRequest, kind: str = EntryKind.HOST, category: str = "", format: str = "txt"
) -> HttpResponse:
    public_only = _public_only(request)
    if kind not in EntryKind.values or format not in {"txt", "json"}:
        raise ApiError(422, "bad_kind", _("kind is host, url or hash; format is txt or json."))
    number = selectors.latest_version()
    rows = selectors.plain_list(
        number, public_only=public_only, kind=kind, category=_category(category)
    )
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
