from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from copnet.network.selectors import active_organisations
from copnet.taxonomy.models import HarmCategory

from .choices import ActionKind, CaseStatus, Outcome, Priority


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), ("all", _("All"))] + list(CaseStatus.choices),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=HarmCategory.objects.all(),
        to_field_name="code",
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=active_organisations(),
        to_field_name="code",
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any"))] + list(Priority.choices),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("My cases"), required=False)
    my_org = forms.BooleanField(label=_("My organisation"), required=False)
    unassigned = forms.BooleanField(label=_("Unassigned"), required=False)

    CHECKBOXES = ("overdue", "mine", "my_org", "unassigned")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        if data.get("category"):
            data["category"] = data["category"].code
        return data


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of this filter"), max_length=80)
    query = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—")] + list(Outcome.choices)
    )
    merge_into = forms.CharField(
        label=_("Merge into case (reference)"), required=False, max_length=20
    )
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action"), choices=ActionKind.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message the reporter will see"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReassignForm(forms.Form):
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=active_organisations(), to_field_name="code"
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting organisations"),
        required=False,
        queryset=active_organisations(),
        to_field_name="code",
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Which bodies are active depends on today's date, not on when the module was loaded.
        cast("forms.ModelChoiceField[Any]", self.fields["lead"]).queryset = active_organisations()
        cast(
            "forms.ModelChoiceField[Any]", self.fields["supporting"]
        ).queryset = active_organisations()
