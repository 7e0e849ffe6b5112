"""The list pages cost the same number of queries whatever the number of rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from copnet.banks.models import BankEntry, UrlListEntry

from .factories import add_hash, add_url, make_bank, make_url_list


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_index_bank_and_list_pages_do_not_grow_with_rows(client, reference_data, bob):
    client.force_login(bob)
    bank, url_list = make_bank(), make_url_list()
    add_hash(bank, "0" * 32, "md5")
    add_url(url_list, "a.example")
    paths = [
        "/staff/detection/",
        "/staff/detection/banks/partner/",
        "/staff/detection/lists/bad-sites/",
    ]
    few = [queries(client, path) for path in paths]
    for n in range(2, 6):
        make_bank(f"bank-{n}")
        make_url_list(f"list-{n}")
    BankEntry.objects.bulk_create(
        BankEntry(bank=bank, signal_type="md5", value=f"{i:032x}", generation=0)
        for i in range(1, 60)
    )
    UrlListEntry.objects.bulk_create(
        UrlListEntry(url_list=url_list, pattern=f"h{i}.example", kind="host", generation=0)
        for i in range(60)
    )
    assert [queries(client, path) for path in paths] == few
