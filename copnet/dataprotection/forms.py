from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from copnet.network.models import Organisation

from .choices import ConsentGiver, ConsentPurpose, Ground, RequestKind

SEE_ONLY = ""


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask?"),
        required=False,
        choices=[(SEE_ONLY, _("Only see my earlier requests and answers")), *RequestKind.choices],
    )
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput)
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=4000,
        help_text=_("For a correction: what is wrong and what is right. For an objection: why."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the person"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Legal ground"), choices=[("", "—"), *Ground.choices], required=False
    )
    answer = forms.CharField(
        label=_("Answer to the person"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GroundForm(forms.Form):
    ground = forms.ChoiceField(label=_("Legal ground"), choices=Ground.choices)
    basis = forms.CharField(label=_("Legal basis (law, article, document)"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BreachForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    summary = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    data_categories = forms.CharField(label=_("Data concerned"), max_length=200)
    subjects_affected = forms.IntegerField(
        label=_("People affected (estimate)"), min_value=0, max_value=100_000_000
    )
    discovered_at = forms.DateTimeField(
        label=_("Discovered"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: object, organisations: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class BreachMoveForm(forms.Form):
    reference = forms.CharField(label=_("Notification reference"), required=False, max_length=100)
    answer = forms.CharField(
        label=_("Assessment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
