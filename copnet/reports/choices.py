from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Public web form")
    HOTLINE = "hotline", _("Hotline 111")
    API = "api", _("Partner API")
    VOLUNTEER = "volunteer", _("Volunteer")


class ReporterKind(models.TextChoices):
    CHILD = "child", _("A child or young person")
    PARENT = "parent", _("A parent or carer")
    TEACHER = "teacher", _("A teacher")
    OTHER = "other", _("Someone else")


class ChildGender(models.TextChoices):
    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("Image")
    TEXT = "text", _("Text excerpt")
    VIDEO = "video", _("Video")


class SelfHashCategory(models.TextChoices):
    """What a young person's own picture shows (the categories of NCMEC's Take It Down)."""

    NUDE = "nude", _("I am naked in it")
    PARTLY_NUDE = "partly_nude", _("I am partly naked or in underwear in it")
    SEXUAL = "sexual", _("It shows me in a sexual act or pose")
