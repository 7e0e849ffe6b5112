from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from copnet.taxonomy.models import HarmCategory

from .choices import EntryKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The lines are"),
        choices=[
            (EntryKind.HOST, _("Hosts (block with subdomains)")),
            (EntryKind.URL, _("Addresses")),
        ],
    )
    category = forms.ModelChoiceField(queryset=HarmCategory.objects.all(), label=_("Harm category"))
    file = forms.FileField(label=_("List file (one per line)"), required=False)
    text = forms.CharField(
        label=_("Or paste the list"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source_label = forms.CharField(label=_("Source"), max_length=200, required=False)
    review_on = forms.DateField(label=_("Review or expiry date"), required=False)
    is_public = forms.BooleanField(label=_("Public (readable without an API key)"), required=False)


class CaseForm(forms.Form):
    reference = forms.CharField(label=_("Closed case reference"), max_length=20)
    hosts = forms.CharField(
        label=_("Hosts to block whole (one per line, optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PublicForm(forms.Form):
    category = forms.ModelChoiceField(queryset=HarmCategory.objects.all(), label=_("Harm category"))
    is_public = forms.BooleanField(label=_("Public"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search entries"), max_length=200, required=False)


class AppealForm(forms.Form):
    address = forms.CharField(label=_("Blocked web address"), max_length=2048)
    contact = forms.EmailField(label=_("Your e-mail"))
    explanation = forms.CharField(
        label=_("Why should it be unblocked?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DecideForm(forms.Form):
    uphold = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)
