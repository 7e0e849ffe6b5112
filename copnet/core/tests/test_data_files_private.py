"""The database and the data directory are readable by the service account only (D15)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from copnet.core.env import private_dir, private_file

ROOT = Path(__file__).resolve().parents[3]
# Opens the default SQLite database in WAL mode and writes to it, so that SQLite creates its
# -wal and -shm files, and reports their modes while the connection is open (SQLite removes
# them on close); run with the permissive umask of a default shell.
SCRIPT = """
import os, stat
os.umask(0o022)
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
name = str(connection.settings_dict["NAME"])
for suffix in ("-wal", "-shm"):
    print(suffix, oct(stat.S_IMODE(os.stat(name + suffix).st_mode)))
print(name)
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_data_directory_database_and_journals_are_private(tmp_path):
    data = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"COPNET_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "copnet.settings"})
    env["TASKS_BACKEND"] = "database"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    *journals, name = result.stdout.strip().splitlines()
    database = Path(name)
    assert database.parent == data
    assert mode(data) == 0o700
    assert mode(database) == 0o600
    assert journals == ["-wal 0o600", "-shm 0o600"]
    for key in ("secret_key", "encryption_key", "lookup_key"):
        assert mode(data / key) == 0o600


def test_existing_permissive_modes_are_tightened(tmp_path):
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    database = folder / "copnet.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    assert private_dir(folder) == folder
    assert private_file(database) == database
    assert (mode(folder), mode(database)) == (0o700, 0o600)
