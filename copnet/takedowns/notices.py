"""The removal notice: the same text in Vietnamese, then in English, and as a PDF."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.core.links import absolute_reverse
from copnet.core.pdf import ReportPdf

from .choices import DEADLINE_HOURS, URGENCY_CAP_HOURS, ItemKind, LegalBasis, Urgency
from .legal import legal_grounds
from .models import RemovalRequest

# Apps above takedowns add lines to a notice (the repeat-violator rule, `violators`):
# each takes the request and the notice's language and returns lines (may be empty).
NOTICE_ADDENDA: list[Callable[[RemovalRequest, str], list[str]]] = []


def deadline_is_law(request: RemovalRequest) -> bool:
    """Decree 147/2024 sets 24 h (a competent authority's request) and 48 h (a user's
    complaint); the 72 h for platform terms and the 12 h for urgent cases are Network policy."""
    hours = DEADLINE_HOURS[request.legal_basis]
    cap = URGENCY_CAP_HOURS.get(request.urgency)
    return request.legal_basis != LegalBasis.PLATFORM_TERMS and (cap is None or cap >= hours)


def _deadline_source(request: RemovalRequest) -> str:
    if deadline_is_law(request):
        return _("set by law: Decree 147/2024/NĐ-CP")
    return _("Network policy, not a legal deadline")


def _deadline_text(request: RemovalRequest, deadline: dt.datetime | None) -> str:
    source = _deadline_source(request)
    if deadline is None:
        hours = DEADLINE_HOURS[request.legal_basis]
        cap = URGENCY_CAP_HOURS.get(request.urgency)
        return (
            _("%(hours)s hours after this notice is received")
            % {"hours": min(hours, cap) if cap else hours}
            + f" ({source})"
        )
    local = timezone.localtime(deadline)
    return local.strftime("%d/%m/%Y %H:%M") + " (" + str(local.tzinfo) + "; " + source + ")"


def _one_language(request: RemovalRequest, deadline: dt.datetime | None, language: str) -> str:
    with translation.override(language):
        category = request.case.category
        category_name = category.name_vi if language == "vi" else category.name_en
        authority = request.issuing_authority
        organisation = authority.organisation if authority else None
        issuer = (
            (organisation.name_vi if language == "vi" else organisation.name_en)
            if organisation
            else _("(no issuing authority chosen)")
        )
        approved = request.approved_at
        on = timezone.localtime(approved).date() if approved else timezone.localdate()
        lines = [
            _("REQUEST TO REMOVE CONTENT HARMFUL TO CHILDREN"),
            "",
            _("Issued by: %(authority)s") % {"authority": issuer},
            _("Document number: %(number)s")
            % {"number": request.document_number or _("(not yet approved)")},
            _("Date: %(date)s") % {"date": on.strftime("%d/%m/%Y")},
            _("Reference: %(reference)s") % {"reference": request.reference},
            _("To: %(platform)s") % {"platform": request.platform.name},
            _(
                "Transmitted by: Vietnam Child Online Protection Network (VN-COP), on behalf "
                "of the issuing authority"
            ),
            _("Legal basis: %(basis)s") % {"basis": LegalBasis(request.legal_basis).label},
            *(f"  - {ground.text(language)}" for ground in legal_grounds(category.code, on)),
            _("Urgency: %(urgency)s") % {"urgency": Urgency(request.urgency).label},
            _("Remove by: %(deadline)s") % {"deadline": _deadline_text(request, deadline)},
            _("Harm: %(category)s") % {"category": category_name},
            "",
            _("Please remove or block access to:"),
        ]
        for number, item in enumerate(request.items.all(), start=1):
            label = _("Address") if item.kind == ItemKind.URL else _("Account")
            lines.append(f"  {number}. {label}: {item.value}")
        for addendum in NOTICE_ADDENDA:
            extra = addendum(request, language)
            if extra:
                lines += ["", *extra]
        lines += [
            "",
            _(
                "Please answer through the COPNet callback API or by replying to this message "
                "with the reference above, saying whether the content was removed or why not."
            ),
        ]
        if site_is_public():
            lines.append(_("Answers: %(url)s") % {"url": absolute_reverse("api:openapi-view")})
        lines += [
            "",
            _("Signatory: %(signatory)s")
            % {"signatory": request.signatory or _("(not yet approved)")},
        ]
    return "\n".join(lines)


def site_is_public() -> bool:
    """Is `SITE_URL` an address a platform can reach? A notice never carries a link to a
    loopback, private or local host (the laptop default http://127.0.0.1:8000): it then
    leaves the link out, and the request's page tells staff to set SITE_URL."""
    host = (urlsplit(settings.SITE_URL).hostname or "").lower().rstrip(".")
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host
    return address.is_global


def reminder_line(request: RemovalRequest) -> str:
    """The first lines of a re-notice (empty for the first notice), Vietnamese then English."""
    if not request.renotice_count or request.sent_at is None:
        return ""
    first = timezone.localtime(request.sent_at).strftime("%d/%m/%Y %H:%M")
    lines = []
    for language in ("vi", "en"):
        with translation.override(language):
            lines.append(
                _(
                    "REMINDER %(number)s: this request was first sent on %(first)s and the "
                    "content is still not removed."
                )
                % {"number": request.renotice_count, "first": first}
            )
    return "\n".join(lines) + "\n\n"


def notice_text(request: RemovalRequest, deadline: dt.datetime | None = None) -> str:
    """Vietnamese first (the legally binding text), English second."""
    deadline = deadline or request.deadline
    return (
        _one_language(request, deadline, "vi")
        + "\n\n----------------------------------------\n\n"
        + _one_language(request, deadline, "en")
    )


def notice_pdf(request: RemovalRequest) -> bytes:
    text = request.notice or notice_text(request)
    authority = request.issuing_authority
    title = authority.organisation.abbreviation if authority else "VN-COP"
    number = request.document_number or request.reference
    pdf = ReportPdf(f"{title} · {number}", footer=f"{number} · {request.reference}")
    for block in text.split("\n\n----------------------------------------\n\n"):
        pdf.paragraph(block)
        pdf.ln(4)
    return pdf.output_bytes()
