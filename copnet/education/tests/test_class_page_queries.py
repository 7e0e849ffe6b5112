"""The teacher's class page costs the same number of queries however many children joined."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from copnet.education.models import Learner
from copnet.education.services import do_create_class

from .factories import make_course, make_teacher

pytestmark = pytest.mark.django_db


def test_the_class_page_does_not_grow_with_the_class(client, org_a):
    teacher = make_teacher(email="t@a.example", organisation=org_a)
    classroom = do_create_class(teacher=teacher, name="Lớp 4C", courses=[make_course()])
    client.force_login(teacher)
    url = reverse("learn:class_detail", args=[classroom.pk])
    Learner.objects.create(classroom=classroom, pseudonym="Một")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    Learner.objects.bulk_create(
        Learner(classroom=classroom, pseudonym=f"Bạn {i}") for i in range(25)
    )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
