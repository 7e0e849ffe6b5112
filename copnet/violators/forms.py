from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SuspensionForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Suspended from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(
        label=_("Days (leave empty if permanent)"), required=False, min_value=1, max_value=366
    )
