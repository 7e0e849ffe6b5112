from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from copnet.accounts.services import do_create_api_key
from copnet.banks.models import BankEntry, UrlList
from copnet.banks.tests.factories import add_hash, make_bank
from copnet.network.models import Organisation

pytestmark = pytest.mark.usefixtures("fresh_engine")

PDQ_A = "f" * 64
PDQ_NEAR = "f" * 56 + "00000000"  # 32 bits away: no match at 31
PDQ_CLOSE = "f" * 60 + "0000"  # 16 bits away


@pytest.fixture
def api_key(reference_data):
    _key, raw = do_create_api_key(
        organisation=Organisation.objects.get(code="VNCERT"), name="detect", actor=None
    )
    return raw


def post(client, path, key, payload):
    return client.post(
        path,
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def import_bank(tmp_path, text: str, bank: str = "partner") -> str:
    path = tmp_path / "bank.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("bank", "import", str(path), "--bank", bank, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_csv_import_with_header_and_extra_columns(tmp_path, reference_data):
    output = import_bank(
        tmp_path,
        f"signal_type,value,note\npdq,{PDQ_A},x\nmd5,{'a' * 32},y\n"
        f"sha256,{'b' * 64},z\npdq,{PDQ_A},dup\n",
    )
    assert "3 added" in output
    assert BankEntry.objects.count() == 3


@pytest.mark.django_db
def test_signal_file_import_and_export_round_trip(tmp_path, reference_data):
    import_bank(tmp_path, f"pdq {PDQ_A}\nmd5 {'c' * 32}\n", bank="hma")
    out = StringIO()
    call_command("bank", "export", "--bank", "hma", "--format", "signals", stdout=out)
    assert out.getvalue() == f"pdq {PDQ_A}\nmd5 {'c' * 32}\n"


@pytest.mark.django_db
@pytest.mark.parametrize("line", ["pdq,xyz", f"pdq,{'f' * 63}", "sha1,abcd", f"md5,{'g' * 32}"])
def test_a_malformed_line_refuses_the_whole_file(tmp_path, reference_data, line):
    with pytest.raises(CommandError, match="(line|dòng) 3"):
        import_bank(tmp_path, f"signal_type,value\npdq,{PDQ_A}\n{line}\n")
    assert BankEntry.objects.count() == 0


@pytest.mark.django_db
def test_hash_matching_api_answers_one_result_per_item(client, api_key):
    add_hash(make_bank("partner"), PDQ_A)
    response = post(
        client,
        "/api/v1/match/hash",
        api_key,
        {
            "hashes": [
                {"signal_type": "pdq", "value": PDQ_CLOSE},
                {"signal_type": "pdq", "value": PDQ_NEAR},
                {"signal_type": "pdq", "value": "zz"},
                {"signal_type": "md5", "value": "a" * 31},
            ]
        },
    )
    results = response.json()["results"]
    assert response.status_code == 200
    assert results[0]["matches"] == [
        {
            "bank": "partner",
            "signal_type": "pdq",
            "distance": 16,
            "bank_kind": "known_abuse",
            "suppressed_by": None,
            "reason": None,
            # what a video (vpdq) query adds; none for an image hash
            "query_pct": None,
            "target_pct": None,
            "usable_frames": None,
            "frames": None,
        }
    ]
    assert results[1]["matches"] == []
    assert results[2]["error"]["code"] == "invalid_hex"
    assert results[3]["error"]["code"] == "wrong_length"


@pytest.mark.django_db
def test_new_entries_are_matched_without_a_restart(client, api_key):
    bank = make_bank("partner")
    payload = {"hashes": [{"signal_type": "pdq", "value": PDQ_A}]}
    assert (
        post(client, "/api/v1/match/hash", api_key, payload).json()["results"][0]["matches"] == []
    )
    add_hash(bank, PDQ_A)
    assert (
        len(post(client, "/api/v1/match/hash", api_key, payload).json()["results"][0]["matches"])
        == 1
    )


@pytest.mark.django_db
def test_url_lists_match_any_spelling(client, api_key, tmp_path):
    path = tmp_path / "hosts.txt"
    path.write_text("bad.example\nhttp://shop.example/casino/\n", encoding="utf-8")
    call_command(
        "urls",
        "import",
        str(path),
        "--list",
        "gambling",
        "--category",
        "scam_gambling",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert UrlList.objects.get().entries.count() == 2
    response = post(
        client,
        "/api/v1/match/url",
        api_key,
        {
            "urls": [
                "HTTPS://WWW.Bad.Example./x?y=1#z",
                "http://shop.example/casino/roulette",
                "http://shop.example/books",
                "javascript:alert(1)",
                "http://a/\x00" + "b" * 100_000,
            ]
        },
    )
    results = response.json()["results"]
    assert [len(r["matches"]) for r in results] == [1, 1, 0, 0, 0]
    assert results[0]["matches"][0]["category"] == "scam_gambling"
    assert "error" in results[3]
    assert "error" in results[4]


@pytest.mark.django_db
def test_text_classification_gives_scores_and_spans(client, api_key):
    response = post(
        client,
        "/api/v1/classify/text",
        api_key,
        {"texts": ["Em ơi gửi ảnh cho anh xem đi, đừng nói với bố mẹ nhé", "Hôm nay trời đẹp quá"]},
    )
    first, second = response.json()["results"]
    assert first["scores"]["grooming"] > second["scores"]["grooming"]
    assert first["spans"]
    assert set(first["scores"]) >= {"offensive", "hate", "grooming", "self_harm"}


@pytest.mark.django_db
def test_detection_apis_need_a_key_and_limit_batches(client, api_key):
    assert (
        client.post("/api/v1/match/hash", "{}", content_type="application/json").status_code == 401
    )
    too_many = {"texts": ["x"] * 1001}
    assert post(client, "/api/v1/classify/text", api_key, too_many).status_code == 422
