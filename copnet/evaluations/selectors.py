"""Reads of evaluations. Private rows go through accounts.permissions; the public catalogue
shows only published results that have not expired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, access, has_perm, is_active_person, visible_to

from . import scoring
from .choices import EvaluationStatus, ScoreValue
from .models import (
    Evaluation,
    EvaluationItem,
    Product,
    ScoreEvidence,
    SelfAssessment,
    Vendor,
    VendorDocument,
)

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


# --- Staff and vendors ------------------------------------------------------------------------
def assignable_evaluators() -> QuerySet[User]:
    """Evaluators a manager may assign to an evaluation (of any organisation: managers are
    network-wide), with their organisation for the choice label."""
    return User.objects.filter(role=Role.EVALUATOR, is_active=True).select_related("organisation")


def evaluations_visible_to(principal: Principal | None) -> QuerySet[Evaluation]:
    """Managers see every evaluation, evaluators those they are assigned to, vendors their own."""
    rows = visible_to(
        principal,
        Evaluation.objects.select_related(
            "product", "product__vendor__organisation", "criteria_set"
        ),
    )
    if has_perm(principal, Perm.MANAGE_EVALUATIONS):
        return rows
    if has_perm(principal, Perm.EVALUATE_PRODUCTS) and is_active_person(principal):
        return rows.filter(assignments__evaluator=principal).distinct()
    org_id = getattr(principal, "organisation_id", None)
    if org_id is None:
        return rows.none()
    return rows.filter(product__vendor__organisation_id=org_id)


def access_evaluation(principal: Principal | None, pk: Any) -> Evaluation:
    return access(principal, evaluations_visible_to(principal), pk=pk)


def products_of(vendor: Vendor, principal: Principal | None) -> QuerySet[Product]:
    return visible_to(principal, Product.objects.filter(vendor=vendor))


def access_product(principal: Principal | None, vendor: Vendor, pk: Any) -> Product:
    return access(principal, Product.objects.filter(vendor=vendor), pk=pk)


def access_document(principal: Principal | None, pk: Any) -> VendorDocument:
    evaluations = evaluations_visible_to(principal).values("pk")
    return access(principal, VendorDocument.objects.filter(evaluation__in=evaluations), pk=pk)


def access_score_evidence(principal: Principal | None, pk: Any) -> ScoreEvidence:
    evaluations = evaluations_visible_to(principal).values("pk")
    return access(
        principal, ScoreEvidence.objects.filter(score__item__evaluation__in=evaluations), pk=pk
    )


def self_assessment_for(
    principal: Principal | None, product: Product, criteria_set: Any
) -> SelfAssessment:
    found = visible_to(
        principal, SelfAssessment.objects.filter(product=product, criteria_set=criteria_set)
    ).first()
    return found or SelfAssessment(product=product, criteria_set=criteria_set)


@dataclass
class ItemRow:
    item: EvaluationItem
    scores: list[Any] = field(default_factory=list)  # Score rows, one per evaluator
    mine: Any = None  # the viewing evaluator's own score, if any

    @property
    def differs(self) -> bool:
        return len({s.value for s in self.scores}) > 1


def item_rows(evaluation: Evaluation, evaluator_id: int | None = None) -> list[ItemRow]:
    items = evaluation.items.prefetch_related(
        "scores__assignment__evaluator", "scores__evidence", "scores__document"
    )
    rows = []
    for item in items:
        scores = sorted(item.scores.all(), key=lambda s: s.assignment_id)
        mine = next((s for s in scores if s.assignment.evaluator_id == evaluator_id), None)
        rows.append(ItemRow(item=item, scores=scores, mine=mine))
    return rows


# --- Public catalogue -------------------------------------------------------------------------
def listed(today: dt.date | None = None) -> QuerySet[Evaluation]:
    """The evaluation each product is listed with: its newest published, unexpired one."""
    today = today or timezone.localdate()
    live = Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED, expires_on__gte=today)
    newest = live.filter(product=OuterRef("product")).order_by("-published_at").values("pk")[:1]
    return (
        live.filter(pk=Subquery(newest))
        .select_related("product", "product__vendor__organisation", "criteria_set")
        .order_by("product__name")
    )


def catalogue(filters: dict[str, Any], today: dt.date | None = None) -> QuerySet[Evaluation]:
    rows = listed(today)
    q = (filters.get("q") or "").strip()
    if q:
        rows = rows.filter(
            Q(product__name__icontains=q)
            | Q(product__description_vi__icontains=q)
            | Q(product__description_en__icontains=q)
            | Q(product__vendor__organisation__name_vi__icontains=q)
            | Q(product__vendor__organisation__name_en__icontains=q)
            | Q(summary_vi__icontains=q)
            | Q(summary_en__icontains=q)
        )
    if filters.get("kind"):
        rows = rows.filter(product__kind=filters["kind"])
    for name in ("platform", "purpose", "language"):
        if filters.get(name):
            rows = rows.filter(**{f"product__{name}s__contains": f",{filters[name]},"})
    if filters.get("age") is not None:
        rows = rows.filter(
            product__age_min__lte=filters["age"], product__age_max__gte=filters["age"]
        )
    if filters.get("verdict"):
        rows = rows.filter(verdict=filters["verdict"])
    return rows


def listed_product(slug: str, today: dt.date | None = None) -> Evaluation | None:
    return listed(today).filter(product__slug=slug).first()


@dataclass(frozen=True)
class SectionResult:
    title: str
    score: Decimal | None
    items: list[EvaluationItem]


def section_results(evaluation: Evaluation) -> list[SectionResult]:
    grouped: dict[str, list[EvaluationItem]] = {}
    for item in evaluation.items.all():
        grouped.setdefault(item.section_code, []).append(item)
    return [
        SectionResult(
            title=items[0].section_title,
            score=scoring.weighted_score(
                scoring.Scored(i.weight, i.mandatory, i.final_value or ScoreValue.NOT_MET)
                for i in items
            ),
            items=items,
        )
        for items in grouped.values()
    ]
