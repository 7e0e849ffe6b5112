"""Staff pages: refer from a case, the receiving body's queue, a referral, the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_perm
from copnet.audit.services import record_view
from copnet.cases.models import Case
from copnet.core.errors import DomainError, show_message
from copnet.core.workflow import allowed_next, by_name

from . import selectors, services
from .errors import SupportError, SupportErrorCode
from .forms import MoveForm, ReferralForm
from .models import Referral
from .workflow import REFERRAL, ReferralMove


@require_POST
@require_perm(Perm.REFER_FOR_SUPPORT)
def create(request: HttpRequest, reference: str) -> HttpResponse:
    case = Case.objects.access(request.user, reference=reference)
    form = ReferralForm(request.POST, own_org=request.user.organisation_id)  # type: ignore[union-attr]
    if not form.is_valid():
        messages.error(request, _("Check the referral form."))
        return redirect("cases:detail", reference=case.reference)
    data = services.ReferralInput(**form.cleaned_data)
    try:
        referral = services.do_refer(case=case, data=data, actor=request.user)
    except SupportError as exc:
        show_message(request, exc)
        return redirect("cases:detail", reference=case.reference)
    messages.success(request, _("The child was referred for support."))
    return redirect("support:detail", reference=referral.reference)


@require_perm(Perm.VIEW_CASES)
def queue(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "incoming")
    if box not in {"incoming", "outgoing", "all"}:
        box = "incoming"
    rows = selectors.queue(request.user, box)[:200]
    return render(
        request,
        "support/queue.html",
        {"referrals": rows, "box": box, "now": timezone.now()},
    )


@require_perm(Perm.VIEW_CASES)
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    referral = Referral.objects.access(request.user, reference=reference)
    record_view(actor=request.user, target=referral)
    user = request.user
    sides = services.sides_of(user, referral)
    allowed = allowed_next(
        REFERRAL,
        referral.status,
        context=ReferralMove(sides=sides),
        may=lambda perm: has_perm(user, Perm(perm)),
    )
    return render(
        request,
        "support/detail.html",
        {
            "referral": referral,
            "full": selectors.sees_everything(user, sides),
            "shared": set(referral.shared_fields),
            "actions": allowed,
            "by_name": by_name(allowed),
            "form": MoveForm(),
            "deliveries": referral.deliveries.order_by("-created_at")[:20],
            "now": timezone.now(),
        },
    )


@require_POST
@require_perm(Perm.VIEW_CASES)
def move(request: HttpRequest, reference: str) -> HttpResponse:
    referral = Referral.objects.access(request.user, reference=reference)
    form = MoveForm(request.POST)
    if not form.is_valid():
        show_message(request, SupportError(SupportErrorCode.INVALID))
        return redirect("support:detail", reference=referral.reference)
    data = form.cleaned_data
    try:
        services.do_move(
            referral=referral,
            target=data["target"],
            actor=request.user,
            note=data["note"],
            outcome=data["outcome"],
        )
    except DomainError as exc:  # the app's refusals and the workflow's (TransitionError)
        show_message(request, exc)
    else:
        messages.success(request, _("The referral was updated."))
    return redirect("support:detail", reference=referral.reference)


@require_perm(Perm.VIEW_CASES)
def deliveries(request: HttpRequest) -> HttpResponse:
    rows = selectors.deliveries(request.user)[:300]
    return render(request, "support/deliveries.html", {"deliveries": rows})
