from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BanksConfig(AppConfig):
    name = "copnet.banks"
    label = "banks"
    verbose_name = _("Detection: hash banks and URL lists")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention
        from copnet.cases.triage import DETECTORS
        from copnet.core.health_checks import register_health_check

        from .detectors import detect_cases
        from .engine import pdq_index_health
        from .retention import erase_for_case

        if detect_cases not in DETECTORS:
            DETECTORS.append(detect_cases)

        from copnet.reports import self_hash

        from .self_reported import SelfReportedBank

        self_hash.BANK = SelfReportedBank()
        register_retention(case_eraser=erase_for_case)
        register_health_check(
            "pdq_index",
            pdq_index_health,
            problem=_(
                "The detection index file is damaged; it is rebuilt from the database at the"
                " next match."
            ),
        )
