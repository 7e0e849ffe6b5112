from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from copnet.accounts.models import User

from . import files
from .choices import Language, Platform, ProductKind, Purpose, ScoreValue, Verdict
from .models import CriteriaSet, Product
from .models.fields import join_codes, split_codes
from .selectors import assignable_evaluators

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VendorRegistrationForm(forms.Form):
    organisation_name = forms.CharField(label=_("Company or organisation"), max_length=200)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Work e-mail"), max_length=254)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            probe = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class MultiCodeField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value: Any) -> Any:
        return split_codes(value) if isinstance(value, str) else value


class ProductForm(forms.ModelForm):
    platforms = MultiCodeField(label=_("Platforms"), choices=Platform.choices)
    purposes = MultiCodeField(label=_("Good for"), choices=Purpose.choices)
    languages = MultiCodeField(label=_("Languages"), choices=Language.choices)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    privacy_url = forms.URLField(
        label=_("Privacy policy"), required=False, max_length=200, assume_scheme="https"
    )
    store_url = forms.URLField(
        label=_("App store or shop page"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Product
        fields = [
            "name",
            "kind",
            "description_vi",
            "description_en",
            "platforms",
            "purposes",
            "languages",
            "age_min",
            "age_max",
            "data_practices",
            "collects_location",
            "shows_ads",
            "shares_data",
            "website",
            "privacy_url",
            "store_url",
        ]
        widgets = {
            "description_vi": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "data_practices": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_platforms(self) -> str:
        return join_codes(self.cleaned_data["platforms"])

    def clean_purposes(self) -> str:
        return join_codes(self.cleaned_data["purposes"])

    def clean_languages(self) -> str:
        return join_codes(self.cleaned_data["languages"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several documents; their real type is checked by `files.check_document`."""

    widget = MultipleFileInput(attrs={"accept": files.ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        for upload in uploads:
            if upload.size > settings.EVALUATION_FILE_MAX_BYTES:
                raise forms.ValidationError(
                    _("The file is too big: at most %(limit)s MB.")
                    % {"limit": settings.EVALUATION_FILE_MAX_BYTES // (1024 * 1024)}
                )
        return [super(DocumentsField, self).clean(u, initial) for u in uploads]


class CriteriaSetField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CriteriaSet) -> str:
        return str(obj)


class SubmitForm(forms.Form):
    criteria_set = CriteriaSetField(label=_("Criteria set"), queryset=CriteriaSet.objects.none())
    documents = DocumentsField(
        label=_("Documents (PDF, PNG, JPEG, DOCX or ODT)"),
        required=False,
        help_text=_("Policies, screenshots, test reports: whatever shows the criteria are met."),
    )
    note = forms.CharField(
        label=_("Note for the evaluators"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [
            s.pk for s in CriteriaSet.objects.filter(is_current=True) if s.applies_to(product.kind)
        ]
        cast(
            "forms.ModelChoiceField[Any]", self.fields["criteria_set"]
        ).queryset = CriteriaSet.objects.filter(pk__in=ids)


class DocumentsForm(forms.Form):
    documents = DocumentsField(label=_("Documents (PDF, PNG, JPEG, DOCX or ODT)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FindingsForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings the vendor must fix"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EvaluatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        org = obj.organisation.abbreviation if obj.organisation else "—"
        return f"{obj.full_name or obj.email} ({org})"


class AssignForm(forms.Form):
    evaluator = EvaluatorField(
        label=_("Evaluator"),
        queryset=assignable_evaluators(),
    )


class ReconcileForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.ChoiceField(label=_("Agreed score"), choices=ScoreValue.choices)
    note = forms.CharField(label=_("How the difference was settled"), max_length=4000)


class PublishForm(forms.Form):
    expires_on = forms.DateField(label=_("Valid until"), widget=DATE_WIDGET)
    summary_vi = forms.CharField(
        label=_("Public summary (Vietnamese)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    summary_en = forms.CharField(
        label=_("Public summary (English)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *ProductKind.choices]
    )
    platform = forms.ChoiceField(
        label=_("Platform"), required=False, choices=[("", _("Any")), *Platform.choices]
    )
    purpose = forms.ChoiceField(
        label=_("Good for"), required=False, choices=[("", _("Any")), *Purpose.choices]
    )
    age = forms.IntegerField(label=_("Child's age"), required=False, min_value=0, max_value=18)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any")), *Language.choices]
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        required=False,
        choices=[
            ("", _("Any")),
            *[(v, label) for v, label in Verdict.choices if v != Verdict.NOT_RECOMMENDED],
        ],
    )

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
