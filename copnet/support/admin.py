from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from copnet.core.readonly_admin import ReadOnlyAdmin

from .errors import SupportError
from .models import HotlineEndpoint, WebhookDelivery
from .services import check_endpoint, do_save_endpoint


class EndpointForm(forms.ModelForm):
    new_secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 16 characters; leave empty to keep the stored secret."),
    )

    class Meta:
        model = HotlineEndpoint
        fields = ["organisation", "url", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            check_endpoint(
                url=data.get("url", ""),
                secret=data.get("new_secret", ""),
                exists=self.instance.pk is not None,
            )
        except SupportError as exc:
            raise ValidationError({exc.field or "url": str(exc.message)}) from None
        return data


@admin.register(HotlineEndpoint)
class HotlineEndpointAdmin(admin.ModelAdmin):
    """A hotline link (URL + secret) is data per organisation; the secret is never shown."""

    form = EndpointForm
    list_display = ["organisation", "url", "is_active", "created_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = do_save_endpoint(  # the form's clean() ran the same checks
            organisation=form.cleaned_data["organisation"],
            url=form.cleaned_data["url"],
            secret=form.cleaned_data.get("new_secret", ""),
            is_active=form.cleaned_data["is_active"],
            actor=request.user,
        )
        obj.pk = saved.pk


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "event_id", "endpoint", "state", "attempts", "created_at"]
    list_filter = ["state", "event"]
    exclude = ["payload"]
