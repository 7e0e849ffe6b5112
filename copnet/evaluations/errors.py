"""Errors of the evaluations app: steps of an evaluation that cannot be taken."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class EvaluationErrorCode(models.TextChoices):
    FORBIDDEN = "forbidden", _("You may not manage evaluations.")
    NOT_FOUND = "not_found", _("Not found.")
    WRONG_STATUS = "wrong_status", _("This cannot be done in the evaluation's current status.")
    REASON_REQUIRED = "reason_required", _("Give the vendor a reason.")
    NOT_AN_EVALUATOR = "not_an_evaluator", _("This person is not an active evaluator.")
    CONFLICT_OF_INTEREST = (
        "conflict_of_interest",
        _(
            "Conflict of interest: an evaluator from the vendor's own organisation cannot "
            "evaluate its product."
        ),
    )
    ALREADY_ASSIGNED = "already_assigned", _("This evaluator is already assigned.")
    NOT_ASSIGNED = "not_assigned", _("You are not assigned to this evaluation.")
    INVALID_SCORE = "invalid_score", _("Choose a score from the list.")
    EVIDENCE_REQUIRED = "evidence_required", _("This criterion is mandatory: attach its evidence.")
    NOTE_REQUIRED = "note_required", _("Explain how the difference was settled.")
    ALREADY_SUBMITTED = "already_submitted", _("You have already finished scoring this evaluation.")
    INCOMPLETE = "incomplete", _("Score every criterion first.")
    UNRECONCILED = "unreconciled", _("The evaluators' differences are not reconciled yet.")
    SUMMARY_REQUIRED = "summary_required", _("Write the public summary in Vietnamese.")
    BAD_EXPIRY = "bad_expiry", _("The result must expire after today and within three years.")
    NOT_PUBLISHABLE = (
        "not_publishable",
        _("A product that is not recommended is returned to its vendor, not published."),
    )
    FINDINGS_REQUIRED = "findings_required", _("Write the findings the vendor must fix.")
    ALREADY_OPEN = "already_open", _("This product already has an evaluation in progress.")
    WRONG_CRITERIA_SET = (
        "wrong_criteria_set",
        _("Choose a current criteria set that applies to this kind of product."),
    )
    DOCUMENTS_REQUIRED = (
        "documents_required",
        _("Add at least one document that shows how the product meets the criteria."),
    )
    CLOSED = "closed", _("Documents can no longer be added to this evaluation.")
    TOO_MANY_FILES = "too_many_files", _("Too many documents at once.")
    EMPTY_FILE = "empty_file", _("The file is empty.")
    FILE_TOO_LARGE = "file_too_large", _("The file is too big.")
    UNSUPPORTED_FILE = (
        "unsupported_file",
        _("Only PDF, PNG, JPEG, DOCX or ODT documents can be uploaded. This file is not one."),
    )
    EMAIL_TAKEN = "email_taken", _("An account with this e-mail address already exists.")
    PRODUCT_LOCKED = (
        "product_locked",
        _(
            "This product is being evaluated or is listed in the catalogue, so its details "
            "cannot change now."
        ),
    )
    VERSION_IN_USE = (
        "version_in_use",
        _("Evaluations use this version of the criteria. Make a new version to change it."),
    )


class EvaluationError(DomainError):
    """A step that cannot be taken; nothing was changed."""

    codes = EvaluationErrorCode
