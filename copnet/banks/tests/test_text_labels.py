"""Analysts' decisions become labelled texts for retraining; no personal data leaves."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.cases.choices import CaseStatus
from copnet.cases.models import Case
from copnet.cases.privacy import purge_personal_data
from copnet.cases.services import do_transition
from copnet.reports.tests.factories import file_report

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")

PATH_TO_CLOSED = [
    CaseStatus.TRIAGED,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.ACTION_TAKEN,
]


def decided(category: str, description: str, *, status: str, outcome: str, **fields) -> Case:
    report, _code = file_report(
        category=category, description=description, enqueue_triage=False, **fields
    )
    case = report.case
    if status == CaseStatus.CLOSED:
        for step in PATH_TO_CLOSED:
            case = do_transition(case=case, target=step, actor=None)
    return do_transition(case=case, target=status, actor=None, outcome=outcome)


def export(*args: str) -> list[dict[str, str]]:
    out = StringIO()
    call_command("export_text_labels", "--out", "-", *args, stdout=out, stderr=StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.django_db
def test_labels_come_from_the_final_category_and_outcome():
    decided("grooming", "Anh ấy bảo em giữ bí mật", status="closed", outcome="referred_to_police")
    decided(
        "cyberbullying", "Cả lớp chế giễu em trên nhóm", status="closed", outcome="content_removed"
    )
    decided("scam_gambling", "Nạp thẻ nhận quà miễn phí", status="closed", outcome="advice_given")
    decided(
        "pornography", "Trang này đăng ảnh khiêu dâm", status="closed", outcome="content_removed"
    )
    decided("cyberbullying", "Bạn ấy chỉ hỏi bài tập", status="rejected", outcome="not_harmful")
    decided("other", "Quảng cáo bán hàng", status="rejected", outcome="out_of_scope")
    decided("drugs", "Bán thuốc lắc", status="closed", outcome="referred_to_police")
    file_report(category="grooming", description="Vụ việc chưa xử lý xong", enqueue_triage=False)
    rows = export()
    assert rows == [
        {"text": "Anh ấy bảo em giữ bí mật", "label": "grooming", "category": "grooming"},
        {"text": "Cả lớp chế giễu em trên nhóm", "label": "bullying", "category": "cyberbullying"},
        {
            "text": "Nạp thẻ nhận quà miễn phí",
            "label": "scam_gambling",
            "category": "scam_gambling",
        },
        {"text": "Trang này đăng ảnh khiêu dâm", "label": "sexual", "category": "pornography"},
        {"text": "Bạn ấy chỉ hỏi bài tập", "label": "clean", "category": "cyberbullying"},
    ]
    event = AuditEvent.objects.get(action="export", target_type="banks.textlabels")
    assert event.changes["rows"] == 5


@pytest.mark.django_db
def test_text_evidence_is_exported_and_personal_data_is_not():
    decided(
        "grooming",
        "Người tên Trần Văn Bình nhắn cho con tôi, gọi lại 0912 345 678 hoặc me@mail.example",
        status="closed",
        outcome="child_supported",
        reporter_name="Trần Văn Bình",
        reporter_contact="0987654321",
        account_handles="@badguy99",
        texts=["badguy99: đừng nói với bố mẹ nhé, gửi ảnh cho anh"],
    )
    rows = export()
    assert [r["label"] for r in rows] == ["grooming", "grooming"]
    text = " ".join(r["text"] for r in rows)
    for personal in ("Trần Văn Bình", "0912 345 678", "me@mail.example", "badguy99", "0987654321"):
        assert personal not in text
    assert "[phone]" in text
    assert "[email]" in text
    assert "đừng nói với bố mẹ nhé, gửi ảnh cho anh" in text
    assert set(rows[0]) == {"text", "label", "category"}


@pytest.mark.django_db
def test_purged_cases_are_skipped_and_since_filters_by_closing_date():
    old = decided("self_harm", "Em muốn tự tử", status="closed", outcome="child_supported")
    Case.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    decided("self_harm", "Bạn em tự làm đau mình", status="closed", outcome="child_supported")
    assert [r["text"] for r in export("--since", "2000-01-01")] == [
        "Em muốn tự tử",
        "Bạn em tự làm đau mình",
    ]
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    assert [r["text"] for r in export("--since", since)] == ["Bạn em tự làm đau mình"]
    assert purge_personal_data(older_than_days=365) == 1
    assert [r["text"] for r in export()] == ["Bạn em tự làm đau mình"]


@pytest.mark.django_db
def test_conflicting_decisions_on_the_same_text_are_left_out():
    decided("cyberbullying", "Nó chửi em", status="closed", outcome="content_removed")
    decided("cyberbullying", "Nó chửi em", status="rejected", outcome="not_harmful")
    decided("cyberbullying", "Nó đánh em", status="closed", outcome="content_removed")
    decided("cyberbullying", "Nó đánh em", status="closed", outcome="advice_given")
    assert export() == [{"text": "Nó đánh em", "label": "bullying", "category": "cyberbullying"}]


@pytest.mark.django_db
def test_export_writes_a_file_and_refuses_a_bad_date(tmp_path):
    decided("grooming", "Hẹn gặp riêng nhé", status="closed", outcome="referred_to_police")
    target = tmp_path / "labels.csv"
    call_command("export_text_labels", "--out", str(target), stderr=StringIO())
    assert target.read_text(encoding="utf-8").splitlines() == [
        "text,label,category",
        "Hẹn gặp riêng nhé,grooming,grooming",
    ]
    with pytest.raises(CommandError, match="--since"):
        call_command("export_text_labels", "--out", str(target), "--since", "31/01/2026")
    with pytest.raises(CommandError, match="folder"):
        call_command("export_text_labels", "--out", str(tmp_path / "no" / "x.csv"))
