from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.network.models import Membership, Organisation

from .choices import (
    Consent,
    LegalGround,
    ReferralOutcome,
    RiskLevel,
    ServiceKind,
    SharedField,
)


def network_members(exclude: int | None) -> Any:
    today = timezone.localdate()
    members = Membership.objects.valid_on(today).values("organisation_id")
    rows = Organisation.objects.filter(pk__in=members)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.order_by("code")


class ReferralForm(forms.Form):
    receiving_org = forms.ModelChoiceField(
        label=_("Receiving body (a member of the Network)"), queryset=Organisation.objects.none()
    )
    service = forms.ChoiceField(label=_("Support service"), choices=ServiceKind.choices)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(label=_("Reason for the referral"), widget=forms.Textarea)
    shared_fields = forms.MultipleChoiceField(
        label=_("What the receiving body may be told"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    child_name = forms.CharField(label=_("Child's name"), required=False, max_length=200)
    child_contact = forms.CharField(
        label=_("How to reach the child or family"), required=False, max_length=500
    )
    summary = forms.CharField(
        label=_("Summary of the situation"), required=False, widget=forms.Textarea
    )
    child_age = forms.IntegerField(label=_("Child's age"), required=False, min_value=0)
    child_views = forms.CharField(
        label=_("The child's views"), required=False, widget=forms.Textarea
    )
    child_consent = forms.ChoiceField(
        label=_("Child's consent (from 7 years old)"), choices=Consent.choices
    )
    representative_consent = forms.ChoiceField(
        label=_("Legal representative's consent"), choices=Consent.choices
    )
    legal_ground = forms.ChoiceField(label=_("Legal ground"), choices=LegalGround.choices)
    ground_note = forms.CharField(
        label=_("Why without consent (protecting the child's life or health)"),
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, own_org: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_org"].queryset = network_members(own_org)  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    target = forms.CharField(max_length=16)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *ReferralOutcome.choices]
    )
