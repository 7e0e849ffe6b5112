"""The volunteers' simplified reporting path, and feedback on the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.cases.choices import REJECTION_OUTCOMES, CaseStatus
from copnet.core.mail import queue_email
from copnet.reports.choices import Channel
from copnet.reports.models import Report
from copnet.reports.services import ReportInput, check_report, submit_report

from ..choices import ReportOutcome
from ..models import Volunteer, VolunteerReport
from ..training import training_complete
from .common import deny
from .membership import touch

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.cases.models import Case


def is_trusted_reporter(volunteer: Volunteer) -> bool:
    return has_perm(volunteer.user, Perm.VOLUNTEER_TRUSTED_REPORT) and training_complete(volunteer)


def do_volunteer_report(
    *, volunteer: Volunteer, data: ReportInput, actor: Principal | None
) -> Report:
    """File a report for the volunteer. A trusted volunteer's report starts with higher trust:
    triage raises its case one priority step (see detectors.py). Raises IntakeError."""
    if getattr(actor, "pk", None) != volunteer.user_id or not has_perm(
        actor, Perm.VOLUNTEER_REPORT
    ):
        deny(actor=actor, reason="volunteer report without permission", target=volunteer)
    data.province = data.province or volunteer.province
    checked = check_report(data)
    trusted = is_trusted_reporter(volunteer)
    with transaction.atomic():
        report, _secret = submit_report(checked, channel=Channel.VOLUNTEER, actor=actor)
        link = VolunteerReport.objects.create(report=report, volunteer=volunteer, trusted=trusted)
        record_change(
            actor=actor, action=AuditAction.CREATE, target=link, changes={"trusted": trusted}
        )
    touch(volunteer)
    return report


def outcome_of(case: Case) -> str:
    """confirmed / not_harmful / pending, from the case (following merges)."""
    seen = 0
    while case.status == CaseStatus.MERGED and case.merged_into is not None and seen < 10:
        case = case.merged_into
        seen += 1
    if case.status == CaseStatus.REJECTED or (
        case.status == CaseStatus.CLOSED and case.outcome in REJECTION_OUTCOMES
    ):
        return ReportOutcome.NOT_HARMFUL
    if case.status in {CaseStatus.CLOSED, CaseStatus.ACTION_TAKEN}:
        return ReportOutcome.CONFIRMED
    return ReportOutcome.PENDING


def adopt_volunteer_channel_reports() -> int:
    """Reports a volunteer filed through the older full form (/report/volunteer/) get
    feedback too: link them to the volunteer, with basic trust."""
    unlinked = Report.objects.filter(
        channel=Channel.VOLUNTEER,
        volunteer_link__isnull=True,
        submitted_by__volunteer__isnull=False,
    ).values_list("pk", "submitted_by__volunteer")
    links = [VolunteerReport(report_id=pk, volunteer_id=vid) for pk, vid in unlinked]
    VolunteerReport.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)


def refresh_report_outcomes() -> int:
    """Record decided outcomes of pending volunteer reports and tell the volunteers (the
    outcome only: never the case's content). Safe to run again. Returns how many changed."""
    adopt_volunteer_channel_reports()
    changed = 0
    pending = VolunteerReport.objects.filter(outcome=ReportOutcome.PENDING).select_related(
        "report__case", "volunteer__user"
    )
    for link in pending:
        outcome = outcome_of(link.report.case)
        if outcome == ReportOutcome.PENDING:
            continue
        with transaction.atomic():
            updated = VolunteerReport.objects.filter(
                pk=link.pk, outcome=ReportOutcome.PENDING
            ).update(outcome=outcome, decided_at=timezone.now(), notified_at=timezone.now())
            if not updated:
                continue
            changed += 1
            user = link.volunteer.user
            if user.is_active:
                with translation.override(user.language or "vi"):
                    queue_email(
                        key=f"volunteers.report_feedback:{link.pk}",
                        to=[user.email],
                        subject=_("Feedback on your report"),
                        body=_(
                            "Your report %(code)s has been checked. Outcome: %(outcome)s.\n\n"
                            "Thank you for helping keep children safe online."
                        )
                        % {
                            "code": link.report.tracking_code,
                            "outcome": ReportOutcome(outcome).label,
                        },
                    )
    return changed
