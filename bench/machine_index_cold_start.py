"""Cold start of a Django process on the machine's PDQ index file (banks/machine_index.py).

Time from starting a process to its first answer from `banks.services.match_hashes`, with the
index file present: Python and Django start, the generation is read, the file is mapped and
its delta (none here) applied, and one hash is matched. Measured twice per run: with the
stamp written with the file (a cheap header, size and mtime check) and without it (the whole
file's CRC-32 is checked, as every open did before).

The database is a fresh SQLite one in a temporary folder with one bank of a few entries; the
file holds `--size` random hashes (entry ids no row has, so only the bank's entries are
answers) plus those entries, written at the database's generation. 11 keys of 23-24 bits from
2,097,152 hashes on, as at 10 M.

    .venv/bin/python bench/machine_index_cold_start.py --size 2200000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

SETUP = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copnet.settings")
import django
django.setup()
from copnet.banks import curation, generations
from copnet.banks.models import BankEntry
bank = curation.do_create_bank(
    name="bench", kind="known_abuse", description="", source="", actor=None
)
for value in sys.argv[2].split(","):
    curation.do_add_bank_entry(bank=bank, signal_type="pdq", value=value, source="", actor=None)
rows = list(BankEntry.objects.values_list("pk", "value"))
print(json.dumps({"generation": generations.current()[0], "rows": rows}))
"""

CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copnet.settings")
import django
django.setup()
from copnet.banks.services import match_hashes
found = match_hashes([("pdq", sys.argv[2])])[0]
print("ready", len(found), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2_200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from copnet.detection.pdqfile import codes_from_hex, stamp_path, write_index_file

    folder = Path(tempfile.mkdtemp(prefix="copnet-cold-start-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COPNET_")},
        "COPNET_DATA_DIR": str(folder / "data"),
        "COPNET_PDQ_INDEX_DIR": str(folder / "index"),
        "TASKS_BACKEND": "immediate",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    rng = np.random.default_rng(5)
    planted = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(3)]
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETUP, str(ROOT), ",".join(planted)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    facts = json.loads(out.strip().splitlines()[-1])
    started = time.perf_counter()
    codes = rng.integers(0, 256, size=(args.size, 32), dtype=np.uint8)
    entries = np.arange(10**9, 10**9 + args.size, dtype=np.int64)
    rows = facts["rows"]
    planted_codes = codes_from_hex([v for _p, v in rows])
    codes = np.concatenate([codes.view("<u8").reshape(-1, 4), planted_codes])
    entries = np.concatenate([entries, np.array([p for p, _v in rows], dtype=np.int64)])
    path = folder / "index" / "pdq.index"
    write_index_file(path, codes, entries, position=facts["generation"])
    print(
        f"file: {len(entries):,} hashes, {path.stat().st_size / 2**20:,.0f} MiB, "
        f"written in {time.perf_counter() - started:.1f} s"
    )
    results: dict[str, list[float]] = {"stamp": [], "full_crc": []}
    for _run in range(args.runs):
        for mode in ("stamp", "full_crc"):
            if mode == "full_crc":
                stamp_path(path).unlink(missing_ok=True)
            started = time.perf_counter()
            child = subprocess.run(  # noqa: S603
                [sys.executable, "-c", CHILD, str(ROOT), planted[0]],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - started
            assert child.stdout.startswith("ready 1"), child.stdout + child.stderr
            results[mode].append(round(elapsed, 2))
    print(json.dumps({"hashes": len(entries), "cold_start_s": results}))
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
