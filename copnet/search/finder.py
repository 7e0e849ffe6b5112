"""Find anything a staff member may see from one search box (issue 17 item 1).

One string is tried as each kind of thing, every lookup an indexed equality, every result read
through `Case.objects.visible_to(principal)`: a case of another organisation is never found.
- a case reference, a report's tracking code (→ straight to the case) or a removal request's
  reference (→ the request);
- a web address or a host name, normalised as intake does (`core.urlnorm.normalise_url`) and
  compared through the keyed lookup hashes stored beside the encrypted columns
  (`ReportUrl.url_key`, `ReportUrl.host_key`);
- an MD5 (32 hex digits), SHA-256 or PDQ hash (64 hex digits) of evidence;
- a platform account name (`ReportHandle.key`).

Every search that runs is audited (`audit_search`): who searched, when, and which cases it
found, with the query only as a keyed fingerprint, so an auditor can ask "who searched for
this account?" (the audit page's "Searched for" filter) without the trail holding the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.fingerprints import search_fingerprint
from copnet.audit.services import record
from copnet.cases.models import Case
from copnet.cases.selectors import cases_visible_to
from copnet.core.cleaning import clean_field, has_format_controls
from copnet.core.urlnorm import UrlError, normalise_url
from copnet.reports.lookups import handle_lookup_key, host_lookup_key
from copnet.reports.services import url_lookup_key
from copnet.takedowns.models import RemovalRequest

from .errors import SearchError, SearchErrorCode

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

MAX_QUERY = 300
MAX_HITS = 50
_CODE = re.compile(r"[A-Z0-9-]{6,20}")
_HEX = re.compile(r"[0-9a-f]+")
_BROKEN = "\ufffd"  # what Django puts where the query string held invalid UTF-8


@dataclass(frozen=True)
class Hit:
    case: Case
    matched: str  # what matched, translated: "tracking code", "web address"…


@dataclass
class Found:
    query: str
    redirect: str | None = None
    hits: list[Hit] = field(default_factory=list)


def clean_query(raw: object) -> str:
    if isinstance(raw, str) and len(raw) > MAX_QUERY * 4:
        raise _too_long()
    try:
        text = clean_field(raw, limit=MAX_QUERY, field="q", multiline=False, error=SearchError)
    except SearchError as exc:
        if exc.code == SearchErrorCode.TOO_LONG:
            raise _too_long() from None
        raise
    text = text.strip()
    if not text:
        raise SearchError(SearchErrorCode.REQUIRED, field="q")
    if _BROKEN in text or has_format_controls(text):
        raise SearchError(SearchErrorCode.INVALID, field="q")
    return text


def _too_long() -> SearchError:
    return SearchError(
        SearchErrorCode.TOO_LONG,
        _("This search is too long: at most %(limit)s characters.") % {"limit": MAX_QUERY},
        field="q",
    )


SEARCH_TARGET = "search"


def find(principal: Principal | None, raw: object) -> Found:
    """What `raw` names among the rows `principal` may see (audited); SearchError for unusable
    input (nothing searched, nothing audited)."""
    found = _find(principal, clean_query(raw))
    audit_search(principal, found)
    return found


def audit_search(principal: Principal | None, found: Found) -> None:
    cases = [hit.case.reference for hit in found.hits]
    record(
        actor=principal,
        action=AuditAction.VIEW,
        target_type=SEARCH_TARGET,
        target_id=search_fingerprint(found.query),
        changes={"found": found.redirect or len(cases), "cases": cases},
    )


def _find(principal: Principal | None, query: str) -> Found:
    found = Found(query=query)
    cases = cases_visible_to(principal)
    code = query.upper()
    if _CODE.fullmatch(code):
        case = cases.filter(reference=code).first()
        if case is None:
            case = cases.filter(reports__tracking_code=code).first()
        if case is not None:
            found.redirect = reverse("cases:detail", args=[case.reference])
            return found
        removal = RemovalRequest.objects.visible_to(principal).filter(reference=code).first()
        if removal is not None:
            found.redirect = reverse("takedowns:detail", args=[removal.reference])
            return found
    seen: set[int] = set()
    for matched, condition in _conditions(query):
        for case in _matching(cases, condition):
            if case.pk not in seen:
                seen.add(case.pk)
                found.hits.append(Hit(case=case, matched=matched))
    found.hits = found.hits[:MAX_HITS]
    return found


def _matching(cases: QuerySet[Case], condition: Q) -> list[Case]:
    ids = cases.filter(condition).values("pk")
    return list(
        Case.objects.select_related("category", "lead_org")
        .filter(pk__in=ids)
        .order_by("-created_at")[:MAX_HITS]
    )


def _conditions(query: str) -> list[tuple[str, Q]]:
    out: list[tuple[str, Q]] = []
    lowered = query.lower()
    if len(lowered) in (32, 64) and _HEX.fullmatch(lowered):
        if len(lowered) == 32:
            out.append((_("image hash (MD5)"), Q(reports__evidence__md5=lowered)))
        else:
            out.append((_("image hash (SHA-256)"), Q(reports__evidence__sha256=lowered)))
            out.append((_("image hash (PDQ)"), Q(reports__evidence__pdq=lowered)))
        return out
    if " " not in query and ("." in query or "://" in query):
        try:
            address = normalise_url(query)
        except UrlError:
            address = None
        if address is not None:
            out.append((_("web address"), Q(reports__urls__url_key=url_lookup_key(address))))
            bare = "/" not in query.split("://", 1)[-1].rstrip("/")
            if bare:
                out.append((_("domain"), Q(reports__urls__host_key=host_lookup_key(address.host))))
    out.append((_("account name"), Q(reports__handles__key=handle_lookup_key(query))))
    return out
