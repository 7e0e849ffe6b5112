from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from copnet.taxonomy.models import HarmCategory

from .choices import BankKind, SignalKind, UrlPatternKind
from .models import HashBank, UrlList

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # larger files go through `manage.py bank import`
MAX_CHECK_ITEMS = 100
MAX_CHECK_TEXT = 1_000_000
HEX_PREFIX = re.compile(r"^[0-9a-fA-F]*$")


def read_upload(upload: Any) -> str:
    """The uploaded file as text, or ValidationError (too large, not UTF-8, binary)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s MB. Split it, or use the command line."),
            params={"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text."), code="not_utf8") from exc
    if "\x00" in text:
        raise ValidationError(_("The file is not a text file."), code="binary")
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    return text


class BankForm(forms.Form):
    name = forms.SlugField(
        label=_("Name"),
        max_length=64,
        help_text=_("Letters, digits, hyphens and underscores, e.g. partner-hotline."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=BankKind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if HashBank.objects.filter(name=name).exists():
            raise ValidationError(_("A bank with this name already exists."), code="exists")
        return name


class ThresholdForm(forms.Form):
    pdq_threshold = forms.IntegerField(
        label=_("PDQ threshold (bits)"),
        required=False,
        min_value=0,
        max_value=128,
        help_text=_("Empty: the platform's default. Lower is stricter."),
    )
    vpdq_query_pct = forms.FloatField(
        label=_("Videos: share of the query's frames found (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty: the platform's default. Higher is stricter."),
    )
    vpdq_target_pct = forms.FloatField(
        label=_("Videos: share of the banked video's frames found (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty: the platform's default. Higher is stricter."),
    )


class UrlListForm(forms.Form):
    name = forms.SlugField(label=_("Name"), max_length=64)
    category = forms.ModelChoiceField(
        label=_("Harm category"), queryset=HarmCategory.objects.all(), to_field_name="code"
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if UrlList.objects.filter(name=name).exists():
            raise ValidationError(_("A list with this name already exists."), code="exists")
        return name


class EntrySearchForm(forms.Form):
    q = forms.CharField(label=_("Hash starts with"), required=False, max_length=64)
    signal_type = forms.ChoiceField(
        label=_("Signal type"),
        required=False,
        choices=[("", _("Any"))] + list(SignalKind.choices),
    )

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        if not HEX_PREFIX.match(value):
            raise ValidationError(_("A hash has only the digits 0-9 and letters a-f."))
        return value.lower()


class UrlSearchForm(forms.Form):
    q = forms.CharField(label=_("Address contains"), required=False, max_length=200)


class BankEntryForm(forms.Form):
    signal_type = forms.ChoiceField(label=_("Signal type"), choices=SignalKind.choices)
    value = forms.CharField(
        label=_("Hash (hexadecimal; for vPDQ the frames, or import a vPDQ file)"),
        max_length=200_000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class UrlEntryForm(forms.Form):
    pattern = forms.CharField(
        label=_("Host or address"),
        max_length=2048,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UrlPatternKind.choices)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def clean_file(self) -> str:
        return read_upload(self.cleaned_data["file"])


class CheckForm(forms.Form):
    HASH, URL, TEXT = "hash", "url", "text"

    kind = forms.ChoiceField(
        label=_("What to check"),
        choices=[(HASH, _("Image hashes")), (URL, _("Addresses")), (TEXT, _("Text"))],
    )
    signal_type = forms.ChoiceField(
        label=_("Signal type"), choices=SignalKind.choices, required=False
    )
    value = forms.CharField(
        label=_("Hashes or addresses (one per line), or a text"),
        max_length=MAX_CHECK_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, value = data.get("kind"), data.get("value")
        if kind in (self.HASH, self.URL) and value:
            items = [line.strip() for line in value.splitlines() if line.strip()]
            if len(items) > MAX_CHECK_ITEMS:
                self.add_error(
                    "value",
                    _("Check at most %(count)s items at a time.") % {"count": MAX_CHECK_ITEMS},
                )
            data["items"] = items[:MAX_CHECK_ITEMS]
        if kind == self.HASH and not data.get("signal_type"):
            self.add_error("signal_type", _("Choose the signal type."))
        return data
