"""Vendors: sign up, describe products, self-assess, submit, follow their evaluations."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.accounts.principal import AuthedHttpRequest
from copnet.core.errors import add_to_form
from copnet.core.ratelimit import check_rate, refused_page, wait_message

from .. import selectors
from ..choices import OPEN_STATUSES, EvaluationStatus, ScoreValue
from ..errors import EvaluationError
from ..forms import DocumentsForm, ProductForm, SubmitForm, VendorRegistrationForm
from ..models import CriteriaSet, Product
from ..services import signup, submission, vendors
from .common import file_response


def require_vendor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @require_perm(Perm.SUBMIT_PRODUCTS)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        vendor = vendors.vendor_of(request.user)
        if vendor is None:
            raise PermissionDenied
        return view(request, vendor, *args, **kwargs)

    return wrapper


def _uploads(files_list: list[Any]) -> list[submission.Upload]:
    return [submission.Upload(title="", filename=f.name, data=f.read()) for f in files_list]


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("ecosystem:vendor_home")
    form = VendorRegistrationForm(request.POST or None)
    if request.method == "POST":
        wait = check_rate(request, "vendor-signup")
        if wait:
            form.add_error(None, wait_message(wait))
            return refused_page(request, "evaluations/register.html", {"form": form}, wait)
        if form.is_valid():
            data = form.cleaned_data
            # The same answer whether or not the address has an account (no enumeration).
            signup.do_request_vendor_sign_up(
                organisation_name=data["organisation_name"],
                website=data["website"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"],
            )
            return redirect("ecosystem:vendor_register_sent")
    return render(request, "evaluations/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/register_sent.html")


def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the sign-up e-mail. GET shows what will be created (mail scanners open
    links); POST creates the vendor and signs its account in."""
    sign_up = signup.read_sign_up(token)
    if sign_up is None:
        return render(
            request,
            "evaluations/register_sent.html",
            {"problem": _("This link is not valid or has expired. Register again.")},
            status=404,
        )
    if request.method == "POST":
        try:
            user = signup.do_confirm_vendor_sign_up(sign_up=sign_up)
        except EvaluationError:
            return render(
                request,
                "evaluations/register_sent.html",
                {"problem": _("This link was already used. Sign in with your e-mail address.")},
                status=409,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your vendor account is ready."))
        return redirect("ecosystem:vendor_home")
    return render(request, "evaluations/register_confirm.html", {"sign_up": sign_up})


@require_vendor
def home(request: AuthedHttpRequest, vendor: Any) -> HttpResponse:
    products = selectors.products_of(vendor, request.user).prefetch_related("evaluations")
    evaluations = selectors.evaluations_visible_to(request.user).filter(product__vendor=vendor)
    return render(
        request,
        "evaluations/vendor_home.html",
        {"vendor": vendor, "products": products, "evaluations": evaluations},
    )


@require_vendor
def product_edit(request: AuthedHttpRequest, vendor: Any, pk: int | None = None) -> HttpResponse:
    product = selectors.access_product(request.user, vendor, pk) if pk else Product()
    form = ProductForm(request.POST or None, instance=product)
    locked = vendors.product_locked(product)
    if request.method == "POST" and form.is_valid():
        try:
            product = vendors.do_save_product(
                product=form.save(commit=False), vendor=vendor, actor=request.user
            )
        except EvaluationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The product was saved."))
            return redirect("ecosystem:vendor_product", pk=product.pk)
    return render(
        request,
        "evaluations/product_form.html",
        {"form": form, "product": product if product.pk else None, "locked": locked},
    )


@require_vendor
def product_detail(request: AuthedHttpRequest, vendor: Any, pk: int) -> HttpResponse:
    product = selectors.access_product(request.user, vendor, pk)
    sets = [s for s in CriteriaSet.objects.filter(is_current=True) if s.applies_to(product.kind)]
    return render(
        request,
        "evaluations/vendor_product.html",
        {
            "product": product,
            "evaluations": product.evaluations.select_related("criteria_set"),
            "criteria_sets": sets,
            "locked": vendors.product_locked(product),
            "can_submit": not product.evaluations.filter(status__in=OPEN_STATUSES).exists(),
        },
    )


@require_vendor
def submit(request: AuthedHttpRequest, vendor: Any, pk: int) -> HttpResponse:
    product = selectors.access_product(request.user, vendor, pk)
    form = SubmitForm(request.POST or None, request.FILES or None, product=product)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = submission.do_submit_for_evaluation(
                product=product,
                vendor=vendor,
                criteria_set=form.cleaned_data["criteria_set"],
                uploads=_uploads(form.cleaned_data["documents"]),
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except EvaluationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Submitted. The Network will review your request."))
            return redirect("ecosystem:vendor_evaluation", pk=evaluation.pk)
    return render(request, "evaluations/submit.html", {"form": form, "product": product})


@require_vendor
def evaluation_detail(request: AuthedHttpRequest, vendor: Any, pk: int) -> HttpResponse:
    evaluation = selectors.access_evaluation(request.user, pk)
    form = DocumentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission.do_add_documents(
                evaluation=evaluation,
                vendor=vendor,
                uploads=_uploads(form.cleaned_data["documents"]),
                actor=request.user,
            )
        except EvaluationError as exc:
            form.add_error("documents", exc.message)
        else:
            messages.success(request, _("The documents were added."))
            return redirect("ecosystem:vendor_evaluation", pk=evaluation.pk)
    decided = evaluation.status in (EvaluationStatus.RETURNED, EvaluationStatus.PUBLISHED)
    gaps = (
        evaluation.items.exclude(final_value__in=[ScoreValue.MET, ScoreValue.NOT_APPLICABLE])
        if decided
        else []
    )
    return render(
        request,
        "evaluations/vendor_evaluation.html",
        {
            "evaluation": evaluation,
            "documents": evaluation.documents.all(),
            "form": form,
            "gaps": gaps,
            "can_add": evaluation.status
            in (EvaluationStatus.SUBMITTED, EvaluationStatus.ACCEPTED, EvaluationStatus.IN_REVIEW),
        },
    )


@require_vendor
def document(request: AuthedHttpRequest, vendor: Any, pk: int) -> HttpResponse:
    return file_response(selectors.access_document(request.user, pk))


@require_vendor
def self_assessment(request: AuthedHttpRequest, vendor: Any, pk: int, set_pk: int) -> HttpResponse:
    product = selectors.access_product(request.user, vendor, pk)
    criteria_set = CriteriaSet.objects.filter(pk=set_pk).first()
    if criteria_set is None or not criteria_set.applies_to(product.kind):
        raise Http404
    assessment = selectors.self_assessment_for(request.user, product, criteria_set)
    criteria = vendors.applicable_criteria(criteria_set, product.kind)
    error = ""
    if request.method == "POST":
        answers = {c.code: request.POST.get(f"score_{c.code}", "") for c in criteria}
        notes = {c.code: request.POST.get(f"note_{c.code}", "") for c in criteria}
        try:
            assessment = vendors.do_save_self_assessment(
                product=product,
                criteria_set=criteria_set,
                answers=answers,
                notes=notes,
                actor=request.user,
            )
        except EvaluationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your self-assessment was saved."))
            return redirect("ecosystem:vendor_self_assessment", pk=product.pk, set_pk=set_pk)
    rows = [
        (c, assessment.answers.get(c.code, ""), assessment.notes.get(c.code, "")) for c in criteria
    ]
    return render(
        request,
        "evaluations/self_assessment.html",
        {
            "product": product,
            "criteria_set": criteria_set,
            "rows": rows,
            "choices": ScoreValue.choices,
            "check": vendors.self_check(assessment),
            "saved": assessment.pk is not None,
            "error": error,
        },
        status=400 if error else 200,
    )
