"""After the retention purge, no personal value of a case is left anywhere in the database.

One case is fed through every channel (public form, hotline, volunteer form, partner API, feed
appeal, the reporter's status page) and worked on (notes, actions, message, reassignment,
transitions, removal request with its check and answer, a volunteer verification task) with
distinctive values in every free-text field. The database is then searched, table by table
and column by column as introspection finds them, for those values: in clear text, inside
JSON, in binary columns (zip members too), inside decoded sessions, and inside every Fernet
token that still decrypts. Before the purge nothing may be in clear (encryption at rest);
after it nothing may be left at all.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from copnet.accounts.choices import Role
from copnet.accounts.services import do_create_api_key
from copnet.accounts.tests.factories import make_user
from copnet.audit.models import AuditEvent
from copnet.cases.models import Case
from copnet.cases.privacy import purge_all
from copnet.cases.services import (
    do_add_note,
    do_reassign,
    do_record_action,
    do_record_reveal,
    do_send_report_message,
    do_transition,
    triage_case,
)
from copnet.core.crypto import DecryptionError, decrypt_text
from copnet.feed.models import Appeal
from copnet.feed.services import do_decide_appeal
from copnet.network.models import Organisation
from copnet.reports.models import Evidence
from copnet.reports.tests.factories import make_image
from copnet.takedowns.services import (
    do_check_item,
    do_create_request,
    do_record_answer,
    do_send_request,
)
from copnet.takedowns.tests.factories import approve, make_platform
from copnet.volunteers.services import work

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

URL = "https://zqchildhost.example/u/zqprofilepath"
REMOVAL_URL = "http://127.0.0.1/zqremovalpath"  # a private address: checked without network
# Every personal value seeded below contains one of these (lower case, ASCII, so that no
# encoding or Vietnamese normalisation can hide one from the search).
MARKERS = [
    "zqchildhost",
    "zqprofilepath",
    "zqwebdescription",
    "zqwebaccount",
    "zqwebexcerpt",
    "zqreportername",
    "zqreportercontact",
    "zqhotlinecaller",
    "zqhotlinephone",
    "zqhotlinestory",
    "zqvolunteerstory",
    "zqapidescription",
    "zqapiaccount",
    "zqapiexcerpt",
    "zqexternalref",
    "zqappealcontact",
    "zqappealexplanation",
    "zqaddedinfo",
    "zqactionnote",
    "zqinternalnote",
    "zqstatusmessage",
    "zqreassignreason",
    "zqprogressreason",
    "zqclosingreason",
    "zqremovalpath",
    "zqremovalaccount",
    "zqanswernote",
    "zqtasktitle",
    "zqtaskquestion",
    "zqtaskoutcome",
    "zqappealdecision",
]
TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]+=*")


# --- the search ---------------------------------------------------------------------------


def _texts(value: Any, *, decrypt: bool) -> Iterator[str]:
    """Every piece of text in a column value: strings, JSON, bytes (and zip members), and,
    with `decrypt`, the clear text of each Fernet token found in any of them."""
    if value is None or isinstance(value, bool | int | float | dt.date | dt.datetime):
        return
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        yield value.decode("utf-8", "ignore")
        if value[:2] == b"PK":  # an XLSX or other zip: its members too
            with zipfile.ZipFile(io.BytesIO(value)) as archive:
                for name in archive.namelist():
                    yield archive.read(name).decode("utf-8", "ignore")
        return
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    yield text
    if decrypt:
        for token in TOKEN.findall(text):
            try:
                clear = decrypt_text(token)
            except (DecryptionError, ValueError, UnicodeError):
                continue
            yield from _texts(clear, decrypt=True)


def _session_texts(session_data: str, *, decrypt: bool) -> Iterator[str]:
    decoded = SessionStore().decode(session_data)  # signed base64 JSON: readable without key
    yield from _texts(json.dumps(decoded, ensure_ascii=False, default=str), decrypt=decrypt)


def find_markers(*, decrypt: bool) -> dict[str, set[str]]:
    """{marker: {"table.column", …}} for every marker found anywhere in the database."""
    found: dict[str, set[str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        assert len(tables) > 50  # the whole schema, not a hand-picked list
        for table in tables:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if table == "django_session" and column == "session_data":
                        texts = _session_texts(value, decrypt=decrypt)
                    else:
                        texts = _texts(value, decrypt=decrypt)
                    for text in texts:
                        lowered = text.lower()
                        for marker in MARKERS:
                            if marker in lowered:
                                found.setdefault(marker, set()).add(f"{table}.{column}")
    return found


# --- the seeded case ----------------------------------------------------------------------


def _thanks_receipt(client: Any) -> tuple[str, str]:
    html = client.get("/report/thanks/").content.decode()
    code = re.search(r'id="tracking-code"[^>]*>([^<]+)<', html).group(1)
    secret = re.search(r'id="tracking-secret"[^>]*>([^<]+)<', html).group(1)
    return code.strip(), secret.strip()


def seed_case_through_every_channel(client: Any, coordinator: Any, volunteer: Any) -> Case:
    public = client
    response = public.post(
        "/report/",
        {
            "category": "privacy",
            "description": "Ảnh của em bị đăng lại zqwebdescription",
            "urls": URL,
            "platform": "Zalo",
            "account_handles": "@zqwebaccount",
            "texts": "tin nhắn zqwebexcerpt",
            "province": "01",
            "wants_contact": "on",
            "reporter_name": "Mẹ zqreportername",
            "reporter_contact": "zqreportercontact@example.vn",
            "images": [io.BytesIO(make_image(3))],
        },
        HTTP_USER_AGENT="ReporterPhone/1.0",
        REMOTE_ADDR="203.0.113.50",
    )
    assert response.status_code == 302, response.content[:500]
    code, secret = _thanks_receipt(public)
    public.post("/report/status/", {"tracking_code": code, "secret": secret})
    public.post("/report/status/report/", {"text": "Thêm thông tin zqaddedinfo"})

    from django.test import Client

    operator = make_user(
        email="op@111.example",
        role=Role.OFFICER,
        organisation=Organisation.objects.get(code="CBMTE"),
    )
    hotline = Client()
    hotline.force_login(operator)
    response = hotline.post(
        "/report/hotline/",
        {
            "category": "privacy",
            "description": "Người gọi kể zqhotlinestory",
            "urls": URL,
            "wants_contact": "on",
            "reporter_name": "Bà zqhotlinecaller",
            "reporter_contact": "zqhotlinephone 0912345678",
        },
    )
    assert response.status_code == 302

    volunteers = Client()
    volunteers.force_login(volunteer.user)
    response = volunteers.post(
        "/volunteers/report/",
        {"category": "privacy", "urls": URL, "description": "CTV thấy zqvolunteerstory"},
    )
    assert response.status_code == 302

    partner = Organisation.objects.create(
        code="PARTNER", abbreviation="Partner", name_vi="Đối tác", kind="enterprise"
    )
    _key, raw_key = do_create_api_key(organisation=partner, name="T&S", actor=None)
    response = Client().post(
        "/api/v1/reports",
        json.dumps(
            {
                "category": "privacy",
                "description": "Từ đối tác zqapidescription",
                "urls": [URL],
                "account_handles": "zqapiaccount",
                "texts": ["đoạn chat zqapiexcerpt"],
                "external_id": "zqexternalref-1",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_key}",
        HTTP_IDEMPOTENCY_KEY="call-1",
    )
    assert response.status_code == 201, response.content

    response = Client().post(
        "/feed/appeal/",
        {
            "address": URL,
            "contact": "zqappealcontact@example.vn",
            "explanation": "Trang của tôi zqappealexplanation",
        },
    )
    assert response.status_code == 200

    case = Case.objects.get()  # every channel joined the one case through the address
    assert case.report_count == 5
    case = triage_case(case.pk)
    a05 = Organisation.objects.get(code="A05")
    do_reassign(
        case=case, lead=a05, supporting=[], reason="Lý do zqreassignreason", actor=coordinator
    )
    do_record_action(case=case, kind="child_support", note="Gọi zqactionnote", actor=coordinator)
    do_add_note(case=case, text="Ghi chú zqinternalnote", actor=coordinator)
    for report in case.reports.all():
        do_send_report_message(
            case=case, report=report, text="Chúng tôi zqstatusmessage", actor=coordinator
        )
    do_record_reveal(evidence=Evidence.objects.filter(kind="image").first(), actor=coordinator)
    do_transition(
        case=case, target="in_progress", actor=coordinator, reason="Đang xử lý zqprogressreason"
    )

    removal = do_create_request(
        case=case,
        platform=make_platform(),
        urls=[REMOVAL_URL],
        accounts=["zqremovalaccount"],
        legal_basis="authority_request",
        urgency="normal",
        actor=coordinator,
    )
    approve(removal)
    removal = do_send_request(request=removal, actor=coordinator)
    do_check_item(item=removal.items.get(kind="url"), actor=coordinator)
    do_record_answer(
        request=removal, status="removed", actor=coordinator, note="Đã gỡ zqanswernote"
    )

    task = work.do_post_task(
        data=work.TaskInput(
            kind="verify_urls",
            title="Kiểm tra zqtasktitle",
            question="Còn không? zqtaskquestion",
            due_at=timezone.now() + dt.timedelta(days=2),
            province="01",
            case_reference=case.reference,
        ),
        actor=coordinator,
    )
    assert task.urls == [URL]
    assignment = work.do_accept_task(task=task, volunteer=volunteer, actor=volunteer.user)
    work.do_report_back(
        assignment=assignment,
        volunteer=volunteer,
        actor=volunteer.user,
        hours="1",
        outcome="Vẫn còn zqtaskoutcome",
        url_results={URL: "online"},
    )
    do_decide_appeal(
        appeal=Appeal.objects.get(),
        uphold=False,
        reason="Giữ nguyên zqappealdecision",
        actor=coordinator,
    )
    case.refresh_from_db()
    for target in ["action_taken", "closed"]:
        do_transition(
            case=case,
            target=target,
            actor=coordinator,
            outcome="content_removed" if target == "closed" else "",
            reason="Đóng hồ sơ zqclosingreason",
        )
    return case


def test_after_the_purge_no_personal_value_remains_anywhere(
    client, coordinator, volunteer, settings, evidence_dir, django_capture_on_commit_callbacks
):
    case = seed_case_through_every_channel(client, coordinator, volunteer)

    # The search sees every seeded value (so an empty result below means something) …
    assert set(find_markers(decrypt=True)) == set(MARKERS)
    # … and none of them is stored in clear, even before the purge.
    assert find_markers(decrypt=False) == {}
    audit_rows = AuditEvent.objects.count()

    later = timezone.now() + dt.timedelta(days=settings.PURGE_AFTER_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        summary = purge_all(now=later)

    assert summary["cases"] == 1
    assert find_markers(decrypt=True) == {}
    assert list(evidence_dir.rglob("*.bin")) == []
    # The audit trail keeps every row, and what happened stays readable.
    assert AuditEvent.objects.count() > audit_rows
    closing = AuditEvent.objects.filter(target_id=str(case.pk), reason="status changed")
    assert [e.changes["status"] for e in closing.order_by("id")][-1] == ["action_taken", "closed"]
    case.refresh_from_db()
    assert (case.category.code, case.status, case.province, case.report_count) == (
        "privacy",
        "closed",
        "01",
        5,
    )
