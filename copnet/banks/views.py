"""Staff pages for hash banks, URL lists, detection hits and the "check" form.

Banks hold hashes only: no page here ever shows or accepts an image.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_perm
from copnet.cases.selectors import access_case
from copnet.core.errors import add_to_form, after_post
from copnet.core.http import HtmxHttpRequest

from . import curation, engine, safety, selectors, services
from .choices import HitKind, SignalKind
from .errors import DetectionInputError
from .explain import check_hashes, check_texts, check_urls
from .forms import (
    BankEntryForm,
    BankForm,
    CheckForm,
    EntrySearchForm,
    ImportForm,
    ThresholdForm,
    UrlEntryForm,
    UrlListForm,
    UrlSearchForm,
)
from .video import features_of

PAGE_SIZE = 50
MAX_FRAMES_SHOWN = 600  # frames listed on a video entry's page (ten minutes)


def _page(request: HttpRequest, rows: Any) -> tuple[Any, str]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _require_manage(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.MANAGE_BANKS):
        raise PermissionDenied


@require_perm(Perm.VIEW_BANKS)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "banks/index.html",
        {
            "banks": selectors.banks_with_counts(),
            "url_lists": selectors.url_lists_with_counts(),
            "quarantined": safety.quarantined_entries(),
            "can_manage": has_perm(request.user, Perm.MANAGE_BANKS),
            "pdq_index": engine.pdq_index_status(),
        },
    )


# --- Hash banks ---------------------------------------------------------------------------------


@require_perm(Perm.MANAGE_BANKS)
def bank_create(request: HttpRequest) -> HttpResponse:
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        bank = curation.do_create_bank(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The bank was created."))
        return redirect("banks:bank", name=bank.name)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New hash bank"), "back_url": reverse("banks:index")},
        status=400 if form.errors else 200,
    )


@require_perm(Perm.VIEW_BANKS)
def bank_detail(request: HtmxHttpRequest, name: str) -> HttpResponse:
    bank = selectors.access_bank(name)
    add_form = BankEntryForm()
    status = 200
    if request.method == "POST":
        _require_manage(request)
        add_form = BankEntryForm(request.POST)
        if add_form.is_valid():
            try:
                curation.do_add_bank_entry(bank=bank, actor=request.user, **add_form.cleaned_data)
            except services.DetectionInputError as exc:
                add_to_form(add_form, exc, field="value")
            else:
                messages.success(request, _("The hash was added."))
                return redirect("banks:bank", name=bank.name)
        status = 400
    search = EntrySearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    entries = selectors.bank_entries(bank, filters.get("q", ""), filters.get("signal_type", ""))
    page, query = _page(request, entries)
    context = {
        # A case reference is shown only to those who may see the case.
        "visible_cases": selectors.visible_case_ids(
            request.user, [e.confirmed_case_id for e in page if e.confirmed_case_id]
        ),
        "bank": bank,
        "page": page,
        "query": query,
        "search": search,
        "add_form": add_form,
        "threshold_form": ThresholdForm(
            initial={
                "pdq_threshold": bank.pdq_threshold,
                "vpdq_query_pct": bank.vpdq_query_pct,
                "vpdq_target_pct": bank.vpdq_target_pct,
            }
        ),
        "default_threshold": settings.PDQ_THRESHOLD,
        "can_manage": has_perm(request.user, Perm.MANAGE_BANKS),
    }
    template = "banks/_entries_table.html" if request.htmx else "banks/bank_detail.html"
    return render(request, template, context, status=status)


@require_perm(Perm.MANAGE_BANKS)
def bank_import(request: HttpRequest, name: str) -> HttpResponse:
    bank = selectors.access_bank(name)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        result = services.import_hashes(
            bank=bank,
            text=form.cleaned_data["file"],
            actor=request.user,
            source=form.cleaned_data["source"],
        )
        if not result.errors:
            messages.success(
                request,
                _("%(added)s hashes added, %(duplicates)s were already in the bank.")
                % {"added": result.added, "duplicates": result.duplicates},
            )
            return redirect("banks:bank", name=bank.name)
        errors = result.errors
    return render(
        request,
        "banks/import.html",
        {"target": bank, "form": form, "errors": errors, "is_bank": True},
        status=400 if form.errors or errors else 200,
    )


@require_perm(Perm.VIEW_BANKS)
def bank_export(request: HttpRequest, name: str) -> HttpResponse:
    bank = selectors.access_bank(name)
    fmt = "signals" if request.GET.get("format") == "signals" else "csv"
    body, rows = curation.export_bank(bank, fmt, request.user)
    curation.record_export(target=bank, actor=request.user, fmt=fmt, rows=rows)
    extension = "txt" if fmt == "signals" else "csv"
    response = HttpResponse(body, content_type=f"text/{'plain' if fmt == 'signals' else 'csv'}")
    response["Content-Disposition"] = f'attachment; filename="{bank.name}.{extension}"'
    return response


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def bank_active(request: HttpRequest, name: str) -> HttpResponse:
    bank = selectors.access_bank(name)
    active = request.POST.get("active") == "1"
    curation.do_set_bank_active(bank=bank, active=active, actor=request.user)
    messages.success(
        request, _("The bank is active.") if active else _("The bank was deactivated.")
    )
    return redirect("banks:bank", name=bank.name)


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def bank_threshold(request: HttpRequest, name: str) -> HttpResponse:
    bank = selectors.access_bank(name)
    form = ThresholdForm(request.POST)
    if form.is_valid():
        try:
            safety.do_set_bank_threshold(
                bank=bank, threshold=form.cleaned_data["pdq_threshold"], actor=request.user
            )
            shares = (form.cleaned_data["vpdq_query_pct"], form.cleaned_data["vpdq_target_pct"])
            if shares != (bank.vpdq_query_pct, bank.vpdq_target_pct):
                safety.do_set_bank_vpdq_shares(
                    bank=bank, query_pct=shares[0], target_pct=shares[1], actor=request.user
                )
        except services.DetectionInputError as exc:
            add_to_form(form, exc, field="pdq_threshold")
        else:
            messages.success(request, _("The threshold was saved."))
            return redirect("banks:bank", name=bank.name)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("PDQ threshold of %(bank)s") % {"bank": bank.name},
            "back_url": reverse("banks:bank", kwargs={"name": bank.name}),
        },
        status=400,
    )


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def entry_release(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.access_quarantined_entry(pk)
    safety.do_release_entry(entry=entry, actor=request.user)
    messages.success(request, _("The entry was released: it matches again."))
    return redirect("banks:index")


@require_perm(Perm.VIEW_BANKS)
def bank_entry(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    """One entry; a video's frames, and `?format=vpdq` downloads them as a vPDQ hash file."""
    bank = selectors.access_bank(name)
    entry = selectors.access_bank_entry(bank, pk)
    if request.GET.get("format") == "vpdq" and entry.signal_type == SignalKind.VPDQ:
        curation.record_export(target=bank, actor=request.user, fmt=f"vpdq:{entry.pk}", rows=1)
        response = HttpResponse(services.export_vpdq_file(entry), content_type="text/plain")
        response["Content-Disposition"] = f'attachment; filename="{bank.name}-{entry.pk}.vpdq.txt"'
        return response
    frames = features_of(entry.vpdq) if entry.signal_type == SignalKind.VPDQ else ()
    visible = selectors.visible_case_ids(
        request.user, [entry.confirmed_case_id] if entry.confirmed_case_id else []
    )
    return render(
        request,
        "banks/entry_detail.html",
        {
            "bank": bank,
            "entry": entry,
            "frames": frames[:MAX_FRAMES_SHOWN],
            "more_frames": max(0, len(frames) - MAX_FRAMES_SHOWN),
            "case_visible": entry.confirmed_case_id in visible,
        },
    )


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def bank_entry_active(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    bank = selectors.access_bank(name)
    entry = selectors.access_bank_entry(bank, pk)
    active = request.POST.get("active") == "1"
    curation.do_set_entry_active(entry=entry, active=active, actor=request.user)
    messages.success(
        request, _("The hash is active again.") if active else _("The hash was deactivated.")
    )
    return _back(request, "banks:bank", bank.name)


def _back(request: HttpRequest, route: str, name: str) -> HttpResponse:
    """Back to the list page the form was on (search and page kept, nothing else)."""
    kept = QueryDict(request.POST.get("next_query", "")[:1000], mutable=True)
    query = {key: kept.get(key, "") for key in ("q", "signal_type", "page") if key in kept}
    url = reverse(route, kwargs={"name": name})
    return redirect(f"{url}?{urlencode(query)}" if query else url)


# --- URL lists ----------------------------------------------------------------------------------


@require_perm(Perm.MANAGE_BANKS)
def url_list_create(request: HttpRequest) -> HttpResponse:
    form = UrlListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        url_list = curation.do_create_url_list(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The list was created."))
        return redirect("banks:url_list", name=url_list.name)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New address list"), "back_url": reverse("banks:index")},
        status=400 if form.errors else 200,
    )


@require_perm(Perm.VIEW_BANKS)
def url_list_detail(request: HtmxHttpRequest, name: str) -> HttpResponse:
    url_list = selectors.access_url_list(name)
    add_form = UrlEntryForm()
    status = 200
    if request.method == "POST":
        _require_manage(request)
        add_form = UrlEntryForm(request.POST)
        if add_form.is_valid():
            try:
                curation.do_add_url_entry(
                    url_list=url_list, actor=request.user, **add_form.cleaned_data
                )
            except services.DetectionInputError as exc:
                add_to_form(add_form, exc, field="pattern")
            else:
                messages.success(request, _("The address was added."))
                return redirect("banks:url_list", name=url_list.name)
        status = 400
    search = UrlSearchForm(request.GET or None)
    query_text = search.cleaned_data["q"] if search.is_valid() else ""
    page, query = _page(request, selectors.url_entries(url_list, query_text))
    context = {
        "url_list": url_list,
        "page": page,
        "query": query,
        "search": search,
        "add_form": add_form,
        "can_manage": has_perm(request.user, Perm.MANAGE_BANKS),
    }
    template = "banks/_url_entries_table.html" if request.htmx else "banks/url_list_detail.html"
    return render(request, template, context, status=status)


@require_perm(Perm.MANAGE_BANKS)
def url_list_import(request: HttpRequest, name: str) -> HttpResponse:
    url_list = selectors.access_url_list(name)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        result = services.import_urls(
            url_list=url_list, text=form.cleaned_data["file"], actor=request.user
        )
        if not result.errors:
            messages.success(
                request,
                _("%(added)s addresses added, %(duplicates)s were already in the list.")
                % {"added": result.added, "duplicates": result.duplicates},
            )
            return redirect("banks:url_list", name=url_list.name)
        errors = result.errors
    return render(
        request,
        "banks/import.html",
        {"target": url_list, "form": form, "errors": errors, "is_bank": False},
        status=400 if form.errors or errors else 200,
    )


@require_perm(Perm.VIEW_BANKS)
def url_list_export(request: HttpRequest, name: str) -> HttpResponse:
    url_list = selectors.access_url_list(name)
    body = curation.export_urls(url_list)
    curation.record_export(
        target=url_list, actor=request.user, fmt="csv", rows=url_list.entries.count()
    )
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{url_list.name}.csv"'
    return response


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def url_list_active(request: HttpRequest, name: str) -> HttpResponse:
    url_list = selectors.access_url_list(name)
    active = request.POST.get("active") == "1"
    curation.do_set_url_list_active(url_list=url_list, active=active, actor=request.user)
    messages.success(
        request, _("The list is active.") if active else _("The list was deactivated.")
    )
    return redirect("banks:url_list", name=url_list.name)


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def url_entry_active(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    url_list = selectors.access_url_list(name)
    entry = selectors.access_url_entry(url_list, pk)
    active = request.POST.get("active") == "1"
    curation.do_set_url_entry_active(entry=entry, active=active, actor=request.user)
    messages.success(
        request,
        _("The address is active again.") if active else _("The address was deactivated."),
    )
    return _back(request, "banks:url_list", url_list.name)


# --- Check and hits -----------------------------------------------------------------------------


@require_perm(Perm.VIEW_BANKS)
def check(request: HtmxHttpRequest) -> HttpResponse:
    form = CheckForm(request.POST or None)
    results: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == CheckForm.HASH:
            results = {"hashes": check_hashes(data["signal_type"], data["items"])}
        elif data["kind"] == CheckForm.URL:
            results = {"urls": check_urls(data["items"])}
        else:
            results = {"text": check_texts([data["value"]])[0]}
    context = {"form": form, "results": results, "checked": request.method == "POST"}
    context["pdq_threshold"] = settings.PDQ_THRESHOLD
    # htmx swaps only 2xx answers: the fragment carries the form errors itself.
    status = 400 if form.errors and not request.htmx else 200
    template = "banks/_check.html" if request.htmx else "banks/check.html"
    return render(request, template, context, status=status)


@require_perm(Perm.VIEW_BANKS)
def hits(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in HitKind.values:
        kind = ""
    page, query = _page(request, selectors.hits_visible_to(request.user, kind))
    return render(
        request,
        "banks/hits.html",
        {"page": page, "query": query, "kind": kind, "kinds": HitKind.choices},
    )


# --- the case page's action ----------------------------------------------------------------


@require_POST
@require_perm(Perm.MANAGE_BANKS)
def confirm_case_hashes(request: HttpRequest, reference: str) -> HttpResponse:
    """The case page's "add to the confirmed bank" form (/staff/cases/<reference>/confirm-hashes/,
    mounted in copnet/urls.py: cases sits below banks and cannot name this view)."""
    case = access_case(request.user, reference)
    back = reverse("cases:detail", args=[case.reference])
    try:
        added = services.add_case_hashes_to_confirmed_bank(case=case, actor=request.user)
    except DetectionInputError as exc:
        return after_post(request, back, exc)
    return after_post(
        request, back, ok=_("%(count)s hashes were added to the confirmed bank.") % {"count": added}
    )
