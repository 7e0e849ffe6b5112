from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "copnet.campaigns"
    label = "campaigns"
    verbose_name = _("Awareness campaigns")

    def ready(self) -> None:
        from copnet.stats.programme import register_computation

        from .indicators import campaign_visits

        register_computation("campaign_visits", campaign_visits)
