"""Every (from, to) not in the referral workflow's data is refused and changes nothing."""

from __future__ import annotations

import pytest

from copnet.accounts.models import User
from copnet.core.errors import TransitionError
from copnet.support.choices import ReferralStatus
from copnet.support.models import Referral
from copnet.support.services import do_move
from copnet.support.workflow import REFERRAL

from .factories import make_case, make_hotline, make_referral

pytestmark = pytest.mark.django_db


def test_every_pair_outside_the_data_is_refused(alice, org_a):
    hotline = make_hotline()
    operator = User.objects.get(organisation=hotline)
    referral = make_referral(case=make_case(lead=org_a), actor=alice, to=hotline)
    allowed = REFERRAL.pairs()
    tried = 0
    for source in ReferralStatus.values:
        Referral.objects.filter(pk=referral.pk).update(status=source)
        for target in ReferralStatus.values:
            if (source, target) in allowed:
                continue
            for actor in (operator, alice):
                with pytest.raises(TransitionError) as caught:
                    do_move(
                        referral=referral, target=target, actor=actor, note="n", outcome="no_need"
                    )
                assert caught.value.code == "invalid_transition"
                assert Referral.objects.get(pk=referral.pk).status == source
                tried += 1
    assert tried == 2 * (len(ReferralStatus.values) ** 2 - len(allowed))
