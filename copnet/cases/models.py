from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedQuerySet
from copnet.core.crypto import EncryptedTextField
from copnet.network.models import Organisation
from copnet.taxonomy.choices import AgeBand
from copnet.taxonomy.models import HarmCategory

from .choices import OPEN_STATUSES, ActionKind, CaseStatus, EventKind, Outcome, Priority


class CaseQuerySet(ScopedQuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Case(models.Model):
    """What the Network does about one harm; every report belongs to exactly one case.

    Status changes only through `cases.workflow`; deadlines are set when the case opens and
    tightened by triage; `next_due` is the earliest deadline still pending (for the queue)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    category = models.ForeignKey(
        HarmCategory,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("harm category"),
    )
    suggested_category = models.ForeignKey(
        HarmCategory,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("suggested category"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CaseStatus.choices,
        default=CaseStatus.NEW,
        db_index=True,
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.P3
    )
    lead_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_cases",
        verbose_name=_("lead organisation"),
    )
    supporting_orgs = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="supported_cases",
        verbose_name=_("supporting organisations"),
    )
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=8, blank=True)
    child_age_band = models.CharField(
        _("child's age"), max_length=8, choices=AgeBand.choices, blank=True
    )
    in_danger = models.BooleanField(_("child in danger"), default=False)
    report_count = models.PositiveIntegerField(_("reports"), default=1)
    keep_blurred = models.BooleanField(_("keep evidence blurred for everyone"), default=False)
    created_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    # The lead organisation that got the assignment e-mail: sent once per lead, and retried by
    # the recovery sweep while it differs from `lead_org` (cases.recovery).
    notified_lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead organisation notified"),
    )
    notified_at = models.DateTimeField(_("lead notified"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    first_action_at = models.DateTimeField(_("first action"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    ack_due = models.DateTimeField(_("acknowledge by"))
    action_due = models.DateTimeField(_("act by"))
    close_due = models.DateTimeField(_("close by"))
    next_due = models.DateTimeField(_("next deadline"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("outcome note"), blank=True)
    status_message = EncryptedTextField(_("message to the reporter"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "next_due"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["status", "priority", "next_due"]),
            # The queue in urgency order (selectors.URGENCY), per lead organisation and overall.
            models.Index(
                fields=["lead_org", "status", "next_due", "priority"], name="case_queue_lead"
            ),
            models.Index(fields=["status", "next_due", "priority"], name="case_queue_all"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """The case's timeline. Notes are encrypted; rows are only added."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=255)
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    text = EncryptedTextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseAction(models.Model):
    """Something done about a case (counts for statistics and the first-action deadline).
    The note is encrypted and erased by the purge."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("action"), max_length=32, choices=ActionKind.choices)
    note = EncryptedTextField(_("note"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class SavedFilter(models.Model):
    """A queue filter a person named and kept; only its owner sees it (`selectors`)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_case_filters"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filter"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
