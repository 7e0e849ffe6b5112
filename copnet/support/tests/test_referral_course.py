"""A referral runs its whole course on the Decree 56 clock, skipping Vietnamese holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from copnet.accounts.models import User
from copnet.audit.models import AuditEvent
from copnet.core.models import OutgoingEmail
from copnet.support.clock import add_working_days, clock_for
from copnet.support.models import Referral
from copnet.support.services import do_move, escalate_overdue

from .factories import make_case, make_hotline, make_referral

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def test_plan_skips_the_national_day_holiday_and_tet():
    # Friday 28 Aug 2026; 31 Aug (make-up day off), 1 and 2 Sep (National Day) are holidays.
    assert add_working_days(dt.date(2026, 8, 28), 5) == dt.date(2026, 9, 9)
    # Friday 13 Feb 2026; Tết: 16–20 Feb.
    assert add_working_days(dt.date(2026, 2, 13), 5) == dt.date(2026, 2, 27)
    # No holiday: an ordinary week and a weekend only.
    assert add_working_days(dt.date(2026, 10, 2), 5) == dt.date(2026, 10, 9)
    clock = clock_for(sent_at=vn(2026, 8, 28, 10, 0), risk_level="high")
    assert clock.intervention_due == vn(2026, 8, 28, 22, 0)
    assert clock.plan_due == vn(2026, 9, 9, 23, 59, 59)
    assert clock_for(sent_at=vn(2026, 8, 28, 10, 0), risk_level="low").intervention_due is None


def test_a_referral_runs_its_whole_course(alice, org_a, coordinator):
    hotline = make_hotline()
    operator = User.objects.get(organisation=hotline)
    case = make_case(lead=org_a, category="sextortion")
    sent = vn(2026, 8, 28, 10, 0)
    from copnet.support.services import do_refer

    from .factories import referral_input

    referral = do_refer(case=case, data=referral_input(hotline), actor=alice, now=sent)
    assert referral.status == "sent"
    assert referral.intervention_due == vn(2026, 8, 28, 22, 0)
    assert referral.plan_due == vn(2026, 9, 9, 23, 59, 59)
    assert referral.next_due == referral.intervention_due

    # Nothing is overdue before the 12 hours are up.
    assert escalate_overdue(now=vn(2026, 8, 28, 21, 59)) == []
    accepted = do_move(referral=referral, target="accepted", actor=operator, now=sent)
    assert accepted.answered_by == operator
    assessed = do_move(
        referral=accepted,
        target="assessed",
        actor=operator,
        note="Đã gọi cho trẻ và mẹ; trẻ an toàn",
        now=vn(2026, 8, 28, 18, 0),
    )
    assert assessed.next_due == vn(2026, 9, 9, 23, 59, 59)  # the intervention clock is met

    # Through the holidays: not overdue on the evening of 8 Sep nor on 9 Sep itself.
    assert escalate_overdue(now=vn(2026, 9, 8, 23, 0)) == []
    assert escalate_overdue(now=vn(2026, 9, 9, 23, 0)) == []
    # The morning after the fifth working day: escalated once, with an e-mail.
    assert escalate_overdue(now=vn(2026, 9, 10, 8, 0)) == [f"{referral.reference}:plan"]
    assert escalate_overdue(now=vn(2026, 9, 11, 8, 0)) == []
    mail = OutgoingEmail.objects.get(key=f"support.overdue.plan:{referral.reference}")
    assert coordinator.email in mail.recipients
    assert alice.email in mail.recipients
    assert operator.email in mail.recipients

    planned = do_move(referral=assessed, target="planned", actor=operator, note="Kế hoạch hỗ trợ")
    closed = do_move(
        referral=planned, target="closed", actor=operator, outcome="counselling", note="Xong"
    )
    assert closed.status == "closed"
    assert closed.outcome == "counselling"
    assert closed.next_due is None

    steps = AuditEvent.objects.filter(
        target_type="support.referral", target_id=str(referral.pk)
    ).values_list("reason", flat=True)
    assert list(steps).count("referral status changed") == 4
    assert "child referred for support" in steps
    assert "referral deadline missed; escalated" in steps
    # The case's timeline shows the referral.
    assert case.events.filter(data__referral=referral.reference).exists()


def test_a_child_at_risk_not_assessed_in_12_hours_is_escalated(alice, org_a):
    hotline = make_hotline()
    case = make_case(lead=org_a, category="self_harm")
    referral = make_referral(case=case, actor=alice, to=hotline)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=vn(2026, 2, 13, 9, 0),
        intervention_due=vn(2026, 2, 13, 21, 0),
        plan_due=vn(2026, 2, 27, 23, 59, 59),
        next_due=vn(2026, 2, 13, 21, 0),
    )
    assert escalate_overdue(now=vn(2026, 2, 13, 21, 30)) == [f"{referral.reference}:intervention"]
    referral.refresh_from_db()
    assert referral.escalated == ["intervention"]
    assert referral.next_due == vn(2026, 2, 27, 23, 59, 59)  # Tết skipped
    assert escalate_overdue(now=vn(2026, 2, 20, 12, 0)) == []
