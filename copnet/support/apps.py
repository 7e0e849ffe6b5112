from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "copnet.support"
    verbose_name = _("Referral for support")

    def ready(self) -> None:
        from . import signals

        signals.connect()
