"""Video banks: vPDQ entries (one per video, its frames kept), imported from vPDQ hash files
and CSV and exported again; videos matched through /api/v1/match/hash and through a report
upload, with vPDQ's two-way percentages per bank, frames against image banks, allow banks
and quarantine, and the match explained."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from copnet.accounts.services import do_create_api_key
from copnet.banks import safety, services
from copnet.banks.models import BankEntry, DetectionHit
from copnet.banks.tests.factories import add_hash, make_bank, triaged_case
from copnet.cases.choices import Priority
from copnet.detection.video import VideoHasher, format_vpdq
from copnet.detection.vpdq import format_vpdq_file, parse_vpdq_file
from copnet.network.models import Organisation
from copnet.reports.tests.videos import clip

pytestmark = pytest.mark.usefixtures("fresh_engine", "reference_data")


@pytest.fixture(autouse=True)
def english():
    """Services called directly speak English here (requests choose their own language)."""
    with translation.override("en"):
        yield


def frames(name: str):
    import io

    return VideoHasher().hash_stream(io.BytesIO(clip(name))).features


def vpdq_file(name: str) -> str:
    return format_vpdq_file(frames(name))


@pytest.fixture
def api_key(reference_data):
    _key, raw = do_create_api_key(
        organisation=Organisation.objects.get(code="VNCERT"), name="detect", actor=None
    )
    return raw


def match(client, key, *items):
    response = client.post(
        "/api/v1/match/hash",
        json.dumps({"hashes": [{"signal_type": t, "value": v} for t, v in items]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def banked_video(name: str = "videos", video: str = "original", **fields):
    bank = make_bank(name, **fields)
    result = services.import_hashes(bank=bank, text=vpdq_file(video), actor=None)
    assert result.errors is None
    assert result.added == 1
    return bank


# --- Storage, import and export -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_vpdq_file_becomes_one_entry_with_its_frames(reference_data):
    bank = banked_video()
    entry = BankEntry.objects.get(bank=bank)
    assert entry.signal_type == "vpdq"
    assert entry.vpdq_frames == 8
    assert parse_vpdq_file(entry.vpdq) == frames("original")
    assert len(entry.value) == 64
    again = services.import_hashes(bank=bank, text=vpdq_file("original"), actor=None)
    assert (again.added, again.duplicates) == (0, 1)


@pytest.mark.django_db
def test_a_bad_line_in_a_vpdq_file_is_named_and_nothing_is_stored(reference_data):
    bank = make_bank("videos")
    lines = vpdq_file("original").splitlines()
    lines[4] = lines[4].replace(",", ",zz", 1)  # a quality that is not a number
    result = services.import_hashes(bank=bank, text="\n".join(lines), actor=None)
    assert result.added == 0
    assert len(result.errors) == 1
    assert result.errors[0].startswith("line 5:")
    assert BankEntry.objects.count() == 0
    short = vpdq_file("original").replace(frames("original")[2].pdq_hex, "abc")
    assert services.import_hashes(bank=bank, text=short, actor=None).errors[0].startswith("line 3:")
    assert BankEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_csv_with_a_bad_vpdq_row_names_the_line_and_stores_nothing(reference_data):
    bank = make_bank("videos")
    good = format_vpdq(frames("original"))
    text = (
        "signal_type,value,source\n"
        f'vpdq,"{good}",partner\n'
        f"md5,{'a' * 32},partner\n"
        'vpdq,"ffff,100,0.000",partner\n'
    )
    result = services.import_hashes(bank=bank, text=text, actor=None)
    assert len(result.errors) == 1
    assert result.errors[0].startswith("line 4: frame 1:")
    assert BankEntry.objects.count() == 0


@pytest.mark.django_db
def test_csv_and_signal_file_exports_import_back_as_the_same_videos(reference_data):
    bank = banked_video()
    add_hash(bank, "a" * 32, "md5")
    for fmt in ("csv", "signals"):
        exported = services.export_hashes(bank, fmt)
        other = make_bank(f"copy-{fmt}")
        result = services.import_hashes(bank=other, text=exported, actor=None)
        assert result.errors is None
        assert result.added == 2
        assert set(other.entries.values_list("signal_type", "value")) == set(
            bank.entries.values_list("signal_type", "value")
        )
        copied = other.entries.get(signal_type="vpdq")
        assert [f.pdq_hex for f in parse_vpdq_file(copied.vpdq)] == [
            f.pdq_hex for f in frames("original")
        ]


@pytest.mark.django_db
def test_staff_import_a_vpdq_file_see_the_frames_and_download_it(analyst, reference_data):
    make_bank("videos")
    response = analyst.post(
        "/staff/detection/banks/videos/import/",
        {"file": SimpleUploadedFile("clip.vpdq.txt", vpdq_file("original").encode())},
    )
    assert response.status_code == 302
    entry = BankEntry.objects.get()
    page = analyst.get("/staff/detection/banks/videos/").content.decode()
    assert f"/staff/detection/banks/videos/entries/{entry.pk}/" in page
    detail = analyst.get(f"/staff/detection/banks/videos/entries/{entry.pk}/").content.decode()
    assert frames("original")[3].pdq_hex in detail
    download = analyst.get(f"/staff/detection/banks/videos/entries/{entry.pk}/?format=vpdq")
    assert download["Content-Disposition"].startswith("attachment")
    assert parse_vpdq_file(download.content.decode()) == frames("original")


@pytest.mark.django_db
def test_a_staff_import_with_a_bad_line_shows_it_and_stores_nothing(analyst, reference_data):
    make_bank("videos")
    lines = vpdq_file("original").splitlines()
    lines[1] = "1,100,not-a-hash,1.000"
    response = analyst.post(
        "/staff/detection/banks/videos/import/",
        {"file": SimpleUploadedFile("clip.txt", "\n".join(lines).encode())},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    from copnet.core.testing import vi

    text = response.content.decode()
    assert (
        vi(
            "line %(line)s: a frame is “frame number,quality,PDQ hash,seconds”: a whole "
            "number, a quality from 0 to 100, 64 hexadecimal digits and a time in seconds."
        )
        % {"line": 2}
        in text
    )
    assert BankEntry.objects.count() == 0


# --- Matching through the API -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reencoded_resized_trimmed_copy_matches_through_the_api(client, api_key):
    banked_video()
    make_bank("unrelated-videos")
    services.import_hashes(bank=make_bank("other"), text=vpdq_file("unrelated"), actor=None)
    (result,) = match(client, api_key, ("vpdq", vpdq_file("copy")))
    assert [m["bank"] for m in result["matches"]] == ["videos"]
    found = result["matches"][0]
    assert found["signal_type"] == "vpdq"
    assert found["query_pct"] == 100.0
    assert found["target_pct"] == 75.0  # six seconds of eight
    assert found["usable_frames"] == 6
    assert [(f["query_time"], f["target_time"]) for f in found["frames"]] == [
        (float(t), float(t + 1)) for t in range(6)
    ]
    assert all(f["distance"] <= 31 for f in found["frames"])
    # the one-line form and python-threatexchange's JSON list give the same answer
    one_line = format_vpdq(frames("copy"))
    as_json = json.dumps(one_line.split(";"))
    for value in (one_line, as_json):
        (again,) = match(client, api_key, ("vpdq", value))
        assert [m["bank"] for m in again["matches"]] == ["videos"]


@pytest.mark.django_db
def test_an_unrelated_video_does_not_match(client, api_key):
    banked_video()
    (result,) = match(client, api_key, ("vpdq", vpdq_file("unrelated")))
    assert result == {"matches": [], "error": None}


@pytest.mark.django_db
def test_each_bank_needs_its_own_shares_of_both_videos(client, api_key):
    banked_video("loose")
    strict = banked_video("strict")
    safety.do_set_bank_vpdq_shares(bank=strict, query_pct=80, target_pct=90, actor=None)
    (result,) = match(client, api_key, ("vpdq", vpdq_file("copy")))
    assert [m["bank"] for m in result["matches"]] == ["loose"]  # 75 % of strict's video < 90
    (whole,) = match(client, api_key, ("vpdq", vpdq_file("original")))
    assert {m["bank"] for m in whole["matches"]} == {"loose", "strict"}


@pytest.mark.django_db
def test_the_frames_of_a_video_are_matched_against_image_banks(client, api_key):
    still = frames("original")[3]  # a picture banked from second 3 of the video
    add_hash(make_bank("pictures"), still.pdq_hex)
    (result,) = match(client, api_key, ("vpdq", vpdq_file("copy")))
    (found,) = result["matches"]
    assert (found["bank"], found["signal_type"]) == ("pictures", "pdq")
    assert [f["query_time"] for f in found["frames"]] == [2.0]
    assert found["frames"][0]["target_frame"] == -1


@pytest.mark.django_db
def test_file_digests_of_a_video_match_exact_banks(client, api_key):
    import hashlib

    bank = make_bank("exact")
    add_hash(bank, hashlib.sha256(clip("original")).hexdigest(), "sha256")
    md5, sha = match(
        client,
        api_key,
        ("md5", hashlib.md5(clip("original"), usedforsecurity=False).hexdigest()),
        ("sha256", hashlib.sha256(clip("original")).hexdigest()),
    )
    assert md5["matches"] == []
    assert [m["bank"] for m in sha["matches"]] == ["exact"]


@pytest.mark.django_db
def test_an_allow_bank_suppresses_a_video_match(client, api_key):
    banked_video("videos")
    banked_video("benign", kind="allow")
    (result,) = match(client, api_key, ("vpdq", vpdq_file("copy")))
    by_bank = {m["bank"]: m for m in result["matches"]}
    assert by_bank["videos"]["suppressed_by"] == "benign"
    assert by_bank["videos"]["reason"]
    assert by_bank["benign"]["suppressed_by"] is None


@pytest.mark.django_db
def test_a_quarantined_video_entry_matches_nothing(client, api_key):
    from django.utils import timezone

    banked_video()
    (before,) = match(client, api_key, ("vpdq", vpdq_file("copy")))
    assert [m["bank"] for m in before["matches"]] == ["videos"]
    BankEntry.objects.update(quarantined_at=timezone.now())
    (result,) = match(client, api_key, ("vpdq", vpdq_file("copy")))
    assert result["matches"] == []


@pytest.mark.django_db
def test_bad_vpdq_values_get_a_translated_error_naming_the_line(client, api_key):
    lines = vpdq_file("copy").splitlines()
    lines[2] = "2,100,0123,2.000"
    bad_file, empty, bad_line = match(
        client,
        api_key,
        ("vpdq", "\n".join(lines)),
        ("vpdq", "   "),
        ("vpdq", "ffff,100,0.000"),
    )
    assert bad_file["error"]["code"] == "invalid_vpdq"
    assert bad_file["error"]["message"].startswith("line 3:")
    assert bad_file["matches"] == []
    assert empty["error"]["code"] == "empty_vpdq"
    assert bad_line["error"]["message"].startswith("frame 1:")


@pytest.mark.django_db
def test_the_openapi_document_describes_the_video_signal_type(client):
    document = client.get("/api/v1/openapi.json").json()
    text = json.dumps(document)
    assert "frame_number,quality,pdq_hex,timestamp" in text
    assert "query_pct" in text
    assert "target_pct" in text


# --- Matching through a report upload ---------------------------------------------------------


@pytest.mark.django_db
def test_a_copy_sent_with_a_report_becomes_an_explained_hit_on_its_case(evidence_dir):
    bank = banked_video("known", kind="known_abuse")
    case = triaged_case(images=[clip("copy")])
    (hit,) = DetectionHit.objects.filter(case=case)
    entry = BankEntry.objects.get(bank=bank)
    assert hit.kind == "video"
    assert hit.bank_entry == entry
    assert hit.evidence.kind == "video"
    assert hit.video["query_pct"] == 100.0
    assert hit.video["target_pct"] == 75.0
    assert hit.video["frames_matched"] == 6
    assert hit.video["frames"][0] == {
        "query_time": 0.0,
        "query_frame": 0,
        "target_time": 1.0,
        "target_frame": 10,
        "distance": hit.video["frames"][0]["distance"],
    }
    assert case.priority == Priority.P1
    assert case.keep_blurred


@pytest.mark.django_db
def test_an_unrelated_video_in_a_report_is_no_hit(evidence_dir):
    banked_video("known")
    case = triaged_case(images=[clip("unrelated")])
    assert not DetectionHit.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_video_hit_is_explained_on_the_case_page(client, coordinator, evidence_dir):
    banked_video("known", kind="other_harm")
    case = triaged_case(images=[clip("copy")])
    client.force_login(coordinator)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "known (vpdq → vpdq)" in page
    assert 'class="muted video-match"' in page
    assert page.count("<li>", page.index("video-match")) >= 6  # the six matched frames


@pytest.mark.django_db
def test_an_allow_bank_keeps_a_video_hit_from_raising_the_priority(evidence_dir):
    banked_video("known", kind="known_abuse")
    banked_video("benign", kind="allow")
    case = triaged_case(images=[clip("copy")])
    (hit,) = DetectionHit.objects.filter(case=case)
    assert hit.suppressed_by == "benign"
    assert case.priority != Priority.P1
    assert not case.keep_blurred


@pytest.mark.django_db
def test_a_video_entry_flooding_many_reports_is_quarantined(evidence_dir, settings):
    settings.FLOOD_MATCHES = 1
    banked_video("known", kind="other_harm")
    triaged_case(images=[clip("copy")])
    triaged_case(images=[clip("original")])
    assert BankEntry.objects.get().quarantined_at is not None


@pytest.mark.django_db
def test_a_video_banked_later_is_found_in_past_reports(evidence_dir):
    from copnet.banks.retro import match_past_evidence_now
    from copnet.cases.services import triage_case

    case = triaged_case(images=[clip("copy")])
    other = triaged_case(images=[clip("unrelated")])
    assert not DetectionHit.objects.filter(case=case).exists()
    banked_video("known", kind="other_harm")
    run = match_past_evidence_now()
    assert case.pk in run.open_cases
    for pk in run.open_cases:  # what the enqueued triage does
        triage_case(pk)
    assert DetectionHit.objects.filter(case=case, kind="video").exists()
    assert not DetectionHit.objects.filter(case=other).exists()


@pytest.mark.django_db
def test_curators_set_a_banks_video_shares_on_its_page(analyst, reference_data):
    from copnet.audit.models import AuditEvent

    bank = make_bank("videos")
    url = "/staff/detection/banks/videos/threshold/"
    refused = analyst.post(url, {"pdq_threshold": "", "vpdq_query_pct": "150"})
    assert refused.status_code == 400
    bank.refresh_from_db()
    assert bank.vpdq_query_pct is None
    saved = analyst.post(
        url, {"pdq_threshold": "", "vpdq_query_pct": "90", "vpdq_target_pct": "50"}
    )
    assert saved.status_code == 302
    bank.refresh_from_db()
    assert (bank.vpdq_query_pct, bank.vpdq_target_pct) == (90.0, 50.0)
    events = AuditEvent.objects.filter(target_type="banks.hashbank", target_id=str(bank.pk))
    assert any("vpdq_query_pct" in event.changes for event in events)
    page = analyst.get("/staff/detection/banks/videos/").content.decode()
    assert 'id="bank-vpdq"' in page
