from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from copnet.accounts.models import User
from copnet.accounts.permissions import has_network_wide_scope
from copnet.core.provinces import province_choices
from copnet.education.models import Course
from copnet.network.models import Organisation

from .choices import CampaignChannel, LinkTarget, TargetGroup
from .models import Activity, Campaign, Material, SurveyQuestion
from .services import MAX_MATERIAL_BYTES


class CampaignForm(forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TargetGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=CampaignChannel.choices, widget=forms.CheckboxSelectMultiple
    )
    provinces = forms.MultipleChoiceField(
        label=_("Provinces"),
        required=False,
        help_text=_("Leave empty for a nationwide campaign."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("Courses"),
        queryset=Course.objects.filter(is_published=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "code", "title_vi", "title_en", "organisation", "goal_vi", "goal_en", "message_vi",
            "message_en", "starts_on", "ends_on",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "goal_vi": forms.Textarea(attrs={"rows": 3}),
            "goal_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["provinces"]).choices = province_choices()
        if self.instance.pk:
            self.fields["partners"].initial = list(self.instance.partners.all())
            self.fields["courses"].initial = list(self.instance.courses.all())
        if not has_network_wide_scope(user):
            # A member organises its own campaigns only.
            own = Organisation.objects.none()
            if user.organisation_id is not None:
                own = Organisation.objects.filter(pk=user.organisation_id)
            cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"]).queryset = own
            self.fields["organisation"].initial = user.organisation_id


class MaterialForm(forms.ModelForm):
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    upload = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, PNG or JPEG, 10 MB at most.")
    )

    class Meta:
        model = Material
        fields = ["title", "kind", "language", "link"]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > MAX_MATERIAL_BYTES:
            raise forms.ValidationError(_("The file is too large (10 MB at most)."))
        return upload


class ActivityForm(forms.ModelForm):
    province = forms.ChoiceField(label=_("Province"), required=False)

    class Meta:
        model = Activity
        fields = [
            "title", "kind", "held_on", "province", "place", "children_attending",
            "adults_attending", "notes",
        ]  # fmt: skip
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["province"]).choices = [
            ("", "—"),
            *province_choices(),
        ]


class LinkForm(forms.Form):
    label = forms.CharField(label=_("Where it is used"), max_length=120)
    target = forms.ChoiceField(label=_("Leads to"), choices=LinkTarget.choices)
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.filter(is_published=True), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == LinkTarget.COURSE and not data.get("course"):
            self.add_error("course", _("Choose the course this link leads to."))
        return data


class SurveyQuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["prompt_vi", "prompt_en", "order"]


RATINGS = [(str(i), str(i)) for i in range(1, 6)]


class SurveyForm(forms.Form):
    """One 1-5 rating per statement of the campaign's survey."""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[str(question.pk)] = forms.ChoiceField(
                label=question.prompt, choices=RATINGS, widget=forms.RadioSelect
            )
