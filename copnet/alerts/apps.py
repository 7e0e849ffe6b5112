from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "copnet.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from copnet.cases.notifications import P1_LISTENERS

        from .webhooks import queue_p1_webhooks

        if queue_p1_webhooks not in P1_LISTENERS:
            P1_LISTENERS.append(queue_p1_webhooks)
