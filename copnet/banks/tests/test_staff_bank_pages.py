"""Hash banks in the staff pages: list, entries, add, import, export, deactivate."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copnet.audit.models import AuditEvent
from copnet.banks import engine, services
from copnet.banks.models import BankEntry, HashBank

from .factories import MD5_A, PDQ_A, PDQ_CLOSE, add_hash, make_bank

pytestmark = pytest.mark.usefixtures("fresh_engine")

BANK = "/staff/detection/banks/partner/"


@pytest.fixture
def bank(reference_data):
    return make_bank()


def upload(client, path, text: bytes | str, name="bank.csv", **data):
    body = text.encode() if isinstance(text, str) else text
    return client.post(path, {"file": SimpleUploadedFile(name, body), **data})


@pytest.mark.django_db
def test_the_index_lists_banks_with_kind_counts_and_state(analyst, bank):
    add_hash(bank)
    add_hash(bank, MD5_A, "md5")
    other = make_bank("old", kind="other_harm")
    services_entry = add_hash(other)
    from copnet.banks import curation

    curation.do_set_entry_active(entry=services_entry, active=False, actor=None)
    curation.do_set_bank_active(bank=other, active=False, actor=None)
    page = analyst.get("/staff/detection/").content.decode()
    assert 'data-bank="partner"' in page
    row = page.split('data-bank="old"')[1].split("</tr>")[0]
    assert "<td>0</td>" in row  # active entries
    assert "<td>1</td>" in row  # all entries
    assert "ngừng hoạt động" in row


@pytest.mark.django_db
def test_the_bank_page_shows_hashes_paginated_and_searchable_never_an_image(analyst, bank):
    BankEntry.objects.bulk_create(
        BankEntry(bank=bank, signal_type="md5", value=f"{i:032x}", generation=0) for i in range(120)
    )
    page = analyst.get(BANK).content.decode()
    assert "<img" not in page
    assert page.count("data-entry=") == 50
    assert "?page=2" in page
    assert analyst.get(BANK, {"page": 3}).content.decode().count("data-entry=") == 20
    found = analyst.get(BANK, {"q": f"{0x6A:032x}".upper()}).content.decode()
    assert found.count("data-entry=") == 1
    assert f"{0x6A:032x}" in found
    fragment = analyst.get(BANK, {"q": "0" * 31}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert fragment.count("data-entry=") == 16  # 0x00..0x0f


@pytest.mark.django_db
def test_a_search_that_is_not_hex_is_refused_with_a_message(analyst, bank):
    add_hash(bank)
    page = analyst.get(BANK, {"q": "<script>x"}).content.decode()
    assert "<script>x" not in page
    assert "&lt;script&gt;x" in page
    assert 'role="alert"' in page


@pytest.mark.django_db
def test_adding_a_hash_is_audited_and_matches_at_once(analyst, bank, bob):
    assert services.match_hashes([("pdq", PDQ_CLOSE)]) == [[]]
    response = analyst.post(BANK, {"signal_type": "pdq", "value": f"  {PDQ_A.upper()} "})
    assert response.status_code == 302
    entry = BankEntry.objects.get(bank=bank)
    assert entry.value == PDQ_A
    (match,) = services.match_hashes([("pdq", PDQ_CLOSE)])[0]
    assert (match.entry, match.distance) == (entry, 16)
    event = AuditEvent.objects.get(action="create", target_type="banks.bankentry")
    assert event.actor_id == bob.pk
    assert event.changes["value"] == PDQ_A


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signal_type", "value", "message"),
    [
        ("pdq", "xyz" + "f" * 61, "thập lục phân"),
        ("pdq", "f" * 63, "64"),
        ("md5", "a" * 64, "32"),
        ("sha1", "a" * 40, ""),
        ("pdq", "", ""),
    ],
)
def test_a_bad_hash_is_refused_and_nothing_is_added(analyst, bank, signal_type, value, message):
    response = analyst.post(BANK, {"signal_type": signal_type, "value": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert BankEntry.objects.count() == 0
    assert not AuditEvent.objects.filter(target_type="banks.bankentry").exists()


@pytest.mark.django_db
def test_the_same_hash_twice_is_refused(analyst, bank):
    add_hash(bank)
    response = analyst.post(BANK, {"signal_type": "pdq", "value": PDQ_A})
    assert response.status_code == 400
    assert BankEntry.objects.count() == 1


@pytest.mark.django_db
def test_csv_import_adds_every_line_and_reports_duplicates(analyst, bank):
    add_hash(bank)
    text = f"signal_type,value,note\npdq,{PDQ_A},dup\nmd5,{MD5_A},x\nsha256,{'b' * 64},y\n"
    response = upload(analyst, BANK + "import/", text, source="IWF list 2026")
    assert response.status_code == 302
    assert BankEntry.objects.filter(bank=bank).count() == 3
    assert set(
        BankEntry.objects.filter(source="IWF list 2026").values_list("signal_type", flat=True)
    ) == {"md5", "sha256"}
    event = AuditEvent.objects.filter(target_type="banks.hashbank", action="update").last()
    assert event.changes == {"imported": 2, "duplicates": 1}


@pytest.mark.django_db
def test_signal_file_import(analyst, bank):
    response = upload(analyst, BANK + "import/", f"pdq {PDQ_A}\n# comment\nmd5 {MD5_A}\n", "s.txt")
    assert response.status_code == 302
    assert BankEntry.objects.count() == 2


@pytest.mark.django_db
def test_a_file_with_bad_lines_imports_nothing_and_names_each_line(analyst, bank):
    text = f"signal_type,value\npdq,{PDQ_A}\npdq,xyz\nmd5,{'a' * 31}\n"
    response = upload(analyst, BANK + "import/", text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "dòng 3" in page
    assert "dòng 4" in page
    assert "import-errors" in page
    assert BankEntry.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe\x00b\xc3(", "UTF-8"),
        (b"signal_type,value\x00\n", ""),
        (b"   \n", ""),
    ],
)
def test_broken_or_empty_files_are_refused(analyst, bank, body, message):
    response = upload(analyst, BANK + "import/", body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert BankEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_huge_file_is_refused(analyst, bank, settings):
    from copnet.banks import forms

    big = b"signal_type,value\n" + (f"md5,{MD5_A}\n".encode() * (forms.MAX_UPLOAD_BYTES // 37 + 10))
    response = upload(analyst, BANK + "import/", big)
    assert response.status_code == 400
    assert "20 MB" in response.content.decode()
    assert BankEntry.objects.count() == 0


@pytest.mark.django_db
def test_export_as_csv_and_signal_file_is_audited(analyst, bank, bob):
    add_hash(bank)
    add_hash(bank, MD5_A, "md5")
    response = analyst.get(BANK + "export/")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="partner.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["signal_type", "value", "source"],
        ["pdq", PDQ_A, "test"],
        ["md5", MD5_A, "test"],
    ]
    signals = analyst.get(BANK + "export/", {"format": "signals"}).content.decode()
    assert signals == f"pdq {PDQ_A}\nmd5 {MD5_A}\n"
    events = AuditEvent.objects.filter(action="export", target_type="banks.hashbank").order_by("pk")
    assert [e.changes["format"] for e in events] == ["csv", "signals"]
    assert {e.actor_id for e in events} == {bob.pk}


@pytest.mark.django_db
def test_deactivating_an_entry_stops_it_matching_and_can_be_undone(analyst, bank):
    entry = add_hash(bank)
    assert services.match_hashes([("pdq", PDQ_A)])[0]
    response = analyst.post(
        f"{BANK}entries/{entry.pk}/active/", {"active": "0", "next_query": "page=1"}
    )
    assert response["Location"] == BANK + "?page=1"
    entry.refresh_from_db()
    assert entry.expires_at is not None
    assert services.match_hashes([("pdq", PDQ_A)]) == [[]]
    assert "Kích hoạt lại" in analyst.get(BANK).content.decode()
    analyst.post(f"{BANK}entries/{entry.pk}/active/", {"active": "1"})
    assert services.match_hashes([("pdq", PDQ_A)])[0][0].entry == entry
    changes = [
        e.changes["active"]
        for e in AuditEvent.objects.filter(target_type="banks.bankentry", action="update").order_by(
            "pk"
        )
    ]
    assert changes == [False, True]


@pytest.mark.django_db(transaction=True)
def test_deactivating_a_bank_rebuilds_the_index_without_it(client, reference_data, bob):
    client.force_login(bob)
    bank = make_bank()
    add_hash(bank)
    assert services.match_hashes([("pdq", PDQ_A)])[0]
    generation = engine.get_engine().generation
    client.post(BANK + "active/", {"active": "0"})
    bank.refresh_from_db()
    assert not bank.is_active
    assert services.match_hashes([("pdq", PDQ_A)]) == [[]]
    assert engine.get_engine().generation > generation
    assert len(engine.get_engine().pdq) == 0
    client.post(BANK + "active/", {"active": "1"})
    assert services.match_hashes([("pdq", PDQ_A)])[0]
    assert AuditEvent.objects.filter(target_type="banks.hashbank", action="update").count() == 2


@pytest.mark.django_db
def test_text_fields_are_rendered_inert(analyst, reference_data):
    response = analyst.post(
        "/staff/detection/banks/new/",
        {
            "name": "evil",
            "kind": "other_harm",
            "description": "<img src=x onerror=alert(1)>",
            "source": "<script>alert(1)</script>",
        },
    )
    assert response.status_code == 302
    for path in ("/staff/detection/", "/staff/detection/banks/evil/"):
        page = analyst.get(path).content.decode()
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_a_bank_name_must_be_a_new_slug(analyst, bank):
    for name in ("partner", "bad name/../x", ""):
        response = analyst.post(
            "/staff/detection/banks/new/", {"name": name, "kind": "known_abuse"}
        )
        assert response.status_code == 400
    assert not HashBank.objects.exclude(name="self-reported").exclude(pk=bank.pk).exists()


@pytest.mark.django_db
def test_after_deactivating_the_page_keeps_only_its_own_search(analyst, bank):
    entry = add_hash(bank)
    path = f"{BANK}entries/{entry.pk}/active/"
    response = analyst.post(path, {"active": "0", "next_query": "q=ff&page=2&x=1"})
    assert response["Location"] == BANK + "?q=ff&page=2"
    response = analyst.post(path, {"active": "1", "next_query": "q=a\r\nSet-Cookie: x=1"})
    assert response.status_code == 302
    assert "\n" not in response["Location"]
