"""Staff search and the case queue at scale: indexed lookups against a sequential scan.

Run with the project's venv python from the repository root:

    .venv/bin/python bench/search.py            # full: 1,000,000 cases
    .venv/bin/python bench/search.py --quick    # quick: 20,000 cases

It creates its own PostgreSQL database `copnet_search_bench` (dropped at the end unless --keep),
migrates, loads the reference data, seeds cases and reports (`manage.py seed_demo --no-stats`,
COPY), then gives every report a reported address (with its keyed `url_key` and `host_key`),
an account name (`ReportHandle`) and an image (MD5, SHA-256, PDQ), all COPYed. In the same run:

1. search_p95_ms: `copnet.search.finder.find` over a mix of queries (tracking codes, case and
   removal references, addresses, domains, MD5/SHA-256/PDQ hashes, account names, misses), as
   a coordinator (every case) and as an officer of one organisation (scoped); page_p95_ms the
   same through GET /staff/search/ (Django's handler in this process).
2. scan_p95_ms: the same finder calls with PostgreSQL's index scans switched off (SET LOCAL
   enable_indexscan/bitmapscan/indexonlyscan = off): the baseline of an unindexed search.
3. queue_p95_ms: the first page of the triage queue in urgency order (all open cases, my
   organisation, unassigned), as both users.

The last line printed is one JSON object. Goal: search_p95_ms ≤ 100 at 1M cases.
"""

from __future__ import annotations

import argparse
import hashlib
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
DB_NAME = "copnet_search_bench"
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


def ms(value: float) -> float:
    return round(1000 * value, 2)


def add_lookups() -> dict[str, int]:
    """An address, an account name and an image for every seeded report (COPY)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from copnet.core.crypto import encrypt_text
    from copnet.core.urlnorm import normalise_url
    from copnet.reports.lookups import handle_lookup_key, host_lookup_key
    from copnet.reports.models import Evidence, Report, ReportHandle, ReportUrl
    from copnet.reports.services import url_lookup_key
    from copnet.stats.demo import _Writer

    sealed = encrypt_text("https://example.invalid/")  # the value is never read here
    urls, handles, images = _Writer(ReportUrl), _Writer(ReportHandle), _Writer(Evidence)
    next_id = {ReportUrl: 1, ReportHandle: 1, Evidence: 1}
    for model in next_id:
        next_id[model] = (
            model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
    with transaction.atomic():
        for index, report_id in enumerate(
            Report.objects.order_by("pk").values_list("pk", flat=True).iterator(50000)
        ):
            address = normalise_url(f"https://site{report_id % 250000}.example/p/{report_id}")
            urls.add(
                {
                    "id": next_id[ReportUrl] + index,
                    "report_id": report_id,
                    "url": sealed,
                    "normalised": sealed,
                    "url_key": url_lookup_key(address),
                    "host_key": host_lookup_key(address.host),
                }
            )
            handles.add(
                {
                    "id": next_id[ReportHandle] + index,
                    "report_id": report_id,
                    "key": handle_lookup_key(f"user{report_id}"),
                }
            )
            digest = hashlib.sha256(str(report_id).encode()).hexdigest()
            images.add(
                {
                    "id": next_id[Evidence] + index,
                    "report_id": report_id,
                    "kind": "image",
                    "sha256": digest,
                    "md5": hashlib.md5(str(report_id).encode()).hexdigest(),  # noqa: S324
                    "pdq": hashlib.sha256(b"pdq" + str(report_id).encode()).hexdigest(),
                    "pdq_quality": 90,
                    "created_at": "2025-01-01T00:00:00Z",
                }
            )
        for writer in (urls, handles, images):
            writer.flush()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(next_id)):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"urls": urls.written, "handles": handles.written, "images": images.written}


def queries(rng: random.Random, n: int) -> list[str]:
    from copnet.cases.models import Case
    from copnet.reports.models import Report

    last = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    first = Report.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    out: list[str] = []
    for index in range(n):
        rid = rng.randint(first, last)
        kind = index % 10
        if kind == 0:
            out.append(f"DM{rid:012d}".lower())  # tracking code (redirect)
        elif kind == 1:
            ref = Case.objects.filter(reports__pk=rid).values_list("reference", flat=True).first()
            out.append(ref or "DEMO-X")
        elif kind == 2:
            out.append(f"https://site{rid % 250000}.example/p/{rid}")
        elif kind == 3:
            out.append(f"SITE{rid % 250000}.example")  # a domain: about 4 reports each at 1M
        elif kind == 4:
            out.append(hashlib.md5(str(rid).encode()).hexdigest())  # noqa: S324
        elif kind == 5:
            out.append(hashlib.sha256(str(rid).encode()).hexdigest().upper())
        elif kind == 6:
            out.append(hashlib.sha256(b"pdq" + str(rid).encode()).hexdigest())
        elif kind == 7:
            out.append(f"@User{rid}")
        elif kind == 8:
            out.append("R25-NOTHERE")  # a removal reference that does not exist
        else:
            out.append("nobody-at-all")  # a miss: tried as an account name
    return out


def timed(function, *args) -> float:  # noqa: ANN001
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 cases instead of 1,000,000")
    parser.add_argument("--cases", type=int, default=0, help="override the number of cases")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database as it is")
    parser.add_argument("--queries", type=int, default=200, help="search queries per user")
    parser.add_argument("--db", default=DB_NAME, help="database name")
    args = parser.parse_args()
    db_name = args.db
    if not db_name.replace("_", "").isalnum():
        parser.error("--db: letters, digits and underscores only")
    db_url = ADMIN_URL.rsplit("/", 1)[0] + f"/{db_name}"
    cases = args.cases or (20_000 if args.quick else 1_000_000)
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copnet.settings")
    figures: dict[str, object] = {"cases": cases, "cpus": os.cpu_count()}
    figures["load_avg_start"] = round(os.getloadavg()[0], 2)
    if not args.reuse:
        admin(f"DROP DATABASE IF EXISTS {db_name}")
        admin(f"CREATE DATABASE {db_name}")
    try:
        if not args.reuse:
            manage("migrate", "--no-input", "-v0")
            manage("load_reference_data", "-v0")
            say(f"seeding {cases:,} cases…")
            figures["seed_s"] = round(manage("seed_demo", "--cases", str(cases), "--no-stats"), 1)
        manage("collectstatic", "--no-input", "-v0")  # the search page needs the manifest
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection, transaction
        from django.test import Client

        from copnet.accounts.choices import Role
        from copnet.accounts.models import User
        from copnet.cases.models import Case
        from copnet.cases.selectors import triage_queue
        from copnet.core.testing import pass_second_factor
        from copnet.search.finder import find

        if not args.reuse:
            say("adding addresses, account names and images…")
            started = time.perf_counter()
            figures.update(add_lookups())
            figures["lookups_s"] = round(time.perf_counter() - started, 1)
        figures["cases"] = Case.objects.count()
        busiest = (
            Case.objects.exclude(lead_org=None)
            .values_list("lead_org", flat=True)
            .order_by("lead_org")
            .first()
        )
        coordinator = User.objects.filter(email="bench@search.example").first() or (
            User.objects.create_superuser(
                email="bench@search.example",
                password="bench-password-123",  # noqa: S106
            )
        )
        officer = User.objects.filter(email="officer@search.example").first() or (
            User.objects.create_user(
                email="officer@search.example",
                password="bench-password-123",  # noqa: S106
                organisation_id=busiest,
                role=Role.OFFICER,
            )
        )
        mix = queries(random.Random(17), args.queries)
        search: list[float] = []
        scan: list[float] = []
        page: list[float] = []
        queue: list[float] = []
        for user in (coordinator, officer):
            for query in mix[:10]:  # warm up
                find(user, query)
            search += [timed(find, user, q) for q in mix]
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            pass_second_factor(client, user)
            for query in mix[: max(20, len(mix) // 4)]:
                started = time.perf_counter()
                response = client.get("/staff/search/", {"q": query})
                page.append(time.perf_counter() - started)
                assert response.status_code in (200, 302), response.status_code
            # The baseline: the same lookups without any index (sequential scans).
            for query in mix[: max(10, min(20, len(mix) // 10))]:
                with transaction.atomic(), connection.cursor() as cursor:
                    for setting in ("indexscan", "bitmapscan", "indexonlyscan"):
                        cursor.execute(f"SET LOCAL enable_{setting} = off")
                    scan.append(timed(find, user, query))
            for filters in ({}, {"my_org": True}, {"unassigned": True}, {"overdue": True}) * 5:
                started = time.perf_counter()
                list(triage_queue(user, filters)[:50])
                queue.append(time.perf_counter() - started)
        figures.update(
            queries=len(search),
            search_p95_ms=ms(p95(search)),
            search_p50_ms=ms(statistics.median(search)),
            page_p95_ms=ms(p95(page)),
            scan_p95_ms=ms(p95(scan)),
            scan_p50_ms=ms(statistics.median(scan)),
            queue_p95_ms=ms(p95(queue)),
        )
        figures["speedup_p95"] = round(
            figures["scan_p95_ms"] / max(figures["search_p95_ms"], 0.01), 1
        )
        figures["goal_met"] = figures["search_p95_ms"] <= 100
        connection.close()
    finally:
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
    figures["load_avg_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
