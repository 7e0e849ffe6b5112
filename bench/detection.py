"""Detection engine benchmark: PDQ matching against baselines, URL lookups, text classification.

Run with the project's venv python from the repository root:

    .venv/bin/python bench/detection.py            # full: 1,000,000 hashes a bank
    .venv/bin/python bench/detection.py --quick    # quick: 100,000 hashes a bank

PDQ, measured in one run on the same data, for two banks:

- "uniform": independent random 256-bit hashes;
- "clustered": 70 % of the hashes in families of near-duplicates (heavy-tailed family sizes,
  2 to 2,000 members, each member 0 to 20 bits from its family's centre), as real hash lists
  hold many re-encoded or resized copies of the same picture, and 30 % unrelated hashes.

Queries: half are planted within distance 0..31 of a random bank hash, half are random. Each
index answers every query at threshold 31, timed one query at a time (ms/query) and as one batch
(queries/s, the index's batch call where it has one). The indexes:

- ours: `copnet.detection.pdq.PdqIndex` (multi-index hashing, exact);
- brute force: numpy XOR + popcount over the packed uint64 words of the whole bank;
- python-threatexchange `PDQIndex` (faiss IndexBinaryMultiHash, 16 tables) and `PDQIndex2`
  (faiss IndexFlatL2 over the bits as floats), with `threatexchange` installed in the venv.
  PDQIndex2 is slow (a full float scan per query) and is timed on a subset of the queries.

Every answer of ours, one by one and batched, is compared with brute force
(`pdq_identical_to_bruteforce`); the baselines are compared too, for information. Memory per
hash is `PdqIndex.memory_bytes()` / bank size, with the resident-memory growth of each index's
build (after garbage collection) for comparison.

URL lookups and text classification are measured when their modules can be imported
(`copnet.detection.urls.UrlListIndex`, `copnet.detection.text.classifier.TextClassifier`),
otherwise their figures are null. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from copnet.detection.pdq import PdqIndex  # noqa: E402

THRESHOLD = 31
PDQ10M_KEYS = (
    "pdq10m_ms_per_query",
    "pdq10m_speedup_vs_pdqindex",
    "pdq10m_identical_to_bruteforce",
    "pdq10m_machine_bytes_per_hash",
    "pdq_cold_start_s",
)
VIDEO_KEYS = ("video_ms_per_match", "video_speedup_vs_reference", "video_identical")
VIHSD_DEV = Path("/work/shared/data/vihsd/dev.csv")
Results = list[list[tuple[int, int]]]  # per query: sorted (entry, distance)


def log(message: str) -> None:
    print(message, flush=True)


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------------------------
# Data


def uniform_bank(size: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 256, size=(size, 32), dtype=np.uint8)


def clustered_bank(size: int, rng: np.random.Generator) -> np.ndarray:
    family_total = int(size * 0.7)
    sizes: list[int] = []
    while sum(sizes) < family_total:
        drawn = np.clip((rng.pareto(1.1, 4096) + 1) * 2, 2, 2000).astype(np.int64)
        sizes.extend(drawn.tolist())
    counts = np.array(sizes, dtype=np.int64)
    counts = counts[: np.searchsorted(np.cumsum(counts), family_total) + 1]
    counts[-1] -= int(counts.sum()) - family_total
    counts = counts[counts > 0]
    centres = rng.integers(0, 256, size=(len(counts), 32), dtype=np.uint8)
    family_of = np.repeat(np.arange(len(counts)), counts)
    members = np.empty((family_total, 32), dtype=np.uint8)
    for start in range(0, family_total, 65536):
        part = family_of[start : start + 65536]
        flips = rng.integers(0, 21, size=len(part)).astype(np.uint8)  # about that many bits
        noise = rng.integers(0, 256, size=(len(part), 256), dtype=np.uint8) < flips[:, None]
        members[start : start + len(part)] = centres[part] ^ np.packbits(noise, axis=1)
    bank = np.concatenate([members, uniform_bank(size - family_total, rng)])
    rng.shuffle(bank, axis=0)
    return bank


def make_queries(bank: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    queries = rng.integers(0, 256, size=(count, 32), dtype=np.uint8)
    for i in range(0, count, 2):  # half planted within distance 0..31
        bits = np.unpackbits(bank[rng.integers(len(bank))])
        flip = rng.choice(256, size=int(rng.integers(0, THRESHOLD + 1)), replace=False)
        bits[flip] ^= 1
        queries[i] = np.packbits(bits)
    return queries


def to_hex(rows: np.ndarray) -> list[str]:
    return [row.tobytes().hex() for row in rows]


# ---------------------------------------------------------------------------------------------
# Brute force reference


class BruteForce:
    """Vectorised XOR + popcount over the bank's packed uint64 words, one column at a time."""

    def __init__(self, bank: np.ndarray) -> None:
        words = bank.view(np.uint64)
        self.columns = [np.ascontiguousarray(words[:, i]) for i in range(4)]

    def distances(self, query: np.ndarray) -> np.ndarray:
        words = query.view(np.uint64)
        low = np.bitwise_count(self.columns[0] ^ words[0])
        low += np.bitwise_count(self.columns[1] ^ words[1])
        high = np.bitwise_count(self.columns[2] ^ words[2])
        high += np.bitwise_count(self.columns[3] ^ words[3])
        return low.astype(np.uint16) + high

    def query(self, query: np.ndarray) -> list[tuple[int, int]]:
        dist = self.distances(query)
        hits = np.flatnonzero(dist <= THRESHOLD)
        return sorted(zip(hits.tolist(), dist[hits].tolist(), strict=True))


# ---------------------------------------------------------------------------------------------
# Timing helpers


def time_each(function: Callable[[Any], Any], items: Sequence[Any]) -> tuple[float, list[Any]]:
    """Mean milliseconds per call, and the answers."""
    for item in items[:5]:
        function(item)  # warm caches and lazy builds
    answers = []
    started = time.perf_counter()
    for item in items:
        answers.append(function(item))
    return (time.perf_counter() - started) * 1000 / len(items), answers


def time_batch(function: Callable[[Any], Any], items: Any, count: int) -> tuple[float, Any]:
    """Queries per second of one batch call, and its answers."""
    started = time.perf_counter()
    answers = function(items)
    return count / (time.perf_counter() - started), answers


def time_each_best(
    function: Callable[[Any], Any], items: Sequence[Any]
) -> tuple[float, list[Any], int]:
    """`time_each` with faiss on one OpenMP thread and on all, keeping the faster.

    faiss starts its OpenMP threads even for a single query; on a small machine waking them
    can cost milliseconds, so the baselines get whichever setting serves them best.
    """
    import faiss

    default = faiss.omp_get_max_threads()
    best: tuple[float, list[Any], int] | None = None
    try:
        for threads in sorted({1, default}):
            faiss.omp_set_num_threads(threads)
            ms, answers = time_each(function, items)
            if best is None or ms < best[0]:
                best = (ms, answers, threads)
    finally:
        faiss.omp_set_num_threads(default)
    assert best is not None
    return best


def normalise(matches: Any) -> list[tuple[int, int]]:
    return sorted((int(m.entry), int(m.distance)) for m in matches)


def normalise_pytx(matches: Any) -> list[tuple[int, int]]:
    return sorted((int(m.metadata), int(m.similarity_info.distance)) for m in matches)


# ---------------------------------------------------------------------------------------------
# PDQ


def bench_bank(name: str, bank: np.ndarray, queries: np.ndarray, args: argparse.Namespace) -> dict:
    size = len(bank)
    log(f"\n== PDQ, {name} bank: {size:,} hashes, {len(queries):,} queries ==")
    hexes = to_hex(bank)
    query_hexes = to_hex(queries)
    items = list(zip(hexes, range(size), strict=True))
    out: dict[str, Any] = {"hashes": size, "queries": len(queries)}

    brute = BruteForce(bank)
    subset = list(range(min(len(queries), args.brute_single)))
    ms, _ = time_each(lambda i: brute.query(queries[i]), subset)
    started = time.perf_counter()
    expected: Results = [brute.query(q) for q in queries]
    brute_qps = len(queries) / (time.perf_counter() - started)
    matches = sum(map(len, expected))
    planted_hits = sum(1 for answer in expected[::2] if answer)
    out["bruteforce"] = {"ms_per_query": round(ms, 4), "queries_per_s": round(brute_qps, 1)}
    out["matches"] = matches
    log(
        f"brute force      {ms:9.3f} ms/query {brute_qps:10.1f} q/s   ({matches:,} matches, "
        f"{planted_hits}/{len(expected[::2])} planted queries hit)"
    )

    # Ours.
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    ours: PdqIndex[int] = PdqIndex(items, threshold=THRESHOLD)
    ours.optimize()
    build_s = time.perf_counter() - started
    gc.collect()
    rss = rss_bytes() - before
    ms, single = time_each(ours.query, query_hexes)
    qps, batch = time_batch(ours.query_many, query_hexes, len(queries))
    identical = [normalise(a) for a in single] == expected
    identical = identical and [normalise(a) for a in batch] == expected
    out["ours"] = {
        "ms_per_query": round(ms, 4),
        "queries_per_s": round(qps, 1),
        "build_s": round(build_s, 2),
        "bytes_per_hash": round(ours.memory_bytes() / size, 1),
        "rss_bytes_per_hash": round(rss / size, 1),
        "identical_to_bruteforce": identical,
    }
    log(
        f"ours (PdqIndex)  {ms:9.3f} ms/query {qps:10.1f} q/s   build {build_s:.1f} s, "
        f"{ours.memory_bytes() / size:.0f} B/hash (RSS +{rss / size:.0f}), identical: {identical}"
    )
    del ours, single, batch
    gc.collect()

    out["pdqindex"] = bench_pdqindex(items, query_hexes, expected)
    out["pdqindex2"] = bench_pdqindex2(items, query_hexes, expected, args)
    for baseline in ("pdqindex", "pdqindex2"):
        figures = out[baseline]
        if figures.get("ms_per_query"):
            figures["speedup_single"] = round(
                figures["ms_per_query"] / out["ours"]["ms_per_query"], 2
            )
            figures["speedup_batch"] = round(
                out["ours"]["queries_per_s"] / figures["queries_per_s"], 2
            )
    return out


def bench_pdqindex(items: list[tuple[str, int]], query_hexes: list[str], expected: Results) -> dict:
    try:
        from threatexchange.signal_type.pdq.pdq_index import PDQIndex
    except ImportError as error:
        log(f"PDQIndex unavailable: {error}")
        return {"error": f"threatexchange not importable: {error}"}
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    index = PDQIndex(items)
    build_s = time.perf_counter() - started
    gc.collect()
    rss = rss_bytes() - before
    ms, single, threads = time_each_best(index.query, query_hexes)
    identical = [normalise_pytx(a) for a in single] == expected
    # PDQIndex has no batch call; its faiss wrapper does, so time that as its batch figure.
    started = time.perf_counter()
    index.index.search_with_distance_in_result(query_hexes, index.get_match_threshold())
    faiss_qps = len(query_hexes) / (time.perf_counter() - started)
    qps = max(1000 / ms, faiss_qps)
    log(
        f"pytx PDQIndex    {ms:9.3f} ms/query {qps:10.1f} q/s   build {build_s:.1f} s, "
        f"RSS +{rss / len(items):.0f} B/hash, identical: {identical}"
    )
    figures = {
        "ms_per_query": round(ms, 4),
        "queries_per_s": round(qps, 1),
        "faiss_batch_queries_per_s": round(faiss_qps, 1),
        "faiss_threads_single": threads,
        "build_s": round(build_s, 2),
        "rss_bytes_per_hash": round(rss / len(items), 1),
        "identical_to_bruteforce": identical,
    }
    del index, single
    gc.collect()
    return figures


def bench_pdqindex2(
    items: list[tuple[str, int]],
    query_hexes: list[str],
    expected: Results,
    args: argparse.Namespace,
) -> dict:
    try:
        from threatexchange.signal_type.pdq.pdq_index2 import PDQIndex2
    except ImportError as error:
        log(f"PDQIndex2 unavailable: {error}")
        return {"error": f"threatexchange not importable: {error}"}
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    index = PDQIndex2(entries=items, threshold=THRESHOLD)
    build_s = time.perf_counter() - started
    gc.collect()
    rss = rss_bytes() - before
    count = min(len(query_hexes), args.pdqindex2_queries)
    ms, single, threads = time_each_best(index.query, query_hexes[:count])
    identical = [normalise_pytx(a) for a in single] == expected[:count]
    log(
        f"pytx PDQIndex2   {ms:9.3f} ms/query {1000 / ms:10.1f} q/s   build {build_s:.1f} s, "
        f"RSS +{rss / len(items):.0f} B/hash, identical: {identical} ({count} queries)"
    )
    figures = {
        "ms_per_query": round(ms, 4),
        "queries_per_s": round(1000 / ms, 1),  # no batch call: one query at a time
        "queries_timed": count,
        "faiss_threads_single": threads,
        "build_s": round(build_s, 2),
        "rss_bytes_per_hash": round(rss / len(items), 1),
        "identical_to_bruteforce": identical,
    }
    del index, single
    gc.collect()
    return figures


def bench_pdq(args: argparse.Namespace) -> dict[str, Any]:
    rng = np.random.default_rng(args.seed)
    banks: dict[str, Any] = {}
    for name, make in (("uniform", uniform_bank), ("clustered", clustered_bank)):
        bank = make(args.size, rng)
        queries = make_queries(bank, args.queries, rng)
        banks[name] = bench_bank(name, bank, queries, args)
        del bank
        gc.collect()

    def pooled(key: str) -> float | None:
        values = [b[key]["ms_per_query"] for b in banks.values() if b[key].get("ms_per_query")]
        return round(statistics.fmean(values), 4) if len(values) == len(banks) else None

    def weakest(key: str, figure: str) -> float | None:
        values = [b[key].get(figure) for b in banks.values()]
        return min(values) if all(v is not None for v in values) else None

    return {
        "pdq_ms_per_query": pooled("ours"),
        "pdq_queries_per_s": weakest("ours", "queries_per_s"),
        "pdqindex_ms_per_query": pooled("pdqindex"),
        "pdqindex2_ms_per_query": pooled("pdqindex2"),
        "bruteforce_ms_per_query": pooled("bruteforce"),
        "pdq_speedup_vs_pdqindex": weakest("pdqindex", "speedup_single"),
        "pdq_batch_speedup_vs_pdqindex": weakest("pdqindex", "speedup_batch"),
        "pdq_speedup_vs_pdqindex2": weakest("pdqindex2", "speedup_single"),
        "pdq_identical_to_bruteforce": all(
            b["ours"]["identical_to_bruteforce"] for b in banks.values()
        ),
        "pdq_bytes_per_hash": max(b["ours"]["bytes_per_hash"] for b in banks.values()),
        "pdq_bank_size": args.size,
        "pdq_threshold": THRESHOLD,
        "pdq_banks": banks,
    }


# ---------------------------------------------------------------------------------------------
# URLs and text (other modules; measured when importable)


def bench_urls(args: argparse.Namespace) -> dict[str, Any]:
    try:
        from copnet.detection.urls import UrlListIndex
    except ImportError as error:
        log(f"\nURL lookups skipped: {error}")
        return {"url_lookups_per_s": None}
    rand = random.Random(args.seed)
    entries = args.size
    log(f"\n== URL lists: {entries:,} host and prefix entries ==")
    patterns = []
    for i in range(entries):
        host = f"site{i}.example{i % 997}.vn"
        patterns.append(host if i % 3 else f"{host}/path{i % 50}/")
    started = time.perf_counter()
    index: Any = UrlListIndex(zip(patterns, range(entries), strict=True))
    build_s = time.perf_counter() - started
    urls = []
    for n in range(args.url_queries):
        i = rand.randrange(entries * 2)  # half of them unknown hosts
        urls.append(f"https://www.site{i}.example{i % 997}.vn/path{i % 50}/page{n}.html?q={n}")
    started = time.perf_counter()
    hits = sum(1 for url in urls if index.query(url))
    per_s = len(urls) / (time.perf_counter() - started)
    log(
        f"UrlListIndex: {per_s:,.0f} lookups/s ({hits:,} of {len(urls):,} hit), "
        f"build {build_s:.1f} s"
    )
    return {
        "url_lookups_per_s": round(per_s, 1),
        "url_entries": entries,
        "url_build_s": round(build_s, 2),
        "url_hits": hits,
    }


def bench_text(args: argparse.Namespace) -> dict[str, Any]:
    empty = {"texts_per_s": None, "text_macro_f1": None, "text_dataset": None}
    try:
        from copnet.detection.text.classifier import TextClassifier
    except ImportError as error:
        log(f"\nText classification skipped: {error}")
        return empty
    if VIHSD_DEV.exists():
        with VIHSD_DEV.open(encoding="utf-8", newline="") as handle:
            rows = [(row["free_text"], int(row["label_id"])) for row in csv.DictReader(handle)]
        dataset = "vihsd-dev"
    else:
        rows = [("xin chào các bạn", 0), ("đồ ngu", 1)] * 100
        dataset = "synthetic"
    if args.quick:
        rows = rows[:1000]
    texts = [text for text, _label in rows]
    log(f"\n== Text classifier: {len(texts):,} texts ({dataset}) ==")
    classifier: Any = TextClassifier.load()
    started = time.perf_counter()
    results = classifier.classify_many(texts)
    per_s = len(texts) / (time.perf_counter() - started)
    if hasattr(classifier, "predict_vihsd"):
        predicted = [int(p) for p in classifier.predict_vihsd(texts)]
    else:
        predicted = []
        for result in results:
            offensive = float(result.scores.get("offensive", 0.0))
            hate = float(result.scores.get("hate", 0.0))
            scores = [1.0 - max(offensive, hate), offensive, hate]
            predicted.append(max(range(3), key=scores.__getitem__))
    f1 = macro_f1([label for _text, label in rows], predicted, labels=(0, 1, 2))
    log(f"TextClassifier: {per_s:,.0f} texts/s, macro-F1 {f1:.3f}")
    return {"texts_per_s": round(per_s, 1), "text_macro_f1": round(f1, 4), "text_dataset": dataset}


def macro_f1(truth: Sequence[int], predicted: Sequence[int], labels: Sequence[int]) -> float:
    scores = []
    for label in labels:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p == label)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if p == label != t)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label != p)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return statistics.fmean(scores)


def guarded(
    name: str,
    function: Callable[[argparse.Namespace], dict],
    args: argparse.Namespace,
    empty: dict[str, Any],
) -> dict[str, Any]:
    """Another module's benchmark must not stop this one: its failure is reported, not raised."""
    try:
        return function(args)
    except Exception as error:  # any failure of the code under test is a result
        log(f"{name} failed: {error!r}")
        return {**empty, f"{name}_error": repr(error)}


def versions() -> dict[str, str | None]:
    from importlib import metadata

    found: dict[str, str | None] = {}
    for package in ("faiss-cpu", "threatexchange", "numpy", "pdqhash"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 hashes, under a minute")
    parser.add_argument("--size", type=int, help="hashes per bank (and URL entries)")
    parser.add_argument("--queries", type=int, help="queries per bank")
    parser.add_argument("--seed", type=int, default=20250701)
    parser.add_argument("--pdq10m-size", type=int, help="hashes in the index-file banks")
    parser.add_argument("--video-bank", type=int, help="videos in the video bank")
    parser.add_argument("--only", choices=["pdq10m", "video"], help="run one new section only")
    args = parser.parse_args()
    args.size = args.size or (100_000 if args.quick else 1_000_000)
    args.queries = args.queries or (1000 if args.quick else 2000)
    args.brute_single = 100 if args.quick else 50
    args.pdqindex2_queries = 100 if args.quick else 50
    args.url_queries = 20_000 if args.quick else 100_000
    args.pdq10m_size = args.pdq10m_size or (50_000 if args.quick else 10_000_000)
    args.pdq10m_queries = 200 if args.quick else 500
    args.video_bank = args.video_bank or (500 if args.quick else 10_000)
    args.video_queries = 10 if args.quick else 20
    args.video_seconds = 20 if args.quick else 60
    args.video_reference_queries = 1 if args.quick else 2
    args.video_reference_sample = 2 if args.quick else 12

    started = time.perf_counter()
    figures: dict[str, Any] = {"quick": args.quick, "cores": os.cpu_count(), **versions()}
    from detection_scale import bench_pdq10m
    from detection_video import bench_video

    helpers = sys.modules[__name__]
    if not args.only:
        figures.update(bench_pdq(args))
    if args.only in (None, "pdq10m"):
        figures.update(
            guarded("pdq10m", lambda a: bench_pdq10m(a, helpers), args, dict.fromkeys(PDQ10M_KEYS))
        )
    if args.only in (None, "video"):
        figures.update(
            guarded("video", lambda a: bench_video(a, helpers), args, dict.fromkeys(VIDEO_KEYS))
        )
    if not args.only:
        figures.update(guarded("url", bench_urls, args, {"url_lookups_per_s": None}))
        text_empty = {"texts_per_s": None, "text_macro_f1": None, "text_dataset": None}
        figures.update(guarded("text", bench_text, args, text_empty))
    figures["elapsed_s"] = round(time.perf_counter() - started, 1)
    log(
        f"\nPDQ at {figures.get('pdq_bank_size')}: {figures.get('pdq_ms_per_query')} ms/query, "
        f"{figures.get('pdq_speedup_vs_pdqindex')}x PDQIndex, identical: "
        f"{figures.get('pdq_identical_to_bruteforce')}, {figures.get('pdq_bytes_per_hash')} B/hash"
    )
    log(
        f"PDQ file at {figures.get('pdq10m_bank_size')}: {figures.get('pdq10m_ms_per_query')} "
        f"ms/query, {figures.get('pdq10m_speedup_vs_pdqindex')}x PDQIndex, identical: "
        f"{figures.get('pdq10m_identical_to_bruteforce')}, machine "
        f"{figures.get('pdq10m_machine_bytes_per_hash')} B/hash, cold start "
        f"{figures.get('pdq_cold_start_s')} s"
    )
    log(
        f"Video: {figures.get('video_ms_per_match')} ms a match, "
        f"{figures.get('video_speedup_vs_reference')}x the reference loop, identical: "
        f"{figures.get('video_identical')}"
    )
    print(json.dumps(figures, sort_keys=True))
    checks = ("pdq_identical_to_bruteforce", "pdq10m_identical_to_bruteforce", "video_identical")
    return 0 if all(figures.get(key) is not False for key in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
