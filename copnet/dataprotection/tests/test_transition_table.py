"""Every (from, to) that `dataprotection.workflow` does not list is refused, nothing changes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.core.workflow import INVALID_TRANSITION, TransitionError
from copnet.dataprotection.breaches import do_move_breach, do_record_breach
from copnet.dataprotection.choices import BreachStatus, Ground, RequestKind, RequestStatus
from copnet.dataprotection.models import Breach, SubjectRequest
from copnet.dataprotection.services import (
    do_answer_request,
    do_refuse_request,
    do_submit_request,
)
from copnet.dataprotection.workflow import BREACH, REQUEST
from copnet.network.models import Organisation

from .factories import anonymous_report, make_dpo

pytestmark = pytest.mark.django_db


def test_the_data():
    assert REQUEST.pairs() == {("received", "answered"), ("received", "refused")}
    assert BREACH.pairs() == {
        ("detected", "authority_notified"),
        ("detected", "not_notifiable"),
        ("authority_notified", "closed"),
        ("not_notifiable", "closed"),
    }


@pytest.mark.parametrize("source", [RequestStatus.ANSWERED, RequestStatus.REFUSED])
def test_a_request_answered_or_refused_stays_so(reference_data, source):
    dpo = make_dpo()
    report, secret = anonymous_report()
    request = do_submit_request(
        tracking_code=report.tracking_code, secret=secret, kind=RequestKind.DELETION
    )
    SubjectRequest.objects.filter(pk=request.pk).update(status=source)
    request.refresh_from_db()
    before = AuditEvent.objects.count()
    for attempt in (
        lambda: do_answer_request(request=request, actor=dpo),
        lambda: do_refuse_request(
            request=request, actor=dpo, ground=Ground.LEGAL_DUTY, answer="Không"
        ),
    ):
        with pytest.raises(TransitionError) as error:
            attempt()
        assert error.value.code == INVALID_TRANSITION
    report.refresh_from_db()
    assert report.reporter_name == "Nguyễn Thị Lan"
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("source", BreachStatus.values)
def test_every_breach_pair_not_in_the_data_is_refused(reference_data, source):
    dpo = make_dpo()
    breach = do_record_breach(
        organisation=Organisation.objects.get(code="VNCERT"),
        summary="Lộ danh sách",
        data_categories="e-mail",
        subjects_affected=3,
        discovered_at=timezone.now(),
        actor=dpo,
    )
    Breach.objects.filter(pk=breach.pk).update(status=source)
    for target in BreachStatus.values:
        if (source, target) in BREACH.pairs():
            continue
        with pytest.raises(TransitionError) as error:
            do_move_breach(breach=breach, target=target, actor=dpo, reference="X", assessment="Y")
        assert error.value.code == INVALID_TRANSITION
        assert Breach.objects.get(pk=breach.pk).status == source
