"""Every (from, to) that `takedowns.workflow.REQUEST` does not list is refused, nothing changes."""

from __future__ import annotations

import pytest

from copnet.audit.models import AuditEvent
from copnet.core.workflow import INVALID_TRANSITION, TransitionError, allowed_next, check
from copnet.takedowns import services
from copnet.takedowns.choices import RequestStatus
from copnet.takedowns.models import RemovalRequest
from copnet.takedowns.tests.factories import approve, make_case, make_platform
from copnet.takedowns.workflow import REQUEST

MANUAL_PAIRS = {(t.source, t.target) for t in REQUEST.transitions if not t.automatic}
ANSWERS = {RequestStatus.ACKNOWLEDGED, RequestStatus.REMOVED, RequestStatus.REFUSED}


def test_the_data_is_the_old_table():
    assert REQUEST.pairs() == {
        ("draft", "sent"),
        *(("sent", t) for t in ("acknowledged", "removed", "refused", "expired")),
        *(("acknowledged", t) for t in ("removed", "refused", "expired")),
        ("expired", "removed"),
        ("expired", "refused"),
    }


def test_expiry_is_never_offered_to_a_person():
    assert [t.target for t in allowed_next(REQUEST, "sent")] == [
        "acknowledged",
        "removed",
        "refused",
    ]
    with pytest.raises(TransitionError):
        check(REQUEST, "sent", "expired")


def _snapshot(removal: RemovalRequest) -> tuple[object, ...]:
    row = RemovalRequest.objects.values(
        "status", "sent_at", "acknowledged_at", "resolved_at", "refusal_reason", "deadline"
    ).get(pk=removal.pk)
    return (row, AuditEvent.objects.count())


def _attempt(removal: RemovalRequest, source: str, target: str, actor: object) -> None:
    if target == RequestStatus.SENT:
        waiting = RemovalRequest.objects.filter(
            pk=removal.pk, status=RequestStatus.DRAFT, approved_at__isnull=True
        )
        if waiting.exists():
            approve(removal)
        services.do_send_request(request=removal, actor=actor)
    elif target in ANSWERS:
        services.do_record_answer(
            request=removal, status=target, refusal_reason="other", actor=actor
        )
    else:  # draft and expired: no person's step leads there
        check(REQUEST, source, target)


@pytest.mark.django_db
@pytest.mark.parametrize("source", RequestStatus.values)
def test_every_pair_not_in_the_data_is_refused_and_changes_nothing(source, alice):
    removal = services.do_create_request(
        case=make_case(lead=alice.organisation),
        platform=make_platform(),
        urls=["https://www.facebook.com/post/1"],
        accounts=[],
        legal_basis="authority_request",
        urgency="normal",
        actor=alice,
    )
    RemovalRequest.objects.filter(pk=removal.pk).update(status=source)
    refused = [t for t in RequestStatus.values if (source, t) not in MANUAL_PAIRS]
    for target in refused:
        before = _snapshot(removal)
        with pytest.raises(TransitionError) as error:
            _attempt(removal, source, target, alice)
        assert error.value.code == INVALID_TRANSITION, (source, target)
        assert _snapshot(removal) == before, (source, target)
