from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ANSWER_STATUSES, LegalBasis, RefusalReason, RequestStatus, Urgency
from .models import Platform

TEXTAREA = {"rows": 4, "maxlength": 50_000}


class RequestForm(forms.Form):
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.filter(is_active=True), label=_("Platform")
    )
    urls = forms.CharField(
        label=_("Addresses to remove (one per line)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    accounts = forms.CharField(
        label=_("Accounts to remove (one per line)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=LegalBasis.choices, initial=LegalBasis.AUTHORITY_REQUEST
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Platform's answer"),
        choices=[(s.value, s.label) for s in map(RequestStatus, ANSWER_STATUSES)],
    )
    refusal_reason = forms.ChoiceField(
        label=_("Reason for a refusal"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
    )
    platform_ref = forms.CharField(label=_("Platform's reference"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), *RequestStatus.choices, ("all", _("All"))],
    )
