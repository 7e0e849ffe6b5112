from __future__ import annotations

import datetime as dt
from typing import Any

from ..models import Campaign, SurveyQuestion
from ..services import do_create_link, do_save_campaign


def make_campaign(
    *, organisation: Any, code: str = "an-toan-he", public: bool = True, **extra: Any
) -> Campaign:
    campaign = Campaign(
        code=code,
        organisation=organisation,
        title_vi=extra.pop("title_vi", "Hè an toàn trên mạng"),
        title_en="A safe summer online",
        goal_vi="Giúp trẻ 9–11 tuổi nhận biết lừa đảo.",
        message_vi="Tham gia **khóa học** ngay!",
        target_groups=["children_9_11", "parents"],
        channels=["schools", "social"],
        provinces=["01"],
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 8, 31),
        is_public=public,
        **extra,
    )
    return do_save_campaign(campaign=campaign, actor=None)


def add_link(
    campaign: Campaign, *, target: str = "course", course: Any = None, label: str = "Poster"
) -> Any:
    return do_create_link(campaign=campaign, actor=None, label=label, target=target, course=course)


def add_survey(campaign: Campaign, n: int = 2) -> list[SurveyQuestion]:
    return [
        SurveyQuestion.objects.create(campaign=campaign, prompt_vi=f"Nhận định {i}", order=i)
        for i in range(n)
    ]
