from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakedownsConfig(AppConfig):
    name = "copnet.takedowns"
    label = "takedowns"
    verbose_name = _("Removal requests to platforms")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention
        from copnet.stats.selectors import INDICATOR_SOURCES
        from copnet.stats.transparency import PLATFORM_FIGURES

        from .indicators import platform_figures, removal_indicators
        from .retention import erase_for_case

        if removal_indicators not in INDICATOR_SOURCES:
            INDICATOR_SOURCES.append(removal_indicators)
        if platform_figures not in PLATFORM_FIGURES:
            PLATFORM_FIGURES.append(platform_figures)
        register_retention(case_eraser=erase_for_case)
