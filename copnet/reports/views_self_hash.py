"""The self-hash page: pictures hashed on the device, only the hashes sent (`self_hash`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from copnet.core.errors import add_to_form, error_body
from copnet.core.ratelimit import check_rate, check_rates, refused_page, wait_message

from . import self_hash
from .choices import SelfHashCategory
from .errors import SelfHashError, SelfHashErrorCode
from .forms import SelfHashStatusForm
from .models import SelfHashSubmission


def _json(body: dict[str, Any], status: int, **headers: str) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


@never_cache
@ensure_csrf_cookie
def self_hash_page(request: HttpRequest) -> HttpResponse:
    """GET: the page. POST (JSON, from `selfhash.js`): the hashes and a category → 201 with
    the tracking code and secret, or a translated error `{"code", "message", "field"}`."""
    if request.method != "POST":
        return render(
            request,
            "reports/self_hash.html",
            {"categories": SelfHashCategory.choices, "max_images": self_hash.MAX_IMAGES},
        )
    wait = check_rate(request, "self-hash")
    if wait:
        return _json(
            error_body("rate_limited", wait_message(wait)), 429, **{"Retry-After": str(wait)}
        )
    try:
        checked = self_hash.check_payload(request.body)
        submission, secret = self_hash.do_submit(checked)
    except SelfHashError as exc:
        return _json(exc.as_body(), exc.status)
    return _json(
        {
            "tracking_code": submission.tracking_code,
            "secret": secret,
            "images": submission.images,
            "status_url": reverse("reports:self_hash_status"),
        },
        201,
    )


def _status_context(form: SelfHashStatusForm, found: SelfHashSubmission | None) -> dict[str, Any]:
    context: dict[str, Any] = {"form": form, "submission": found}
    if found is not None:
        context["category"] = SelfHashCategory(found.category).label
        context["sent"] = formats.date_format(found.created_at, "DATE_FORMAT")
        if found.withdrawn_at:
            context["withdrawn"] = formats.date_format(found.withdrawn_at, "DATE_FORMAT")
    return context


@never_cache
def self_hash_status(request: HttpRequest) -> HttpResponse:
    """Check the status of one's fingerprints, or withdraw them, with the code and secret."""
    form = SelfHashStatusForm(request.POST or None)
    found: SelfHashSubmission | None = None
    if request.method == "POST":
        code = request.POST.get("tracking_code", "").strip().upper()[:16]
        wait = check_rates(request, ("status", None), *([("status-code", code)] if code else []))
        if wait:
            form.add_error(None, wait_message(wait))
            return refused_page(
                request, "reports/self_hash_status.html", _status_context(form, None), wait
            )
        if form.is_valid():
            code, secret = form.cleaned_data["tracking_code"], form.cleaned_data["secret"]
            try:
                if request.POST.get("action") == "withdraw":
                    found = self_hash.do_withdraw(code, secret)
                    context = _status_context(form, found)
                    context["just_withdrawn"] = True
                    return render(request, "reports/self_hash_status.html", context)
                found = self_hash.find_submission(code, secret)
                if found is None:
                    raise SelfHashError(SelfHashErrorCode.NOT_FOUND)
            except SelfHashError as exc:
                add_to_form(form, exc)
                found = None
                if exc.code == SelfHashErrorCode.ALREADY_WITHDRAWN:
                    found = self_hash.find_submission(code, secret)
                context = _status_context(form, found)
                return render(request, "reports/self_hash_status.html", context, status=exc.status)
    return render(request, "reports/self_hash_status.html", _status_context(form, found))
