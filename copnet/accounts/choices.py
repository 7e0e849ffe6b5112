from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Network coordinator")
    ANALYST = "analyst", _("Case analyst")
    OFFICER = "officer", _("Agency officer")
    VOLUNTEER = "volunteer", _("Volunteer (collaborator)")
    EVALUATOR = "evaluator", _("Evaluator")
    EDITOR = "editor", _("Content editor")
    OBSERVER = "observer", _("Read-only observer")
    VENDOR = "vendor", _("Product vendor")
    TEACHER = "teacher", _("Teacher")
    DATA_PROTECTION_OFFICER = "dpo", _("Data-protection officer")
