from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ExchangeKind, ForeignReportStatus, Verdict
from .hotlines import HotlineEndpointInput
from .services import ExchangeInput


class ExchangeForm(forms.Form):
    name = forms.SlugField(label=_("Name"), max_length=40)
    kind = forms.ChoiceField(label=_("Protocol"), choices=ExchangeKind.choices)
    endpoint = forms.URLField(label=_("Endpoint"), max_length=500, assume_scheme="https")
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=300)
    transfer_assessment_ref = forms.CharField(
        label=_("Cross-border transfer assessment reference"), max_length=100
    )
    fetch_every_minutes = forms.IntegerField(
        label=_("Fetch every (minutes)"), min_value=5, max_value=7 * 24 * 60, initial=60
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    sends_feedback = forms.BooleanField(label=_("Send feedback"), required=False, initial=True)
    accepts_submissions = forms.BooleanField(
        label=_("Send young people's fingerprints, when they agree (StopNCII)"), required=False
    )
    # Write-only: left empty on a change, the stored credentials are kept.
    username = forms.CharField(label=_("User name (NCMEC)"), required=False)
    password = forms.CharField(
        label=_("Password (NCMEC)"), required=False, widget=forms.PasswordInput
    )
    subscription_key = forms.CharField(
        label=_("Subscription key (StopNCII)"), required=False, widget=forms.PasswordInput
    )
    fetch_key = forms.CharField(
        label=_("Fetch function key (StopNCII)"), required=False, widget=forms.PasswordInput
    )
    feedback_key = forms.CharField(
        label=_("Feedback function key (StopNCII)"), required=False, widget=forms.PasswordInput
    )
    submit_key = forms.CharField(
        label=_("Hash submission function key (StopNCII)"),
        required=False,
        widget=forms.PasswordInput,
    )
    access_token = forms.CharField(
        label=_("App access token (ThreatExchange)"), required=False, widget=forms.PasswordInput
    )
    privacy_group = forms.CharField(
        label=_("Privacy group id (ThreatExchange)"), required=False, max_length=30
    )

    SECRET_FIELDS = (
        "username",
        "password",
        "subscription_key",
        "fetch_key",
        "feedback_key",
        "submit_key",
        "access_token",
        "privacy_group",
    )

    def to_input(self) -> ExchangeInput:
        data: dict[str, Any] = self.cleaned_data
        secrets = {k: data[k] for k in self.SECRET_FIELDS if data.get(k)}
        return ExchangeInput(
            name=data["name"],
            kind=data["kind"],
            endpoint=data["endpoint"],
            legal_ground=data["legal_ground"],
            transfer_assessment_ref=data["transfer_assessment_ref"],
            credentials=secrets or None,
            fetch_every_minutes=data["fetch_every_minutes"],
            is_active=data["is_active"],
            sends_feedback=data["sends_feedback"],
            accepts_submissions=data["accepts_submissions"],
        )


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices)


class ReferralForm(forms.Form):
    file = forms.FileField(label=_("CyberTipline report (XML)"))


class HotlineEndpointForm(forms.Form):
    code = forms.SlugField(label=_("Hotline"), max_length=32)
    endpoint = forms.URLField(label=_("Endpoint"), max_length=500, assume_scheme="https")
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=300)
    transfer_assessment_ref = forms.CharField(
        label=_("Cross-border transfer assessment reference"), max_length=100
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    # Write-only: left empty on a change, the stored key is kept.
    api_key = forms.CharField(label=_("API key"), required=False, widget=forms.PasswordInput)

    def to_input(self) -> HotlineEndpointInput:
        data: dict[str, Any] = self.cleaned_data
        return HotlineEndpointInput(
            code=data["code"],
            endpoint=data["endpoint"],
            legal_ground=data["legal_ground"],
            transfer_assessment_ref=data["transfer_assessment_ref"],
            api_key=data["api_key"] or None,
            is_active=data["is_active"],
        )


class TrackForm(forms.Form):
    """Progress a person learnt from the hotline (a hotline without an endpoint)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ForeignReportStatus.SENT, ForeignReportStatus.SENT.label),
            (ForeignReportStatus.ACKNOWLEDGED, ForeignReportStatus.ACKNOWLEDGED.label),
            (ForeignReportStatus.REMOVED, ForeignReportStatus.REMOVED.label),
        ],
    )
