from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "copnet.exchanges"
    label = "exchanges"
    verbose_name = _("International exchange")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention
        from copnet.reports import self_hash

        from .retention import erase_for_case
        from .submissions import SubmissionQueue

        register_retention(case_eraser=erase_for_case)
        self_hash.SHARING = SubmissionQueue()
