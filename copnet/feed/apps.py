from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "copnet.feed"
    label = "feed"
    verbose_name = _("Protection feed")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention

        from .retention import erase_for_case

        register_retention(case_eraser=erase_for_case)
