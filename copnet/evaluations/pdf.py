"""The printable evaluation report (core.pdf.ReportPdf)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from copnet.core.links import absolute_reverse
from copnet.core.pdf import ReportPdf

from .choices import ScoreValue
from .models import Evaluation
from .selectors import section_results


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{formats.number_format(value, 1)} %"


def evaluation_report(evaluation: Evaluation) -> bytes:
    product = evaluation.product
    link = absolute_reverse("ecosystem:product", product.slug)
    pdf = ReportPdf(
        title=_("Evaluation report: %(product)s") % {"product": product.name},
        footer=f"COPNet · {evaluation.reference} · {link}",
    )
    pdf.key_values(
        [
            (_("Vendor"), product.vendor.name),
            (_("Kind"), product.get_kind_display()),
            (_("Platforms"), ", ".join(product.platform_labels)),
            (_("Ages"), f"{product.age_min}–{product.age_max}"),
            (_("Good for"), ", ".join(product.purpose_labels)),
            (_("Criteria"), str(evaluation.criteria_set)),
            (_("Evaluators"), str(evaluation.assignments.count())),
            (_("Weighted score"), _percent(evaluation.score)),
            (
                _("Mandatory criteria"),
                _("all met") if evaluation.mandatory_met else _("not all met"),
            ),
            (_("Verdict"), evaluation.get_verdict_display()),
            (
                _("Valid until"),
                formats.date_format(evaluation.expires_on) if evaluation.expires_on else "—",
            ),
        ]
    )
    if evaluation.summary:
        pdf.heading(_("Summary"))
        pdf.paragraph(evaluation.summary)
    sections = section_results(evaluation)
    pdf.heading(_("Results by section"))
    pdf.data_table(
        [_("Section"), _("Score")],
        [(s.title, _percent(s.score)) for s in sections],
        col_widths=(130, 44),
    )
    labels = dict(ScoreValue.choices)
    pdf.heading(_("Results by criterion"))
    pdf.data_table(
        [_("Code"), _("Criterion"), _("Weight"), _("Result")],
        [
            (
                item.code + (" *" if item.mandatory else ""),
                item.text,
                item.weight,
                str(labels.get(item.final_value, "—")),
            )
            for s in sections
            for item in s.items
        ],
        col_widths=(22, 106, 16, 30),
    )
    pdf.paragraph(_("* mandatory criterion"), size=8)
    return pdf.output_bytes()
