from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "copnet.exchanges"
    label = "exchanges"
    verbose_name = _("International exchange")

    def ready(self) -> None:
        from copnet.reports import self_hash

        from .submissions import SubmissionQueue

        self_hash.SHARING = SubmissionQueue()
