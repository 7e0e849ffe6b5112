"""Platforms named in public: per platform and quarter, with the same suppression, frozen once
published; the public tables as CSV, JSON and an Atom feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json

import pytest

from copnet.stats import rollups, transparency
from copnet.stats.models import PublishedQuarter
from copnet.stats.transparency import SMALL
from copnet.takedowns.models import RemovalRequest
from copnet.takedowns.tests.factories import make_platform

from .factories import at, make_case
from .test_transparency import attack

_refs = itertools.count(1)


def send(case, platform, *, sent, removed_after_h=None, deadline_h=24):
    """A removal request sent at `sent`, removed `removed_after_h` hours later (or pending)."""
    return RemovalRequest.objects.create(
        reference=f"RT-{next(_refs):06d}",
        case=case,
        platform=platform,
        legal_basis="authority_request",
        status="removed" if removed_after_h is not None else "sent",
        sent_at=sent,
        deadline=sent + dt.timedelta(hours=deadline_h),
        resolved_at=None if removed_after_h is None else sent + dt.timedelta(hours=removed_after_h),
    )


@pytest.fixture
def platforms_world(small_world):
    july = small_world["july"]
    fb = make_platform(code="fb-test", name="Facebook (test)")
    zalo = make_platform(code="zalo-test", name="Zalo (test)")
    tiktok = make_platform(code="tiktok-test", name="TikTok (test)")
    # Facebook: 12 requests about two cases (10 are re-notices), 9 removed within 24 h.
    hours = [2, 4, 6, 8, 10, 12, 14, 16, 20, 30, 40, None]
    for index, h in enumerate(hours):
        case = july[0] if index < 7 else july[1]
        send(case, fb, sent=at(2025, 7, 2 + index), removed_after_h=h)
    # Zalo: 6 requests, 4 re-notices (shown as <5), all removed late.
    for index in range(6):
        send(july[2] if index == 0 else july[3], zalo, sent=at(2025, 8, 1 + index),
             removed_after_h=50)  # fmt: skip
    # TikTok: 3 requests: a small cell.
    for index in range(3):
        send(july[4], tiktok, sent=at(2025, 9, 1 + index), removed_after_h=1)
    rollups.refresh(now=at(2025, 10, 2))
    assert transparency.publish(today=dt.date(2025, 10, 15)) == 2
    return {"fb": fb, "zalo": zalo, "tiktok": tiktok}


def _q3() -> dict:
    return PublishedQuarter.objects.get(period_start=dt.date(2025, 7, 1)).data


@pytest.mark.django_db
def test_each_platform_is_named_with_its_compliance_and_small_counts_suppressed(platforms_world):
    data = _q3()
    table = data["tables"]["platform"]
    assert data["totals"]["request"]["n"] == 21
    assert table["cells"]["fb-test"] == 12
    assert table["flags"]["tiktok-test"] == SMALL
    fb = data["platforms"]["fb-test"]
    assert fb["name"] == "Facebook (test)"
    assert fb["share_in_time"] == 75.0  # 9 of 12 sent, removed by the deadline
    assert fb["median_hours"] == 12  # nearest rank over 11 removals (as the staff page)
    assert fb["renotices"] == 10
    # Nothing is published beside a count that is hidden or below 5.
    tiktok = data["platforms"]["tiktok-test"]
    assert tiktok["share_in_time"] is None
    assert tiktok["median_hours"] is None
    assert tiktok["renotices"] is None
    zalo = data["platforms"]["zalo-test"]
    if table["cells"]["zalo-test"] is None:
        assert zalo["share_in_time"] is None
        assert zalo["median_hours"] is None
    else:
        assert zalo["share_in_time"] == 0.0
        assert zalo["renotices"] is None
        assert zalo["renotices_flag"] == SMALL


@pytest.mark.django_db
def test_no_suppressed_cell_can_be_recovered_across_platform_category_and_quarter_tables(
    platforms_world, client
):
    """Every relation between published numbers: each table's cells add up to its quarter's
    total, and the quarter-by-quarter table repeats those totals (nothing spans quarters, so
    no difference of two published numbers is a cell). Every hidden cell keeps several
    possible values, whatever the attacker combines."""
    quarters = list(PublishedQuarter.objects.all())
    assert len(quarters) == 2
    seen_platform_tables = 0
    for quarter in quarters:
        totals = quarter.data["totals"]
        for name, table in quarter.data["tables"].items():
            total = totals[table["subject"]]["n"]
            # Totals are the same in every table of the subject (a table cannot give away
            # another's hidden total).
            if total is not None:
                assert sum(v for v in table["cells"].values() if v is not None) <= total
            for key, values in attack(table, total).items():
                assert len(values) > 1, (quarter.data["period"], name, key)
            seen_platform_tables += name == "platform"
        # What the page shows quarter by quarter is exactly the published totals.
        page = client.get("/transparency/").content.decode()
        for subject in ("case", "report"):
            shown = totals[subject]["flag"] or totals[subject]["n"]
            assert f'<td class="num">{shown}</td>'.replace("<5", "&lt;5") in page
    assert seen_platform_tables == 2


@pytest.mark.django_db
def test_platform_figures_are_frozen_once_published(platforms_world):
    before = _q3()
    send(make_case(created=at(2025, 7, 3)), platforms_world["tiktok"], sent=at(2025, 7, 20))
    rollups.refresh(now=at(2025, 10, 3))
    assert transparency.publish(today=dt.date(2025, 10, 16)) == 0
    assert _q3() == before


@pytest.mark.django_db
def test_the_page_names_platforms_with_a_method_note(client, platforms_world):
    html = client.get("/transparency/?quarter=2025-Q3").content.decode()
    assert 'data-table="platform"' in html
    assert "Facebook (test)" in html
    assert "TikTok (test)" in html
    assert 'class="method-note"' in html
    assert "75,0 %" in html or "75.0 %" in html


@pytest.mark.django_db
def test_the_public_tables_download_as_csv_and_json_with_a_stable_schema(client, platforms_world):
    response = client.get("/transparency/2025-Q3.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "creativecommons.org" in response["Link"]
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0].startswith("# ")
    assert "CC BY 4.0" in lines[0][0]
    assert lines[1] == transparency.CSV_COLUMNS
    rows = [dict(zip(lines[1], line, strict=True)) for line in lines[2:]]
    fb = next(r for r in rows if r["table"] == "platform" and r["key"] == "fb-test")
    assert fb["value"] == "12"
    assert fb["share_removed_within_deadline_pct"] == "75.0"
    small = next(r for r in rows if r["table"] == "platform" and r["key"] == "tiktok-test")
    assert small["value"] == ""
    assert small["flag"] == SMALL
    assert {r["table"] for r in rows} == {"category", "province", "age", "channel", "platform"}
    assert sum(r["key"] == "_total" for r in rows) == 5

    found = client.get("/transparency/2025-Q3.json").json()
    assert found["schema"] == "copnet-transparency/1"
    assert found["licence"]["url"] == transparency.LICENCE_URL
    assert found["quarter"] == "2025-Q3"
    assert found["threshold"] == 5
    platform = next(t for t in found["tables"] if t["name"] == "platform")
    assert platform["total"] == 21
    cell = next(r for r in platform["rows"] if r["key"] == "tiktok-test")
    assert cell["value"] is None
    assert cell["flag"] == SMALL
    assert set(cell) == {
        "key", "label", "value", "flag", "share_removed_within_deadline_pct",
        "median_hours_to_removal", "renotices", "renotices_flag",
    }  # fmt: skip
    # The JSON and the CSV say the same.
    assert json.loads(json.dumps(found))["tables"][0]["rows"]


@pytest.mark.django_db
def test_unknown_quarters_and_formats_are_404(client, platforms_world):
    for path in ("/transparency/2031-Q1.csv", "/transparency/2025-Q3.xml",
                 "/transparency/%3Cscript%3E.json"):  # fmt: skip
        assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_an_atom_feed_lists_the_published_quarters(client, platforms_world):
    response = client.get("/transparency/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 2
    assert "/transparency/?quarter=2025-Q3" in body
    assert "/transparency/2025-Q3.json" in body
