"""Whose consent a purpose needs (PDPL 2025 Art. 24): a child's rights are exercised by the legal
representative; disclosing a child's private life needs the representative's consent and, from
7 years, the child's too. Age bands that may include a child of 7 or more ask for both."""

from __future__ import annotations

from typing import Any

from copnet.taxonomy.choices import AgeBand

from .choices import ConsentGiver, ConsentPurpose
from .models import ConsentRecord

UNDER_SEVEN = frozenset({AgeBand.UNDER_6})


def consent_needed(purpose: str, child_age_band: str) -> frozenset[str]:
    if purpose == ConsentPurpose.CONTACT_REPORTER:
        return frozenset({ConsentGiver.REPORTER})
    if child_age_band in UNDER_SEVEN:
        return frozenset({ConsentGiver.REPRESENTATIVE})
    return frozenset({ConsentGiver.REPRESENTATIVE, ConsentGiver.CHILD})


def missing_consents(case: Any, purpose: str) -> frozenset[str]:
    """Who still has to consent before the case's data is processed for `purpose` (empty: the
    processing may go ahead)."""
    given = set(
        ConsentRecord.objects.filter(
            case=case, purpose=purpose, withdrawn_at__isnull=True
        ).values_list("given_by", flat=True)
    )
    return frozenset(consent_needed(purpose, case.child_age_band) - given)
