"""Small synthetic video clips for the tests, encoded with PyAV (nothing is committed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np


def scene(seconds: float, fps: int, width: int, height: int, seed: int) -> Iterator[np.ndarray]:
    """RGB frames: a textured background that changes every second, with a moving block."""
    rng = np.random.default_rng(seed)
    cells = max(2, width // 16), max(2, height // 16)
    backgrounds = [
        rng.integers(0, 256, size=(cells[1], cells[0], 3), dtype=np.uint8)
        for _ in range(int(seconds) + 2)
    ]
    for i in range(int(seconds * fps)):
        small = backgrounds[i // fps]
        picture = np.kron(small, np.ones((height // cells[1] + 1, width // cells[0] + 1, 1)))
        picture = picture[:height, :width].astype(np.uint8)
        side = max(4, min(width, height) // 4)
        x = (i * 3) % max(1, width - side)
        y = (i * 2) % max(1, height - side)
        picture[y : y + side, x : x + side] = (250, 30, 30)
        yield picture


def write_clip(
    path: Path,
    frames: Iterator[np.ndarray] | list[np.ndarray],
    *,
    fps: int = 10,
    codec: str = "libx264",
    bit_rate: int | None = None,
    extra_video_streams: int = 0,
) -> Path:
    frames = list(frames)
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as out:
        streams: list[Any] = []
        for _ in range(1 + extra_video_streams):
            stream: Any = out.add_stream(codec, rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            if bit_rate:
                stream.bit_rate = bit_rate
            streams.append(stream)
        for picture in frames:
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            for stream in streams:
                for packet in stream.encode(frame):
                    out.mux(packet)
        for stream in streams:
            for packet in stream.encode():
                out.mux(packet)
    return path


def make_clip(
    path: Path,
    *,
    seconds: float = 8,
    fps: int = 10,
    size: tuple[int, int] = (160, 120),
    seed: int = 1,
    codec: str = "libx264",
) -> Path:
    return write_clip(path, scene(seconds, fps, size[0], size[1], seed), fps=fps, codec=codec)


def transcode(
    source: Path,
    target: Path,
    *,
    size: tuple[int, int] | None = None,
    start: float = 0.0,
    stop: float | None = None,
    codec: str = "mpeg4",
    fps: int | None = None,
    bit_rate: int = 200_000,
) -> Path:
    """A re-encoded copy: another codec and bit rate, optionally resized and trimmed."""
    frames = []
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = fps or int(stream.average_rate or 25)
        for frame in container.decode(stream):
            seconds = float(frame.time or 0.0)
            if seconds < start or (stop is not None and seconds >= stop):
                continue
            if size:
                frame = frame.reformat(width=size[0], height=size[1])
            frames.append(frame.to_ndarray(format="rgb24"))
    return write_clip(target, frames, fps=rate, codec=codec, bit_rate=bit_rate)
