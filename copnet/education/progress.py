"""What a visitor has done, kept in the browser session (anonymous learners are never stored
with an identity). A class learner's reading is also stored for the teacher's view."""

from __future__ import annotations

from typing import TypedDict

from django.http import HttpRequest

from .models import Learner

KEY = "learn"
LEARNER_KEY = "learner_id"
CAMPAIGN_KEY = "campaign_ref"


class Progress(TypedDict):
    """A visitor's progress as the session keeps it."""

    read: list[int]  # lessons read (pks)
    done: list[int]  # courses completed (pks)
    attempts: dict[str, str]  # quiz pk -> token of this session's latest attempt


def state(request: HttpRequest) -> Progress:
    data = request.session.get(KEY) or {}
    return {
        "read": list(data.get("read", [])),
        "done": list(data.get("done", [])),
        "attempts": dict(data.get("attempts", {})),
    }


def save(request: HttpRequest, data: Progress) -> None:
    request.session[KEY] = data


def current_learner(request: HttpRequest) -> Learner | None:
    learner_id = request.session.get(LEARNER_KEY)
    if not learner_id:
        return None
    learner = Learner.objects.select_related("classroom").filter(pk=learner_id).first()
    if learner is None:
        request.session.pop(LEARNER_KEY, None)
    return learner


def campaign_id(request: HttpRequest) -> int | None:
    value = request.session.get(CAMPAIGN_KEY)
    return value if isinstance(value, int) else None
