"""Reports out delivered automatically to the local hotline server: one task per report,
retried, exactly one report at the hotline even when its answer was lost, tracked until the
content is removed (notice-and-takedown times), audited; endpoints are data that only
coordinators configure; the staff pages are scoped and opening a report is audited."""

from __future__ import annotations

import pytest
from django.utils import timezone

from copnet.audit.models import AuditEvent
from copnet.cases.models import Case
from copnet.exchanges.errors import ExchangeError
from copnet.exchanges.hotlines import (
    HotlineEndpointInput,
    check_foreign_report_now,
    deliver_due,
    deliver_foreign_report_now,
    do_save_hotline_endpoint,
)
from copnet.exchanges.models import ForeignReport, HotlineEndpoint
from copnet.exchanges.reports_out import do_report_abroad

pytestmark = pytest.mark.django_db

GB_URL = "https://81.2.69.142/gallery/1.jpg"  # hosted in GB: the IWF


def no_dns(host: str) -> str:
    raise OSError("no network in tests")


def configure(actor, url: str, code: str = "iwf", **fields) -> HotlineEndpoint:
    return do_save_hotline_endpoint(
        data=HotlineEndpointInput(
            code=code,
            endpoint=url,
            legal_ground=fields.pop("legal_ground", "MoU VN-COP / IWF 2026"),
            transfer_assessment_ref=fields.pop("transfer_assessment_ref", "TIA-2026-011"),
            api_key=fields.pop("api_key", "hotline-key"),
            **fields,
        ),
        actor=actor,
    )


def report_abroad(actor, url: str = GB_URL) -> ForeignReport:
    from copnet.reports.tests.factories import file_report

    report, _code = file_report(category="csam", enqueue_triage=False)
    return do_report_abroad(
        case_id=report.case_id,
        url=url,
        classification="csam_prepubescent_exhibition",
        actor=actor,
        resolve=no_dns,
    )


def test_a_report_out_is_delivered_by_its_task_and_tracked_until_removal(
    hotline_server, coordinator, immediate_tasks, django_capture_on_commit_callbacks
):
    configure(coordinator, hotline_server.url)

    with django_capture_on_commit_callbacks(execute=True):
        queued = report_abroad(coordinator)

    report = ForeignReport.objects.get(pk=queued.pk)
    assert report.status == "sent"
    assert report.hotline_ref == "H-1"
    assert report.sent_at is not None
    ((hotline_id, payload),) = hotline_server.reports.items()
    assert payload["url"] == GB_URL
    assert payload["receiving_hotline"] == {"country": "GB", "code": "iwf"}
    post = next(r for r in hotline_server.requests if r[0] == "POST")
    headers = {name.lower(): value for name, value in post[2].items()}
    assert headers["idempotency-key"] == payload["reference"]

    assert check_foreign_report_now(report.pk) == ""  # asked at delivery: not due yet
    hotline_server.progress(hotline_id, "acknowledged")
    assert check_foreign_report_now(report.pk, force=True) == "acknowledged"
    removed_at = timezone.now()
    hotline_server.progress(hotline_id, "removed", removed_at=removed_at.isoformat())
    assert check_foreign_report_now(report.pk, force=True) == "removed"

    report.refresh_from_db()
    assert report.sent_at <= report.acknowledged_at
    assert report.removed_at == removed_at  # the hotline's own time
    assert report.takedown_time == report.removed_at - report.created_at
    assert deliver_due() == 0
    assert len([r for r in hotline_server.requests if r[0] == "POST"]) == 1
    reasons = list(
        AuditEvent.objects.filter(target_type="exchanges.foreignreport")
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons == [
        "foreign report queued",
        "foreign report sent to the hotline",
        "foreign report status from the hotline",
        "foreign report status from the hotline",
    ]


def test_a_lost_answer_is_retried_and_the_hotline_still_holds_one_report(
    hotline_server, coordinator, settings
):
    settings.EXCHANGE_FEEDBACK_BACKOFF = 0
    configure(coordinator, hotline_server.url)
    report = report_abroad(coordinator)
    hotline_server.failures.cut_body = True  # the hotline stores it, its answer is cut

    assert deliver_foreign_report_now(report.pk) == "queued"
    report.refresh_from_db()
    assert (report.status, report.attempts, report.sent_at) == ("queued", 1, None)
    assert report.last_error

    hotline_server.failures.cut_body = False
    assert deliver_due() == 1
    assert deliver_due() == 0
    report.refresh_from_db()
    assert (report.status, report.attempts, report.hotline_ref) == ("sent", 2, "H-1")
    assert len(hotline_server.reports) == 1  # the same Idempotency-Key: one report there
    assert len([r for r in hotline_server.requests if r[0] == "POST"]) == 4


def test_delivery_gives_up_after_the_last_attempt(hotline_server, coordinator, settings):
    settings.EXCHANGE_FEEDBACK_BACKOFF = 0
    settings.EXCHANGE_FEEDBACK_MAX_ATTEMPTS = 2
    configure(coordinator, hotline_server.url, api_key="wrong-key")  # 401: not retried in-call
    report = report_abroad(coordinator)

    deliver_due()
    deliver_due()

    report.refresh_from_db()
    assert report.status == "gave_up"
    assert "401" in report.last_error
    assert deliver_due() == 0
    assert hotline_server.reports == {}


def test_without_an_endpoint_the_report_waits_for_a_person(hotline_server, coordinator):
    report = report_abroad(coordinator)
    assert deliver_foreign_report_now(report.pk) == ""
    assert deliver_due() == 0
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("queued", 0)
    assert hotline_server.requests == []


def test_the_hotlines_answer_never_moves_a_report_backwards_or_into_the_future(
    hotline_server, coordinator
):
    configure(coordinator, hotline_server.url)
    report = report_abroad(coordinator)
    deliver_foreign_report_now(report.pk)
    hotline_server.progress("H-1", "acknowledged", acknowledged_at="2999-01-01T00:00:00+00:00")
    assert check_foreign_report_now(report.pk, force=True) == "acknowledged"
    report.refresh_from_db()
    assert report.acknowledged_at <= timezone.now()  # a time in the future is not believed
    hotline_server.progress("H-1", "received")
    assert check_foreign_report_now(report.pk, force=True) == "acknowledged"
    hotline_server.progress("H-1", "<script>")
    assert check_foreign_report_now(report.pk, force=True) == "acknowledged"
    report.refresh_from_db()
    assert report.status == "acknowledged"
    assert report.last_error == "The hotline answered an unknown status."


def test_only_coordinators_configure_endpoints_and_the_key_is_never_kept_in_the_clear(
    coordinator, alice
):
    from django.db import connection

    with pytest.raises(ExchangeError) as forbidden:
        configure(alice, "https://report.iwf.example")
    assert forbidden.value.code == "forbidden"
    for fields, code in [
        ({"code": "nope"}, "unknown_hotline"),
        ({"url": "http://report.iwf.example"}, "endpoint_not_https"),
        ({"legal_ground": " "}, "transfer_ground_missing"),
        ({"api_key": ""}, "credentials_missing"),
    ]:
        url = fields.pop("url", "https://report.iwf.example")
        with pytest.raises(ExchangeError) as refused:
            configure(coordinator, url, **fields)
        assert refused.value.code == code
    assert not HotlineEndpoint.objects.exists()

    endpoint = configure(coordinator, "https://report.iwf.example")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials FROM exchanges_hotlineendpoint WHERE id = %s", [endpoint.pk]
        )
        assert "hotline-key" not in cursor.fetchone()[0]
    event = AuditEvent.objects.get(target_type="exchanges.hotlineendpoint")
    assert "hotline-key" not in str(event.changes)


def test_staff_pages_are_scoped_and_opening_a_report_is_audited(
    client, coordinator, alice, charlie, hotline_server
):
    report = report_abroad(coordinator)
    Case.objects.filter(pk=report.case_id).update(lead_org=alice.organisation)
    reference = Case.objects.get(pk=report.case_id).reference

    client.force_login(alice)
    listing = client.get("/staff/exchanges/reports-out/", HTTP_ACCEPT_LANGUAGE="vi")
    assert listing.status_code == 200
    assert f'data-report="{report.pk}"' in listing.content.decode()
    assert "81.2.69.142" in listing.content.decode()
    assert GB_URL not in listing.content.decode()  # the address only on the audited page
    views_before = AuditEvent.objects.filter(action="view").count()
    detail = client.get(f"/staff/exchanges/reports-out/{report.pk}/")
    assert detail.status_code == 200
    assert GB_URL in detail.content.decode()
    assert AuditEvent.objects.filter(action="view").count() == views_before + 1
    assert reference in detail.content.decode()

    tracked = client.post(f"/staff/exchanges/reports-out/{report.pk}/", {"status": "removed"})
    assert tracked.status_code == 302
    report.refresh_from_db()
    assert report.status == "removed"
    assert report.removed_at is not None

    client.force_login(charlie)
    other = client.get("/staff/exchanges/reports-out/").content.decode()
    assert f'data-report="{report.pk}"' not in other
    assert client.get(f"/staff/exchanges/reports-out/{report.pk}/").status_code == 404
    assert (
        client.post(f"/staff/exchanges/reports-out/{report.pk}/", {"status": "sent"}).status_code
        == 404
    )
    report.refresh_from_db()
    assert report.status == "removed"


def test_hotline_endpoint_pages_are_for_coordinators(client, coordinator, alice):
    client.force_login(coordinator)
    page = client.get("/staff/exchanges/hotlines/").content.decode()
    assert 'data-hotline="iwf"' in page
    saved = client.post(
        "/staff/exchanges/hotlines/iwf/",
        {
            "code": "iwf",
            "endpoint": "https://report.iwf.example",
            "legal_ground": "MoU",
            "transfer_assessment_ref": "TIA-9",
            "is_active": "on",
            "api_key": "k",
        },
    )
    assert saved.status_code == 302
    assert HotlineEndpoint.objects.get().endpoint == "https://report.iwf.example"
    assert client.get("/staff/exchanges/hotlines/nope/").status_code == 404
    client.force_login(alice)
    assert client.get("/staff/exchanges/hotlines/").status_code == 403
