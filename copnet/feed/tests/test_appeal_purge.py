"""An appeal's personal data, and the reason typed when it was upheld, go with its case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from copnet.cases.privacy import purge_personal_data
from copnet.cases.services import do_transition
from copnet.feed import services
from copnet.feed.models import Appeal, FeedEntry
from copnet.taxonomy.models import HarmCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


def test_an_upheld_appeal_is_purged_with_its_case(coordinator, settings):
    services.do_import_list(
        text="wrongly-blocked.example",
        kind="host",
        category=HarmCategory.objects.get(code="violence"),
        actor=coordinator,
    )
    appeal = services.do_submit_appeal(
        address="https://shop.wrongly-blocked.example/",
        contact="chu.shop@example.vn",
        explanation="Cửa hàng sách của bà Ngô Thị Lan",
    )
    services.do_decide_appeal(
        appeal=appeal, uphold=True, reason="Bà Lan gửi giấy phép kinh doanh", actor=coordinator
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT withdrawn_reason FROM feed_feedentry")
        assert "Lan" not in cursor.fetchone()[0]  # encrypted at rest
    assert FeedEntry.objects.get().withdrawn_reason == "Bà Lan gửi giấy phép kinh doanh"
    case = appeal.case
    for target in ["triaged", "assigned", "in_progress", "action_taken"]:
        case = do_transition(case=case, target=target, actor=None)
    do_transition(case=case, target="closed", actor=None, outcome="no_further_action")

    later = timezone.now() + dt.timedelta(days=settings.PURGE_AFTER_DAYS + 1)
    assert purge_personal_data(now=later) == 1

    appeal = Appeal.objects.get()
    assert (appeal.address, appeal.contact, appeal.explanation) == ("", "", "")
    entry = FeedEntry.objects.get()
    assert (entry.value, entry.withdrawn_reason) == ("wrongly-blocked.example", "")
    assert entry.withdrawn_at is not None
