from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "copnet.exchanges"
    label = "exchanges"
    verbose_name = _("International exchange")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention

        from .retention import erase_for_case

        register_retention(case_eraser=erase_for_case)
