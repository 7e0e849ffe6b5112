"""Contract tests of the JSON API: schemathesis against the live platform, every operation.

    .venv/bin/python scripts/api_contract.py              # what `.ci/run` runs
    .venv/bin/python scripts/api_contract.py --examples 100 --seed 7

It builds its own platform in a temporary directory (SQLite unless `--database-url` is given),
migrates, loads the reference data and a small demo data set, creates a partner API key, a
trained volunteer with a personal key and a signed-in analyst, then starts the web server as
`make run` configures it (`runplatform`'s gunicorn command, 2 workers) on a free loopback port.
No task worker runs: queued triage waits in the database, so that the fuzzer's reports do not
compete with it for SQLite's write lock.

schemathesis then runs every check it has (`--checks all`) over every operation, with a
bounded number of examples per operation; `scripts/api_contract.toml` gives each security
scheme its credential (the partner key, the volunteer key, the analyst's session cookie) and
lists the few operations whose business rules may refuse schema-valid input with 400. Any 5xx,
answer that violates its schema, undocumented status code, rejected valid input or accepted
invalid input is a failure; so is a traceback or a 5xx in the platform's log. The exit status
is 0 only when there is none.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
SCHEMATHESIS = str(VENV_BIN / "schemathesis") if (VENV_BIN / "schemathesis").exists() else None
HOST = "127.0.0.1"
CONFIG = Path(__file__).with_suffix(".toml")
# Variables of the caller's environment that would point the platform at shared services.
ISOLATE = ("DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "PORT", "HOST", "WEB_WORKERS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def make_fixtures() -> dict[str, str]:
    """Run inside the platform's environment (a subprocess): the three principals, a published
    feed version, an open volunteer task and an accepted one (ids 1 and 2, which the fuzzer
    tries among the first)."""
    # The platform's modules are imported by name: this script is type-checked on its own
    # (mypy checks scripts/, not the Django apps).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copnet.settings")
    importlib.import_module("django").setup()
    settings = importlib.import_module("django.conf").settings
    client = importlib.import_module("django.test").Client()
    Role = importlib.import_module("copnet.accounts.choices").Role  # noqa: N806
    do_create_api_key = importlib.import_module("copnet.accounts.services").do_create_api_key
    make_user = importlib.import_module("copnet.accounts.tests.factories").make_user
    feed = importlib.import_module("copnet.feed.services")
    Organisation = importlib.import_module("copnet.network.models").Organisation  # noqa: N806
    HarmCategory = importlib.import_module("copnet.taxonomy.models").HarmCategory  # noqa: N806
    membership = importlib.import_module("copnet.volunteers.services.membership")
    work = importlib.import_module("copnet.volunteers.services.work")
    factories = importlib.import_module("copnet.volunteers.tests.factories")
    make_task, make_volunteer = factories.make_task, factories.make_volunteer

    coordinator_org = Organisation.objects.get(code="VNCERT")
    coordinator = make_user(
        email="contract-coordinator@example.vn",
        role=Role.COORDINATOR,
        organisation=coordinator_org,
    )
    _key, partner_key = do_create_api_key(
        organisation=Organisation.objects.get(code="A05"), name="contract tests", actor=None
    )
    volunteer = make_volunteer(coordinator, level="trusted", email="contract.ctv@example.vn")
    _vkey, volunteer_key = membership.do_create_key(
        volunteer=volunteer, name="contract tests", actor=volunteer.user
    )
    make_task(coordinator, province=volunteer.province)
    work.do_accept_task(
        task=make_task(coordinator, province=volunteer.province),
        volunteer=volunteer,
        actor=volunteer.user,
    )
    feed.do_import_list(
        text="casino-for-kids.example\nbet-for-kids.example",
        kind="host",
        category=HarmCategory.objects.get(code="scam_gambling"),
        actor=coordinator,
    )
    feed.do_publish(actor=coordinator)
    analyst = make_user(
        email="contract-analyst@example.vn", role=Role.ANALYST, organisation=coordinator_org
    )
    client.force_login(analyst)
    # Staff who see cases sign in with a second factor: the session must have passed it.
    importlib.import_module("copnet.core.testing").pass_second_factor(client, analyst)
    return {
        "partner_key": partner_key,
        "volunteer_key": volunteer_key,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def web_command(host: str, port: int) -> list[str]:
    """gunicorn as `make run` starts it (2 workers)."""
    runplatform = importlib.import_module("copnet.core.management.commands.runplatform")
    command: list[str] = runplatform.web_command(host, port, 2)
    return command


def run(command: list[str], env: dict[str, str], timeout: float) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=timeout)  # noqa: S603


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the platform exited ({process.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the platform did not answer {url} within {timeout:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=15, help="test cases per operation")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--make-fixtures", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_fixtures:
        print(json.dumps(make_fixtures()))
        return 0
    if SCHEMATHESIS is None:
        raise SystemExit("schemathesis is missing: make install-dev")

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="copnet-contract-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ISOLATE}
    env.update(
        COPNET_DATA_DIR=str(workdir / "data"),
        HOST=HOST,
        PORT=str(port),
        WEB_WORKERS="2",
        TASKS_BACKEND="database",
        PYTHONUNBUFFERED="1",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    manage = [PYTHON, "manage.py"]
    log_path = workdir / "platform.log"
    platform: subprocess.Popen[bytes] | None = None
    failed: list[str] = []
    try:
        run([*manage, "migrate", "--no-input", "-v0"], env, 600)
        run([*manage, "load_reference_data", "-v0"], env, 300)
        run([*manage, "seed_demo", "--cases", "150", "--seed", "7", "-v0"], env, 600)
        run([*manage, "collectstatic", "--no-input", "-v0"], env, 300)
        print(f"platform built in {time.monotonic() - started:.0f} s", flush=True)
        made = subprocess.run(  # noqa: S603
            [PYTHON, __file__, "--make-fixtures"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            timeout=300,
        )
        fixtures: dict[str, Any] = json.loads(made.stdout.strip().splitlines()[-1])
        with log_path.open("wb") as log:
            platform = subprocess.Popen(  # noqa: S603
                web_command(HOST, port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        base = f"http://{HOST}:{port}/api/v1"
        wait_until_up(f"{base}/health", platform)
        command = [
            SCHEMATHESIS,
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(args.examples),
            "--seed",
            str(args.seed),
            "--workers",
            "1",  # CPython 3.11.7's ast module is not thread-safe (hypothesis parses lambdas)
            "--continue-on-failure",
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "60",
        ]
        credentials = {
            "COPNET_CONTRACT_PARTNER_KEY": fixtures["partner_key"],
            "COPNET_CONTRACT_VOLUNTEER_KEY": fixtures["volunteer_key"],
            "COPNET_CONTRACT_SESSION": fixtures["session"],
        }
        result = subprocess.run(  # noqa: S603
            command, cwd=workdir, env={**env, **credentials}, check=False
        )
        if result.returncode != 0:
            failed.append(f"schemathesis exited with {result.returncode}")
    finally:
        if platform is not None and platform.poll() is None:
            platform.send_signal(signal.SIGTERM)
            try:
                platform.wait(timeout=30)
            except subprocess.TimeoutExpired:
                platform.kill()
    output = log_path.read_text(errors="replace") if log_path.exists() else ""
    tracebacks = output.count("Traceback (most recent call last)")
    if tracebacks:
        print(output[-6000:])
        failed.append(f"{tracebacks} traceback(s) in the platform's output")
    server_errors = sum(1 for line in output.splitlines() if '" 50' in line and "HTTP/1" in line)
    summary = {
        "examples_per_operation": args.examples,
        "seed": args.seed,
        "failed": failed,
        "server_errors_logged": server_errors,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    if args.keep or failed:
        print(f"platform output and schemathesis reports kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(summary))
    return 1 if failed or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
