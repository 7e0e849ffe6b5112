from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "copnet.evaluations"
    verbose_name = _("Product evaluations and ecosystem")
