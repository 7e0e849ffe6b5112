"""Statistics benchmark: dashboard figures from the rollups against a plain GROUP BY.

Run with the project's venv python from the repository root:

    .venv/bin/python bench/stats.py            # full: 1,000,000 cases
    .venv/bin/python bench/stats.py --quick    # quick: 20,000 cases

It creates its own PostgreSQL database `copnet_stats_bench` (dropped at the end unless --keep),
migrates, loads the reference data, then in the same run measures:

1. seed_s: `manage.py seed_demo --cases N --no-stats` (COPY of cases, reports, links).
2. rebuild_s / rollup_rows: a full rebuild of the rollups (`rollups.rebuild_all`).
3. dashboard_p95_ms: GET /api/v1/stats/dashboard (Django's WSGI handler in this process, as a
   signed-in coordinator) over a mix of periods (months, quarters, years) and filters (none,
   category, province, platform); page_p95_ms the same for the HTML page /staff/stats/.
4. groupby_p95_ms: the same figures (totals, deadline counts, eight breakdowns, the trend and
   the handling-time percentiles) computed by plain GROUP BY queries over cases_case and
   reports_report for the same requests.
5. report_s: generating last month's report to the Steering Board (PDF + XLSX).

To iterate on the dashboard without reseeding: seed once into a database of your own and keep
it (`--db copnet_stats_perf --keep`), then time only the requests against it
(`--db copnet_stats_perf --keep --reuse [--rebuild] [--verbose]`; run `manage.py migrate` on it
first when the stats migrations changed).

The last line printed is one JSON object.
"""

# ruff: noqa: E501 - the SQL reads better on one line per figure
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
DB_NAME = "copnet_stats_bench"
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def admin(statement: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


def manage(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


GROUP_BY_SQL = [
    # totals and deadline compliance
    """SELECT count(*), sum(CASE WHEN report_count > 1 THEN 1 ELSE 0 END),
              sum(CASE WHEN acknowledged_at <= ack_due THEN 1 ELSE 0 END),
              sum(CASE WHEN acknowledged_at > ack_due OR (acknowledged_at IS NULL AND ack_due < now()) THEN 1 ELSE 0 END),
              sum(CASE WHEN first_action_at <= action_due THEN 1 ELSE 0 END),
              sum(CASE WHEN first_action_at > action_due OR (first_action_at IS NULL AND action_due < now()) THEN 1 ELSE 0 END),
              sum(CASE WHEN closed_at <= close_due THEN 1 ELSE 0 END),
              sum(CASE WHEN closed_at > close_due OR (closed_at IS NULL AND close_due < now()) THEN 1 ELSE 0 END)
       FROM cases_case c WHERE {where}""",
    "SELECT count(*) FROM cases_case c WHERE {where_prev}",
    "SELECT count(*) FROM reports_report r JOIN cases_case c ON c.id = r.case_id WHERE {rwhere}",
    "SELECT count(*) FROM reports_report r JOIN cases_case c ON c.id = r.case_id WHERE {rwhere_prev}",
    "SELECT category_id, count(*) FROM cases_case c WHERE {where} GROUP BY 1",
    "SELECT province, count(*) FROM cases_case c WHERE {where} GROUP BY 1",
    "SELECT lower(trim(platform)), count(*) FROM cases_case c WHERE {where} GROUP BY 1",
    "SELECT lead_org_id, count(*) FROM cases_case c WHERE {where} GROUP BY 1",
    "SELECT status, count(*) FROM cases_case c WHERE {where} GROUP BY 1",
    "SELECT child_age_band, count(*) FROM cases_case c WHERE {where} GROUP BY 1",
    "SELECT r.channel, count(*) FROM reports_report r JOIN cases_case c ON c.id = r.case_id WHERE {rwhere} GROUP BY 1",
    "SELECT r.child_gender, count(*) FROM reports_report r JOIN cases_case c ON c.id = r.case_id WHERE {rwhere} GROUP BY 1",
    "SELECT date_trunc('week', created_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), category_id, count(*) FROM cases_case c WHERE {where_trend} GROUP BY 1, 2",
    """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM triaged_at - created_at)),
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM triaged_at - created_at)),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_action_at - created_at)),
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_action_at - created_at)),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at)),
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at))
       FROM cases_case c WHERE {where}""",
]  # fmt: skip


def requests(today, categories: list[str]) -> list[dict[str, str]]:
    from copnet.stats.periods import Period

    rng = random.Random(6)
    out = []
    for back in range(1, 13):
        out.append({"kind": "month", "period": Period.containing("month", today).previous().slug})
        month = Period.containing("month", today)
        for _ in range(back):
            month = month.previous()
        out.append({"kind": "month", "period": month.slug})
    for _ in range(4):
        quarter = Period.containing("quarter", today).previous()
        out.append({"kind": "quarter", "period": quarter.slug})
    year = Period.containing("year", today).previous()
    out += [{"kind": "year", "period": year.slug}, {"kind": "year", "period": year.previous().slug}]
    filtered = []
    for base in out[:16]:
        choice = rng.choice(["category", "province", "platform"])
        value = {"category": rng.choice(categories), "province": rng.choice(["79", "01", "48"]),
                 "platform": rng.choice(["facebook", "tiktok"])}[choice]  # fmt: skip
        filtered.append({**base, choice: value})
    return out + filtered


def group_by(cursor, params: dict[str, str], category_ids: dict[str, int]) -> None:
    from copnet.stats.geo import MERGED_INTO
    from copnet.stats.periods import Period, aware

    period = Period.parse(params["kind"], params["period"])
    previous = period.previous()
    conds, values = [], []
    if "category" in params:
        conds.append("c.category_id = %s")
        values.append(category_ids[params["category"]])
    if "province" in params:
        conds.append("c.province = ANY(%s)")
        values.append([params["province"], *MERGED_INTO.get(params["province"], ())])
    if "platform" in params:
        conds.append("lower(trim(c.platform)) = %s")
        values.append(params["platform"])
    extra = "".join(f" AND {c}" for c in conds)
    for sql in GROUP_BY_SQL:
        args: list[object] = []
        text = sql
        for name, column, span in (
            ("where", "c.created_at", period),
            ("where_prev", "c.created_at", previous),
            ("rwhere", "r.created_at", period),
            ("rwhere_prev", "r.created_at", previous),
            ("where_trend", "c.created_at", period),
        ):
            if "{" + name + "}" in text:
                text = text.replace("{" + name + "}", f"{column} >= %s AND {column} < %s{extra}")
                args += [aware(span.start), aware(span.end), *values]
        cursor.execute(text, args)
        cursor.fetchall()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 cases instead of 1,000,000")
    parser.add_argument("--cases", type=int, default=0, help="override the number of cases")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database as it is")
    parser.add_argument("--rebuild", action="store_true", help="with --reuse: rebuild rollups")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the request mix")
    parser.add_argument(
        "--db", default=DB_NAME, help="database name (keep one with --keep, then --reuse it)"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print each dashboard request's time"
    )
    args = parser.parse_args()
    db_name = args.db
    if not db_name.replace("_", "").isalnum():
        parser.error("--db: letters, digits and underscores only")
    db_url = ADMIN_URL.rsplit("/", 1)[0] + f"/{db_name}"
    cases = args.cases or (20_000 if args.quick else 1_000_000)
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copnet.settings")
    figures: dict[str, object] = {
        "cases": cases,
        "cpus": os.cpu_count(),
        "load_avg_start": round(os.getloadavg()[0], 2),
    }
    if not args.reuse:
        admin(f"DROP DATABASE IF EXISTS {db_name}")
        admin(f"CREATE DATABASE {db_name}")
    try:
        if not args.reuse:
            manage("migrate", "--no-input", "-v0")
            manage("load_reference_data", "-v0")
            say(f"seeding {cases:,} cases…")
            figures["seed_s"] = round(manage("seed_demo", "--cases", str(cases), "--no-stats"), 1)
        manage("collectstatic", "--no-input", "-v0")  # the HTML page needs the manifest
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from copnet.accounts.models import User
        from copnet.cases.models import Case
        from copnet.stats import rollups
        from copnet.stats.models import Rollup
        from copnet.stats.periods import Period
        from copnet.stats.reports import do_generate_report
        from copnet.taxonomy.models import HarmCategory

        figures["cases"] = Case.objects.count()
        if not args.reuse or args.rebuild:
            say("rebuilding the rollups…")
            started = time.perf_counter()
            rollups.rebuild_all()
            figures["rebuild_s"] = round(time.perf_counter() - started, 1)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE stats_rollup")
        figures["rollup_rows"] = Rollup.objects.count()
        user = User.objects.filter(email="bench@stats.example").first() or User.objects.create_superuser(
            email="bench@stats.example", password="bench-password-123"  # noqa: S106
        )  # fmt: skip
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        # The coordinator's session has passed the second sign-in step (staff data needs it).
        from copnet.core.testing import pass_second_factor

        pass_second_factor(client, user)
        category_ids = dict(HarmCategory.objects.values_list("code", "pk"))
        mix = requests(timezone.localdate(), list(category_ids))
        api, page, raw = [], [], []
        with connection.cursor() as cursor:
            for params in mix[:3]:  # warm caches for all three paths
                client.get("/api/v1/stats/dashboard", params)
                group_by(cursor, params, category_ids)
            for _round in range(args.rounds):
                for params in mix:
                    started = time.perf_counter()
                    response = client.get("/api/v1/stats/dashboard", params)
                    api.append(time.perf_counter() - started)
                    if args.verbose:
                        say(f"{1000 * api[-1]:7.1f} ms  {params}")
                    assert response.status_code == 200, response.content[:300]
                    started = time.perf_counter()
                    response = client.get("/staff/stats/", params)
                    page.append(time.perf_counter() - started)
                    assert response.status_code == 200
                    started = time.perf_counter()
                    group_by(cursor, params, category_ids)
                    raw.append(time.perf_counter() - started)
        figures.update(
            requests=len(api),
            dashboard_p95_ms=round(1000 * p95(api), 1),
            dashboard_p50_ms=round(1000 * statistics.median(api), 1),
            page_p95_ms=round(1000 * p95(page), 1),
            groupby_p95_ms=round(1000 * p95(raw), 1),
            groupby_p50_ms=round(1000 * statistics.median(raw), 1),
        )
        figures["speedup_p95"] = round(figures["groupby_p95_ms"] / figures["dashboard_p95_ms"], 2)
        month = Period.containing("month", timezone.localdate()).previous()
        started = time.perf_counter()
        report = do_generate_report(period=month)
        figures["report_s"] = round(time.perf_counter() - started, 2)
        figures["report_bytes"] = len(report.pdf) + len(report.xlsx)
        connection.close()
    finally:
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
    figures["load_avg_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
