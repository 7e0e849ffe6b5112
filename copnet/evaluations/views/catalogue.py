"""The public ecosystem catalogue: published, unexpired results only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from copnet.core.http import HtmxHttpRequest

from .. import pdf, selectors
from ..forms import CatalogueFilterForm
from ..models import Evaluation


def catalogue(request: HtmxHttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    rows = selectors.catalogue(form.filters())
    page = Paginator(rows, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "evaluations/_catalogue_results.html" if request.htmx else "evaluations/catalogue.html"
    )
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


def _listed(slug: str) -> Evaluation:
    evaluation = selectors.listed_product(slug)
    if evaluation is None:
        raise Http404
    return evaluation


def product_page(request: HttpRequest, slug: str) -> HttpResponse:
    evaluation = _listed(slug)
    return render(
        request,
        "evaluations/product.html",
        {
            "evaluation": evaluation,
            "product": evaluation.product,
            "sections": selectors.section_results(evaluation),
        },
    )


def product_report(request: HttpRequest, slug: str) -> HttpResponse:
    evaluation = _listed(slug)
    response = HttpResponse(pdf.evaluation_report(evaluation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="copnet-{evaluation.product.slug}-{evaluation.reference}.pdf"'
    )
    return response


def product_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """An SVG badge vendors may show, linking back to the catalogue entry."""
    evaluation = _listed(slug)
    svg = render_to_string("evaluations/badge.svg", {"evaluation": evaluation}, request=request)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
