"""Reports to the Steering Board: PDF and XLSX that open and carry the expected figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from copnet.audit.models import AuditEvent
from copnet.stats.models import PeriodicReport
from copnet.stats.periods import Period
from copnet.stats.reports import do_generate_report, generate_missing_reports

pytestmark = pytest.mark.django_db
JULY = Period("month", dt.date(2025, 7, 1))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_monthly_pdf_states_period_freshness_figures_and_definitions(refreshed):
    report = do_generate_report(period=JULY, language="en")
    text = pdf_text(bytes(report.pdf))
    assert "2025-07" in text
    assert "01/07/2025 – 31/07/2025" in text
    assert "Data as of" in text
    assert "Cases opened 5 2" in text
    assert "Reports received 8 2" in text
    assert "Definitions" in text
    assert "Cyberbullying" in text


def test_the_vietnamese_pdf_is_in_vietnamese(refreshed):
    text = pdf_text(bytes(do_generate_report(period=JULY, language="vi").pdf))
    assert "Định nghĩa" in text


def test_the_xlsx_opens_with_the_same_figures(refreshed):
    report = do_generate_report(period=JULY, language="en")
    book = load_workbook(io.BytesIO(bytes(report.xlsx)))
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row}
    assert summary["Cases opened"][:2] == (5, 2)
    assert summary["Reports received"][:2] == (8, 2)
    assert summary["Time to triage"][:3] == (4, 5.0, 22.8)
    category = {r[0]: r[1] for r in book["category"].iter_rows(min_row=3, values_only=True)}
    assert sorted(category.values()) == [2, 3]
    assert "Definitions" in book.sheetnames


def test_generating_again_replaces_the_earlier_version(refreshed):
    first = do_generate_report(period=JULY, language="en")
    second = do_generate_report(period=JULY, language="en")
    assert first.pk == second.pk
    assert PeriodicReport.objects.count() == 1


def test_the_schedule_generates_the_last_finished_month_quarter_and_year(refreshed):
    assert generate_missing_reports(today=dt.date(2025, 8, 10)) == 3
    made = set(PeriodicReport.objects.values_list("kind", "period_start"))
    assert made == {
        ("month", dt.date(2025, 7, 1)),
        ("quarter", dt.date(2025, 4, 1)),
        ("year", dt.date(2024, 1, 1)),
    }
    assert generate_missing_reports(today=dt.date(2025, 8, 11)) == 0


def test_a_board_member_lists_and_downloads_reports_and_it_is_audited(client, refreshed, bob):
    report = do_generate_report(period=JULY, language="en")
    client.force_login(bob)
    assert "2025" in client.get("/staff/stats/reports/").content.decode()
    response = client.get(f"/staff/stats/reports/{report.pk}.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["Summary"]["B1"].value == "2025-07"
    assert client.get(f"/staff/stats/reports/{report.pk}.pdf").content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(target_id=str(report.pk), action="export").count() == 2
    assert client.get(f"/staff/stats/reports/{report.pk}.exe").status_code == 404
    assert client.get("/staff/stats/reports/999999.pdf").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_report_is_generated_on_demand_in_the_background(client, immediate_tasks, refreshed, bob):
    client.force_login(bob)
    response = client.post("/staff/stats/reports/", {"kind": "month", "period": "2025-07"})
    assert response.status_code == 302
    report = PeriodicReport.objects.get()
    assert (report.kind, report.period_start, report.generated_by) == ("month", JULY.start, bob)


def test_a_malformed_period_is_refused_and_nothing_is_made(client, refreshed, bob):
    client.force_login(bob)
    for bad in ("2025-13", "<script>", "2025-Q9", "９９", ""):
        response = client.post("/staff/stats/reports/", {"kind": "month", "period": bad})
        assert response.status_code == 302
    assert PeriodicReport.objects.count() == 0
