"""An evaluation of one product against one criteria-set version, scored by two or more evaluators.

`EvaluationItem` rows copy the criteria when the evaluation is created, so that later versions
or edits of the criteria never change what an evaluation was scored on or its result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.accounts.scoping import ScopedManager
from copnet.core.i18n import Bilingual

from ..choices import EvaluationStatus, ScoreValue, Verdict
from .criteria import CriteriaSet
from .products import Product

USER = settings.AUTH_USER_MODEL


class Evaluation(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="evaluations")
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="evaluations"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.SUBMITTED,
        db_index=True,
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resubmission"
    )
    vendor_note = models.TextField(_("note from the vendor"), blank=True, max_length=4000)
    submitted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    score = models.DecimalField(
        _("weighted score (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    mandatory_met = models.BooleanField(_("all mandatory criteria met"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    summary_vi = models.TextField(_("public summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("public summary (English)"), blank=True)
    findings = models.TextField(_("findings for the vendor"), blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # E-mails already sent, so that a retried task never sends one twice.
    managers_notified_at = models.DateTimeField(null=True, blank=True)
    vendor_notified_status = models.CharField(max_length=20, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"E-{self.pk} {self.product.name}"

    @property
    def reference(self) -> str:
        return f"E-{self.pk}"

    summary = Bilingual()


class EvaluationItem(models.Model):
    """One criterion as it stood when the evaluation was created, and its reconciled score."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(
        "evaluations.Criterion", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    section_code = models.CharField(max_length=40)
    section_title_vi = models.CharField(max_length=200)
    section_title_en = models.CharField(max_length=200)
    code = models.CharField(max_length=40)
    text_vi = models.TextField()
    text_en = models.TextField()
    guidance_vi = models.TextField(blank=True)
    guidance_en = models.TextField(blank=True)
    evidence_vi = models.TextField(blank=True)
    evidence_en = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField()
    mandatory = models.BooleanField()
    order = models.PositiveSmallIntegerField()
    final_value = models.CharField(
        _("reconciled score"), max_length=8, choices=ScoreValue.choices, blank=True
    )
    final_note = models.TextField(_("reconciliation note"), blank=True)
    reconciled_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code"], name="item_code_per_evaluation")
        ]

    def __str__(self) -> str:
        return self.code

    text = Bilingual()
    guidance = Bilingual()
    evidence = Bilingual()
    section_title = Bilingual()


class Assignment(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("scoring finished"), null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "evaluator"], name="one_assignment_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.evaluator_id}"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(EvaluationItem, on_delete=models.CASCADE, related_name="scores")
    value = models.CharField(_("score"), max_length=8, choices=ScoreValue.choices)
    note = models.TextField(_("note"), blank=True)
    document = models.ForeignKey(
        "evaluations.VendorDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("vendor document that proves it"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="one_score_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.value}"


class StoredFile(models.Model):
    """An uploaded document, encrypted in the evaluation file store (never on a public path)."""

    filename = models.CharField(_("file name"), max_length=150)
    mime = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    blob_path = models.CharField(max_length=100, db_index=True)  # looked up by the orphan sweep
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.filename


class VendorDocument(StoredFile):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)

    objects = ScopedManager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("vendor document")
        verbose_name_plural = _("vendor documents")


class ScoreEvidence(StoredFile):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")

    objects = ScopedManager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class SelfAssessment(models.Model):
    """A vendor's own check of a product against a criteria set, before submitting it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="self_assessments")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)  # criterion code -> ScoreValue
    notes = models.JSONField(default=dict)  # criterion code -> note
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "criteria_set"], name="one_self_assessment_per_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} / {self.criteria_set}"
