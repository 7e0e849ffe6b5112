from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "copnet.support"
    verbose_name = _("Referral for support")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention

        from . import signals
        from .retention import erase_for_case

        signals.connect()
        register_retention(case_eraser=erase_for_case)
