"""Appeals: a site owner asks for review of a blocked address; staff decide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.text import clean_text
from copnet.detection.base import SignalError
from copnet.detection.urls import expressions, full_hash, parse_url

from ..choices import AppealStatus, EntryKind
from ..errors import FeedError, FeedErrorCode
from ..models import Appeal, FeedEntry
from .checks import refuse_format_controls
from .entries import do_withdraw

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.cases.models import Case


def matching_entries(address: str) -> list[FeedEntry]:
    """Live entries that block `address` (by its Safe Browsing expressions)."""
    hashes = [full_hash(e).hex() for e in expressions(address)]
    return list(
        FeedEntry.objects.filter(
            full_hash__in=hashes,
            withdrawn_at__isnull=True,
            kind__in=[EntryKind.URL, EntryKind.HOST],
        )
    )


def _open_case_holding(url_keys: list[str]) -> Case | None:
    """The earliest-opened open case with a report of one of these addresses, or None."""
    from copnet.cases.choices import OPEN_STATUSES
    from copnet.reports.models import ReportUrl

    found = (
        ReportUrl.objects.filter(url_key__in=url_keys, report__case__status__in=OPEN_STATUSES)
        .select_related("report__case__category")
        .order_by("report__case__created_at", "report__case_id")
        .first()
    )
    return found.report.case if found else None


def do_submit_appeal(*, address: str, contact: str, explanation: str) -> Appeal:
    """A site owner asks for review: a report opens (or joins) a case, and the appeal records
    which entries block the address. Raises FeedError or reports' IntakeError."""
    from copnet.reports.choices import Channel
    from copnet.reports.services import ReportInput, check_report, submit_report, url_lookup_key

    refuse_format_controls(address)
    address = clean_text(address, multiline=False)
    try:
        parse_url(address)
    except SignalError:
        raise FeedError(
            FeedErrorCode.BAD_URL, _("Enter the web address that is blocked.")
        ) from None
    entries = matching_entries(address)
    checked = check_report(
        ReportInput(
            category="other",
            description=_("Review request (appeal) for a blocked address:") + "\n" + explanation,
            urls=[address],
            reporter_contact=contact,
        )
    )
    # A review request is about an address, not a kind of harm: it joins the open case that
    # holds the address whatever that case's category family (cases.joining joins within one).
    holder = _open_case_holding([url_lookup_key(n) for _raw, n in checked.urls])
    if holder is not None:
        checked.category = holder.category
    with transaction.atomic():
        report, _secret = submit_report(checked, channel=Channel.WEB)
        appeal = Appeal.objects.create(
            address=address,
            contact=clean_text(contact, multiline=False),
            explanation=clean_text(explanation),
            case=report.case,
        )
        appeal.entries.set(entries)
        record_change(
            actor=None,
            action=AuditAction.CREATE,
            target=appeal,
            changes={"case": report.case.reference, "entries": len(entries)},
        )
    return appeal


def do_decide_appeal(
    *, appeal: Appeal, uphold: bool, reason: str, actor: Principal | None
) -> Appeal:
    with transaction.atomic():
        if uphold:
            for entry in appeal.entries.filter(withdrawn_at__isnull=True):
                do_withdraw(entry=entry, reason=reason or _("appeal upheld"), actor=actor)
        appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
        appeal.save(update_fields=["status"])
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=appeal,
            changes={"status": appeal.status},
            reason="appeal decided",
            note=reason,
        )
    return appeal
