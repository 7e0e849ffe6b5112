"""Managers, evaluators and vendors are told by e-mail, once, after the step commits."""

from __future__ import annotations

import pytest
from django.core import mail

from copnet.evaluations import notifications
from copnet.evaluations.services import workflow

from .factories import in_review, make_product, score_all, submit


@pytest.mark.django_db(transaction=True)
def test_each_step_mails_the_people_who_must_act(cast, immediate_tasks):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    assert [m.to for m in mail.outbox] == [[cast["manager"].email]]
    assert f"/staff/evaluations/{evaluation.pk}/" in mail.outbox[0].body

    mail.outbox.clear()
    in_review(evaluation, cast["manager"], cast["eva"], cast["evan"])
    recipients = sorted(m.to[0] for m in mail.outbox)
    # The vendor hears that the request was accepted; each evaluator of the assignment.
    assert recipients == sorted([cast["vendor"].email, cast["eva"].email, cast["evan"].email])
    assert all("Bé Học Vui" not in m.body for m in mail.outbox if m.to[0] != cast["vendor"].email)

    mail.outbox.clear()
    score_all(evaluation, cast["eva"])
    score_all(evaluation, cast["evan"])
    workflow.do_decide(evaluation=evaluation, actor=cast["manager"])
    assert mail.outbox == []  # nothing for the vendor until the result is published or returned
    workflow.do_return(evaluation=evaluation, findings="Thiếu 111", actor=cast["manager"])
    assert [m.to for m in mail.outbox] == [[cast["vendor"].email]]
    assert f"/ecosystem/vendor/evaluations/{evaluation.pk}/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_retried_notification_is_not_sent_twice(cast, immediate_tasks):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    mail.outbox.clear()
    assert notifications.notify_managers(evaluation.pk) == 0
    workflow.do_accept(evaluation=evaluation, actor=cast["manager"])
    assert notifications.notify_vendor(evaluation.pk) == 0
    assert len(mail.outbox) == 1
