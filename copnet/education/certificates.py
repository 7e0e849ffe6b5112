"""Printable certificates for a class: one page per learner who completed a course."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from copnet.core.pdf import FONT, ReportPdf

from .models import Classroom, Completion, Course


def class_certificates_pdf(*, classroom: Classroom, course: Course) -> tuple[bytes, int]:
    """The PDF and the number of certificates in it (learners known by their made-up name)."""
    completions = (
        Completion.objects.filter(learner__classroom=classroom, course=course)
        .select_related("learner")
        .order_by("learner__pseudonym")
    )
    pdf = ReportPdf(_("Certificates: %(course)s") % {"course": course.title}, footer=classroom.name)
    count = 0
    for completion in completions:
        learner = completion.learner
        if learner is None:  # never: the query goes through the learner's class
            continue
        if count:
            pdf.add_page()
        count += 1
        pdf.ln(30)
        pdf.set_font(FONT, "B", 26)
        pdf.multi_cell(
            0, 12, _("Certificate of completion"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(10)
        pdf.set_font(FONT, "", 14)
        pdf.multi_cell(
            0, 8, _("This certifies that"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(4)
        pdf.set_font(FONT, "B", 24)
        pdf.multi_cell(0, 12, learner.pseudonym, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
        pdf.set_font(FONT, "", 14)
        pdf.multi_cell(
            0, 8, _("has completed the course"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font(FONT, "B", 16)
        pdf.multi_cell(0, 10, course.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(8)
        pdf.set_font(FONT, "", 12)
        pdf.multi_cell(
            0,
            7,
            _("Class %(name)s, %(date)s")
            % {
                "name": classroom.name,
                "date": date_format(timezone.localtime(completion.completed_at), "DATE_FORMAT"),
            },
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(12)
        pdf.multi_cell(
            0, 7, _("Need help? Call 111, free, 24/7 (child protection hotline)."), align="C"
        )
    if not count:
        pdf.paragraph(_("No one in this class has completed this course yet."))
    return pdf.output_bytes(), count
