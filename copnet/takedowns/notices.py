"""The removal notice: the same text in Vietnamese, then in English, and as a PDF."""

from __future__ import annotations

import datetime as dt
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.core.links import absolute_reverse
from copnet.core.pdf import ReportPdf

from .choices import DEADLINE_HOURS, ItemKind, LegalBasis, Urgency
from .models import RemovalRequest


def _deadline_text(request: RemovalRequest, deadline: dt.datetime | None) -> str:
    if deadline is None:
        return _("%(hours)s hours after this notice is received") % {
            "hours": DEADLINE_HOURS[request.legal_basis]
        }
    local = timezone.localtime(deadline)
    return local.strftime("%d/%m/%Y %H:%M") + " (" + str(local.tzinfo) + ")"


def _one_language(request: RemovalRequest, deadline: dt.datetime | None, language: str) -> str:
    with translation.override(language):
        category = request.case.category
        category_name = category.name_vi if language == "vi" else category.name_en
        lines = [
            _("REQUEST TO REMOVE CONTENT HARMFUL TO CHILDREN"),
            "",
            _("Reference: %(reference)s") % {"reference": request.reference},
            _("To: %(platform)s") % {"platform": request.platform.name},
            _("From: Vietnam Child Online Protection Network (VN-COP)"),
            _("Legal basis: %(basis)s") % {"basis": LegalBasis(request.legal_basis).label},
            _("Urgency: %(urgency)s") % {"urgency": Urgency(request.urgency).label},
            _("Remove by: %(deadline)s") % {"deadline": _deadline_text(request, deadline)},
            _("Harm: %(category)s") % {"category": category_name},
            "",
            _("Please remove or block access to:"),
        ]
        for number, item in enumerate(request.items.all(), start=1):
            label = _("Address") if item.kind == ItemKind.URL else _("Account")
            lines.append(f"  {number}. {label}: {item.value}")
        lines += [
            "",
            _(
                "Please answer through the COPNet callback API or by replying to this message "
                "with the reference above, saying whether the content was removed or why not."
            ),
        ]
        if site_is_public():
            lines.append(_("Answers: %(url)s") % {"url": absolute_reverse("api:openapi-view")})
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
    pdf = ReportPdf(f"VN-COP · {request.reference}", footer=request.reference)
    for block in text.split("\n\n----------------------------------------\n\n"):
        pdf.paragraph(block)
        pdf.ln(4)
    return pdf.output_bytes()
