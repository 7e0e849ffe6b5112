from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "copnet.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteer network")

    def ready(self) -> None:
        from copnet.accounts.permissions import register_volunteer_facts
        from copnet.cases.privacy import register_retention
        from copnet.cases.triage import DETECTORS
        from copnet.stats.programme import register_computation

        from .detectors import trusted_volunteer_signal
        from .indicators import provinces_with_active_volunteers
        from .retention import erase_for_case, pseudonymise_departed_volunteers, purge_applications
        from .rules import level_and_restrictions

        register_volunteer_facts(level_and_restrictions)
        if trusted_volunteer_signal not in DETECTORS:
            DETECTORS.append(trusted_volunteer_signal)
        register_computation("provinces_with_active_volunteers", provinces_with_active_volunteers)
        register_retention(
            steps={
                "applications": purge_applications,
                "volunteers": pseudonymise_departed_volunteers,
            },
            case_eraser=erase_for_case,
        )
