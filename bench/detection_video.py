"""Video matching (part of bench/detection.py).

Real videos, for correctness: a 60-second clip (20 s with --quick) is generated and encoded with
PyAV, with three copies (re-encoded with another codec and resized, trimmed to its middle half,
and an unrelated clip);
each is decoded and hashed with `VideoHasher` (vPDQ, one frame a second).

The bank: the real clip plus synthetic videos of 30-90 frame hashes each (random hashes, some
frames repeated, about 5 % under the quality filter), `--video-bank` videos in all (10,000 in
the full run). Queries: the real copies, and synthetic 60-frame videos made from a banked video
(each frame up to 20 bits away, a few unrelated frames) or unrelated.

Ours: `copnet.detection.vpdq.VideoIndex.query_video` (every banked video's two-way match
percentages in one call). Baselines, in the same run, the plain loop over every banked video:
- `copnet.detection.vpdq.compare_brute` (vPDQ's published comparison on Python integers),
  timed over the whole bank: `video_speedup_vs_reference` is against this one;
- python-threatexchange's `match_VPDQ_hash_brute` (the reference comparison in Python, with
  hex-to-bit-string distances; importable when the `vpdq` package is installed), about 1.7 s a
  banked video, so timed on a small sample and scaled to the bank (`video_speedup_vs_pytx`).
Results must be identical: ours against `compare_brute` for every banked video, and against
python-threatexchange's on its sample.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def bench_video(args: Any, helpers: Any) -> dict[str, Any]:
    from copnet.detection.tests.clips import make_clip, transcode
    from copnet.detection.video import VideoHasher, VpdqFeature
    from copnet.detection.vpdq import VideoIndex, compare_brute

    rng = np.random.default_rng(args.seed + 20)
    helpers.log(f"\n== Video: a bank of {args.video_bank:,} videos ==")
    with tempfile.TemporaryDirectory(prefix="copnet-bench-video-") as folder:
        base = Path(folder)
        started = time.perf_counter()
        seconds = args.video_seconds
        original = make_clip(base / "real.mp4", seconds=seconds, fps=10, size=(160, 120), seed=3)
        copies = {
            "reencoded_resized": transcode(
                original, base / "copy.avi", size=(240, 180), codec="mpeg4"
            ),
            "trimmed": transcode(
                original, base / "trim.mp4", start=seconds / 4, stop=seconds * 3 / 4
            ),
            "unrelated": make_clip(base / "other.mp4", seconds=seconds, fps=10, seed=4),
        }
        encode_s = time.perf_counter() - started
        hasher = VideoHasher()
        started = time.perf_counter()
        real = hasher.hash_file(original)
        hash_s = time.perf_counter() - started
        real_copies = {name: hasher.hash_file(path).features for name, path in copies.items()}
    helpers.log(
        f"real clips: encoded in {encode_s:.1f} s; a {seconds} s video hashed in {hash_s:.2f} s "
        f"({len(real.features)} frames)"
    )

    def random_frames(count: int, start: float = 0.0) -> list[VpdqFeature]:
        raw = rng.integers(0, 256, size=(count, 32), dtype=np.uint8)
        frames = []
        for i, row in enumerate(raw):
            quality = 30 if rng.random() < 0.05 else int(rng.integers(60, 101))
            value = row.tobytes().hex()
            if frames and rng.random() < 0.05:
                value = frames[-1].pdq_hex  # a still scene
            frames.append(VpdqFeature(value, quality, start + i, i * 25))
        return frames

    bank: list[list[VpdqFeature]] = [
        random_frames(int(rng.integers(30, 91))) for _ in range(args.video_bank - 1)
    ]
    real_slot = int(rng.integers(0, len(bank) + 1))
    bank.insert(real_slot, list(real.features))

    def near(frames: list[VpdqFeature]) -> list[VpdqFeature]:
        out = []
        for i, frame in enumerate(frames[:60]):
            number = int(frame.pdq_hex, 16)
            for bit in rng.choice(256, size=int(rng.integers(0, 21)), replace=False):
                number ^= 1 << int(bit)
            out.append(VpdqFeature(f"{number:064x}", 90, float(i), i))
        return out + random_frames(60 - len(out), start=float(len(out)))

    queries: list[tuple[str, list[VpdqFeature]]] = [
        (name, list(features)) for name, features in real_copies.items()
    ]
    while len(queries) < args.video_queries:
        if len(queries) % 2:
            queries.append(("copy", near(bank[int(rng.integers(0, len(bank)))])))
        else:
            queries.append(("unrelated", random_frames(60)))

    started = time.perf_counter()
    index: VideoIndex[int] = VideoIndex()
    index.add_features((frames, i) for i, frames in enumerate(bank))
    build_s = time.perf_counter() - started
    frames_banked = index.frame_count()
    for _name, query in queries[:3]:
        index.query_video(query)  # warm up
    timings, answers = [], []
    for _name, query in queries:
        started = time.perf_counter()
        result = index.query_video(query)
        timings.append((time.perf_counter() - started) * 1000)
        answers.append({m.entry: (m.query_pct, m.target_pct) for m in result.matches})
    ms = float(np.mean(timings))
    helpers.log(
        f"ours (VideoIndex) {ms:8.2f} ms a match (median {np.median(timings):.2f}), "
        f"{frames_banked:,} banked frames indexed in {build_s:.1f} s"
    )

    # Correctness on the real videos.
    def matched(answer_index: int) -> list[int]:
        return sorted(
            entry for entry, (q_pct, _t) in answers[answer_index].items() if q_pct >= 80.0
        )

    real_ok = {
        "reencoded_resized": matched(0) == [real_slot],
        "trimmed": matched(1) == [real_slot],
        "unrelated_not_matched": matched(2) == [],
    }
    helpers.log(f"real videos: {real_ok}")

    # Plain loop over the whole bank, same algorithm on Python integers.
    identical = True
    plain_ms = []
    for qi in range(args.video_reference_queries):
        started = time.perf_counter()
        expected = {}
        for entry, frames in enumerate(bank):
            q_pct, t_pct = compare_brute(queries[qi][1], frames)
            if q_pct or t_pct:
                expected[entry] = (q_pct, t_pct)
        plain_ms.append((time.perf_counter() - started) * 1000)
        identical = identical and expected == answers[qi]
    plain = float(np.mean(plain_ms))
    helpers.log(f"plain loop       {plain:8.1f} ms a match (whole bank), identical: {identical}")

    reference = pytx_reference(bank, queries, answers, args, rng, helpers)
    identical = identical and reference.get("identical", True)
    pytx_ms = reference.get("ms_per_match_scaled")
    return {
        "video_bank_videos": len(bank),
        "video_bank_frames": sum(len(frames) for frames in bank),
        "video_indexed_frames": frames_banked,
        "video_queries": len(queries),
        "video_ms_per_match": round(ms, 2),
        # The conservative ratio: against the faster baseline, the plain loop on integers.
        "video_speedup_vs_reference": round(plain / ms, 1),
        "video_speedup_vs_pytx": round(pytx_ms / ms, 1) if pytx_ms else None,
        "video_identical": bool(identical and all(real_ok.values())),
        "video_real_copies_matched": real_ok,
        "video_real_clip_s": seconds,
        "video_hash_real_clip_s": round(hash_s, 2),
        "video_index_build_s": round(build_s, 2),
        "video_plain_loop_ms_per_match": round(plain, 1),
        "video_reference": reference,
    }


def pytx_reference(
    bank: list[Any],
    queries: list[tuple[str, list[Any]]],
    answers: list[dict[int, tuple[float, float]]],
    args: Any,
    rng: np.random.Generator,
    helpers: Any,
) -> dict[str, Any]:
    try:
        from threatexchange.extensions.vpdq.vpdq_brute_matcher import match_VPDQ_hash_brute
        from threatexchange.extensions.vpdq.vpdq_util import VpdqCompactFeature
    except ImportError as error:
        helpers.log(f"python-threatexchange's vPDQ matcher unavailable: {error}")
        return {"available": False, "error": str(error)}
    sample = sorted(
        set(
            rng.choice(
                len(bank), size=min(args.video_reference_sample, len(bank)), replace=False
            ).tolist()
        )
    )
    compact = {
        i: [VpdqCompactFeature(f.pdq_hex, f.quality, f.timestamp) for f in bank[i]] for i in sample
    }
    identical = True
    per_video = []
    for qi in range(args.video_reference_queries):
        sample_q = sorted(set(sample) | set(answers[qi]))  # the videos it matches, too
        for i in sample_q:
            compact.setdefault(
                i, [VpdqCompactFeature(f.pdq_hex, f.quality, f.timestamp) for f in bank[i]]
            )
        query = [VpdqCompactFeature(f.pdq_hex, f.quality, f.timestamp) for f in queries[qi][1]]
        started = time.perf_counter()
        results = {i: match_VPDQ_hash_brute(query, compact[i], 50, 31) for i in sample_q}
        per_video.append((time.perf_counter() - started) * 1000 / len(sample_q))
        for i, result in results.items():
            got = answers[qi].get(i, (0.0, 0.0))
            if (result.query_match_percent, result.compared_match_percent) != got:
                identical = False
    ms_video = float(np.mean(per_video))
    scaled = ms_video * len(bank)
    helpers.log(
        f"pytx reference   {scaled:8.1f} ms a match (scaled from {ms_video:.3f} ms a video on "
        f"{len(sample)} sampled videos), identical: {identical}"
    )
    return {
        "available": True,
        "sampled_videos": len(sample),
        "ms_per_video": round(ms_video, 3),
        "ms_per_match_scaled": round(scaled, 1),
        "identical": identical,
    }
