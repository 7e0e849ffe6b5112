from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.cases.selectors import access_case
from copnet.core.errors import add_to_form
from copnet.core.ratelimit import check_rate, refused_page, wait_message
from copnet.reports.errors import IntakeError

from . import selectors, services
from .choices import AppealStatus
from .forms import (
    AppealForm,
    CaseForm,
    DecideForm,
    ImportForm,
    PublicForm,
    SearchForm,
    WithdrawForm,
)
from .models import Appeal, FeedVersion


@require_perm(Perm.MANAGE_FEED)
def manage(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET or None)
    entries = selectors.entries_visible_to(request.user).filter(withdrawn_at__isnull=True)
    if search.is_valid() and search.cleaned_data["q"]:
        entries = entries.filter(value__icontains=search.cleaned_data["q"].strip().lower())
    adds, withdrawals = services.pending_changes()
    live = selectors.entries_visible_to(request.user).filter(withdrawn_at__isnull=True)
    return render(
        request,
        "feed/manage.html",
        {
            "page": Paginator(entries.order_by("-created_at"), 50).get_page(
                request.GET.get("page")
            ),
            "search": search,
            "by_category": live.values("category__code", "kind", "is_public")
            .annotate(n=Count("id"))
            .order_by("category__code", "kind"),
            "versions": FeedVersion.objects.order_by("-number")[:10],
            "pending_adds": adds,
            "pending_withdrawals": withdrawals,
            "import_form": ImportForm(),
            "case_form": CaseForm(),
            "public_form": PublicForm(),
            "appeals": Appeal.objects.visible_to(request.user)
            .filter(status=AppealStatus.OPEN)
            .select_related("case"),
        },
    )


def _back(request: HttpRequest, error: str = "", ok: str = "") -> HttpResponse:
    if error:
        messages.error(request, error)
    if ok:
        messages.success(request, ok)
    return redirect("feed:manage")


@require_POST
@require_perm(Perm.MANAGE_FEED)
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _back(request, _("Check the import form."))
    data = form.cleaned_data
    text = data["text"]
    upload = data["file"]
    if upload is not None:
        from django.conf import settings

        if upload.size > settings.FEED_MAX_IMPORT_BYTES:
            return _back(request, _("The list file is too large; split it."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return _back(request, _("The list file is not UTF-8 text."))
    try:
        result = services.do_import_list(
            text=text,
            kind=data["kind"],
            category=data["category"],
            actor=request.user,
            source_label=data["source_label"],
            is_public=data["is_public"],
            review_on=data["review_on"],
        )
    except services.FeedError as exc:
        for line in exc.errors:
            messages.error(request, line)
        return _back(request, exc.message)
    return _back(
        request,
        ok=_("%(added)s entries added, %(duplicates)s already in the feed.")
        % {"added": result.added, "duplicates": result.duplicates},
    )


@require_POST
@require_perm(Perm.MANAGE_FEED)
def add_case(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST)
    if not form.is_valid():
        return _back(request, _("Check the form."))
    case = access_case(request.user, form.cleaned_data["reference"].strip().upper())
    try:
        added = services.do_add_case(
            case=case, actor=request.user, hosts=form.cleaned_data["hosts"].split()
        )
    except services.FeedError as exc:
        return _back(request, exc.message)
    return _back(request, ok=_("%(added)s entries added from the case.") % {"added": added})


@require_POST
@require_perm(Perm.MANAGE_FEED)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.access_entry(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _back(request, _("Say why the entry is withdrawn."))
    try:
        services.do_withdraw(entry=entry, reason=form.cleaned_data["reason"], actor=request.user)
    except services.FeedError as exc:
        return _back(request, exc.message)
    return _back(request, ok=_("The entry will leave the feed at the next version."))


@require_POST
@require_perm(Perm.MANAGE_FEED)
def set_public(request: HttpRequest) -> HttpResponse:
    form = PublicForm(request.POST)
    if not form.is_valid():
        return _back(request, _("Check the form."))
    changed = services.do_set_public(
        category=form.cleaned_data["category"],
        is_public=form.cleaned_data["is_public"],
        actor=request.user,
    )
    return _back(request, ok=_("%(n)s entries changed.") % {"n": changed})


@require_POST
@require_perm(Perm.MANAGE_FEED)
def publish(request: HttpRequest) -> HttpResponse:
    version = services.do_publish(actor=request.user)
    if version is None:
        return _back(request, ok=_("Nothing changed since the last version."))
    return _back(request, ok=_("Version %(n)s was published.") % {"n": version.number})


@require_POST
@require_perm(Perm.MANAGE_FEED)
def decide_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = Appeal.objects.filter(status=AppealStatus.OPEN).access(request.user, pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _back(request, _("Give a reason for the decision."))
    services.do_decide_appeal(
        appeal=appeal,
        uphold=form.cleaned_data["uphold"],
        reason=form.cleaned_data["reason"],
        actor=request.user,
    )
    return _back(request, ok=_("The appeal was decided."))


def appeal(request: HttpRequest) -> HttpResponse:
    """Public: a site owner asks for review of a blocked address (opens a case)."""
    form = AppealForm(request.POST or None)
    wait = check_rate(request, "feed-appeal") if request.method == "POST" else 0
    if wait:
        form.add_error(None, wait_message(wait))
        return refused_page(request, "feed/appeal.html", {"form": form}, wait)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_submit_appeal(**form.cleaned_data)
        except services.FeedError as exc:
            add_to_form(form, exc, field="address")
        except IntakeError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "feed/appeal_done.html")
    return render(request, "feed/appeal.html", {"form": form}, status=400 if form.errors else 200)
