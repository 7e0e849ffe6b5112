"""Django processes for the index-file tests: each runs this test's database (PostgreSQL, or a
copy of its SQLite database) with PDQ on the index file in `index_dir`, and answers commands
given one a line on its standard input, in JSON on its standard output."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.db import connection

from copnet.core.tests.live_platform import ROOT, LivePlatform

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copnet.settings")
import django
django.setup()
from copnet.banks import curation, engine
from copnet.banks.models import BankEntry, HashBank
from copnet.banks.services import match_hashes

def matched(value):
    return [m.entry.pk for m in match_hashes([("pdq", value)])[0]]

print('"started"', flush=True)
for line in sys.stdin:
    command, _, arg = line.strip().partition(" ")
    if command == "match":
        answer = matched(arg)
    elif command in ("add", "addmatch"):
        bank = HashBank.objects.get(name="partner")
        answer = curation.do_add_bank_entry(
            bank=bank, signal_type="pdq", value=arg, source="child", actor=None
        ).pk
        if command == "addmatch":  # the match starts right after the commit
            answer = [answer, matched(arg)]
    elif command == "off":
        entry = BankEntry.objects.get(pk=int(arg))
        answer = curation.do_set_entry_active(entry=entry, active=False, actor=None).pk
    elif command == "fold":
        result = engine.fold_pdq_index(force=True)
        answer = result.folded_changes if result else 0
    elif command == "foldfor":  # fold whatever is new, again and again, for so many seconds
        answer, until = [], time.monotonic() + float(arg)
        while time.monotonic() < until:
            result = engine.fold_pdq_index(force=True)
            if result is not None:
                answer.append(result.position)
            time.sleep(0.01)
    elif command == "status":
        answer = engine.pdq_index_status()
    else:
        break
    print(json.dumps(answer), flush=True)
"""


def children_env(tmp_path: Path, index_dir: Path) -> dict[str, str]:
    """The environment of a child process; on SQLite, copies this (transactional) test's
    database for the children to share."""
    platform = LivePlatform(tmp_path / "data", COPNET_PDQ_INDEX_DIR=str(index_dir))
    if not platform.postgres:
        platform.data_dir.mkdir(parents=True, exist_ok=True)
        connection.ensure_connection()
        target = sqlite3.connect(platform.data_dir / "copnet.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return platform.env


class Child:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", CHILD, str(ROOT)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "started"

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def read(self) -> object:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line, "the child process ended"
        return json.loads(line)

    def ask(self, command: str) -> object:
        self.send(command)
        return self.read()

    def stop(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        if self.process.poll() is None:
            try:
                self.process.stdin.write("exit\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.stdout.close()
