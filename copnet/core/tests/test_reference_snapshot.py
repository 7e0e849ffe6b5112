"""The `reference_data` fixture copies back what `load_reference_data` made once: the command,
run again over the copy, finds everything in place, and new rows get fresh keys."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from copnet.core import reference_snapshot
from copnet.network.tests.factories import make_organisation
from copnet.taxonomy.models import HarmCategory

pytestmark = pytest.mark.django_db


def _table(snapshot, label):
    return next(t for t in snapshot.tables if t.model._meta.label == label)


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
    # New rows get keys past the copied ones (PostgreSQL's sequences were moved on).
    copied_top = max(row[0] for row in _table(snapshot, "network.Organisation").rows)
    assert make_organisation(code="NEWORG", name_en="New").pk > copied_top


def test_tables_a_test_filled_first_get_the_command_instead(reference_data):
    ran = []

    def command() -> None:
        ran.append(True)
        call_command("load_reference_data", verbosity=0)

    reference_snapshot.load_reference_data_fast(command)  # the rows are there already
    assert ran == [True]
    assert HarmCategory.objects.exists()


def test_an_empty_database_gets_the_copy_not_the_command(db):
    ran = []
    reference_snapshot.load_reference_data_fast(lambda: ran.append(True))
    assert ran == []
    assert HarmCategory.objects.exists()
