"""PDQ at 10 M hashes with one index file per machine (part of bench/detection.py).

For each bank ("uniform", "clustered", as in the 1 M section) it writes the index file
(`copnet.detection.pdqfile.write_index_file`), opens it as the processes do (`LivePdqIndex`),
and times queries one at a time and as one batch; every answer is compared with a numpy brute
force scan of the whole bank. python-threatexchange's `PDQIndex` is built on the same hashes
and timed on the same queries, as the baseline.

Then, on the uniform bank's file, three fresh processes open the index and answer queries, as a
web server's workers and a task worker would: their memory is read from
/proc/<pid>/smaps_rollup (PSS, so the file's pages, shared by the three, count once) and the
time from starting each process to its first answer is its cold start.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from copnet.detection.pdqfile import LivePdqIndex
index = LivePdqIndex(sys.argv[2])
queries = open(sys.argv[3]).read().split()
index.query(queries[0])
print("ready", flush=True)
for value in queries:
    index.query(value)
index.query_many(queries)
print("done", flush=True)
sys.stdin.readline()
"""


def bench_pdq10m(args: Any, helpers: Any) -> dict[str, Any]:
    size = args.pdq10m_size
    count = args.pdq10m_queries
    rng = np.random.default_rng(args.seed + 10)
    banks: dict[str, Any] = {}
    folder = Path(tempfile.mkdtemp(prefix="copnet-bench-pdq-"))
    memory: dict[str, Any] = {}
    try:
        for name, make in (
            ("uniform", helpers.uniform_bank),
            ("clustered", helpers.clustered_bank),
        ):
            helpers.log(f"\n== PDQ index file, {name} bank: {size:,} hashes, {count:,} queries ==")
            started = time.perf_counter()
            bank = make(size, rng)
            queries = helpers.make_queries(bank, count, rng)
            helpers.log(f"bank made in {time.perf_counter() - started:.1f} s")
            path = folder / f"{name}.idx"
            banks[name] = bench_file(path, bank, queries, args, helpers)
            if name == "uniform":
                query_file = folder / "queries.txt"
                query_file.write_text("\n".join(helpers.to_hex(queries)))
                memory = machine_memory(path, query_file, size, helpers)
            del bank, queries
            gc.collect()
            path.unlink(missing_ok=True)
    finally:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()

    def weakest(figure: str) -> Any:
        values = [bank.get(figure) for bank in banks.values()]
        return min(values) if all(v is not None for v in values) else None

    return {
        "pdq10m_bank_size": size,
        "pdq10m_ms_per_query": max(b["ms_per_query"] for b in banks.values()),
        "pdq10m_queries_per_s": weakest("queries_per_s"),
        "pdq10m_speedup_vs_pdqindex": weakest("speedup_vs_pdqindex"),
        "pdq10m_batch_speedup_vs_pdqindex": weakest("batch_speedup_vs_pdqindex"),
        "pdq10m_identical_to_bruteforce": all(b["identical_to_bruteforce"] for b in banks.values()),
        "pdq10m_file_bytes_per_hash": max(b["file_bytes_per_hash"] for b in banks.values()),
        "pdq10m_machine_bytes_per_hash": memory.get("machine_bytes_per_hash"),
        "pdq_cold_start_s": memory.get("cold_start_s"),
        "pdq10m_banks": banks,
        "pdq10m_machine": memory,
    }


def bench_file(
    path: Path, bank: np.ndarray, queries: np.ndarray, args: Any, helpers: Any
) -> dict[str, Any]:
    from copnet.detection.pdqfile import LivePdqIndex, write_index_file

    size = len(bank)
    started = time.perf_counter()
    write_index_file(path, bank, np.arange(size, dtype=np.int64), position=1)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    index = LivePdqIndex(path, threshold=helpers.THRESHOLD)
    open_s = time.perf_counter() - started
    query_hexes = helpers.to_hex(queries)
    ms, single = helpers.time_each(index.query, query_hexes)
    qps, batch = helpers.time_batch(index.query_many, query_hexes, len(query_hexes))
    helpers.log(
        f"ours (file)      {ms:9.3f} ms/query {qps:10.1f} q/s   build {build_s:.1f} s, "
        f"open {open_s:.2f} s, {path.stat().st_size / size:.1f} B/hash in the file"
    )
    brute = helpers.BruteForce(bank)
    started = time.perf_counter()
    expected = [brute.query(q) for q in queries]
    brute_ms = (time.perf_counter() - started) * 1000 / len(queries)
    del brute
    identical = [helpers.normalise(a) for a in single] == expected
    identical = identical and [helpers.normalise(a) for a in batch] == expected
    matches = sum(map(len, expected))
    helpers.log(
        f"brute force      {brute_ms:9.3f} ms/query   ({matches:,} matches), identical: {identical}"
    )
    out: dict[str, Any] = {
        "hashes": size,
        "queries": len(queries),
        "matches": matches,
        "ms_per_query": round(ms, 4),
        "queries_per_s": round(qps, 1),
        "build_s": round(build_s, 1),
        "open_s": round(open_s, 2),
        "file_bytes_per_hash": round(path.stat().st_size / size, 1),
        "bruteforce_ms_per_query": round(brute_ms, 2),
        "identical_to_bruteforce": identical,
    }
    del index, single, batch
    gc.collect()
    items = list(zip(helpers.to_hex(bank), range(size), strict=True))
    pdqindex = helpers.bench_pdqindex(items, query_hexes, expected)
    del items
    gc.collect()
    out["pdqindex"] = pdqindex
    if pdqindex.get("ms_per_query"):
        out["speedup_vs_pdqindex"] = round(pdqindex["ms_per_query"] / ms, 2)
        out["batch_speedup_vs_pdqindex"] = round(qps / pdqindex["queries_per_s"], 2)
    return out


def machine_memory(path: Path, query_file: Path, size: int, helpers: Any) -> dict[str, Any]:
    """Three processes map the file and answer queries; their PSS summed is the machine's."""
    helpers.log("\n== 3 processes sharing the index file ==")
    children = []
    ready: list[float] = []
    try:
        for _ in range(3):
            started = time.perf_counter()
            child = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
                [sys.executable, "-c", CHILD, str(ROOT), str(path), str(query_file)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            children.append(child)
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                raise RuntimeError("a child process did not start")
            ready.append(time.perf_counter() - started)
        for child in children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "done":
                raise RuntimeError("a child process failed")
        rollups = [smaps_rollup(child.pid) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                assert child.stdin is not None
                child.stdin.write("exit\n")
                child.stdin.flush()
        for child in children:
            child.wait(timeout=60)
    pss = sum(r["Pss"] for r in rollups)
    rss = sum(r["Rss"] for r in rollups)
    figures = {
        "processes": 3,
        "pss_bytes": pss,
        "rss_bytes": rss,
        "pss_file_bytes": sum(r.get("Pss_File", 0) for r in rollups),
        "pss_anon_bytes": sum(r.get("Pss_Anon", 0) for r in rollups),
        "machine_bytes_per_hash": round(pss / size, 1),
        "rss_bytes_per_hash_if_not_shared": round(rss / size, 1),
        "cold_start_s": round(max(ready), 2),
        "cold_starts_s": [round(r, 2) for r in ready],
    }
    helpers.log(
        f"3 processes: PSS {pss / 2**20:,.0f} MiB = {pss / size:.1f} B/hash for the machine "
        f"(RSS {rss / 2**20:,.0f} MiB summed); ready in {', '.join(f'{r:.2f}' for r in ready)} s"
    )
    return figures


def smaps_rollup(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                values[parts[0].rstrip(":")] = int(parts[1]) * 1024
    return values


if __name__ == "__main__":
    print(json.dumps({"error": "run bench/detection.py"}))
    os._exit(2)
