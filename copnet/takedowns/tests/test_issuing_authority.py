"""Notices are issued by a competent authority (Decree 147/2024): approved by one of its
people, numbered in its series, citing the legal bases in force, signed; the Network only
transmits them (issue 19 item 2)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from copnet.accounts.choices import Role
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.network.models import Organisation
from copnet.takedowns import services
from copnet.takedowns.choices import RequestStatus
from copnet.takedowns.errors import TakedownError, TakedownErrorCode
from copnet.takedowns.models import IssuingAuthority, RemovalRequest
from copnet.takedowns.notices import deadline_is_law, notice_pdf
from copnet.takedowns.tests.factories import make_case, make_platform, make_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def a05_officer():
    return make_user(
        email="officer@a05.example",
        organisation=Organisation.objects.get(code="A05"),
        role=Role.OFFICER,
        full_name="Nguyễn Văn A",
    )


@pytest.fixture
def draft(alice, a05_officer):
    case = make_case(lead=Organisation.objects.get(code="A05"))
    return make_request(case=case, platform=make_platform(email="abuse@p.example"), actor=alice)


def pdf_text(removal: RemovalRequest) -> str:
    reader = PdfReader(io.BytesIO(notice_pdf(removal)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_reference_data_ships_a05_and_the_culture_ministrys_authority():
    codes = set(IssuingAuthority.objects.values_list("organisation__code", flat=True))
    assert {"A05", "MOCST-PTTH"} <= codes


def test_a_draft_is_issued_in_the_name_of_the_cases_lead_authority(draft):
    assert draft.issuing_authority.organisation.code == "A05"
    assert draft.document_number == ""


def test_sending_before_approval_is_refused_and_changes_nothing(draft, alice):
    with pytest.raises(TakedownError) as refused:
        services.do_send_request(request=draft, actor=alice)
    assert refused.value.code == TakedownErrorCode.NOT_APPROVED
    draft.refresh_from_db()
    assert (draft.status, draft.sent_at, draft.notice) == (RequestStatus.DRAFT, None, "")


def test_approval_numbers_dates_and_signs_the_notice_and_the_pdf_says_so(draft, a05_officer):
    services.do_approve_request(request=draft, actor=a05_officer)
    draft.refresh_from_db()
    services.do_send_request(request=draft, actor=a05_officer)
    draft.refresh_from_db()
    assert draft.document_number == f"0001/{draft.approved_at:%Y}/YCGB-A05"
    assert draft.signatory.startswith("Nguyễn Văn A")
    text = " ".join(pdf_text(draft).split())
    assert "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao" in text
    assert "Department of Cyber Security and High-tech Crime Prevention" in text
    assert draft.document_number in text
    assert "Nghị định 147/2024/NĐ-CP" in text
    if draft.approved_at.date() >= dt.date(2026, 7, 1):
        assert "Luật An ninh mạng 2025" in text  # in force from 1 July 2026
    assert "VN-COP" in text  # the Network, as transmitter
    assert "Nguyễn Văn A" in text
    assert AuditEvent.objects.filter(
        target_id=str(draft.pk), reason="removal request approved by the issuing authority"
    ).exists()


def test_a_notice_approved_before_july_2026_does_not_cite_the_new_cybersecurity_law(
    draft, a05_officer
):
    services.do_approve_request(request=draft, actor=a05_officer)
    RemovalRequest.objects.filter(pk=draft.pk).update(
        approved_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    draft.refresh_from_db()
    text = " ".join(pdf_text(draft).split())
    assert "Nghị định 147/2024/NĐ-CP" in text
    assert "Luật An ninh mạng 2025" not in text


def test_numbers_follow_each_other_in_the_authoritys_series(alice, a05_officer):
    platform = make_platform(email="abuse@p.example")
    a05 = Organisation.objects.get(code="A05")
    numbers = []
    for n in range(3):
        case = make_case(lead=a05, url=f"https://www.facebook.com/post/{n}")
        removal = make_request(case=case, platform=platform, actor=alice)
        numbers.append(
            services.do_approve_request(request=removal, actor=a05_officer).document_number
        )
    year = timezone.localdate().year
    assert numbers == [f"000{n}/{year}/YCGB-A05" for n in (1, 2, 3)]


def test_someone_outside_the_authority_cannot_approve_and_is_audited(draft, alice, coordinator):
    for outsider in (alice, coordinator):
        with pytest.raises(TakedownError) as refused:
            services.do_approve_request(request=draft, actor=outsider)
        assert refused.value.code == TakedownErrorCode.NOT_THE_AUTHORITY
        assert refused.value.status == 403
    draft.refresh_from_db()
    assert draft.approved_at is None
    assert draft.document_number == ""
    assert AuditEvent.objects.filter(target_id=str(draft.pk), action="denied").count() == 2


def test_a_document_number_cannot_be_used_twice_by_one_authority(alice, a05_officer):
    platform = make_platform(email="abuse@p.example")
    a05 = Organisation.objects.get(code="A05")
    first, second = (
        make_request(
            case=make_case(lead=a05, url=f"https://www.facebook.com/post/{n}"),
            platform=platform,
            actor=alice,
        )
        for n in (1, 2)
    )
    services.do_approve_request(request=first, actor=a05_officer, document_number="12/CV-A05")
    with pytest.raises(TakedownError) as refused:
        services.do_approve_request(request=second, actor=a05_officer, document_number="12/CV-A05")
    assert refused.value.code == TakedownErrorCode.DOCUMENT_NUMBER_TAKEN
    second.refresh_from_db()
    assert second.approved_at is None
    assert second.document_number == ""


@pytest.mark.parametrize("number", ["x" * 41, "12\n/CV", "12\u202e/CV"])
def test_a_malformed_document_number_is_refused(draft, a05_officer, number):
    with pytest.raises(TakedownError) as refused:
        services.do_approve_request(request=draft, actor=a05_officer, document_number=number)
    assert refused.value.code in {
        TakedownErrorCode.INVALID_DOCUMENT_NUMBER,
        TakedownErrorCode.FORMAT_CHARACTERS,
    }
    draft.refresh_from_db()
    assert draft.approved_at is None


def test_approving_twice_is_refused(draft, a05_officer):
    services.do_approve_request(request=draft, actor=a05_officer)
    with pytest.raises(TakedownError) as refused:
        services.do_approve_request(request=draft, actor=a05_officer)
    assert refused.value.code == TakedownErrorCode.ALREADY_APPROVED


def test_the_authoritys_officer_sees_and_approves_the_request_on_its_page(
    client, draft, a05_officer
):
    client.force_login(a05_officer)
    page = client.get(f"/staff/takedowns/{draft.reference}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert 'name="document_number"' in page.content.decode()
    client.post(f"/staff/takedowns/{draft.reference}/approve/", {"document_number": ""})
    draft.refresh_from_db()
    assert draft.document_number.endswith("/YCGB-A05")


def test_the_deadline_says_whether_it_is_law_or_network_policy(draft):
    assert deadline_is_law(draft)  # 24 h after an authority's request: Decree 147
    draft.legal_basis = "platform_terms"
    assert not deadline_is_law(draft)
    draft.legal_basis, draft.urgency = "user_complaint", "urgent"  # 12 h cap: policy
    assert not deadline_is_law(draft)
