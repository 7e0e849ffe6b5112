from __future__ import annotations

import pytest

from copnet.banks.models import BankEntry
from copnet.banks.services import add_case_hashes_to_confirmed_bank
from copnet.banks.tests.factories import add_hash, add_url, make_bank, make_url_list
from copnet.cases.choices import Priority
from copnet.cases.services import do_transition, triage_case
from copnet.reports.tests.factories import file_report, make_image

pytestmark = pytest.mark.usefixtures("fresh_engine", "reference_data", "evidence_dir")


@pytest.mark.django_db
def test_a_known_abuse_image_makes_the_case_p1_and_keeps_it_blurred(db):
    from copnet.reports.evidence import inspect_image

    image = make_image(21, size=512)
    bank = make_bank("iwf-test")
    add_hash(bank, inspect_image(image).pdq)
    report, _ = file_report(category="other", images=[image])
    case = triage_case(report.case_id)
    assert case.priority == Priority.P1
    assert case.keep_blurred
    assert case.suggested_category.code == "csam"
    hit = case.hits.get(kind="hash")
    assert hit.distance == 0
    assert hit.bank_entry.bank == bank


@pytest.mark.django_db
def test_a_mirrored_copy_of_a_known_image_is_recognised(db, file_storage):
    # Triage re-reads the picture from the store (local vault or S3) for its rotated forms.
    import io

    from PIL import Image, ImageOps

    from copnet.reports.evidence import inspect_image

    image = make_image(22, size=512)
    add_hash(make_bank("partner"), inspect_image(image).pdq)
    mirrored = io.BytesIO()
    ImageOps.mirror(Image.open(io.BytesIO(image))).save(mirrored, format="PNG")
    report, _ = file_report(category="other", images=[mirrored.getvalue()])
    case = triage_case(report.case_id)
    assert case.hits.filter(kind="hash").exists()
    assert case.priority == Priority.P1


@pytest.mark.django_db
def test_a_listed_address_raises_priority_and_suggests_the_lists_category(db):
    add_url(make_url_list("self-harm-challenges", category="self_harm"), "challenge.example")
    report, _ = file_report(category="other", urls=["https://www.challenge.example/day-50"])
    case = triage_case(report.case_id)
    assert case.priority == Priority.P2
    assert case.suggested_category.code == "self_harm"


@pytest.mark.django_db
def test_grooming_text_raises_priority_and_is_explained(db):
    report, _ = file_report(
        category="other",
        description=(
            "Có người lạ nhắn: em gửi ảnh cho anh xem đi, đừng nói với bố mẹ nhé, qua zalo nói "
            "chuyện riêng"
        ),
    )
    case = triage_case(report.case_id)
    hit = case.hits.get(kind="text")
    assert case.priority == Priority.P1
    assert hit.spans
    assert case.suggested_category.code == "grooming"


@pytest.mark.django_db
def test_a_clean_report_gets_no_hits(db):
    report, _ = file_report(
        category="other", description="Em muốn hỏi cách cài đặt quyền riêng tư cho tài khoản"
    )
    case = triage_case(report.case_id)
    assert case.hits.count() == 0
    assert case.priority == Priority.P4


@pytest.mark.django_db
def test_closed_case_images_go_to_the_confirmed_bank(coordinator):
    report, _ = file_report(images=[make_image(23, size=512)])
    case = triage_case(report.case_id)
    for target in ("in_progress", "action_taken"):
        case = do_transition(case=case, target=target, actor=coordinator)
    case = do_transition(case=case, target="closed", outcome="content_removed", actor=coordinator)
    added = add_case_hashes_to_confirmed_bank(case=case, actor=coordinator)
    assert added == 3
    assert add_case_hashes_to_confirmed_bank(case=case, actor=coordinator) == 0
    assert set(BankEntry.objects.values_list("signal_type", flat=True)) == {"pdq", "md5", "sha256"}
