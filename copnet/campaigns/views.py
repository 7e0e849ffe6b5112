"""Public campaign pages (/campaigns/<code>/), surveys, and tracked links (/c/<code>)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from copnet.core.middleware import markdown_pictures
from copnet.core.page_cache import public_page
from copnet.education.progress import CAMPAIGN_KEY

from . import services
from .choices import LinkTarget, SurveyPhase
from .errors import CampaignError
from .forms import SurveyForm
from .models import TrackedLink
from .selectors import public_campaign, public_campaigns

SURVEY_SESSION = "campaign_surveys"


@public_page
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    campaigns = public_campaigns()
    return render(
        request,
        "campaigns/index.html",
        {
            "current": [c for c in campaigns if c.ends_on >= today],
            "past": [c for c in campaigns if c.ends_on < today],
        },
    )


@markdown_pictures
def landing(request: HttpRequest, code: str) -> HttpResponse:
    campaign = public_campaign(code)
    return render(
        request,
        "campaigns/landing.html",
        {
            "campaign": campaign,
            "courses": campaign.courses.filter(is_published=True),
            "materials": campaign.materials.all(),
            "has_survey": campaign.questions.exists(),
        },
    )


def survey(request: HttpRequest, code: str, phase: str) -> HttpResponse:
    campaign = public_campaign(code)
    if phase not in SurveyPhase.values:
        raise Http404
    questions = list(campaign.questions.all())
    if not questions:
        raise Http404
    done_key = f"{campaign.pk}:{phase}"
    answered = done_key in request.session.get(SURVEY_SESSION, [])
    form = SurveyForm(request.POST or None, questions=questions)
    if request.method == "POST" and not answered:
        try:
            services.do_submit_survey(
                campaign=campaign,
                phase=phase,
                answers={k: v for k, v in request.POST.items() if k.isdigit()},
            )
        except CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[SURVEY_SESSION] = [*request.session.get(SURVEY_SESSION, []), done_key]
            messages.success(request, _("Thank you for your answers."))
            return redirect("campaigns:landing", code=campaign.code)
    return render(
        request,
        "campaigns/survey.html",
        {
            "campaign": campaign,
            "form": form,
            "phase": SurveyPhase(phase),
            "answered": answered,
        },
        status=400 if form.errors else 200,
    )


def follow_link(request: HttpRequest, code: str) -> HttpResponse:
    """Count the visit, remember the campaign in this browser session (so a course completed
    afterwards is attributed to it) and go on. Nothing about the visitor is stored."""
    link = TrackedLink.objects.select_related("campaign", "course").filter(code=code).first()
    if link is None:
        raise Http404
    services.do_count_visit(link=link)
    request.session[CAMPAIGN_KEY] = link.campaign_id
    if link.target == LinkTarget.COURSE and link.course and link.course.is_published:
        return redirect("learn:course", code=link.course.code)
    if link.target == LinkTarget.LANDING and link.campaign.is_public:
        return redirect("campaigns:landing", code=link.campaign.code)
    return redirect(reverse("learn:home"))
