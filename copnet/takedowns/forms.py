from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from copnet.core.workflow import Transition
from copnet.network.models import Organisation

from .choices import (
    ANSWER_STATUSES,
    MAX_RENOTICE_HOURS,
    MIN_RENOTICE_HOURS,
    LegalBasis,
    PlatformKind,
    RefusalReason,
    RequestStatus,
    SendChannel,
    Urgency,
)
from .models import Platform
from .services import platforms as platform_services

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

    def __init__(self, *args: Any, answers: Sequence[Transition[Any]] = (), **kwargs: Any) -> None:
        """`answers`: the answer transitions the request's status allows (offered in order)."""
        super().__init__(*args, **kwargs)
        if answers:
            cast("forms.ChoiceField", self.fields["status"]).choices = [
                (t.target, t.label) for t in answers
            ]


class CloseFollowUpForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the follow-up closed?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), *RequestStatus.choices, ("all", _("All"))],
    )


class PlatformForm(forms.Form):
    """Parses the platform page; the rules are in `services.platforms.check_platform`. The API
    token is write-only: never filled in, and the browser must not fill it in either."""

    code = forms.CharField(
        label=_("Code"),
        max_length=platform_services.MAX_CODE,
        help_text=_("Short and stable, used in the API and the statistics, e.g. facebook."),
    )
    name = forms.CharField(label=_("Name"), max_length=platform_services.MAX_NAME)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlatformKind.choices)
    domains = forms.CharField(
        label=_("Domains"),
        max_length=platform_services.MAX_DOMAINS_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One host name per line, without http:// or a path, e.g. facebook.com."),
    )
    channel = forms.ChoiceField(
        label=_("Channel for removal requests"), choices=SendChannel.choices
    )
    email = forms.CharField(
        label=_("E-mail for removal requests"),
        max_length=platform_services.MAX_EMAIL,
        required=False,
        widget=forms.EmailInput(),
    )
    web_form_url = forms.CharField(
        label=_("Web form"),
        max_length=platform_services.MAX_URL,
        required=False,
        widget=forms.URLInput(),
        help_text=_("https:// only."),
    )
    api_url = forms.CharField(
        label=_("Address of the API endpoint"),
        max_length=platform_services.MAX_URL,
        required=False,
        widget=forms.URLInput(),
        help_text=_("https:// only."),
    )
    api_token = forms.CharField(
        label=_("API token"),
        max_length=platform_services.MAX_TOKEN,
        required=False,
        strip=False,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}
        ),
    )
    clear_token = forms.BooleanField(label=_("Clear the stored token"), required=False)
    legal_contact = forms.CharField(
        label=_("Legal contact in Vietnam"),
        max_length=platform_services.MAX_LEGAL_CONTACT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    languages = forms.CharField(
        label=_("Languages"),
        max_length=platform_services.MAX_LANGUAGES,
        initial="vi,en",
        help_text=_("Language codes separated by commas, e.g. vi,en."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation in the Network"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Its API keys may answer this platform's removal requests."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=platform_services.MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    renotice_hours = forms.IntegerField(
        label=_("Re-notify every (hours)"),
        initial=24,
        min_value=MIN_RENOTICE_HOURS,
        max_value=MAX_RENOTICE_HOURS,
        help_text=_(
            "While a request is unanswered or its content still online, the platform is sent "
            "the notice again and the addresses are checked again this often."
        ),
    )

    def __init__(self, *args: Any, platform: Platform | None = None, **kwargs: Any) -> None:
        if platform is not None:
            kwargs.setdefault("initial", initial_for(platform))
        super().__init__(*args, **kwargs)
        self.platform = platform
        if platform is not None:
            del self.fields["code"]  # stable once created
        if platform is not None and platform.api_token:
            self.fields["api_token"].help_text = _(
                "A token is stored; it is never shown. Leave this empty to keep it, or type a "
                "new one to replace it."
            )
        else:
            del self.fields["clear_token"]
            self.fields["api_token"].help_text = _("No token is stored. Needed by the API channel.")

    def to_input(self) -> platform_services.PlatformInput:
        data = self.cleaned_data
        return platform_services.PlatformInput(
            code=data.get("code", ""),
            name=data["name"],
            kind=data["kind"],
            channel=data["channel"],
            domains=data["domains"],
            legal_contact=data["legal_contact"],
            email=data["email"],
            web_form_url=data["web_form_url"],
            api_url=data["api_url"],
            api_token=data["api_token"],
            clear_token=data.get("clear_token", False),
            languages=data["languages"],
            notes=data["notes"],
            organisation=data["organisation"],
            is_active=data["is_active"],
            renotice_hours=data["renotice_hours"],
        )


def initial_for(platform: Platform) -> dict[str, Any]:
    """What the page shows of a platform: every field but the API token."""
    return {
        "name": platform.name,
        "kind": platform.kind,
        "domains": platform.domains,
        "channel": platform.channel,
        "email": platform.email,
        "web_form_url": platform.web_form_url,
        "api_url": platform.api_url,
        "legal_contact": platform.legal_contact,
        "languages": platform.languages,
        "organisation": platform.organisation_id,
        "notes": platform.notes,
        "is_active": platform.is_active,
        "renotice_hours": platform.renotice_hours,
    }
