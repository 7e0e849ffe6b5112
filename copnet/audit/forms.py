from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (e-mail)"), required=False, max_length=254)
    organisation = forms.CharField(label=_("Actor's organisation"), required=False, max_length=32)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any"))] + list(AuditAction.choices)
    )
    target_type = forms.CharField(label=_("Record type"), required=False, max_length=100)
    target_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    searched_for = forms.CharField(
        label=_("Searched for"),
        required=False,
        max_length=300,
        help_text=_(
            "Staff searches of exactly this whole text (letter case aside). The trail keeps"
            " only a fingerprint of each search, so a part of it finds nothing."
        ),
    )
    date_from = forms.DateField(label=_("From date"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
