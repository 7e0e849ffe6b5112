from __future__ import annotations

import pytest

from copnet.network.tests.factories import make_organisation

from .factories import in_review, make_evaluator, make_product, make_vendor_user, score_all, submit


@pytest.fixture
def cast(reference_data, coordinator, evaluation_files_dir):
    """A vendor, the coordinator (manages evaluations) and two independent evaluators."""
    vendor_user = make_vendor_user()
    lab = make_organisation(code="LAB", name_en="Testing lab")
    school = make_organisation(code="UNI", name_en="University")
    return {
        "vendor": vendor_user,
        "manager": coordinator,
        "eva": make_evaluator("eva@lab.example", lab),
        "evan": make_evaluator("evan@uni.example", school),
    }


@pytest.fixture
def reviewing(cast):
    """An evaluation of the vendor's learning app, accepted, with both evaluators assigned."""
    product = make_product(cast["vendor"])
    return in_review(submit(cast["vendor"], product), cast["manager"], cast["eva"], cast["evan"])


@pytest.fixture
def scored(cast, reviewing):
    """Both evaluators scored every criterion met: reconciliation with nothing to settle."""
    score_all(reviewing, cast["eva"])
    score_all(reviewing, cast["evan"])
    reviewing.refresh_from_db()
    return reviewing
