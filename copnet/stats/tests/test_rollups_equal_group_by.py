"""The rollups give exactly what a plain GROUP BY over the raw tables gives, also after
incremental refreshes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from copnet.cases.models import Case, CaseEvent
from copnet.reports.models import Report
from copnet.stats import demo, rollups
from copnet.stats.geo import current_province
from copnet.stats.models import Rollup
from copnet.stats.periods import Period, aware
from copnet.stats.selectors import Filters, dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(reference_data):
    end = timezone.now()
    demo.seed(demo.Plan(cases=400, start=end - dt.timedelta(days=400), end=end, seed=7))
    rollups.rebuild_all()
    return end


def raw_cases(period, **filters):
    cases = Case.objects.filter(
        created_at__gte=aware(period.start), created_at__lt=aware(period.end)
    )
    return [
        c for c in cases.select_related("category")
        if all(
            {
                "category": c.category.code,
                "province": current_province(c.province),
                "platform": c.platform.strip().lower(),
            }[k] == v
            for k, v in filters.items()
        )
    ]  # fmt: skip


def figures(board, key):
    return {r["value"]: r["n"] for b in board.breakdowns if b.key == key for r in b.rows}


@pytest.mark.parametrize(
    "filters",
    [{}, {"category": "cyberbullying"}, {"province": "79"}, {"platform": "facebook"},
     {"category": "scam_gambling", "province": "01"}],
)  # fmt: skip
def test_dashboard_equals_group_by_over_raw_tables(demo_world, coordinator, filters):
    from copnet.taxonomy.models import HarmCategory

    period = Period.containing("year", timezone.localdate(demo_world))
    category = HarmCategory.objects.get(code=filters["category"]) if "category" in filters else None
    board = dashboard(
        coordinator,
        Filters(period, category=category, province=filters.get("province", ""),
                platform=filters.get("platform", "")),
    )  # fmt: skip
    cases = raw_cases(period, **filters)
    assert board.totals["cases"] == len(cases)
    assert figures(board, "category") == dict(Counter(c.category.code for c in cases))
    assert figures(board, "province") == dict(Counter(current_province(c.province) for c in cases))
    assert figures(board, "status") == dict(Counter(c.status for c in cases))
    assert figures(board, "age") == dict(Counter(c.child_age_band for c in cases))
    assert board.totals["repeat_cases"] == sum(c.report_count > 1 for c in cases)
    closed_on_time = sum(c.closed_at is not None and c.closed_at <= c.close_due for c in cases)
    assert board.totals["case_close_met"] == closed_on_time
    if not filters:
        reports = Report.objects.filter(
            created_at__gte=aware(period.start), created_at__lt=aware(period.end)
        )
        assert board.totals["reports"] == reports.count()
        assert figures(board, "channel") == dict(Counter(reports.values_list("channel", flat=True)))


def test_incremental_refresh_equals_a_full_rebuild(demo_world, coordinator):
    case = Case.objects.order_by("-created_at").first()
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now())
    CaseEvent.objects.create(case=case, actor_label="test", kind="transition", to_status="closed")
    months = rollups.refresh()
    assert months == [timezone.localtime(case.created_at).date().replace(day=1)]
    after_refresh = sorted(
        Rollup.objects.values_list("grain", "period", "subject", "dim", "value", "org_id",
                                   "org_role", "category_id", "province", "platform", "n",
                                   "close_met", "close_missed"),
        key=str,
    )  # fmt: skip
    rollups.rebuild_all()
    rebuilt = sorted(
        Rollup.objects.values_list("grain", "period", "subject", "dim", "value", "org_id",
                                   "org_role", "category_id", "province", "platform", "n",
                                   "close_met", "close_missed"),
        key=str,
    )  # fmt: skip
    assert after_refresh == rebuilt


def test_a_refresh_with_nothing_new_rebuilds_nothing(demo_world):
    assert rollups.refresh() == []


def test_a_new_report_through_intake_is_counted_after_refresh(
    demo_world, coordinator, evidence_dir
):
    from copnet.reports.tests.factories import file_report

    period = Period.containing("month", timezone.localdate())
    before = dashboard(coordinator, Filters(period)).totals
    file_report(category="cyberbullying", platform="Facebook", province="01")
    rollups.refresh()
    after = dashboard(coordinator, Filters(period)).totals
    assert after["reports"] == before["reports"] + 1
    assert after["cases"] == before["cases"] + 1


@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
def test_the_coarse_grains_give_the_figures_of_the_detail_rows(demo_world, coordinator, kind):
    from copnet.stats.selectors import breakdowns, scoped_rollups, series, totals

    period = Period.containing(kind, timezone.localdate(demo_world))
    rows = scoped_rollups(coordinator, Filters(period))
    assert totals(rows, period, detail=False) == totals(rows, period, detail=True)
    assert totals(rows, period, detail=False)["cases"] > 0
    coarse = {b.key: b.rows for b in breakdowns(rows, period, True, detail=False)}
    assert coarse == {b.key: b.rows for b in breakdowns(rows, period, True, detail=True)}
    for trend in ("week", "month", "year"):
        assert series(rows, period, trend, detail=False) == series(rows, period, trend, True)


def test_the_upgrade_migration_derives_the_coarse_grains_from_existing_rows(demo_world):
    import importlib

    from django.db import connection

    migration = importlib.import_module("copnet.stats.migrations.0002_coarse_grains")
    columns = ("grain", "period", "subject", "dim", "value", "org_id", "org_role",
               "category_id", "province", "platform", "n", "repeat", "close_met")  # fmt: skip
    rebuilt = sorted(Rollup.objects.exclude(grain__in=["d", "m"]).values_list(*columns), key=str)
    Rollup.objects.exclude(grain__in=["d", "m"]).delete()

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.derive(None, editor)
    derived = sorted(Rollup.objects.exclude(grain__in=["d", "m"]).values_list(*columns), key=str)
    assert derived == rebuilt
    assert len(derived) > 0
