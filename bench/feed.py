"""Protection feed benchmark: hash-prefix lookups and the DNS RPZ export.

Run with the project's venv python from the repository root:

    .venv/bin/python bench/feed.py            # full: a feed of 1,000,000 entries
    .venv/bin/python bench/feed.py --quick    # quick: 200,000 entries

The feed: 70 % host entries and 30 % address entries (Safe Browsing expressions, as stored in
`feed.FeedEntry.full_hash`). Clients are simulated as a parental-control app would work: each
visited URL is turned into its lookup expressions (`copnet.detection.urls.expressions`), hashed,
and only the 4-byte prefixes are sent; half the URLs are under blocked entries, half are not.

- ours: `copnet.feed.index.PrefixIndex` (sorted uint32 prefixes + binary search), the index the
  lookup API serves from, timed on every prefix of every simulated URL (one batch per URL, as
  one API call);
- naive baseline: a Python scan of every full hash for each prefix (what a first version
  would do), timed on a sample of prefixes;
- numpy scan: a vectorised comparison of the whole prefix column per prefix (for information).

Every URL's answer is compared, after the client's local full-hash check, with the truth.
RPZ: `copnet.feed.exports.rpz_zone` over every host entry, written to a file; when BIND's
`named-checkzone` is installed the file is also checked (time reported separately).
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copnet.detection.urls import expressions  # noqa: E402
from copnet.feed.exports import rpz_zone  # noqa: E402
from copnet.feed.index import PrefixIndex  # noqa: E402

TLDS = ["com", "net", "vn", "com.vn", "org", "info", "xyz"]


def build_feed(size: int, rng: random.Random) -> tuple[list[str], list[str]]:
    hosts, urls = [], []
    for i in range(size):
        host = f"h{i}-{rng.getrandbits(32):08x}.example.{rng.choice(TLDS)}"
        if rng.random() < 0.7:
            hosts.append(host)
        else:
            urls.append(f"{host}/p/{rng.getrandbits(24):06x}.html")
    return hosts, urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--urls", type=int, default=None)
    args = parser.parse_args()
    size = args.size or (200_000 if args.quick else 1_000_000)
    url_count = args.urls or (2_000 if args.quick else 10_000)
    rng = random.Random(5)

    started = time.perf_counter()
    hosts, urls = build_feed(size, rng)
    expressions_list = [h + "/" for h in hosts] + urls
    hashes = [hashlib.sha256(e.encode()).digest() for e in expressions_list]
    generate_s = time.perf_counter() - started

    started = time.perf_counter()
    index = PrefixIndex(hashes)
    build_s = time.perf_counter() - started

    # Simulated visits: half under blocked entries, half elsewhere.
    visits: list[tuple[str, bool]] = []
    for n in range(url_count):
        if n % 2 == 0:
            if rng.random() < 0.5:
                visits.append((f"https://www.{rng.choice(hosts)}/some/page?id={n}", True))
            else:
                visits.append((f"http://{rng.choice(urls)}", True))
        else:
            visits.append((f"https://clean{n}.example.org/a/b/c.html?q={n}", False))
    started = time.perf_counter()
    client_hashes = [
        {hashlib.sha256(e.encode()).digest() for e in expressions(url)} for url, _ in visits
    ]
    client_s = time.perf_counter() - started
    prefix_batches = [sorted({h[:4] for h in hs}) for hs in client_hashes]
    total_prefixes = sum(len(b) for b in prefix_batches)

    started = time.perf_counter()
    answers = [index.lookup(batch) for batch in prefix_batches]
    lookup_s = time.perf_counter() - started
    correct = 0
    for (_url, blocked), hs, answer in zip(visits, client_hashes, answers, strict=True):
        found = any(full in hs for matches in answer for full, _payload in matches)
        correct += int(found == blocked)

    sample = [p for batch in prefix_batches[:40] for p in batch][:40]
    started = time.perf_counter()
    for prefix in sample:
        [h for h in hashes if h[:4] == prefix]
    naive_s = time.perf_counter() - started
    column = np.array([int.from_bytes(h[:4], "big") for h in hashes], dtype=np.uint32)
    started = time.perf_counter()
    for prefix in sample:
        np.flatnonzero(column == int.from_bytes(prefix, "big"))
    numpy_s = time.perf_counter() - started

    rows = [(h, "pornography") for h in sorted(hosts)]
    started = time.perf_counter()
    zone = rpz_zone(rows, origin="rpz.vn-cop.invalid", serial=1)
    with tempfile.NamedTemporaryFile("w", suffix=".rpz", delete=False) as handle:
        handle.write(zone)
        zone_path = handle.name
    rpz_s = time.perf_counter() - started
    checkzone = shutil.which("named-checkzone")
    check_ok, check_s = None, None
    if checkzone:
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603
            [checkzone, "-i", "none", "rpz.vn-cop.invalid", zone_path],
            capture_output=True,
            check=False,
        )
        check_s = time.perf_counter() - started
        check_ok = result.returncode == 0
    Path(zone_path).unlink()

    ours = total_prefixes / lookup_s
    baseline = len(sample) / naive_s
    figures = {
        "feed_entries": size,
        "host_entries": len(hosts),
        "urls_checked": url_count,
        "prefixes_looked_up": total_prefixes,
        "answers_correct": correct,
        "prefix_lookups_per_s": round(ours),
        "url_checks_per_s": round(url_count / lookup_s),
        "baseline_lookups_per_s": round(baseline, 1),
        "numpy_scan_lookups_per_s": round(len(sample) / numpy_s, 1),
        "speedup_vs_baseline": round(ours / baseline),
        "index_build_s": round(build_s, 3),
        "client_hashing_s": round(client_s, 3),
        "feed_generation_s": round(generate_s, 3),
        "rpz_export_s": round(rpz_s, 3),
        "rpz_bytes": len(zone),
        "rpz_named_checkzone_ok": check_ok,
        "rpz_named_checkzone_s": None if check_s is None else round(check_s, 3),
    }
    print(
        f"{size:,} entries; {total_prefixes:,} prefixes for {url_count:,} URLs: "
        f"{ours:,.0f} prefixes/s (naive scan {baseline:,.1f}/s, numpy scan "
        f"{figures['numpy_scan_lookups_per_s']:,.1f}/s); {correct}/{url_count} answers correct"
    )
    print(f"RPZ of {len(hosts):,} hosts in {rpz_s:.2f} s; named-checkzone: {check_ok} ({check_s})")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
