"""The campaign report (PDF): plan, activities and attendance, reach, completions, survey."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from copnet.core.pdf import ReportPdf
from copnet.core.provinces import province_name

from .choices import CampaignChannel, TargetGroup
from .models import Campaign
from .selectors import reach


def _labels(values: list[str], choices: type[TextChoices]) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names.get(v, v)) for v in values) or "—"


def campaign_report_pdf(campaign: Campaign) -> bytes:
    figures = reach(campaign)
    pdf = ReportPdf(
        _("Campaign report: %(title)s") % {"title": campaign.title},
        footer=_("COPNet · generated %(date)s")
        % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
    )
    pdf.heading(_("Plan"))
    pdf.key_values(
        [
            (_("Organiser"), campaign.organisation.name),
            (_("Partners"), ", ".join(o.name for o in campaign.partners.all()) or "—"),
            (
                _("Dates"),
                f"{date_format(campaign.starts_on, 'DATE_FORMAT')} – "
                f"{date_format(campaign.ends_on, 'DATE_FORMAT')}",
            ),
            (_("Target groups"), _labels(campaign.target_groups, TargetGroup)),
            (_("Channels"), _labels(campaign.channels, CampaignChannel)),
            (
                _("Provinces"),
                ", ".join(province_name(p) for p in campaign.provinces) or _("Nationwide"),
            ),
        ]
    )
    pdf.paragraph(campaign.goal)
    pdf.heading(_("Reach"))
    pdf.key_values(
        [
            (_("Visits through tracked links and QR codes"), str(figures.visits)),
            (_("Courses completed after a campaign visit"), str(figures.completions)),
            (_("Activities held"), str(figures.activities)),
            (_("Children attending"), str(figures.children_attending)),
            (_("Adults attending"), str(figures.adults_attending)),
        ]
    )
    if figures.links:
        pdf.data_table(
            [_("Tracked link"), _("Code"), _("Visits")],
            [(link.label, link.code, link.visits) for link in figures.links],
            col_widths=(100, 40, 34),
        )
    if figures.completions_by_course:
        pdf.data_table(
            [_("Course"), _("Completions")], figures.completions_by_course, col_widths=(140, 34)
        )
    activities = list(campaign.activities.all())
    if activities:
        pdf.heading(_("Activities and attendance"))
        pdf.data_table(
            [_("Date"), _("Activity"), _("Province"), _("Children"), _("Adults")],
            [
                (
                    date_format(a.held_on, "SHORT_DATE_FORMAT"),
                    a.title,
                    province_name(a.province) if a.province else "—",
                    a.children_attending,
                    a.adults_attending,
                )
                for a in activities
            ],
            col_widths=(26, 66, 40, 21, 21),
        )
    if figures.survey:
        pdf.heading(_("Survey before and after (average, 1 to 5)"))
        pdf.paragraph(
            _("%(before)d answers before, %(after)d after.")
            % {"before": figures.responses_before, "after": figures.responses_after}
        )
        pdf.data_table(
            [_("Statement"), _("Before"), _("After"), _("Change")],
            [
                (
                    row.prompt,
                    "—" if row.before is None else f"{row.before:.2f}",
                    "—" if row.after is None else f"{row.after:.2f}",
                    "—" if row.change is None else f"{row.change:+.2f}",
                )
                for row in figures.survey
            ],
            col_widths=(104, 23, 23, 24),
        )
    pdf.paragraph(
        _(
            "Counts only: COPNet records no personal data about visitors, learners "
            "or survey respondents."
        ),
        size=8,
    )
    return pdf.output_bytes()
