from django.db import models
from django.utils.translation import gettext_lazy as _


class Recommendation(models.TextChoices):
    """Decree 147/2024's rule for accounts that repeatedly post violating content."""

    NONE = "", _("No recommendation")
    SUSPEND = "suspend", _("Suspend for 7 to 30 days (Decree 147/2024)")
    PERMANENT = "permanent", _("Suspend permanently: suspended 3 times before (Decree 147/2024)")
