"""`make run` ends in `manage.py runplatform`: web server, worker and scheduler start and stop
together, and a worker or scheduler that dies is started again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to follow child processes")
def test_runplatform_serves_pages_runs_a_worker_restarts_what_dies_and_stops_on_sigterm(
    tmp_path,
):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        COPNET_DATA_DIR=str(tmp_path),
        PORT=str(free_port()),
        WEB_WORKERS="1",
        COPNET_RESTART_DELAY_S="1",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=180)  # noqa: S603
    subprocess.run(
        [*manage, "collectstatic", "--no-input", "-v0"],
        env=env,
        check=True,  # noqa: S603
        timeout=120,
    )
    process = subprocess.Popen(
        [*manage, "runplatform"],
        env=env,  # noqa: S603
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{env['PORT']}/api/v1/health"
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline and '"status": "ok"' not in body:
            try:
                probe = urllib.request.Request(url, headers={"User-Agent": "ProbeAgent/7"})  # noqa: S310
                with urllib.request.urlopen(probe, timeout=2) as response:  # noqa: S310
                    body = response.read().decode()
            except OSError:
                pass
            time.sleep(0.3)
        assert '"status": "ok"' in body  # once the worker and the scheduler beat
        children = child_pids(process.pid)
        assert len(children) == 3  # gunicorn master, the task worker and the scheduler
        [scheduler] = [pid for pid in children if "run_scheduler" in command_line(pid)]
        os.kill(scheduler, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            again = [p for p in child_pids(process.pid) if "run_scheduler" in command_line(p)]
            if again and again != [scheduler]:
                break
            time.sleep(0.2)
        assert again, "the scheduler was not started again"
        assert again != [scheduler]
        assert process.poll() is None  # the web server and the worker kept running
        children = child_pids(process.pid)
        assert len(children) == 3
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "COPNet stopped." in output
    # The access log names the request, never the client's address or browser.
    access = [line for line in output.splitlines() if "GET /api/v1/health" in line]
    assert access
    assert not any("127.0.0.1" in line or "ProbeAgent" in line for line in access)
    time.sleep(0.5)
    assert not any(alive(pid) for pid in children)
