"""Reports out: an address hosted abroad (country resolved offline) becomes a queued report
for that country's hotline, tracked until removal."""

from __future__ import annotations

import pytest

from copnet.exchanges.errors import ExchangeError
from copnet.exchanges.models import ForeignReport
from copnet.exchanges.reports_out import SCHEMA, do_report_abroad, do_track_foreign_report, hosting

pytestmark = pytest.mark.django_db


def no_dns(host: str) -> str:
    raise OSError("no network in tests")


def test_hosting_country_is_resolved_offline():
    assert hosting("https://81.2.69.142/a.jpg", no_dns)[2] == "GB"
    assert hosting("http://[2001:4860:4860::8888]/x", no_dns)[2] == "US"
    assert hosting("https://cdn.example/x", lambda host: "8.8.8.8") == (
        "cdn.example",
        "8.8.8.8",
        "US",
    )
    with pytest.raises(ExchangeError) as private:
        hosting("http://10.1.2.3/x", no_dns)
    assert private.value.code == "no_country"
    with pytest.raises(ExchangeError) as unresolved:
        hosting("https://nowhere.example/x", no_dns)
    assert unresolved.value.code == "unresolved"


def test_report_for_the_hosting_countrys_hotline(coordinator, reference_data):
    from copnet.reports.tests.factories import file_report

    report, _code = file_report(category="csam", enqueue_triage=False)
    queued = do_report_abroad(
        case_id=report.case_id,
        url="https://81.2.69.142/gallery/1.jpg",
        classification="csam_prepubescent_exhibition",
        actor=coordinator,
        resolve=no_dns,
    )
    assert queued.country == "GB"
    assert queued.hotline == "iwf"
    assert queued.status == "queued"
    payload = ForeignReport.objects.get().payload
    assert payload["schema"] == SCHEMA
    assert payload["url"] == "https://81.2.69.142/gallery/1.jpg"
    assert payload["receiving_hotline"] == {"country": "GB", "code": "iwf"}
    assert payload["classification"]["iwf"] == "C"
    assert payload["classification"]["iccam"] == "baseline"

    do_track_foreign_report(report_id=queued.pk, status="sent", actor=coordinator)
    removed = do_track_foreign_report(report_id=queued.pk, status="removed", actor=coordinator)
    assert removed.sent_at
    assert removed.removed_at
    assert removed.removed_at >= removed.created_at


def test_hosted_at_home_or_without_a_hotline(coordinator, reference_data):
    from copnet.reports.tests.factories import file_report

    report, _code = file_report(category="csam", enqueue_triage=False)
    with pytest.raises(ExchangeError) as home:
        do_report_abroad(
            case_id=report.case_id,
            url="https://203.113.130.1/x",
            classification="",
            actor=coordinator,
            resolve=no_dns,
        )
    assert home.value.code == "hosted_at_home"
    assert not ForeignReport.objects.exists()
    elsewhere = do_report_abroad(
        case_id=report.case_id,
        url="https://41.63.0.1/x",  # an African allocation: no national hotline listed
        classification="",
        actor=coordinator,
        resolve=no_dns,
    )
    assert elsewhere.hotline == "reportbox"
