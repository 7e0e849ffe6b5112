"""Required training includes the education app's course named in VOLUNTEER_TRAINING_COURSE."""

from __future__ import annotations

import pytest

from copnet.education.models import Completion
from copnet.volunteers.choices import Level
from copnet.volunteers.models import TrainingItem
from copnet.volunteers.services import membership
from copnet.volunteers.tests.factories import make_volunteer
from copnet.volunteers.training import required_course, training_complete

pytestmark = pytest.mark.django_db


def _tick_checklist(volunteer):
    for item in TrainingItem.objects.filter(is_active=True):
        membership.do_complete_training_item(volunteer=volunteer, item=item, actor=volunteer.user)


def test_the_checklist_alone_is_not_enough_while_the_course_is_required(client, coordinator):
    volunteer = make_volunteer(coordinator, email="moi@example.vn")
    _tick_checklist(volunteer)
    volunteer.refresh_from_db()
    assert required_course().code == "starter-teachers"
    assert not training_complete(volunteer)
    assert volunteer.level == Level.NEW

    client.force_login(volunteer.user)
    page = client.get("/volunteers/training/").content.decode()
    assert "/learn/course/starter-teachers/" in page

    Completion.objects.create(course=required_course(), user=volunteer.user)
    page = client.get("/volunteers/training/").content.decode()
    volunteer.refresh_from_db()
    assert 'id="training-confirm"' in page
    assert volunteer.level == Level.NEW  # opening the page changes nothing

    client.post("/volunteers/training/", {"confirm": "1"})
    page = client.get("/volunteers/training/").content.decode()
    volunteer.refresh_from_db()
    assert 'id="training-complete"' in page
    assert volunteer.level == Level.TRAINED
    assert training_complete(volunteer)


def test_without_a_required_course_the_checklist_is_the_training(coordinator, settings):
    settings.VOLUNTEER_TRAINING_COURSE = ""
    volunteer = make_volunteer(coordinator, email="moi2@example.vn")
    _tick_checklist(volunteer)
    volunteer.refresh_from_db()
    assert volunteer.level == Level.TRAINED


def test_another_users_completion_does_not_count(coordinator):
    volunteer = make_volunteer(coordinator, email="moi3@example.vn")
    Completion.objects.create(course=required_course(), user=coordinator)
    _tick_checklist(volunteer)
    assert not training_complete(volunteer)
