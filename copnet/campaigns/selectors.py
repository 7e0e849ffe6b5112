"""Reads of the campaigns app, scoped through accounts.permissions, and the reach figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from copnet.accounts.permissions import access, visible_to

from .choices import SurveyPhase
from .models import Campaign, TrackedLink

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def campaigns_visible_to(user: Principal | None) -> QuerySet[Campaign]:
    return visible_to(user, Campaign.objects.select_related("organisation"))


def access_campaign(user: Principal | None, pk: int | None) -> Campaign:
    return access(user, Campaign.objects.select_related("organisation"), pk=pk)


def public_campaigns() -> list[Campaign]:
    """Campaigns whose public page is online, newest first (the public index)."""
    return list(Campaign.objects.filter(is_public=True).select_related("organisation"))


def public_campaign(code: str) -> Campaign:
    campaign = Campaign.objects.filter(code=code, is_public=True).first()
    if campaign is None:
        raise Http404
    return campaign


@dataclass
class SurveyRow:
    prompt: str
    before: float | None
    before_n: int
    after: float | None
    after_n: int

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


@dataclass
class Reach:
    visits: int
    links: list[TrackedLink]
    completions: int
    completions_by_course: list[tuple[str, int]]
    activities: int
    children_attending: int
    adults_attending: int
    survey: list[SurveyRow]
    responses_before: int
    responses_after: int


def reach(campaign: Campaign) -> Reach:
    """Everything the campaign report shows: counts only."""
    links = list(campaign.links.select_related("course"))
    attendance = campaign.activities.aggregate(
        n=Count("pk"), children=Sum("children_attending"), adults=Sum("adults_attending")
    )
    by_course = list(
        campaign.completions.values("course__title_vi", "course__title_en")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    from copnet.core.i18n import localised

    responses = list(campaign.responses.values_list("phase", "answers"))
    rows = []
    for question in campaign.questions.all():
        key = str(question.pk)
        values = {
            phase: [a[key] for p, a in responses if p == phase and key in a]
            for phase in SurveyPhase.values
        }
        before, after = values[SurveyPhase.BEFORE], values[SurveyPhase.AFTER]
        rows.append(
            SurveyRow(
                prompt=question.prompt,
                before=round(sum(before) / len(before), 2) if before else None,
                before_n=len(before),
                after=round(sum(after) / len(after), 2) if after else None,
                after_n=len(after),
            )
        )
    return Reach(
        visits=sum(link.visits for link in links),
        links=links,
        completions=sum(row["n"] for row in by_course),
        completions_by_course=[
            (localised(row["course__title_vi"], row["course__title_en"]), row["n"])
            for row in by_course
        ],
        activities=attendance["n"] or 0,
        children_attending=attendance["children"] or 0,
        adults_attending=attendance["adults"] or 0,
        survey=rows,
        responses_before=sum(1 for p, _a in responses if p == SurveyPhase.BEFORE),
        responses_after=sum(1 for p, _a in responses if p == SurveyPhase.AFTER),
    )
