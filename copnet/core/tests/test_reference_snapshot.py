"""The `reference_data` fixture copies back what `load_reference_data` made once: the command,
run again over the copy, finds everything in place, and new rows get fresh keys."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from copnet.core import reference_snapshot
from copnet.network.tests.factories import make_organisation
from copnet.taxonomy.models import HarmCategory

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    snapshot = reference_snapshot._snapshots[reference_snapshot._key()]
    return {t.model._meta.label: t.model._base_manager.count() for t in snapshot.tables}


def test_the_copy_is_what_the_command_makes(reference_data):
    snapshot = reference_snapshot._snapshots[reference_snapshot._key()]
    assert snapshot.usable  # else every test would run the command (slow, still correct)
    copied = _counts()
    assert copied["taxonomy.HarmCategory"] > 0
    call_command("load_reference_data", verbosity=0)
    assert _counts() == copied  # nothing was missing
    organisation = make_organisation(code="NEWORG", name_en="New")
    assert organisation.pk > 0
    category = HarmCategory.objects.order_by("pk").last()
    assert category is not None


def test_tables_a_test_filled_first_get_the_command_instead(db):
    make_organisation(code="EARLY", name_en="Made before the reference data")
    reference_snapshot.load_reference_data_fast(
        lambda: call_command("load_reference_data", verbosity=0)
    )
    assert HarmCategory.objects.exists()
    call_command("load_reference_data", verbosity=0)  # still idempotent
