"""The certificate of volunteer hours (PDF, built with core.pdf.ReportPdf)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from copnet.core.pdf import ReportPdf
from copnet.core.provinces import province_name

from .choices import AssignmentStatus
from .models import Assignment, Volunteer
from .selectors import total_hours


def certificate_number(volunteer: Volunteer, issued: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{volunteer.pk}:{issued}".encode()).hexdigest()
    return f"CTV-{volunteer.pk:05d}-{digest[:8].upper()}"


def certificate_pdf(volunteer: Volunteer) -> bytes:
    """Every reported task with its hours, and the total. Contains no case content."""
    today = timezone.localdate()
    done = (
        Assignment.objects.filter(volunteer=volunteer, status=AssignmentStatus.REPORTED)
        .select_related("task")
        .order_by("reported_at")
    )
    pdf = ReportPdf(
        _("Certificate of volunteer hours"),
        footer=_("Child Online Protection Network (VN-COP)"),
    )
    pdf.paragraph(
        _(
            "The Child Online Protection Network certifies that the volunteer named below has "
            "contributed the following hours to protecting children online."
        )
    )
    pdf.key_values(
        [
            (_("Volunteer"), volunteer.user.full_name or volunteer.user.email),
            (_("Province"), province_name(volunteer.province)),
            (_("Member since"), date_format(timezone.localtime(volunteer.joined_at).date())),
            (_("Total hours"), f"{total_hours(volunteer)}"),
            (_("Tasks completed"), str(done.count())),
            (_("Issued on"), date_format(today)),
            (_("Certificate number"), certificate_number(volunteer, today.isoformat())),
        ]
    )
    if done:
        pdf.heading(_("Tasks"))
        pdf.data_table(
            [_("Date"), _("Task"), _("Hours")],
            [
                [
                    date_format(timezone.localtime(a.reported_at).date(), "SHORT_DATE_FORMAT"),
                    a.task.title,
                    float(a.hours),
                ]
                for a in done
            ],
            col_widths=(30, 120, 24),
        )
    return pdf.output_bytes()
