from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from copnet.core.provinces import province_choices
from copnet.core.uploads import looks_like_video
from copnet.taxonomy.choices import AgeBand
from copnet.taxonomy.models import HarmCategory

from .choices import ChildGender, ReporterKind
from .services import ReportInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Up to EVIDENCE_MAX_IMAGES files, pictures or videos; their real type is checked by the
    evidence vault (`evidence.inspect_evidence`). Only the size is looked at here: a file
    whose first bytes are a video's may be as large as EVIDENCE_VIDEO_MAX_BYTES."""

    widget = MultipleImageInput(
        attrs={
            "accept": "image/jpeg,image/png,image/webp,image/gif,"
            "video/mp4,video/quicktime,video/webm,video/x-matroska,video/x-msvideo"
        }
    )

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > settings.EVIDENCE_MAX_IMAGES:
            raise forms.ValidationError(
                _("You can send at most %(limit)s pictures.")
                % {"limit": settings.EVIDENCE_MAX_IMAGES}
            )
        for upload in files:
            if upload.size > settings.EVIDENCE_MAX_BYTES and _is_video(upload):
                if upload.size > settings.EVIDENCE_VIDEO_MAX_BYTES:
                    raise forms.ValidationError(
                        _("This video is too big. Each video can be at most %(limit)s MB.")
                        % {"limit": settings.EVIDENCE_VIDEO_MAX_BYTES // (1024 * 1024)}
                    )
            elif upload.size > settings.EVIDENCE_MAX_BYTES:
                raise forms.ValidationError(
                    _("This picture is too big. Each picture can be at most %(limit)s MB.")
                    % {"limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
                )
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


def _is_video(upload: Any) -> bool:
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    return looks_like_video(head)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HarmCategory) -> str:
        return obj.name


class ReportForm(forms.Form):
    # the pictures kept from a refused submission (`reports.pending`), set by the view
    upload_token = ""

    category = CategoryChoiceField(
        label=_("What happened?"),
        queryset=HarmCategory.objects.filter(is_active=True),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose what happened."),
            "invalid_choice": _("Choose what happened from the list."),
        },
    )
    in_danger = forms.BooleanField(label=_("A child is in danger right now"), required=False)
    description = forms.CharField(
        label=_("Tell us what happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Write it in your own words. Do not write your full name here."),
    )
    platform = forms.CharField(
        label=_("Where did you see it? (app, game or website)"), required=False, max_length=100
    )
    urls = forms.CharField(
        label=_("Web addresses (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url"}),
    )
    account_handles = forms.CharField(
        label=_("Account names involved"), required=False, max_length=2000
    )
    occurred_on = forms.DateField(
        label=_("When did it happen?"), required=False, widget=DATE_WIDGET
    )
    child_age_band = forms.ChoiceField(
        label=_("How old is the child?"),
        required=False,
        choices=[("", _("I don't know"))] + AgeBand.choices,
    )
    province = forms.ChoiceField(
        label=_("Province or city"), required=False, choices=[("", _("I don't know"))]
    )
    images = MultipleImageField(
        label=_("Pictures (screenshots) or videos, up to 10"), required=False
    )
    texts = forms.CharField(
        label=_("Copy the messages or comments here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wants_contact = forms.BooleanField(label=_("I want the Network to contact me"), required=False)
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    reporter_contact = forms.CharField(
        label=_("Your phone number or e-mail"), required=False, max_length=200
    )
    reporter_kind = forms.ChoiceField(
        label=_("Who are you?"),
        required=False,
        choices=[("", _("I'd rather not say"))] + ReporterKind.choices,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["province"]).choices = [
            ("", _("I don't know")),
            *province_choices(),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("wants_contact"):
            data["reporter_name"] = ""
            data["reporter_contact"] = ""
        elif not data.get("reporter_contact"):
            self.add_error(
                "reporter_contact", _("Give a phone number or e-mail so that we can contact you.")
            )
        return data

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            category=data["category"].code,
            description=data["description"],
            urls=[line for line in data["urls"].splitlines() if line.strip()],
            platform=data["platform"],
            account_handles=data["account_handles"],
            occurred_on=data["occurred_on"],
            child_age_band=data["child_age_band"],
            child_gender=data.get("child_gender", ""),
            province=data["province"],
            in_danger=data["in_danger"],
            reporter_kind=data["reporter_kind"],
            reporter_name=data["reporter_name"],
            reporter_contact=data["reporter_contact"],
            images=[upload.read() for upload in data["images"]],
            texts=[data["texts"]] if data["texts"] else [],
        )


class HotlineReportForm(ReportForm):
    """For 111 operators: the caller's details are taken on the phone, with consent."""

    child_gender = forms.ChoiceField(
        label=_("Child's gender"),
        required=False,
        choices=[("", _("Not known"))] + ChildGender.choices,
    )


class StatusLookupForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)
    secret = forms.CharField(
        label=_("Secret"),
        max_length=64,
        help_text=_(
            "4 groups of 4 letters and numbers, like 7KQM-X3RD-9PTA-HZ4E. Capital or small "
            "letters, with or without dashes: both work."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("Anything to add?"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    images = MultipleImageField(label=_("More pictures or videos"), required=False)


class SelfHashStatusForm(forms.Form):
    """The code and secret of fingerprints sent from the device (`views_self_hash`)."""

    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput)
