from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolatorsConfig(AppConfig):
    name = "copnet.violators"
    label = "violators"
    verbose_name = _("Repeat violators: platform accounts across cases")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention
        from copnet.cases.triage import DETECTORS
        from copnet.takedowns.notices import NOTICE_ADDENDA

        from .retention import erase_for_case
        from .services import link_cases, notice_lines

        if link_cases not in DETECTORS:
            DETECTORS.append(link_cases)
        if notice_lines not in NOTICE_ADDENDA:
            NOTICE_ADDENDA.append(notice_lines)
        register_retention(case_eraser=erase_for_case)
