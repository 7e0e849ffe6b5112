"""Small real videos for the tests, encoded once per test run with PyAV (nothing committed):
a banked clip, a re-encoded + resized + trimmed copy of it, an unrelated clip, and hostile
files."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from copnet.detection.tests.clips import make_clip, scene, transcode, write_clip

_folder = tempfile.TemporaryDirectory(prefix="copnet-clips-")


def _path(name: str) -> Path:
    return Path(_folder.name) / name


@functools.cache
def clip(name: str) -> bytes:
    """`original` (8 s, 160×120, H.264), `copy` (MPEG-4, 128×96, seconds 1-7 of it),
    `unrelated` (another 8 s scene), `streams` (six video streams), `webm` (VP9)."""
    if name == "original":
        return make_clip(_path("original.mp4"), seconds=8, seed=1).read_bytes()
    if name == "copy":
        clip("original")
        return transcode(
            _path("original.mp4"),
            _path("copy.mp4"),
            size=(128, 96),
            start=1.0,
            stop=7.0,
            codec="mpeg4",
        ).read_bytes()
    if name == "unrelated":
        return make_clip(_path("unrelated.mp4"), seconds=8, seed=99).read_bytes()
    if name == "streams":
        frames = scene(2, 5, 32, 32, 1)
        return write_clip(_path("streams.mkv"), frames, fps=5, extra_video_streams=5).read_bytes()
    if name == "webm":
        return make_clip(_path("clip.webm"), seconds=3, seed=5, codec="libvpx-vp9").read_bytes()
    raise KeyError(name)


def truncated() -> bytes:
    """The original cut in the middle, as an interrupted upload leaves it."""
    data = clip("original")
    return data[: len(data) // 2]
