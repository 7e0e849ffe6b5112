from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACTION_TAKEN = "action_taken", _("Action taken")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = frozenset(
    {
        CaseStatus.NEW,
        CaseStatus.TRIAGED,
        CaseStatus.ASSIGNED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.ACTION_TAKEN,
    }
)


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 critical")
    P2 = 2, _("P2 high")
    P3 = 3, _("P3 medium")
    P4 = 4, _("P4 low")


class Outcome(models.TextChoices):
    CONTENT_REMOVED = "content_removed", _("Harmful content removed")
    REFERRED_TO_POLICE = "referred_to_police", _("Referred to the police")
    CHILD_SUPPORTED = "child_supported", _("Child supported")
    ADVICE_GIVEN = "advice_given", _("Advice given")
    NO_FURTHER_ACTION = "no_further_action", _("No further action possible")
    NOT_HARMFUL = "not_harmful", _("Not harmful")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


REJECTION_OUTCOMES = frozenset({Outcome.NOT_HARMFUL, Outcome.OUT_OF_SCOPE})


class ActionKind(models.TextChoices):
    REMOVAL_REQUESTED = "removal_requested", _("Removal requested from the platform")
    REFERRED_TO_POLICE = "referred_to_police", _("Referred to the police")
    CHILD_SUPPORT = "child_support", _("Child support via 111 or social services")
    SCHOOL_INFORMED = "school_informed", _("School informed")
    ADVICE_GIVEN = "advice_given", _("Advice given to the reporter")


class EventKind(models.TextChoices):
    CREATED = "created", _("Case opened")
    REPORT_ADDED = "report_added", _("Report joined the case")
    INFO_ADDED = "info_added", _("Reporter added information")
    TRIAGED = "triaged", _("Triaged")
    TRANSITION = "transition", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    REASSIGNED = "reassigned", _("Reassigned")
    ACTION = "action", _("Action recorded")
    NOTE = "note", _("Internal note")
    STATUS_MESSAGE = "status_message", _("Message to the reporter")
    EVIDENCE_REVEALED = "evidence_revealed", _("Original evidence viewed")
    NOTIFIED = "notified", _("Organisation notified")
    PURGED = "purged", _("Personal data purged")
    CORRECTED = "corrected", _("Triage corrected")
    SUGGESTION = "suggestion", _("Suggested category decided")
    PERSON_ASSIGNED = "person_assigned", _("Assigned to a person")
    SPLIT = "split", _("Report split into its own case")
    PROPOSAL = "proposal", _("Joining proposal decided")


class JoinBasis(models.TextChoices):
    NEAR_DUPLICATE = "near_duplicate", _("A nearly identical picture")
    SAME_IMAGE = "same_image", _("The same picture, another kind of harm")
    SAME_URL = "same_url", _("The same address, another kind of harm")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted: merged")
    REJECTED = "rejected", _("Rejected: kept apart")
