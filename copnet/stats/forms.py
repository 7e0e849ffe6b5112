from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.core.provinces import province_choices
from copnet.network.selectors import organisations_for_choice
from copnet.taxonomy.models import HarmCategory

from .choices import PeriodKind, TrendKind
from .periods import Period
from .selectors import Filters, platform_choices


def period_options(kind: str, today: dt.date, count: int = 12) -> list[tuple[str, str]]:
    current = Period.containing(kind, today)
    options: list[tuple[str, str]] = []
    for _i in range(count):
        options.append((current.slug, current.slug))
        current = current.previous()
    return options


class DashboardFilterForm(forms.Form):
    """Filters of the dashboard, the case drill-down and the API (all optional)."""

    kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, required=False)
    period = forms.CharField(label=_("Which"), max_length=10, required=False)
    category = forms.ModelChoiceField(
        label=_("Harm category"),
        queryset=HarmCategory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    province = forms.ChoiceField(label=_("Province or city"), required=False)
    platform = forms.ChoiceField(label=_("Platform"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=organisations_for_choice(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    trend = forms.ChoiceField(label=_("Trend"), choices=TrendKind.choices, required=False)

    def __init__(self, *args: Any, network_wide: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["province"]).choices = [
            ("", _("All")),
            *province_choices(),
        ]
        cast("forms.ChoiceField", self.fields["platform"]).choices = [
            ("", _("All")),
            *platform_choices(),
        ]
        cast("forms.ChoiceField", self.fields["trend"]).choices = [("", _("Automatic"))] + list(
            TrendKind.choices
        )
        if not network_wide:
            del self.fields["organisation"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind") or PeriodKind.MONTH
        text = data.get("period") or ""
        try:
            period = (
                Period.parse(kind, text) if text else Period.containing(kind, timezone.localdate())
            )
        except (ValueError, TypeError):
            self.add_error(
                "period",
                _("Give the period as 2026, 2026-Q3 or 2026-07, matching the kind of period."),
            )
            return data
        if not 2000 <= period.start.year <= 2100:
            self.add_error("period", _("Choose a period between 2000 and 2100."))
            return data
        data["period_obj"] = period
        return data

    def filters(self) -> Filters:
        """The validated filters (call after is_valid())."""
        data = self.cleaned_data
        return Filters(
            period=data["period_obj"],
            category=data.get("category"),
            province=data.get("province") or "",
            platform=data.get("platform") or "",
            organisation=data.get("organisation"),
            trend=data.get("trend") or "",
        )
