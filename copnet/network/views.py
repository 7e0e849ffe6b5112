from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm, has_perm

from . import selectors, services
from .forms import AsOfForm, DutyForm, MembershipForm, OrganisationForm
from .models import Duty, Membership, Organisation


def members_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    if "on" in query and "as_of" not in query:  # /network/?on=2024-06-01 reads the same
        query.setlist("as_of", query.getlist("on"))
    form = AsOfForm(query or None)
    day = timezone.localdate()
    if form.is_valid() and form.cleaned_data["as_of"]:
        day = form.cleaned_data["as_of"]
    staff = has_perm(request.user, Perm.VIEW_STAFF_AREA)
    return render(
        request,
        "network/members.html",
        {
            "form": form,
            "day": day,
            "staff_view": staff,
            "groups": selectors.members_on(day, include_unverified=staff),
            "unverified_hidden": 0 if staff else selectors.unverified_count_on(day),
            "general_duties": selectors.general_duties_on(day),
            "reorganised": selectors.successions_until(day, include_unverified=staff),
        },
    )


@require_perm(Perm.MANAGE_DIRECTORY)
def manage_list(request: HttpRequest) -> HttpResponse:
    organisations = (
        selectors.network_organisations().select_related("parent").prefetch_related("memberships")
    )
    return render(request, "network/manage_list.html", {"organisations": organisations})


@require_perm(Perm.MANAGE_DIRECTORY)
def organisation_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    organisation = get_object_or_404(Organisation, code=code) if code else Organisation()
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation = services.do_save_organisation(
            organisation=form.save(commit=False), actor=request.user
        )
        messages.success(request, _("The organisation was saved."))
        return redirect("network:organisation_edit", code=organisation.code)
    return render(
        request,
        "network/organisation_edit.html",
        {
            "form": form,
            "organisation": organisation if organisation.pk else None,
            "memberships": organisation.memberships.all() if organisation.pk else [],
        },
    )


@require_perm(Perm.MANAGE_DIRECTORY)
def membership_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk) if pk else Membership()
    initial = {}
    if not pk and request.GET.get("organisation"):
        initial["organisation"] = Organisation.objects.filter(
            code=request.GET["organisation"]
        ).first()
    form = MembershipForm(request.POST or None, instance=membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        membership = services.do_save_membership(
            membership=form.save(commit=False), actor=request.user
        )
        messages.success(request, _("The membership was saved."))
        return redirect("network:membership_edit", pk=membership.pk)
    return render(
        request,
        "network/membership_edit.html",
        {
            "form": form,
            "membership": membership if membership.pk else None,
        },
    )


@require_perm(Perm.MANAGE_DIRECTORY)
def duty_edit(request: HttpRequest, membership_pk: int, pk: int | None = None) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=membership_pk)
    duty = (
        get_object_or_404(Duty, pk=pk, membership=membership) if pk else Duty(membership=membership)
    )
    form = DutyForm(request.POST or None, instance=duty, membership=membership)
    if request.method == "POST" and form.is_valid():
        services.do_save_duty(duty=form.save(commit=False), actor=request.user)
        messages.success(request, _("The duty was saved."))
        return redirect("network:membership_edit", pk=membership.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Duty of %(organisation)s") % {"organisation": membership.organisation.code},
            "back_url": reverse("network:membership_edit", args=[membership.pk]),
        },
    )
