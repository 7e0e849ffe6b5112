"""Report intake benchmark: bulk API throughput until triage, public form latency, no lost reports.

Run with the project's venv python from the repository root:

    .venv/bin/python bench/intake.py            # full: 20,000 API reports, 300 form submissions
    .venv/bin/python bench/intake.py --quick    # quick: 2,000 API reports, 60 form submissions

It builds its own isolated platform: a fresh PostgreSQL database (`copnet_bench`, dropped again at
the end), Redis db 9 (flushed) for the RQ task backend and the cache, a temporary data directory;
then migrate, load_reference_data, create_api_key, collectstatic, gunicorn (2 workers) and ONE task
worker (`manage.py run_worker`: rqworker with a heartbeat, as runplatform starts it). On a shared
server, COPNET_BENCH_DB and COPNET_BENCH_REDIS_URL choose another database name and Redis db.
Measured in the same run:

1. reports_per_s: batches of 1,000 reports POSTed to /api/v1/reports/bulk from several client
   threads (each batch with its own Idempotency-Key, retried with the same key on 5xx/network
   errors); the clock runs from the first request until no case is left untriaged.
   api_only_reports_per_s stops the clock at the last HTTP answer; triage_lag_s is the rest.
2. baseline_rows_per_s: a plain PostgreSQL COPY of the same rows into a scratch table.
3. form_p50_ms / form_p95_ms: the POST of the public form /report/ (fresh session each time,
   GET first for the CSRF token), one sequential client, each with a new web address.
4. recovery_s: the scheduler starts too, another batch of API reports goes in, and the worker is
   SIGKILLed while it triages one of them (its cases still untriaged); the worker is started
   again, and recovery_s runs from that restart until no case is left untriaged. health_end is
   the /api/v1/health status afterwards (must be "ok").
5. lost_reports: acknowledged tracking codes (API results + thanks page after the form redirect
   + the recovery phase) that are missing from reports_report at the end. Must be 0.

Gunicorn and worker output is scanned for tracebacks and timeouts, and failed RQ jobs are listed
(except the job of the killed worker, once it was enqueued again).
The last line printed is one JSON object with the figures; the exit status is 1 when something
failed (lost reports, HTTP errors, untriaged cases, failed jobs, server tracebacks).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TextIO

import psycopg
import redis
from psycopg import sql
from rq import Queue, Worker

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
HOST = "127.0.0.1"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DB_NAME = os.environ.get("COPNET_BENCH_DB", "copnet_bench")
BENCH_DSN = f"{PG_SERVER}/{DB_NAME}"
REDIS_URL = os.environ.get("COPNET_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
RQ_QUEUE = "default"
BATCH = 1000
HTTP_TIMEOUT = 300.0
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class Size:
    mode: str
    reports: int
    forms: int
    threads: int
    triage_timeout: float
    form_triage_timeout: float
    recovery_reports: int


SIZES = {
    "quick": Size(
        "quick",
        reports=2_000,
        forms=60,
        threads=3,
        triage_timeout=180,
        form_triage_timeout=10,
        recovery_reports=2_000,
    ),
    "full": Size(
        "full",
        reports=20_000,
        forms=300,
        threads=3,
        triage_timeout=600,
        form_triage_timeout=30,
        recovery_reports=5_000,
    ),
}

# --- Test data ------------------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "cyberbullying": 20,
    "scam_gambling": 15,
    "pornography": 12,
    "privacy": 10,
    "grooming": 8,
    "sextortion": 6,
    "csam": 6,
    "violence": 6,
    "self_harm": 4,
    "drugs": 4,
    "exploitation": 3,
    "other": 6,
}
PLATFORMS = {
    "tiktok": "www.tiktok.com",
    "facebook": "www.facebook.com",
    "youtube": "www.youtube.com",
    "zalo": "zalo.me",
    "instagram": "www.instagram.com",
    "roblox": "www.roblox.com",
    "discord": "discord.com",
    "telegram": "t.me",
}
AGE_BANDS = ["0-5", "6-8", "9-11", "12-15", "12-15", "16-17", "16-17", None]
# fmt: off
PROVINCES = [
    "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37", "38",
    "40", "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82", "86", "91",
    "92", "96",
]
# fmt: on
PHRASES = [
    "Một tài khoản lạ liên tục nhắn tin đe doạ cháu.",
    "Video này chế giễu và bêu riếu một học sinh lớp 8.",
    "Họ dụ trẻ em nạp tiền vào trò chơi cờ bạc trực tuyến.",
    "Kẻ này đòi ảnh nhạy cảm và doạ tung lên mạng nếu không gửi tiền.",
    "Trang này đăng lại ảnh riêng tư của con tôi mà không được phép.",
    "Nhóm chat khuyến khích các em tự làm đau bản thân.",
    "Someone keeps sending my daughter messages asking to meet in person.",
    "The channel shares violent clips and tags children in the comments.",
    "Bài đăng quảng cáo bán chất cấm cho học sinh.",
    "Người lớn giả làm bạn cùng tuổi để làm quen với trẻ.",
    "Đường link này chứa nội dung khiêu dâm, trẻ em có thể xem được.",
    "Tôi thấy bình luận xúc phạm, lan truyền thông tin cá nhân của cháu.",
]
DUPLICATE_SHARE = 0.05  # share of reports that repeat an address of a recent report (join a case)


def make_reports(count: int, run_id: str, rng: random.Random) -> list[dict[str, Any]]:
    """Partner reports with unique addresses, except ~5% repeating a recent report's address."""
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    reports: list[dict[str, Any]] = []
    for i in range(count):
        platform = rng.choice(list(PLATFORMS))
        host = PLATFORMS[platform]
        urls = [
            f"https://{host}/@user{rng.randrange(10**6)}/post/{run_id}-{i}-{k}"
            for k in range(rng.choice((1, 1, 1, 2, 3)))
        ]
        if i and rng.random() < DUPLICATE_SHARE:
            urls[0] = reports[rng.randrange(max(0, i - 3 * BATCH), i)]["urls"][0]
        item: dict[str, Any] = {
            "category": rng.choices(categories, weights)[0],
            "description": " ".join(rng.sample(PHRASES, rng.randint(1, 4))) + f" (#{i})",
            "urls": urls,
            "platform": platform,
            "province": rng.choice(PROVINCES),
            "in_danger": rng.random() < 0.02,
            "external_id": f"bench-{run_id}-{i}",
        }
        if band := rng.choice(AGE_BANDS):
            item["child_age_band"] = band
        reports.append(item)
    return reports


def baseline_row(item: dict[str, Any]) -> tuple[Any, ...]:
    return (
        item["category"],
        item["description"],
        "\n".join(item["urls"]),
        item["platform"],
        item.get("child_age_band") or "",
        item["province"],
        item["in_danger"],
        item["external_id"],
    )


def brief(body: bytes) -> str:
    """An answer body in one short line (the <title> of an HTML error page)."""
    text = body.decode("utf-8", errors="replace")
    title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
    return (title.group(1).strip() if title else text)[:300]


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def rnd(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def say(message: str) -> None:
    print(message, flush=True)


# --- Processes ------------------------------------------------------------------------------


class BenchError(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    log: TextIO


class Children:
    """The server processes this benchmark started; stop() ends them by their own ids."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: list[Child] = []
        self.retired: list[Child] = []  # killed on purpose; their logs are still scanned

    def start(self, name: str, cmd: list[str], env: dict[str, str]) -> Child:
        log_path = self.log_dir / f"{name}.log"
        log = log_path.open("w", encoding="utf-8")
        proc = subprocess.Popen(  # noqa: S603
            cmd,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        child = Child(name, proc, log_path, log)
        self.children.append(child)
        return child

    def check_alive(self) -> None:
        for child in self.children:
            if child.proc.poll() is not None:
                tail = child.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                raise BenchError(
                    f"{child.name} exited with status {child.proc.returncode}:\n{tail}"
                )

    def kill(self, child: Child) -> None:
        """SIGKILL, as an OOM kill or `kill -9` would; the bench expects this one to die."""
        child.proc.send_signal(signal.SIGKILL)
        child.proc.wait(timeout=10)
        self.children.remove(child)
        self.retired.append(child)

    def get(self, name: str) -> Child:
        return next(child for child in self.children if child.name == name)

    def stop(self) -> None:
        for child in self.retired:
            child.log.close()
        for child in self.children:
            if child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in self.children:
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"  {child.name} (pid {child.proc.pid}) ignored SIGTERM; killing it")
                child.proc.kill()
                child.proc.wait(timeout=10)
            # leftovers of its own session (gunicorn workers, the RQ work horse), if any
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.proc.pid, signal.SIGKILL)
            child.log.close()


def run_manage(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"manage.py {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def platform_env(data_dir: Path) -> dict[str, str]:
    drop = {
        "DATABASE_URL",
        "REDIS_URL",
        "TASKS_BACKEND",
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DJANGO_SETTINGS_MODULE",
        "SITE_URL",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("COPNET_")}
    env.update(
        DATABASE_URL=BENCH_DSN,
        TASKS_BACKEND="rq",
        REDIS_URL=REDIS_URL,
        COPNET_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        # Every form and API call comes from 127.0.0.1 with one key: lift the abuse limits.
        COPNET_RATE_LIMITS="report=1000000/1m,api-key=1000000/1m,api-anonymous=1000000/1m",
    )
    return env


def recreate_database() -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_database() -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


# --- HTTP -----------------------------------------------------------------------------------


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def wait_for_health(port: int, children: Children, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        children.check_alive()
        try:
            status, _headers, body = http_request(port, "GET", "/api/v1/health", timeout=5)
        except OSError as exc:
            last = repr(exc)
        else:
            if status == 200:
                return
            last = f"{status} {body[:200]!r}"
        time.sleep(0.25)
    raise BenchError(f"/api/v1/health did not answer 200 within {timeout:.0f}s (last: {last})")


def wait_for_worker(conn: redis.Redis, children: Children, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children.check_alive()
        if Worker.count(connection=conn) >= 1:
            return
        time.sleep(0.25)
    raise BenchError(f"the RQ worker did not register within {timeout:.0f}s")


# --- 1. Bulk API ----------------------------------------------------------------------------


@dataclass
class ApiStats:
    acked: list[str] = field(default_factory=list)
    failed_items: Counter[str] = field(default_factory=Counter)
    http_errors: list[str] = field(default_factory=list)
    lost_batches: list[int] = field(default_factory=list)
    retries: int = 0
    latencies: list[float] = field(default_factory=list)
    last_response: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def send_batch(
    port: int, api_key: str, run_id: str, index: int, body: bytes, stats: ApiStats
) -> None:
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"bench-{run_id}-batch-{index}",
    }
    for attempt in range(MAX_ATTEMPTS):
        started = time.perf_counter()
        try:
            status, _headers, raw = http_request(
                port, "POST", "/api/v1/reports/bulk", body, headers
            )
        except (OSError, http.client.HTTPException) as exc:
            problem = f"batch {index} attempt {attempt + 1}: {type(exc).__name__}: {exc}"
            status, raw = 0, b""
        else:
            problem = ""
            if status != 200:
                problem = f"batch {index} attempt {attempt + 1}: HTTP {status} {brief(raw)}"
        finished = time.perf_counter()
        with stats.lock:
            stats.latencies.append(finished - started)
            stats.last_response = max(stats.last_response, finished)
            if problem:
                stats.http_errors.append(problem)
        if status == 200:
            answer = json.loads(raw)
            codes = [r["tracking_code"] for r in answer["results"] if r["ok"]]
            failures = Counter(str(r.get("code")) for r in answer["results"] if not r["ok"])
            with stats.lock:
                stats.acked.extend(codes)
                stats.failed_items.update(failures)
            return
        retryable = status == 0 or status >= 500 or status == 409
        if not retryable:
            break
        with stats.lock:
            stats.retries += 1
        time.sleep(1 + attempt)
    with stats.lock:
        stats.lost_batches.append(index)


def run_api_phase(
    port: int, api_key: str, run_id: str, bodies: list[bytes], threads: int
) -> tuple[ApiStats, float]:
    jobs: queue.Queue[tuple[int, bytes]] = queue.Queue()
    for index, body in enumerate(bodies):
        jobs.put((index, body))
    stats = ApiStats()

    def client() -> None:
        while True:
            try:
                index, body = jobs.get_nowait()
            except queue.Empty:
                return
            send_batch(port, api_key, run_id, index, body, stats)

    pool = [threading.Thread(target=client, name=f"api-{n}") for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return stats, started


def untriaged(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM cases_case WHERE triaged_at IS NULL").fetchone()
    return int(row[0]) if row else -1


def wait_for_triage(
    conn: psycopg.Connection[Any], rq_queue: Queue, children: Children, timeout: float
) -> tuple[bool, float, int]:
    """Poll until no case is untriaged; returns (done, perf_counter at the end, left)."""
    deadline = time.monotonic() + timeout
    next_note = time.monotonic() + 5
    while True:
        left = untriaged(conn)
        now = time.perf_counter()
        if left == 0:
            return True, now, 0
        if time.monotonic() > deadline:
            return False, now, left
        if time.monotonic() > next_note:
            say(
                f"  … {left:,} cases still untriaged; RQ queue {len(rq_queue):,} jobs, "
                f"{rq_queue.started_job_registry.count} running, "
                f"{rq_queue.failed_job_registry.count} failed"
            )
            next_note = time.monotonic() + 5
        children.check_alive()
        time.sleep(0.05)


# --- 4. Recovery after a worker is killed ----------------------------------------------------

TRIAGE_TASK = "copnet.cases.tasks.triage_cases"
WORKER_CMD = [PYTHON, "manage.py", "run_worker"]  # as `manage.py runplatform` starts it


def batch_in_triage(
    conn: psycopg.Connection[Any], rq_queue: Queue, at_least: int
) -> list[int] | None:
    """Case ids of a triage job (of at least `at_least` cases) the worker is running now, while
    its cases are all still untriaged."""
    registry = rq_queue.started_job_registry
    for job in rq_queue.job_class.fetch_many(
        registry.get_job_ids(cleanup=False), connection=rq_queue.connection
    ):
        if job is None or job.func_name != TRIAGE_TASK:
            continue
        ids = [int(pk) for pk in job.args[0]]
        if len(ids) < at_least:
            continue
        row = conn.execute(
            "SELECT count(*) FROM cases_case WHERE status = 'new' AND id = ANY(%s)", (ids,)
        ).fetchone()
        if row and row[0] == len(ids):
            return ids
    return None


@dataclass
class Recovery:
    stats: ApiStats
    killed_batch: int
    recovery_s: float | None
    health: dict[str, Any]


def run_recovery_phase(
    port: int,
    api_key: str,
    run_id: str,
    bodies: list[bytes],
    threads: int,
    children: Children,
    env: dict[str, str],
    rq_queue: Queue,
    timeout: float,
) -> Recovery:
    """Send `bodies`, SIGKILL the worker in the middle of a triage job, start it again and time
    until every case is triaged."""
    result: dict[str, Any] = {}

    def send() -> None:
        result["stats"], _started = run_api_phase(port, api_key, run_id, bodies, threads)

    sender = threading.Thread(target=send, name="recovery-api")
    sender.start()
    batch: list[int] | None = None
    with psycopg.connect(BENCH_DSN, autocommit=True) as conn:
        deadline = time.monotonic() + timeout
        while batch is None and time.monotonic() < deadline:
            batch = batch_in_triage(conn, rq_queue, at_least=min(BATCH, len(bodies) * BATCH) // 2)
            if batch is None:
                time.sleep(0.01)
        if batch is None:
            sender.join()
            raise BenchError("no triage job was seen running: nothing to kill")
        children.kill(children.get("worker"))
        say(f"recovery: worker SIGKILLed while triaging {len(batch):,} cases")
        sender.join()
        row = conn.execute(
            "SELECT count(*) FROM cases_case WHERE status = 'new' AND id = ANY(%s)", (batch,)
        ).fetchone()
        stuck = int(row[0]) if row else -1
        children.start("worker-restarted", WORKER_CMD, env)
        restarted = time.perf_counter()
        done, finished, left = wait_for_triage(conn, rq_queue, children, timeout)
    health: dict[str, Any] = {}
    health_deadline = time.monotonic() + 30
    while time.monotonic() < health_deadline:
        with contextlib.suppress(OSError, ValueError):
            _status, _headers, raw = http_request(port, "GET", "/api/v1/health", timeout=5)
            health = json.loads(raw)
            if health.get("status") == "ok":
                break
        time.sleep(0.5)
    say(
        f"recovery: {stuck:,} cases of the killed job were untriaged; every case triaged "
        f"{finished - restarted:.1f}s after the restart; health {health.get('status')}"
        if done
        else f"recovery: NOT finished, {left:,} cases untriaged after {timeout:.0f}s"
    )
    return Recovery(
        stats=result["stats"],
        killed_batch=stuck,
        recovery_s=finished - restarted if done else None,
        health=health,
    )


# --- 2. Baseline ----------------------------------------------------------------------------


def run_baseline(rows: list[tuple[Any, ...]]) -> float:
    """Rows per second of a plain COPY of the same report rows into a scratch table."""
    with psycopg.connect(BENCH_DSN) as conn:
        conn.execute(
            "CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, category text NOT NULL, "
            "description text NOT NULL, urls text NOT NULL, platform text NOT NULL, "
            "child_age_band text NOT NULL, province text NOT NULL, in_danger boolean NOT NULL, "
            "external_id text NOT NULL)"
        )
        conn.commit()
        started = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY bench_baseline (category, description, urls, platform, child_age_band, "
                "province, in_danger, external_id) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        conn.commit()
        elapsed = time.perf_counter() - started
        count = conn.execute("SELECT count(*) FROM bench_baseline").fetchone()
        assert count is not None
        assert count[0] == len(rows)
        conn.execute("DROP TABLE bench_baseline")
        conn.commit()
    return len(rows) / elapsed


# --- 3. Public form -------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
TRACKING_CODE = re.compile(r'id="tracking-code"[^>]*>\s*([0-9A-Z]{5}-[0-9A-Z]{5})\s*<')


def cookies_from(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar: dict[str, str] = {}
    for raw in headers.get_all("Set-Cookie") or []:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(raw)
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def multipart(fields: dict[str, str]) -> tuple[str, bytes]:
    """Encode like a browser does for the form (enctype multipart/form-data, no picture)."""
    boundary = f"----copnetbench{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="images"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{boundary}--\r\n")
    return f"multipart/form-data; boundary={boundary}", "".join(parts).encode("utf-8")


@dataclass
class FormStats:
    latencies_ms: list[float] = field(default_factory=list)
    acked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def submit_form(port: int, index: int, run_id: str, rng: random.Random, stats: FormStats) -> None:
    status, headers, body = http_request(port, "GET", "/report/", timeout=60)
    if status != 200:
        stats.failures.append(f"form {index}: GET /report/ answered {status}")
        return
    jar = cookies_from(headers)
    found = CSRF_INPUT.search(body.decode("utf-8", errors="replace"))
    if "csrftoken" not in jar or found is None:
        stats.failures.append(f"form {index}: no CSRF cookie or hidden input on GET /report/")
        return
    platform = rng.choice(list(PLATFORMS))
    fields = {
        "csrfmiddlewaretoken": found.group(1),
        "category": rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0],
        "description": " ".join(rng.sample(PHRASES, rng.randint(1, 3))),
        "urls": f"https://{PLATFORMS[platform]}/form/{run_id}/{index}\n"
        f"https://{PLATFORMS[platform]}/form/{run_id}/{index}/more",
        "platform": platform,
        "child_age_band": rng.choice(AGE_BANDS) or "",
        "province": rng.choice(PROVINCES),
    }
    content_type, payload = multipart(fields)
    post_headers = {"Content-Type": content_type, "Cookie": cookie_header(jar)}
    started = time.perf_counter()
    status, headers, body = http_request(port, "POST", "/report/", payload, post_headers, 60)
    stats.latencies_ms.append((time.perf_counter() - started) * 1000)
    location = headers.get("Location", "")
    if status != 302 or not location.endswith("/report/thanks/"):
        stats.failures.append(
            f"form {index}: POST /report/ answered {status} (Location {location!r}) {body[:300]!r}"
        )
        return
    jar.update(cookies_from(headers))
    status, _headers, body = http_request(
        port, "GET", "/report/thanks/", headers={"Cookie": cookie_header(jar)}, timeout=60
    )
    code = TRACKING_CODE.search(body.decode("utf-8", errors="replace"))
    if status != 200 or code is None:
        stats.failures.append(f"form {index}: thanks page answered {status} without a code")
        return
    stats.acked.append(code.group(1))


def run_form_phase(port: int, count: int, run_id: str, rng: random.Random) -> FormStats:
    stats = FormStats()
    for index in range(count):
        try:
            submit_form(port, index, run_id, rng, stats)
        except (OSError, http.client.HTTPException) as exc:
            stats.failures.append(f"form {index}: {type(exc).__name__}: {exc}")
    return stats


# --- Checks ---------------------------------------------------------------------------------

LOG_ALARMS = (
    "WORKER TIMEOUT",
    "[CRITICAL]",
    "[ERROR]",
    "deadlock detected",
    "Internal Server Error",
    "was sent SIGKILL",
    "Work-horse terminated unexpectedly",
    "OperationalError",
)


def scan_log(path: Path) -> tuple[Counter[str], dict[str, str]]:
    """Alarming lines and tracebacks: counts per kind and one full example of each."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Traceback (most recent call last):"):
            start = max(0, i - 1)
            j = i + 1
            while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            last = lines[j] if j < len(lines) else "(end of log)"
            key = f"traceback: {last.strip()[:200]}"
            counts[key] += 1
            examples.setdefault(key, "\n".join(lines[start : j + 1][-60:]))
            i = j + 1
            continue
        for alarm in LOG_ALARMS:
            if alarm in line:
                key = f"line: {alarm}"
                counts[key] += 1
                examples.setdefault(key, line[:500])
        i += 1
    return counts, examples


def failed_jobs(rq_queue: Queue, recovered: set[str], limit: int = 5) -> tuple[int, list[str]]:
    """Failed jobs, except those of a dead worker that were enqueued again."""
    registry = rq_queue.failed_job_registry
    failed = [job_id for job_id in registry.get_job_ids() if job_id not in recovered]
    details: list[str] = []
    for job_id in failed[:limit]:
        job = rq_queue.fetch_job(job_id)
        if job is None:
            continue
        text = ""
        with contextlib.suppress(Exception):
            result = job.latest_result()
            text = getattr(result, "exc_string", "") or ""
        details.append(f"job {job_id} ({job.func_name}):\n{text[-3000:]}")
    return len(failed), details


def pending_by_task(rq_queue: Queue) -> dict[str, int]:
    """Jobs waiting in the queue, counted by task (from each job's description)."""
    ids = rq_queue.get_job_ids()
    pipe = rq_queue.connection.pipeline()
    for job_id in ids:
        pipe.hget(f"rq:job:{job_id}", "description")
    counts: Counter[str] = Counter()
    for raw in pipe.execute():
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        counts[text.split("(", 1)[0]] += 1
    return dict(counts.most_common())


def database_facts(conn: psycopg.Connection[Any], codes: list[str]) -> dict[str, Any]:
    found = {
        row[0]
        for row in conn.execute(
            "SELECT tracking_code FROM reports_report WHERE tracking_code = ANY(%s)", (codes,)
        )
    }
    by_status = dict(conn.execute("SELECT status, count(*) FROM cases_case GROUP BY status"))
    reports_row = conn.execute("SELECT count(*) FROM reports_report").fetchone()
    deadlocks = conn.execute(
        "SELECT deadlocks FROM pg_stat_database WHERE datname = %s", (DB_NAME,)
    ).fetchone()
    cases_row = conn.execute("SELECT count(*) FROM cases_case").fetchone()
    return {
        "lost": sorted(set(codes) - found),
        "reports_in_db": int(reports_row[0]) if reports_row else -1,
        "cases": int(cases_row[0]) if cases_row else -1,
        "cases_by_status": {str(k): int(v) for k, v in sorted(by_status.items())},
        "untriaged": untriaged(conn),
        "deadlocks": int(deadlocks[0]) if deadlocks else -1,
    }


# --- Main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small size, under a minute")
    parser.add_argument("--reports", type=int, help="API reports (default 20,000; quick 2,000)")
    parser.add_argument("--forms", type=int, help="form submissions (default 300; quick 60)")
    parser.add_argument("--threads", type=int, help="API client threads (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir, logs and database")
    args = parser.parse_args(argv)
    size = SIZES["quick" if args.quick else "full"]
    reports_n = args.reports or size.reports
    forms_n = args.forms if args.forms is not None else size.forms
    threads = args.threads or size.threads

    def on_sigterm(signum: int, frame: Any) -> None:
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_sigterm)

    bench_started = time.perf_counter()
    run_id = uuid.uuid4().hex[:8]
    rng = random.Random(20250601)
    work_dir = Path(tempfile.mkdtemp(prefix="copnet-bench-"))
    children = Children(work_dir)
    figures: dict[str, Any] = {"mode": size.mode, "reports": reports_n, "form_submissions": forms_n}
    problems: list[str] = []
    log_findings: dict[str, Any] = {}
    db_created = False
    redis_conn = redis.Redis.from_url(REDIS_URL)
    try:
        say(
            f"COPNet intake benchmark ({size.mode}): {reports_n:,} API reports in batches of "
            f"{BATCH:,} from {threads} threads, {forms_n} form submissions"
        )
        say(f"  work dir {work_dir}, database {DB_NAME}, Redis {REDIS_URL}")
        recreate_database()
        db_created = True
        redis_conn.flushdb()
        env = platform_env(work_dir / "data")
        t = time.perf_counter()
        run_manage(["migrate", "--no-input", "-v0"], env)
        run_manage(["load_reference_data"], env)
        run_manage(["collectstatic", "--no-input", "-v0"], env)
        lines = run_manage(["create_api_key", "--org", "VNCERT", "--name", "bench"], env)
        api_key = lines.strip().splitlines()[-1].strip()
        say(
            "setup: migrate, reference data, static files, API key in "
            f"{time.perf_counter() - t:.1f}s"
        )

        port = free_port()
        children.start(
            "gunicorn",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "copnet.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "2",
            ],
            env,
        )
        # as `manage.py runplatform` starts it: an RQ SimpleWorker on both queues (jobs run in
        # the worker itself, so the detection indexes and the text model stay loaded), with a
        # heartbeat, taking up at start what a dead worker left
        children.start("worker", WORKER_CMD, env)
        wait_for_health(port, children)
        wait_for_worker(redis_conn, children)
        rq_queue = Queue(RQ_QUEUE, connection=redis_conn)
        say(f"servers up: gunicorn on {HOST}:{port} (2 workers), 1 task worker (RQ)")

        # Test data, encoded before any clock starts.
        items = make_reports(reports_n, run_id, rng)
        bodies = [
            json.dumps({"reports": items[i : i + BATCH]}, ensure_ascii=False).encode("utf-8")
            for i in range(0, len(items), BATCH)
        ]

        # 2. Baseline first (idle servers), same rows.
        baseline = run_baseline([baseline_row(item) for item in items])
        figures["baseline_rows_per_s"] = rnd(baseline)
        say(f"baseline: COPY of the same {len(items):,} rows: {baseline:,.0f} rows/s")

        # 1. Bulk API until every case is triaged.
        say(f"API: sending {len(bodies)} batches …")
        stats, started = run_api_phase(port, api_key, run_id, bodies, threads)
        api_s = stats.last_response - started
        accepted = len(stats.acked)
        say(
            f"API: {accepted:,} reports acknowledged in {api_s:.1f}s "
            f"({accepted / api_s:,.0f}/s until the last answer); batch latency p50 "
            f"{percentile(stats.latencies, 50) or 0:.2f}s, max {max(stats.latencies):.2f}s"
        )
        with psycopg.connect(BENCH_DSN, autocommit=True) as conn:
            done, finished, left = wait_for_triage(conn, rq_queue, children, size.triage_timeout)
        total_s = finished - started
        if done:
            say(
                f"triage: every case triaged {finished - stats.last_response:.1f}s after the "
                f"last answer; {accepted / total_s:,.0f} reports/s end to end"
            )
        else:
            problems.append(f"{left:,} cases still untriaged after {size.triage_timeout:.0f}s")
            say(f"triage: NOT finished, {left:,} cases untriaged after {size.triage_timeout:.0f}s")
        figures.update(
            reports_per_s=rnd(accepted / total_s) if done else None,
            api_only_reports_per_s=rnd(accepted / api_s),
            triage_lag_s=rnd(finished - stats.last_response, 2) if done else None,
            ratio_vs_baseline=rnd(accepted / total_s / baseline, 5) if done else None,
            api_batch_p50_s=rnd(percentile(stats.latencies, 50), 2),
            api_batch_max_s=rnd(max(stats.latencies), 2),
            api_accepted=accepted,
            api_failed_items=sum(stats.failed_items.values()),
            api_http_errors=len(stats.http_errors),
            api_retries=stats.retries,
            threads=threads,
            rq_jobs_pending_after_triage=len(rq_queue),
        )
        if stats.failed_items:
            problems.append(f"API items refused: {dict(stats.failed_items)}")
        if stats.http_errors:
            problems.append(
                f"{len(stats.http_errors)} API HTTP errors, e.g. {stats.http_errors[:3]}"
            )
        if stats.lost_batches:
            problems.append(f"API batches never accepted: {stats.lost_batches}")

        # 3. Public form, one sequential client.
        say(f"form: {forms_n} sequential submissions (GET, then timed POST) …")
        form = run_form_phase(port, forms_n, run_id, rng)
        form_finished = time.perf_counter()
        p50, p95 = percentile(form.latencies_ms, 50), percentile(form.latencies_ms, 95)
        say(f"form: {len(form.acked)} accepted, POST p50 {p50 or 0:.1f} ms, p95 {p95 or 0:.1f} ms")
        figures.update(form_p50_ms=rnd(p50), form_p95_ms=rnd(p95), form_failures=len(form.failures))
        if form.failures:
            problems.append(
                f"{len(form.failures)} form submissions failed, e.g. {form.failures[:3]}"
            )

        with psycopg.connect(BENCH_DSN, autocommit=True) as conn:
            form_done, form_end, _left = wait_for_triage(
                conn, rq_queue, children, size.form_triage_timeout
            )

        # 4. Recovery: the worker is killed while it triages, then started again.
        with psycopg.connect(BENCH_DSN, autocommit=True) as conn:
            wait_for_triage(conn, rq_queue, children, size.triage_timeout)  # a quiet start
        children.start("scheduler", [PYTHON, "manage.py", "run_scheduler"], env)
        recovery_items = make_reports(size.recovery_reports, f"{run_id}r", rng)
        recovery_bodies = [
            json.dumps({"reports": recovery_items[i : i + BATCH]}, ensure_ascii=False).encode()
            for i in range(0, len(recovery_items), BATCH)
        ]
        say(f"recovery: sending {len(recovery_bodies)} batches, then killing the worker …")
        recovery = run_recovery_phase(
            port,
            api_key,
            f"{run_id}r",
            recovery_bodies,
            threads,
            children,
            env,
            rq_queue,
            size.triage_timeout,
        )
        figures.update(
            recovery_s=rnd(recovery.recovery_s, 2),
            recovery_reports=len(recovery.stats.acked),
            recovery_killed_job_cases=recovery.killed_batch,
            health_end=recovery.health.get("status"),
        )
        if recovery.recovery_s is None:
            problems.append("cases still untriaged after the worker was killed and restarted")
        if recovery.health.get("status") != "ok":
            problems.append(f"health after recovery: {recovery.health}")
        if recovery.stats.http_errors or recovery.stats.lost_batches:
            problems.append(f"recovery phase API errors: {recovery.stats.http_errors[:3]}")

        # 5. Nothing acknowledged may be missing.
        with psycopg.connect(BENCH_DSN, autocommit=True) as conn:
            acked = stats.acked + form.acked + recovery.stats.acked
            facts = database_facts(conn, acked)
            recovered = {
                row[0]
                for row in conn.execute(
                    "SELECT task_id FROM core_taskrecovery WHERE replacement_id <> ''"
                )
            }
        figures.update(
            lost_reports=len(facts["lost"]),
            acknowledged=len(acked),
            duplicate_codes=len(acked) - len(set(acked)),
            reports_in_db=facts["reports_in_db"],
            cases=facts["cases"],
            cases_by_status=facts["cases_by_status"],
            untriaged_cases_end=facts["untriaged"],
            pg_deadlocks=facts["deadlocks"],
            form_cases_triaged_within_s=rnd(form_end - form_finished, 2) if form_done else None,
            rq_jobs_pending_end=len(rq_queue),
            rq_pending_by_task=pending_by_task(rq_queue),
        )
        say(
            f"check: {len(acked):,} acknowledged, {len(facts['lost'])} lost, "
            f"{facts['reports_in_db']:,} reports and {facts['cases']:,} cases in the database "
            f"{facts['cases_by_status']}; RQ queue {len(rq_queue):,} jobs pending"
        )
        if facts["untriaged"]:
            problems.append(
                f"{facts['untriaged']} cases still untriaged at the end; RQ queue "
                f"{len(rq_queue):,} jobs pending: {figures['rq_pending_by_task']}"
            )
        if facts["deadlocks"] > 0:
            problems.append(f"PostgreSQL counted {facts['deadlocks']} deadlocks in {DB_NAME}")
        if facts["lost"]:
            problems.append(f"LOST reports: {facts['lost'][:20]}")
        if facts["reports_in_db"] != len(acked):
            problems.append(
                f"{facts['reports_in_db']:,} reports stored but {len(acked):,} acknowledged"
            )
        failed_count, failed_details = failed_jobs(rq_queue, recovered)
        figures["rq_failed_jobs"] = failed_count
        if failed_count:
            problems.append(f"{failed_count} RQ jobs failed")
            log_findings["failed_jobs"] = failed_details
    except BenchError as exc:
        problems.append(f"benchmark aborted: {exc}")
    finally:
        say("stopping the servers …")
        children.stop()
        for child in children.children + children.retired:
            counts, examples = scan_log(child.log_path)
            if counts:
                figures.setdefault("server_log_alarms", {})[child.name] = dict(counts)
                problems.append(f"{child.name} log: {dict(counts)}")
                log_findings[child.name] = examples
        if not args.keep:
            with contextlib.suppress(Exception):
                redis_conn.flushdb()
            if db_created:
                drop_database()
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            say(f"kept: {work_dir} (logs, data dir) and database {DB_NAME}")

    for name, found in log_findings.items():
        say(f"--- {name} ---")
        for example in found.values() if isinstance(found, dict) else found:
            say(example)
    for problem in problems:
        say(f"PROBLEM: {problem}")
    figures["problems"] = len(problems)
    figures["elapsed_s"] = rnd(time.perf_counter() - bench_started)
    figures.setdefault("lost_reports", None)
    for key in ("reports_per_s", "baseline_rows_per_s", "form_p95_ms", "recovery_s"):
        figures.setdefault(key, None)
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
