from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager, ScopedQuerySet
from copnet.core.crypto import EncryptedTextField
from copnet.network.models import Organisation
from copnet.taxonomy.choices import AgeBand
from copnet.taxonomy.models import HarmCategory

from .choices import (
    OPEN_STATUSES,
    ActionKind,
    CaseStatus,
    EventKind,
    JoinBasis,
    Outcome,
    Priority,
    ProposalStatus,
)


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
    # The person of the lead organisation who works the case (services.do_assign_person).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
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
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)

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
            # Live statistics for one province or one platform over a period
            # (stats.selectors.live_cases: handling times and time to outcome).
            models.Index(fields=["province", "created_at"], name="case_province_created"),
            models.Index(Lower(Trim("platform")), F("created_at"), name="case_platform_created"),
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

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)


def _status_label(code: str) -> str:
    return str(CaseStatus(code).label) if code in CaseStatus.values else code


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


class ReportMessage(models.Model):
    """A message from the Network to the person who made one report, in their language.

    It belongs to the report, not the case: another reporter of the same (joined) case never
    sees it, and a supporting body sees it only where it may see the report
    (`accounts.permissions.NEED_TO_KNOW`). The text is encrypted and emptied by the purge."""

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("report"),
    )
    text = EncryptedTextField(_("message"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message to a reporter")
        verbose_name_plural = _("messages to reporters")

    def __str__(self) -> str:
        return f"message #{self.pk}"

    def audit_repr(self) -> str:
        return f"message #{self.pk}"


class JoinProposal(models.Model):
    """Two open cases that may be about the same thing (a near-duplicate picture, or the same
    picture or address in another category family): a person accepts (the newer case is merged
    into the older) or rejects it; nothing is joined silently (cases.proposals)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="join_proposals")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(_("why"), max_length=24, choices=JoinBasis.choices)
    distance = models.PositiveSmallIntegerField(_("distance"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("join proposal")
        verbose_name_plural = _("join proposals")
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="join_proposal_once"),
            models.CheckConstraint(
                condition=~models.Q(case=models.F("other")), name="join_proposal_two_cases"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.other_id}"


class CategoryDecision(models.Model):
    """A person accepted or rejected the category the classifier suggested for a case: a label
    for retraining (banks.labels reads it). One per case; a later decision replaces it."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="category_decision")
    suggested = models.ForeignKey(HarmCategory, on_delete=models.PROTECT, related_name="+")
    chosen = models.ForeignKey(HarmCategory, on_delete=models.PROTECT, related_name="+")
    accepted = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("category decision")
        verbose_name_plural = _("category decisions")

    def __str__(self) -> str:
        return f"{self.case_id} {'accepted' if self.accepted else 'rejected'}"


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
