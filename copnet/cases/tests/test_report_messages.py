"""Messages to reporters belong to one report: another reporter of the same (joined) case never
sees them; the case page shows each report with its own category, channel, language and
messages; bad input is refused with a translated message and changes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from copnet.audit.models import AuditEvent
from copnet.cases.errors import CaseErrorCode, WorkflowError
from copnet.cases.models import ReportMessage
from copnet.cases.services import do_send_report_message
from copnet.core.testing import vi
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]
URL = "https://social.example/p/viral-1"
MARKUP = "Write the message as plain text, without HTML tags or scripts."


def joined_reports():
    """A child's sextortion report (Vietnamese) and a parent's grooming report (English)
    about the same address: one case, two reporters."""
    with translation.override("vi"):
        child, child_secret = file_report(category="sextortion", urls=[URL])
    with translation.override("en"):
        parent, parent_secret = file_report(
            category="grooming", urls=[URL], description="A stranger asks my daughter for photos"
        )
    assert child.case_id == parent.case_id
    return (child, child_secret), (parent, parent_secret)


def status_page(client, report, secret, language="vi") -> str:
    client.post("/report/status/", {"tracking_code": report.tracking_code, "secret": secret})
    return client.get("/report/status/report/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_each_report_records_the_language_it_was_made_in():
    (child, _), (parent, _) = joined_reports()
    assert (child.language, parent.language) == ("vi", "en")


def test_a_message_reaches_its_own_reporter_only(client, coordinator):
    (child, child_secret), (parent, parent_secret) = joined_reports()
    advice = "Em đừng trả tiền và đừng xóa tin nhắn."
    message = do_send_report_message(case=child.case, report=child, text=advice, actor=coordinator)
    assert (message.language, message.author, message.organisation) == (
        "vi",
        coordinator,
        coordinator.organisation,
    )
    assert advice in status_page(client, child, child_secret)
    client.get("/report/status/")  # a second visitor on the same session looks up the parent's
    parent_page = status_page(client, parent, parent_secret, "en")
    assert advice not in parent_page
    assert 'id="messages-to-reporter"' not in parent_page

    do_send_report_message(
        case=parent.case, report=parent, text="We contacted the school.", actor=coordinator
    )
    parent_page = status_page(client, parent, parent_secret, "en")
    assert "We contacted the school." in parent_page
    assert advice not in parent_page
    # The timeline says who was written to, never what (the text stays with its report).
    event = child.case.events.get(data__report=child.tracking_code)
    assert (event.kind, event.text) == ("status_message", "")
    audit = AuditEvent.objects.get(target_type="cases.reportmessage", target_id=str(message.pk))
    assert audit.changes["report"] == child.tracking_code
    assert advice not in str(audit.changes)


def test_the_case_page_shows_each_report_with_its_category_channel_language_and_messages(
    client, coordinator
):
    (child, _), (parent, _) = joined_reports()
    do_send_report_message(case=child.case, report=child, text="Tin cho em bé", actor=coordinator)
    client.force_login(coordinator)
    html = client.get(
        f"/staff/cases/{child.case.reference}/", HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    child_part = html.split(f'id="report-{child.tracking_code}"')[1].split("</article>")[0]
    parent_part = html.split(f'id="report-{parent.tracking_code}"')[1].split("</article>")[0]
    assert child.category.name_vi in child_part
    assert "Tin cho em bé" in child_part
    assert parent.category.name_vi in parent_part
    assert "Tin cho em bé" not in parent_part
    assert "Tiếng Anh" in parent_part  # the parent wrote in English
    for part, report in ((child_part, child), (parent_part, parent)):
        assert f'name="report" value="{report.tracking_code}"' in part  # one form per report
        assert vi("Public web form") in part


def post(client, case, report_code, text):
    return client.post(
        f"/staff/cases/{case.reference}/message/",
        {"report": report_code, "text": text},
        HTTP_ACCEPT_LANGUAGE="vi",
        follow=True,
    )


@pytest.mark.parametrize(
    ("text", "msgid"),
    [
        ("", "Write the message."),
        ("   \n\u200b ", "Write the message."),
        ("<script>alert(1)</script>Chào em", MARKUP),
        ('<img src=x onerror="alert(1)">', MARKUP),
        ("Xem javascript:alert(1)", MARKUP),
    ],
)
def test_bad_messages_are_refused_with_a_translated_message(client, coordinator, text, msgid):
    (child, _), _parent = joined_reports()
    client.force_login(coordinator)
    response = post(client, child.case, child.tracking_code, text)
    assert response.status_code == 200
    assert vi(msgid) in response.content.decode()
    assert not ReportMessage.objects.exists()


def test_a_message_too_long_is_refused(client, coordinator):
    (child, _), _parent = joined_reports()
    client.force_login(coordinator)
    response = post(client, child.case, child.tracking_code, "a" * 2001)
    html = response.content.decode()
    assert "2000" in html
    assert vi("This text is too long: at most %(limit)s characters.")[:20] in html
    assert not ReportMessage.objects.exists()


def test_a_message_to_a_report_of_another_case_is_refused(client, coordinator):
    (child, _), _parent = joined_reports()
    other, _secret = file_report(category="privacy", urls=["https://elsewhere.example/x"])
    assert other.case_id != child.case_id
    client.force_login(coordinator)
    for code in (other.tracking_code, "NOPE1-NOPE1", "", "x" * 40, "<b>"):
        response = post(client, child.case, code, "Chào bạn")
        assert vi("This report is not part of this case.") in response.content.decode()
    assert not ReportMessage.objects.exists()
    with pytest.raises(WorkflowError) as refused:
        do_send_report_message(case=child.case, report=other, text="Chào", actor=coordinator)
    assert refused.value.code == CaseErrorCode.REPORT_NOT_IN_CASE


def test_a_reporter_gets_every_message_written_to_them_in_order(coordinator):
    from copnet.reports.services import messages_for

    (child, _), (parent, _) = joined_reports()
    do_send_report_message(case=child.case, report=child, text="một", actor=coordinator)
    do_send_report_message(case=child.case, report=child, text="hai", actor=coordinator)
    assert [m.text for m in messages_for(child)] == ["một", "hai"]
    assert messages_for(parent) == []
