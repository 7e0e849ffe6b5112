"""Text stored before intake cleaned bidi controls is shown with the controls made visible."""

from __future__ import annotations

import pytest

from copnet.cases.models import CaseEvent
from copnet.reports.models import Report, ReportUrl
from copnet.reports.tests.factories import file_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "evidence_dir")]
RLO = "\u202e"


def test_the_case_page_shows_stored_overrides_as_codes(client, coordinator):
    report, _secret = file_report(urls=["https://example.com/a"])
    # Rows as an older version stored them (intake no longer lets these through).
    Report.objects.filter(pk=report.pk).update(
        description=f"invoice{RLO}gnp.exe", account_handles=f"@x{RLO}y", platform=f"Zalo{RLO}"
    )
    ReportUrl.objects.filter(report=report).update(normalised=f"https://example.com/{RLO}a")
    CaseEvent.objects.create(case=report.case, kind="note", actor_label="x", text=f"n{RLO}b")
    client.force_login(coordinator)

    html = client.get(f"/staff/cases/{report.case.reference}/").content.decode()

    assert RLO not in html
    for shown in [
        "invoice[U+202E]gnp.exe",
        "@x[U+202E]y",
        "Zalo[U+202E]",
        "/[U+202E]a",
        "n[U+202E]b",
    ]:
        assert shown in html
