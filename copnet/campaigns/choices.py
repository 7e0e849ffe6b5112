from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetGroup(models.TextChoices):
    CHILDREN_6_8 = "children_6_8", _("Children 6–8 years")
    CHILDREN_9_11 = "children_9_11", _("Children 9–11 years")
    CHILDREN_12_15 = "children_12_15", _("Children 12–15 years")
    YOUTH_16_17 = "youth_16_17", _("Young people 16–17 years")
    PARENTS = "parents", _("Parents and carers")
    TEACHERS = "teachers", _("Teachers")
    PLATFORMS = "platforms", _("Platforms and content creators")
    PUBLIC = "public", _("The public")


class CampaignChannel(models.TextChoices):
    SCHOOLS = "schools", _("Schools")
    SOCIAL = "social", _("Social networks")
    WEB = "web", _("Websites")
    TV_RADIO = "tv_radio", _("Television and radio")
    PRINT = "print", _("Posters and leaflets")
    EVENTS = "events", _("Events and community meetings")
    SMS = "sms", _("Text messages")


class MaterialKind(models.TextChoices):
    POSTER = "poster", _("Poster")
    LEAFLET = "leaflet", _("Leaflet")
    VIDEO = "video", _("Video")
    SLIDES = "slides", _("Slides")
    GUIDE = "guide", _("Guide")
    OTHER = "other", _("Other")


class ActivityKind(models.TextChoices):
    SCHOOL_SESSION = "school_session", _("School session")
    WORKSHOP = "workshop", _("Workshop")
    LIVESTREAM = "livestream", _("Livestream")
    COMMUNITY = "community", _("Community event")
    MEDIA = "media", _("Media appearance")
    OTHER = "other", _("Other")


class SurveyPhase(models.TextChoices):
    BEFORE = "before", _("Before the campaign")
    AFTER = "after", _("After the campaign")


class LinkTarget(models.TextChoices):
    LANDING = "landing", _("The campaign's page")
    COURSE = "course", _("A course")
    LEARN = "learn", _("The learning home page")
