from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakedownsConfig(AppConfig):
    name = "copnet.takedowns"
    label = "takedowns"
    verbose_name = _("Removal requests to platforms")

    def ready(self) -> None:
        from copnet.stats.selectors import INDICATOR_SOURCES

        from .indicators import removal_indicators

        if removal_indicators not in INDICATOR_SOURCES:
            INDICATOR_SOURCES.append(removal_indicators)
