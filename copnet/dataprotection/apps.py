from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataProtectionConfig(AppConfig):
    name = "copnet.dataprotection"
    label = "dataprotection"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from copnet.cases.privacy import register_retention

        from .legal import held_case_ids
        from .retention import case_content_days, erase_for_case, erase_reporter_identity

        register_retention(
            steps={"reporter_identity": erase_reporter_identity},
            case_eraser=erase_for_case,
            legal_holds=held_case_ids,
            case_days=case_content_days,
        )
