from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    MORE_INFO = "more_info", _("More information asked")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


OPEN_APPLICATION_STATUSES = frozenset({ApplicationStatus.PENDING, ApplicationStatus.MORE_INFO})


class Background(models.TextChoices):
    TEACHER = "teacher", _("Teacher or school staff")
    YOUTH_UNION = "youth_union", _("Youth Union member")
    STUDENT = "student", _("Student")
    IT = "it", _("IT professional")
    PARENT = "parent", _("Parent or carer")
    SOCIAL_WORK = "social_work", _("Social worker")
    OTHER = "other", _("Other")


class Skill(models.TextChoices):
    VERIFY_URLS = "verify_urls", _("Checking web addresses")
    EVENTS = "events", _("Helping at events")
    TEACHING = "teaching", _("Talks in schools")
    TRANSLATION = "translation", _("Translation")
    MONITORING = "monitoring", _("Monitoring public topics")
    ETHNIC_LANGUAGES = "ethnic_languages", _("Ethnic minority languages")
    DESIGN = "design", _("Design and media")


class Availability(models.TextChoices):
    WEEKDAYS = "weekdays", _("Weekdays")
    EVENINGS = "evenings", _("Evenings")
    WEEKENDS = "weekends", _("Weekends")


class Level(models.TextChoices):
    """What each level may do is in accounts.permissions.LEVEL_PERMS."""

    NEW = "new", _("New")
    TRAINED = "trained", _("Trained")
    TRUSTED = "trusted", _("Trusted")
    TEAM_LEAD = "team_lead", _("Team lead")


LEVEL_ORDER = [Level.NEW, Level.TRAINED, Level.TRUSTED, Level.TEAM_LEAD]


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    OFFBOARDED = "offboarded", _("Left the network")


class TaskKind(models.TextChoices):
    VERIFY_URLS = "verify_urls", _("Check that reported addresses are still online")
    CAMPAIGN_EVENT = "campaign_event", _("Support a campaign event")
    SCHOOL_TALK = "school_talk", _("Give a talk in a school")
    TRANSLATE = "translate", _("Translate material")
    MONITOR_TOPIC = "monitor_topic", _("Monitor a public topic and report findings")


# The skill a task kind calls for (volunteers see tasks matching their skills).
TASK_SKILL = {
    TaskKind.VERIFY_URLS: Skill.VERIFY_URLS,
    TaskKind.CAMPAIGN_EVENT: Skill.EVENTS,
    TaskKind.SCHOOL_TALK: Skill.TEACHING,
    TaskKind.TRANSLATE: Skill.TRANSLATION,
    TaskKind.MONITOR_TOPIC: Skill.MONITORING,
}
# Tasks that can bring a volunteer face to face with harmful content: adults only.
ADULT_TASK_KINDS = frozenset({TaskKind.VERIFY_URLS, TaskKind.MONITOR_TOPIC})


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class AssignmentStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REPORTED = "reported", _("Reported back")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UrlCheck(models.TextChoices):
    ONLINE = "online", _("Still online")
    REMOVED = "removed", _("Removed or unreachable")
    CHANGED = "changed", _("Online, content changed")
    UNSURE = "unsure", _("Could not tell")


class ReportOutcome(models.TextChoices):
    PENDING = "pending", _("Being checked")
    CONFIRMED = "confirmed", _("Confirmed harmful: action taken")
    NOT_HARMFUL = "not_harmful", _("Checked: not harmful or not for us")
