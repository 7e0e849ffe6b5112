"""Builders for the volunteer network, with state set up through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from copnet.volunteers.models import Application, TrainingItem, Volunteer, years_before
from copnet.volunteers.services import applications, membership, work

_counter = itertools.count(1)


def birth_date(age: int) -> dt.date:
    today = timezone.localdate()
    return years_before(today, age) - dt.timedelta(days=30)


def application_input(**fields: Any) -> applications.ApplicationInput:
    n = next(_counter)
    values: dict[str, Any] = {
        "full_name": f"Nguyễn Văn An {n}",
        "email": f"ctv{n}@example.vn",
        "date_of_birth": birth_date(25),
        "province": "01",
        "background": "teacher",
        "motivation": "Tôi muốn bảo vệ học sinh của mình trên mạng.",
        "hours_per_month": 8,
        "skills": ["verify_urls", "teaching"],
        "availability": ["weekends"],
        "consent_vetting": True,
        "consent_code": True,
    }
    values.update(fields)
    return applications.ApplicationInput(**values)


def make_application(**fields: Any) -> Application:
    return applications.do_submit_application(
        applications.check_application(application_input(**fields))
    )


def make_volunteer(
    coordinator: Any, *, level: str = "new", trained: bool = False, **fields: Any
) -> Volunteer:
    """An accepted volunteer; `trained` ticks the whole checklist; `level` is set after that."""
    application = make_application(**fields)
    if application.is_minor:
        consent = application.guardian
        consent.confirmed_at = timezone.now()
        consent.confirmed_name = "Phụ huynh"
        consent.save()
    applications.do_review_application(
        application=application, decision="accept", reason="", actor=coordinator
    )
    volunteer = Volunteer.objects.select_related("user").get(application=application)
    if trained or level in {"trained", "trusted", "team_lead"}:
        complete_training(volunteer)
    if level in {"trusted", "team_lead"}:
        membership.do_set_level(volunteer=volunteer, level=level, actor=coordinator)
    volunteer.refresh_from_db()
    return Volunteer.objects.select_related("user").get(pk=volunteer.pk)


def complete_training(volunteer: Volunteer) -> None:
    from copnet.education.models import Completion
    from copnet.volunteers.training import required_course

    if course := required_course():  # first: ticking the last item then completes the training
        Completion.objects.get_or_create(course=course, user=volunteer.user)
    for item in TrainingItem.objects.filter(is_active=True):
        membership.do_complete_training_item(volunteer=volunteer, item=item, actor=volunteer.user)


def make_task(actor: Any, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "kind": "verify_urls",
        "title": "Kiểm tra địa chỉ còn hoạt động",
        "question": "Trang này còn truy cập được không?",
        "urls": ["https://bad.example/post/1"],
        "province": "01",
        "due_at": timezone.now() + dt.timedelta(days=3),
    }
    values.update(fields)
    return work.do_post_task(data=work.TaskInput(**values), actor=actor)
