"""The one classification map: consistent reference data, lookups never under-state."""

from __future__ import annotations

import pytest

from copnet.exchanges import classifications as cls
from copnet.taxonomy.models import HarmCategory


def test_every_scheme_value_is_valid_and_codes_unique():
    codes = [r.code for r in cls.rows()]
    assert len(codes) == len(set(codes))
    for r in cls.rows():
        assert r.ncmec in {"", "A1", "A2", "B1", "B2"}
        assert r.iwf in {"", "A", "B", "C"}
        assert r.iccam in {"baseline", "nationally_illegal", "not_illegal"}
        # INTERPOL baseline is prepubescent material: NCMEC class A, never B.
        assert r.interpol_baseline == r.ncmec.startswith("A")
        assert (r.iccam == "baseline") == r.interpol_baseline


@pytest.mark.django_db
def test_categories_exist(reference_data):
    known = set(HarmCategory.objects.values_list("code", flat=True))
    assert {r.category for r in cls.rows()} <= known


def test_lookups_take_the_most_severe_row():
    assert cls.from_ncmec("a1").code == "csam_prepubescent_penetrative"
    assert cls.from_ncmec("B2").iwf == "C"
    assert not cls.from_ncmec("B2").interpol_baseline
    assert cls.from_iwf("A").ncmec == "A1"
    assert cls.from_partner("ncmec", "A2").iccam == "baseline"
    assert cls.from_ncmec("") is None
    assert cls.from_ncmec("Z9") is None
