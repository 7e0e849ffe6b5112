"""Public read API of the ecosystem catalogue: what is listed there, nothing more."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from copnet.core.errors import ApiError, ApiErrorCode
from copnet.core.links import absolute_reverse
from copnet.core.schemas import PathText

from . import selectors
from .models import Evaluation
from .models.fields import split_codes
from .schemas import CatalogueQuery, ListedProductDetailOut, ListedProductOut

router = Router(tags=["ecosystem"], auth=None)
MAX_RESULTS = 200


def _row(request: HttpRequest, evaluation: Evaluation) -> dict[str, Any]:
    product = evaluation.product
    return {
        "slug": product.slug,
        "name": product.name,
        "vendor": product.vendor.name,
        "kind": product.kind,
        "platforms": split_codes(product.platforms),
        "purposes": split_codes(product.purposes),
        "languages": split_codes(product.languages),
        "age_min": product.age_min,
        "age_max": product.age_max,
        "verdict": evaluation.verdict,
        "score": evaluation.score,
        "mandatory_met": bool(evaluation.mandatory_met),
        "criteria_set": evaluation.criteria_set.code,
        "criteria_version": evaluation.criteria_set.version,
        "expires_on": evaluation.expires_on,
        "url": absolute_reverse("ecosystem:product", product.slug),
        "report_url": absolute_reverse("ecosystem:product_report", product.slug),
    }


@router.get(
    "/ecosystem/products",
    response=list[ListedProductOut],
    summary="Products listed in the ecosystem catalogue (published, unexpired results)",
)
def list_products(request: HttpRequest, filters: Query[CatalogueQuery]) -> list[dict[str, Any]]:
    rows = selectors.catalogue(filters.dict())[:MAX_RESULTS]
    return [_row(request, e) for e in rows]


@router.get(
    "/ecosystem/products/{slug}",
    response=ListedProductDetailOut,
    summary="One listed product with its evaluation summary",
)
def get_product(request: HttpRequest, slug: PathText) -> dict[str, Any]:
    evaluation = selectors.listed_product(slug)
    if evaluation is None:
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Not found."))
    product = evaluation.product
    return {
        **_row(request, evaluation),
        "description": product.description,
        "summary": evaluation.summary,
        "data_practices": product.data_practices,
        "sections": [
            {"title": s.title, "score": s.score} for s in selectors.section_results(evaluation)
        ],
    }
