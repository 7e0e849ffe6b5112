from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessKind(models.TextChoices):
    WORKER = "worker", _("Task worker")
    SCHEDULER = "scheduler", _("Scheduler")


class RecoveryReason(models.TextChoices):
    WORKER_LOST = "worker_lost", _("Its worker stopped")
    TOO_LONG = "too_long", _("Ran too long")
