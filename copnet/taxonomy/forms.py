from __future__ import annotations

from django import forms

from .models import HarmCategory


class HarmCategoryForm(forms.ModelForm):
    class Meta:
        model = HarmCategory
        fields = [
            "code",
            "name_vi",
            "name_en",
            "help_vi",
            "help_en",
            "severity",
            "default_lead",
            "default_supporting",
            "supporting_sees",
            "ack_hours",
            "action_hours",
            "close_days",
            "legal_basis",
            "order",
            "is_active",
        ]
