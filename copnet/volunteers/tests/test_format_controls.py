"""Bidi overrides in the volunteer network: names cleaned, task addresses refused (D12)."""

from __future__ import annotations

import pytest

from copnet.volunteers.errors import VolunteerError
from copnet.volunteers.models import Task

from .factories import make_application, make_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
RLO = "\u202e"


def test_an_applicants_text_is_stored_without_bidi_controls():
    application = make_application(
        full_name=f"Nguyễn{RLO} Văn An", motivation=f"Vì trẻ em\u2066{RLO}", phone=f"09{RLO}12"
    )
    assert (application.full_name, application.motivation, application.phone) == (
        "Nguyễn Văn An",
        "Vì trẻ em",
        "0912",
    )


def test_a_task_address_with_a_bidi_control_is_refused(coordinator):
    with pytest.raises(VolunteerError) as caught:
        make_task(coordinator, urls=[f"https://bad.example/{RLO}post"])
    assert caught.value.code == "invalid_url"
    assert "[U+202E]" in caught.value.message
    assert Task.objects.count() == 0
