from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.audit.services import record_view
from copnet.cases.models import Case
from copnet.core.errors import add_to_form

from .errors import ViolatorError
from .forms import SuspensionForm
from .models import PlatformAccount
from .services import do_record_suspension, standings


@require_perm(Perm.VIEW_CASES)
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = PlatformAccount.objects.visible_to(request.user).select_related("platform")
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    rows = standings(
        PlatformAccount.objects.visible_to(request.user).filter(pk__in=[a.pk for a in page])
    )
    rows.sort(key=lambda s: (-s.cases_30, -s.cases_90, -s.account.pk))
    return render(request, "violators/list.html", {"page": page, "rows": rows})


@require_perm(Perm.VIEW_CASES)
def account_detail(
    request: HttpRequest, pk: int, form: SuspensionForm | None = None
) -> HttpResponse:
    account = PlatformAccount.objects.access(request.user, pk=pk)
    record_view(actor=request.user, target=account)
    (standing,) = standings(PlatformAccount.objects.visible_to(request.user).filter(pk=account.pk))
    case_ids = account.sightings.values_list("case_id", flat=True)
    cases = Case.objects.visible_to(request.user).filter(pk__in=case_ids).order_by("-created_at")
    context = {
        "account": account,
        "standing": standing,
        "cases": cases,
        "suspensions": account.suspensions.all(),
        "form": form or SuspensionForm(),
    }
    return render(request, "violators/detail.html", context, status=400 if form else 200)


@require_POST
@require_perm(Perm.WORK_CASES)
def record_suspension(request: HttpRequest, pk: int) -> HttpResponse:
    account = PlatformAccount.objects.access(request.user, pk=pk)
    form = SuspensionForm(request.POST)
    if form.is_valid():
        try:
            do_record_suspension(
                account=account,
                starts_on=form.cleaned_data["starts_on"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except ViolatorError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The suspension was recorded."))
            return redirect("violators:detail", pk=account.pk)
    return account_detail(request, pk, form=form)
