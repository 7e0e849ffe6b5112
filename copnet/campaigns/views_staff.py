"""Campaign management (/staff/campaigns/), scoped to the organiser and partner organisations."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm
from copnet.accounts.principal import AuthedHttpRequest
from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.errors import add_to_form
from copnet.core.links import absolute_reverse, absolute_url

from . import services
from .errors import CampaignError
from .forms import ActivityForm, CampaignForm, LinkForm, MaterialForm, SurveyQuestionForm
from .models import Activity, Campaign, Material, SurveyQuestion
from .qr import qr_png, qr_svg
from .report import campaign_report_pdf
from .selectors import access_campaign, campaigns_visible_to, reach


@require_perm(Perm.MANAGE_CAMPAIGNS)
def campaign_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request, "campaigns/staff/list.html", {"campaigns": campaigns_visible_to(request.user)}
    )


@require_perm(Perm.MANAGE_CAMPAIGNS)
def campaign_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    campaign = access_campaign(request.user, pk) if pk else Campaign(created_by=request.user)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.target_groups = form.cleaned_data["target_groups"]
        campaign.channels = form.cleaned_data["channels"]
        campaign.provinces = form.cleaned_data["provinces"]
        services.do_save_campaign(
            campaign=campaign,
            actor=request.user,
            partners=form.cleaned_data["partners"],
            courses=form.cleaned_data["courses"],
        )
        messages.success(request, _("The campaign was saved."))
        return redirect("campaigns_staff:detail", pk=campaign.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": campaign.title if campaign.pk else _("New campaign")},
        status=400 if form.errors else 200,
    )


@require_perm(Perm.MANAGE_CAMPAIGNS)
def campaign_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    return render(
        request,
        "campaigns/staff/detail.html",
        {
            "campaign": campaign,
            "reach": reach(campaign),
            "materials": campaign.materials.all(),
            "activities": campaign.activities.all(),
            "questions": campaign.questions.all(),
            "link_form": LinkForm(),
            "link_base": absolute_url("/c/"),
        },
    )


@require_perm(Perm.MANAGE_CAMPAIGNS)
@require_POST
def campaign_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    services.do_set_public(
        campaign=campaign, is_public=request.POST.get("public") == "1", actor=request.user
    )
    return redirect("campaigns_staff:detail", pk=campaign.pk)


@require_perm(Perm.MANAGE_CAMPAIGNS)
def material_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    form = MaterialForm(
        request.POST or None, request.FILES or None, instance=Material(campaign=campaign)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("upload")
        try:
            services.do_add_material(
                material=form.save(commit=False),
                actor=request.user,
                data=upload.read() if upload else None,
            )
        except CampaignError as exc:
            add_to_form(form, exc, field="upload")
        else:
            messages.success(request, _("The material was added."))
            return redirect("campaigns_staff:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/staff/upload_form.html",
        {"form": form, "title": _("New material"), "campaign": campaign},
        status=400 if form.errors else 200,
    )


@require_perm(Perm.MANAGE_CAMPAIGNS)
def activity_edit(
    request: AuthedHttpRequest, pk: int, activity_pk: int | None = None
) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    activity = (
        campaign.activities.filter(pk=activity_pk).first()
        if activity_pk
        else Activity(campaign=campaign)
    )
    if activity is None:
        raise Http404
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        services.do_save_activity(activity=form.save(commit=False), actor=request.user)
        messages.success(request, _("The activity was saved."))
        return redirect("campaigns_staff:detail", pk=campaign.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Activity"),
            "back_url": reverse("campaigns_staff:detail", args=[pk]),
        },
        status=400 if form.errors else 200,
    )


@require_perm(Perm.MANAGE_CAMPAIGNS)
def question_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    form = SurveyQuestionForm(request.POST or None, instance=SurveyQuestion(campaign=campaign))
    if request.method == "POST" and form.is_valid():
        services.do_save_survey_question(question=form.save(commit=False), actor=request.user)
        messages.success(request, _("The survey statement was added."))
        return redirect("campaigns_staff:detail", pk=campaign.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Survey statement"),
            "back_url": reverse("campaigns_staff:detail", args=[pk]),
        },
    )


@require_perm(Perm.MANAGE_CAMPAIGNS)
@require_POST
def link_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        services.do_create_link(
            campaign=campaign,
            actor=request.user,
            label=form.cleaned_data["label"],
            target=form.cleaned_data["target"],
            course=form.cleaned_data["course"],
        )
        messages.success(request, _("The tracked link was created."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("campaigns_staff:detail", pk=campaign.pk)


@require_perm(Perm.MANAGE_CAMPAIGNS)
def link_qr(request: AuthedHttpRequest, pk: int, code: str, fmt: str) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    link = campaign.links.filter(code=code).first()
    if link is None or fmt not in {"svg", "png"}:
        raise Http404
    url = absolute_reverse("campaigns_links:follow", link.code)
    if fmt == "svg":
        return HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response = HttpResponse(qr_png(url), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="qr-{link.code}.png"'
    return response


@require_perm(Perm.MANAGE_CAMPAIGNS)
def campaign_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    record(actor=request.user, action=AuditAction.EXPORT, target=campaign)
    response = HttpResponse(campaign_report_pdf(campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="campaign-{campaign.code}.pdf"'
    return response


def material_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A material's file: public when its campaign's page is online, else for its managers."""
    material = Material.objects.select_related("campaign").filter(pk=pk).first()
    if material is None or not material.file:
        raise Http404
    if not material.campaign.is_public:
        access_campaign(request.user, material.campaign_id)
    with material.file.open("rb") as f:
        data = f.read()
    response = HttpResponse(data, content_type=material.mime or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="material-{material.pk}"'
    return response
