from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Duty, Membership, Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = [
            "code",
            "abbreviation",
            "name_vi",
            "name_en",
            "kind",
            "parent",
            "successor",
            "description_vi",
            "description_en",
            "website",
            "active_from",
            "active_to",
        ]
        widgets = {"active_from": DATE_WIDGET, "active_to": DATE_WIDGET}

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        clash = Organisation.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another organisation already uses this code."))
        return code

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk:
            for name in ("parent", "successor"):
                if data.get(name) and data[name].pk == self.instance.pk:
                    self.add_error(name, _("An organisation cannot point to itself."))
        return data


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "valid_from", "valid_to", "basis", "note_vi", "note_en"]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}


class DutyForm(forms.ModelForm):
    class Meta:
        model = Duty
        fields = ["key", "text_vi", "text_en", "order", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}

    def __init__(self, *args: object, membership: Membership | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.membership = membership

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"]
        clash = Duty.objects.filter(membership=self.membership, key=key).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("This key is already used for another duty here."))
        return key


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("Members on"), required=False, widget=DATE_WIDGET)
