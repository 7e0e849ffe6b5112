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


class ReportMessageForm(forms.Form):
    """Shapes only: which report (its tracking code) and the text; the service refuses an empty
    text, markup, and a report that is not part of the case, with translated messages."""

    report = forms.CharField(widget=forms.HiddenInput, max_length=16)
    text = forms.CharField(
        label=_("Message this reporter will see"),
        required=False,  # the service refuses empty and too long texts with their messages
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


class CorrectionForm(forms.Form):
    """Correct triage; a value left as it is counts as not changed (cases.corrections)."""

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=HarmCategory.objects.all(), to_field_name="code"
    )
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=Priority.choices)
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"),
        required=False,
        queryset=active_organisations(),
        to_field_name="code",
        help_text=_("Leave it as it is to follow the new category's routing."),
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting organisations"),
        required=False,
        queryset=active_organisations(),
        to_field_name="code",
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "supporting"):
            cast("forms.ModelChoiceField[Any]", self.fields[name]).queryset = active_organisations()


class DecisionForm(forms.Form):
    """Accept or reject: the classifier's suggestion, a proposal to join two cases."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class AssignForm(forms.Form):
    assignee = forms.IntegerField(label=_("Assign to"), required=False, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class SplitForm(forms.Form):
    report = forms.CharField(label=_("Report (tracking code)"), max_length=16)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into case (reference)"), max_length=20)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
