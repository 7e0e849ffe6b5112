"""Every view of a case's pictures is audited: the blurred preview and the original, once per
person, picture and kind in a five-minute window (a case page loads every preview each visit)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from copnet.audit.models import AuditEvent
from copnet.cases.services import triage_case
from copnet.reports.models import Evidence
from copnet.reports.tests.factories import file_report, make_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]


@pytest.fixture
def picture(db):
    report, _secret = file_report(images=[make_image(5)])
    triage_case(report.case_id)
    return Evidence.objects.get(kind="image")


def views_of(evidence: Evidence, shown: str) -> list[AuditEvent]:
    return [
        e
        for e in AuditEvent.objects.filter(
            action="view", target_type="reports.evidence", target_id=str(evidence.pk)
        )
        if e.changes.get("shown") == shown
    ]


def test_a_blurred_preview_is_audited_with_who_and_which(client, coordinator, picture):
    client.force_login(coordinator)
    assert client.get(f"/staff/cases/evidence/{picture.pk}/preview/").status_code == 200
    (event,) = views_of(picture, "preview")
    assert event.actor == coordinator
    assert event.reason == "blurred preview shown"


def test_reloading_the_preview_within_the_window_writes_no_second_row(client, coordinator, picture):
    client.force_login(coordinator)
    for _ in range(5):
        client.get(f"/staff/cases/evidence/{picture.pk}/preview/")
    assert len(views_of(picture, "preview")) == 1
    cache.clear()  # the window is over (or the cache was lost): the next view is recorded
    client.get(f"/staff/cases/evidence/{picture.pk}/preview/")
    assert len(views_of(picture, "preview")) == 2


def test_each_person_gets_their_own_row(client, coordinator, picture):
    from copnet.accounts.choices import Role
    from copnet.accounts.tests.factories import make_user

    other = make_user(
        email="coord2@vncert.example", role=Role.COORDINATOR, organisation=coordinator.organisation
    )
    for user in (coordinator, other):
        client.force_login(user)
        client.get(f"/staff/cases/evidence/{picture.pk}/preview/")
    assert {e.actor for e in views_of(picture, "preview")} == {coordinator, other}


def test_serving_the_original_is_audited_besides_the_reveal(client, coordinator, picture):
    client.force_login(coordinator)
    client.post(f"/staff/cases/evidence/{picture.pk}/reveal/")
    client.get(f"/staff/cases/evidence/{picture.pk}/original/")
    client.get(f"/staff/cases/evidence/{picture.pk}/original/")
    (shown,) = views_of(picture, "original")
    assert shown.actor == coordinator
    assert AuditEvent.objects.filter(
        target_id=str(picture.pk), reason="original evidence revealed"
    ).exists()


def test_a_refused_preview_writes_no_view_row(client, charlie, picture):
    client.force_login(charlie)  # another organisation: the picture does not exist for them
    assert client.get(f"/staff/cases/evidence/{picture.pk}/preview/").status_code in {403, 404}
    assert views_of(picture, "preview") == []
