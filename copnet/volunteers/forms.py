from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from copnet.core.provinces import province_choices
from copnet.reports.forms import CategoryChoiceField, MultipleImageField
from copnet.reports.services import ReportInput
from copnet.taxonomy.models import HarmCategory

from .choices import Availability, Background, Level, Skill, TaskKind, UrlCheck
from .services.applications import ApplicationInput
from .services.work import TaskInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _provinces(blank_label: Any) -> list[tuple[str, Any]]:
    return [("", blank_label), *province_choices()]


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET)
    province = forms.ChoiceField(label=_("Province or city where you live"))
    background = forms.ChoiceField(label=_("Who are you?"), choices=Background.choices)
    organisation_name = forms.CharField(
        label=_("School, union branch or employer (optional)"), max_length=200, required=False
    )
    skills = forms.MultipleChoiceField(
        label=_("What can you help with?"),
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you available?"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    hours_per_month = forms.IntegerField(
        label=_("Hours per month you can give"), min_value=1, max_value=160
    )
    motivation = forms.CharField(
        label=_("Why do you want to volunteer?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    guardian_name = forms.CharField(
        label=_("Parent or guardian's name (under 18 only)"), max_length=200, required=False
    )
    guardian_relationship = forms.CharField(
        label=_("Relationship to you (under 18 only)"), max_length=50, required=False
    )
    guardian_email = forms.EmailField(
        label=_("Parent or guardian's e-mail (under 18 only)"),
        required=False,
        help_text=_("We send your parent or guardian a link to give their consent."),
    )
    consent_vetting = forms.BooleanField(
        label=_("I agree that the Network checks the information I give (vetting).")
    )
    consent_code = forms.BooleanField(label=_("I have read and accept the code of conduct."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["province"]).choices = _provinces(_("Choose…"))

    def to_input(self) -> ApplicationInput:
        d = self.cleaned_data
        return ApplicationInput(
            full_name=d["full_name"],
            email=d["email"],
            phone=d["phone"],
            date_of_birth=d["date_of_birth"],
            province=d["province"],
            background=d["background"],
            organisation_name=d["organisation_name"],
            skills=list(d["skills"]),
            availability=list(d["availability"]),
            hours_per_month=d["hours_per_month"],
            motivation=d["motivation"],
            consent_vetting=d["consent_vetting"],
            consent_code=d["consent_code"],
            guardian_name=d["guardian_name"],
            guardian_relationship=d["guardian_relationship"],
            guardian_email=d["guardian_email"],
        )


class GuardianConsentForm(forms.Form):
    guardian_name = forms.CharField(label=_("Your full name"), max_length=200)
    agree = forms.BooleanField(
        label=_(
            "I am the parent or guardian of this young person and I agree that they volunteer "
            "with the Network, under the code of conduct, with no access to case content."
        )
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your answer"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept")),
            ("more_info", _("Ask for more information")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason, or the question for the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of task"), choices=TaskKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Question or instructions for the volunteer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    urls = forms.CharField(
        label=_("Web addresses to check (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    case_reference = forms.CharField(
        label=_("Case reference (optional: takes the case's addresses)"),
        max_length=20,
        required=False,
        help_text=_("Volunteers never see the case, only the addresses and your question."),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Skills needed"),
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    slots = forms.IntegerField(label=_("Volunteers needed"), min_value=1, max_value=500, initial=1)
    due_at = forms.DateTimeField(label=_("Due"), widget=DATETIME_WIDGET)

    def __init__(self, *args: Any, provinces: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        cast("forms.ChoiceField", self.fields["province"]).choices = provinces or _provinces(
            _("Nationwide")
        )

    def to_input(self) -> TaskInput:
        d = self.cleaned_data
        return TaskInput(
            kind=d["kind"],
            title=d["title"],
            question=d["question"],
            urls=[line for line in d["urls"].splitlines() if line.strip()],
            case_reference=d["case_reference"],
            province=d["province"],
            skills=list(d["skills"]),
            slots=d["slots"],
            due_at=d["due_at"],
        )


class ReportBackForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours spent"), min_value=0.1, max_value=100, decimal_places=1
    )
    outcome = forms.CharField(
        label=_("What did you do and find?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, urls: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urls = urls or []
        for index, url in enumerate(self.urls):
            self.fields[f"url_{index}"] = forms.ChoiceField(
                label=url, choices=UrlCheck.choices, widget=forms.RadioSelect
            )

    def url_results(self) -> dict[str, str]:
        return {url: self.cleaned_data[f"url_{i}"] for i, url in enumerate(self.urls)}


class VolunteerReportForm(forms.Form):
    """The simplified path: what, where (addresses), a short note, and pictures for adults."""

    category = CategoryChoiceField(
        label=_("What did you find?"),
        queryset=HarmCategory.objects.filter(is_active=True),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    urls = forms.CharField(
        label=_("Web addresses (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}),
    )
    platform = forms.CharField(label=_("Platform or app"), required=False, max_length=100)
    description = forms.CharField(
        label=_("Short note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    in_danger = forms.BooleanField(label=_("A child is in danger right now"), required=False)
    images = MultipleImageField(label=_("Screenshots (never of sexual abuse)"), required=False)

    def __init__(self, *args: Any, minor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if minor:
            del self.fields["images"]

    def to_input(self, province: str) -> ReportInput:
        d = self.cleaned_data
        return ReportInput(
            category=d["category"].code,
            description=d["description"],
            urls=[line for line in d["urls"].splitlines() if line.strip()],
            platform=d["platform"],
            in_danger=d["in_danger"],
            province=province,
            images=[f.read() for f in d.get("images") or []],
        )


class SettingsForm(forms.Form):
    leaderboard_opt_out = forms.BooleanField(
        label=_("Hide me from the province leaderboard"), required=False
    )


class KeyForm(forms.Form):
    name = forms.CharField(label=_("Label for the key"), max_length=100)


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you leaving? (optional)"), max_length=1000, required=False
    )
    confirm = forms.BooleanField(label=_("Yes, I want to leave the volunteer network."))
