"""Campaign-spike load test: many children open `/`, the `/learn/` lessons and `/report/` at once.

Run with the project's venv python from the repository root:

    .venv/bin/python bench/load.py            # full: 30 s at 200 requests/s, then the ladders
    .venv/bin/python bench/load.py --quick    # under a minute
    .venv/bin/python bench/load.py --no-page-cache   # the same without the public page cache

It builds the `make run` stack in a temporary directory (SQLite, database task backend;
migrate, load_reference_data, collectstatic, then `manage.py runplatform`: gunicorn with its
2 sync workers, the task worker and the scheduler) on a free loopback port. The load
generator runs on the same machine.

Open loop: request i is due at a time drawn from a Poisson process of the offered rate, and
its latency runs from that moment until its answer is complete, so a slow server cannot hide
its delay by slowing the client down (no coordinated omission). At most 50 connections are
open at once; a request that waits for one has that wait in its latency. Every request is a
new visitor (no cookies) on a new connection, as gunicorn's sync workers close each one.

1. At 200 requests/s: p50/p95 per page and errors (anything but a complete 200 answer
   within 10 s of the moment the request was due).
   The mix: 25 % `/`, 10 % `/learn/`, 40 % lessons (all lessons of the first courses), 25 %
   the report form `GET /report/`.
2. `max_rate_p95_150`: the highest rate of a ladder (same mix) whose p95 stays <= 150 ms
   with no error.
3. Baseline in the same run: the same ladder for one static file served by the same server
   (WhiteNoise), `static_max_rate_p95_150`; `ratio_vs_static` = 2. / 3.
4. `server_cpu_ms_per_request`: CPU the gunicorn processes spent per answer (from /proc), for
   each run; unlike latency it hardly moves when other work shares the machine.

The last line printed is one JSON object; the exit status is 1 if the stack printed a
traceback or the goal (p95 <= 150 ms and 0 errors at 200 requests/s) was missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
HOST = "127.0.0.1"
MAX_CONNECTIONS = 50
TIMEOUT_S = 10.0
GOAL_RATE = 200
GOAL_P95_MS = 150.0
ISOLATE = ("DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "PORT", "HOST", "WEB_WORKERS")


@dataclass(frozen=True)
class Size:
    mode: str
    at_goal_s: float
    step_s: float
    page_rates: tuple[int, ...]
    static_rates: tuple[int, ...]


SIZES = {
    "quick": Size("quick", 6, 2, (150, 200, 300, 400, 600, 800), (300, 600, 1000, 1500, 2000)),
    "full": Size(
        "full",
        30,
        6,
        (100, 150, 200, 250, 300, 350, 400, 500, 600, 700, 800, 1000),
        (200, 400, 600, 800, 1000, 1200, 1500, 1800, 2200, 2600),
    ),
}


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_kinds: dict[str, int] = field(default_factory=dict)

    def add(self, page: str, ms: float, error: str | None) -> None:
        self.latencies.setdefault(page, []).append(ms)
        if error:
            self.errors[page] = self.errors.get(page, 0) + 1
            self.error_kinds[error] = self.error_kinds.get(error, 0) + 1

    @property
    def all(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return round(ordered[int(rank) - 1], 1)


# --- the load generator --------------------------------------------------------------------


async def fetch(port: int, path: str) -> str | None:
    """GET `path` on a new connection; None when the answer is a complete 200, else why not."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Language: vi\r\n"
            "User-Agent: copnet-bench-load\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        answer = await reader.read()  # the server closes the connection after the answer
    finally:
        writer.close()
    status = answer[9:12]
    head, _sep, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    if status != b"200":
        return f"http {status.decode(errors='replace') or 'none'}"
    if length and int(length.group(1)) != len(body):
        return "truncated"
    return None


async def offer(port: int, rate: float, seconds: float, choose: Any, seed: int) -> Result:
    """Open loop: Poisson arrivals at `rate` for `seconds`, at most MAX_CONNECTIONS open."""
    rng = random.Random(seed)
    slots = asyncio.Semaphore(MAX_CONNECTIONS)
    result = Result()
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(due: float, page: str, path: str) -> None:
        error: str | None
        try:
            async with asyncio.timeout_at(due + TIMEOUT_S), slots:
                error = await fetch(port, path)
        except TimeoutError:
            error = "timeout"  # no answer 10 s after it was due, waiting for a slot included
        except OSError as exc:
            error = type(exc).__name__
        result.add(page, (loop.time() - due) * 1000, error)

    tasks = []
    due = start
    while True:
        due += rng.expovariate(rate)
        if due - start > seconds:
            break
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        page, path = choose(rng)
        tasks.append(asyncio.create_task(one(due, page, path)))
    await asyncio.gather(*tasks)
    return result


def summary(result: Result) -> dict[str, Any]:
    return {
        "requests": len(result.all),
        "p50_ms": percentile(result.all, 50),
        "p95_ms": percentile(result.all, 95),
        "errors": result.error_count,
    }


def passes(result: Result) -> bool:
    p95 = percentile(result.all, 95)
    return result.error_count == 0 and p95 is not None and p95 <= GOAL_P95_MS


def measured(
    server: int, port: int, rate: float, seconds: float, choose: Any, seed: int
) -> tuple[Result, float | None]:
    """The run's result and the server's CPU milliseconds per request during it."""
    before = server_cpu_s(server)
    result = asyncio.run(offer(port, rate, seconds, choose, seed))
    requests = len(result.all)
    cpu = round((server_cpu_s(server) - before) * 1000 / requests, 2) if requests else None
    return result, cpu


def ladder(
    server: int, port: int, rates: tuple[int, ...], seconds: float, choose: Any
) -> dict[str, Any]:
    """Raise the rate until p95 > 150 ms or an error; the last rate that held is the max."""
    steps = []
    best = 0
    for index, rate in enumerate(rates):
        result, cpu = measured(server, port, rate, seconds, choose, seed=100 + index)
        steps.append({"rate": rate, **summary(result), "server_cpu_ms_per_request": cpu})
        print(f"  {rate:>5}/s: {steps[-1]}", file=sys.stderr, flush=True)
        if not passes(result):
            break
        best = rate
        time.sleep(0.5)
    return {"max_rate": best, "top_of_ladder_held": best == rates[-1], "steps": steps}


# --- the stack -----------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = task / "children"
        for child in children.read_text().split() if children.exists() else []:
            found += [int(child), *descendants(int(child))]
    return found


def server_cpu_s(root: int) -> float:
    """CPU seconds used so far by the gunicorn processes under `root` (Linux /proc)."""
    ticks = 0
    for pid in descendants(root):
        try:
            if b"gunicorn" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as answer:  # noqa: S310
        body: bytes = answer.read()
        return body.decode()


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the platform exited ({process.returncode}) before answering")
        try:
            get(port, "/api/v1/health")
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the platform did not answer within 90 s")


def pages(port: int) -> tuple[dict[str, list[str]], str]:
    """The pages of the mix, found by following the site's own links, and the static file."""
    home = get(port, "/")
    static = re.search(r'href="(/static/[^"]+\.css)"', home)
    learn = get(port, "/learn/")
    courses = sorted(set(re.findall(r'href="(/learn/course/[a-z0-9-]+/)"', learn)))
    lessons: list[str] = []
    for course in courses[:3]:
        lessons += re.findall(r'href="(/learn/course/[a-z0-9-]+/lesson/\d+/)"', get(port, course))
    if not static or not lessons:
        raise SystemExit("could not find the static file or any lesson on the site")
    return {"home": ["/"], "learn": ["/learn/"], "lesson": lessons, "report": ["/report/"]}, (
        static.group(1)
    )


def mix(paths: dict[str, list[str]]) -> Any:
    weights = {"home": 25, "learn": 10, "lesson": 40, "report": 25}
    names = list(weights)

    def choose(rng: random.Random) -> tuple[str, str]:
        page = rng.choices(names, [weights[n] for n in names])[0]
        return page, rng.choice(paths[page])

    return choose


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="under a minute")
    parser.add_argument("--no-page-cache", action="store_true", help="COPNET_PAGE_CACHE_SECONDS=0")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    size = SIZES["quick" if args.quick else "full"]
    started = time.monotonic()
    load_start = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="copnet-load-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ISOLATE}
    env.update(COPNET_DATA_DIR=str(workdir / "data"), HOST=HOST, PORT=str(port))
    if args.no_page_cache:
        env["COPNET_PAGE_CACHE_SECONDS"] = "0"
    manage = [PYTHON, str(ROOT / "manage.py")]
    setup = (["migrate", "--no-input"], ["load_reference_data"], ["collectstatic", "--no-input"])
    for step in setup:
        subprocess.run([*manage, *step, "-v0"], cwd=ROOT, env=env, check=True, timeout=600)  # noqa: S603
    log_path = workdir / "platform.log"
    with log_path.open("wb") as log:
        platform = subprocess.Popen(  # noqa: S603
            [*manage, "runplatform"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until_up(port, platform)
        paths, static = pages(port)
        choose = mix(paths)
        for group in paths.values():  # warm up: imports, templates, the page cache
            for path in group:
                for _visit in range(2):
                    get(port, path)
        print(f"at {GOAL_RATE}/s for {size.at_goal_s:.0f} s", file=sys.stderr, flush=True)
        at_goal, cpu_at_goal = measured(
            platform.pid, port, GOAL_RATE, size.at_goal_s, choose, seed=1
        )
        time.sleep(1)
        print("pages ladder", file=sys.stderr, flush=True)
        page_ladder = ladder(platform.pid, port, size.page_rates, size.step_s, choose)
        time.sleep(1)
        print(f"static ladder ({static})", file=sys.stderr, flush=True)
        static_ladder = ladder(
            platform.pid, port, size.static_rates, size.step_s, lambda rng: ("static", static)
        )
    finally:
        platform.send_signal(signal.SIGTERM)
        try:
            platform.wait(timeout=30)
        except subprocess.TimeoutExpired:
            platform.kill()
    output = log_path.read_text(errors="replace")
    tracebacks = output.count("Traceback (most recent call last)")
    p95 = percentile(at_goal.all, 95)
    figures = {
        "mode": size.mode,
        "page_cache": not args.no_page_cache,
        "p95_ms_at_200": p95,
        "p50_ms_at_200": percentile(at_goal.all, 50),
        "errors_at_200": at_goal.error_count,
        "requests_at_200": len(at_goal.all),
        "per_page_at_200": {
            page: {
                "n": len(values),
                "p50_ms": percentile(values, 50),
                "p95_ms": percentile(values, 95),
                "errors": at_goal.errors.get(page, 0),
            }
            for page, values in at_goal.latencies.items()
        },
        "error_kinds_at_200": at_goal.error_kinds,
        "server_cpu_ms_per_request_at_200": cpu_at_goal,
        "max_rate_p95_150": page_ladder["max_rate"],
        "static_max_rate_p95_150": static_ladder["max_rate"],
        "ratio_vs_static": round(page_ladder["max_rate"] / static_ladder["max_rate"], 3)
        if static_ladder["max_rate"]
        else None,
        "pages_ladder": page_ladder,
        "static_ladder": static_ladder,
        "lessons_in_mix": len(paths["lesson"]),
        "max_connections": MAX_CONNECTIONS,
        "web_workers": 2,
        "cpus": os.cpu_count(),
        "loadavg_start": [round(x, 2) for x in load_start],
        "loadavg_end": [round(x, 2) for x in os.getloadavg()],
        "server_tracebacks": tracebacks,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    if args.keep:
        print(f"kept {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures))
    goal_met = at_goal.error_count == 0 and p95 is not None and p95 <= GOAL_P95_MS
    return 0 if goal_met and not tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
