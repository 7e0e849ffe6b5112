from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "copnet.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteer network")

    def ready(self) -> None:
        from copnet.accounts.permissions import register_volunteer_facts
        from copnet.cases.triage import DETECTORS

        from .detectors import trusted_volunteer_signal
        from .rules import level_and_restrictions

        register_volunteer_facts(level_and_restrictions)
        if trusted_volunteer_signal not in DETECTORS:
            DETECTORS.append(trusted_volunteer_signal)
