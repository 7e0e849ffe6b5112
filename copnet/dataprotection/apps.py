from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataProtectionConfig(AppConfig):
    name = "copnet.dataprotection"
    label = "dataprotection"
    verbose_name = _("Personal data protection")
