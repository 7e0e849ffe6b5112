"""Our vPDQ (PyAV + pdqhash) against Meta's `vpdq` package on the same files.

`vpdq` builds from source against the system's FFmpeg development libraries, so it is not a
dependency of COPNet: CI installs it (see `.ci/run`) to run this comparison, and a machine
without it skips these tests (CI fails instead of skipping).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copnet.detection.tests.clips import scene, transcode, write_clip
from copnet.detection.video import VideoHasher

try:
    import vpdq
except ImportError:  # pragma: no cover - depends on the machine
    vpdq = None
    if os.environ.get("CI"):
        raise

pytestmark = pytest.mark.skipif(vpdq is None, reason="the vpdq package is not installed")


def reference(path: Path, seconds_per_hash: float) -> list[tuple[str, int, int, str]]:
    features = vpdq.computeHash(str(path), seconds_per_hash=seconds_per_hash)
    return [(f.hex, f.quality, f.frame_number, f"{f.timestamp:.3f}") for f in features]


def ours(path: Path, seconds_per_hash: float) -> list[tuple[str, int, int, str]]:
    result = VideoHasher(seconds_per_hash=seconds_per_hash).hash_file(path)
    return [(f.pdq_hex, f.quality, f.frame_number, f"{f.timestamp:.3f}") for f in result.features]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reference")
    original = write_clip(folder / "h264.mp4", scene(6, 25, 192, 144, 1), fps=25)
    return {
        "h264": original,
        "mpeg4-resized": transcode(original, folder / "mpeg4.avi", size=(130, 98), codec="mpeg4"),
        "vp9": transcode(original, folder / "vp9.webm", codec="libvpx-vp9"),
        "odd-size-12fps": write_clip(
            folder / "odd.mkv", scene(5, 12, 102, 70, 2), fps=12, codec="libx264"
        ),
        "trimmed": transcode(original, folder / "trimmed.mp4", start=1.5, stop=4.5),
    }


@pytest.mark.parametrize("name", ["h264", "mpeg4-resized", "vp9", "odd-size-12fps", "trimmed"])
@pytest.mark.parametrize("seconds_per_hash", [1.0, 0.5])
def test_frame_hashes_equal_the_vpdq_package(files, name, seconds_per_hash):
    expected = reference(files[name], seconds_per_hash)
    assert expected
    assert ours(files[name], seconds_per_hash) == expected


def test_every_frame_hashed_when_seconds_per_hash_is_zero(files):
    assert ours(files["odd-size-12fps"], 0) == reference(files["odd-size-12fps"], 0)
