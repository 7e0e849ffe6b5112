from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who a course is written for: children by age band, or the adults around them."""

    AGE_6_8 = "6-8", _("Children 6–8 years")
    AGE_9_11 = "9-11", _("Children 9–11 years")
    AGE_12_15 = "12-15", _("Children 12–15 years")
    AGE_16_17 = "16-17", _("Young people 16–17 years")
    PARENTS = "parents", _("Parents and carers")
    TEACHERS = "teachers", _("Teachers")


CHILD_AUDIENCES = (Audience.AGE_6_8, Audience.AGE_9_11, Audience.AGE_12_15, Audience.AGE_16_17)


class QuestionKind(models.TextChoices):
    MULTIPLE_CHOICE = "choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SCENARIO = "scenario", _("What would you do?")
