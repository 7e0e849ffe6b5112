from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from copnet.core.provinces import province_choices
from copnet.network.forms import DATE_WIDGET

from .models import RoutingRule


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "category",
            "platform",
            "province",
            "lead",
            "supporting",
            "valid_from",
            "valid_to",
            "is_active",
            "note",
        ]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"] = forms.ChoiceField(
            label=_("province"),
            required=False,
            choices=[("", _("Any province")), *province_choices()],
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lead, supporting = data.get("lead"), data.get("supporting") or []
        if lead and lead in supporting:
            self.add_error("supporting", _("The lead organisation cannot also be supporting."))
        return data
