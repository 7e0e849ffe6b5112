from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "copnet.core"
    label = "core"
