"""Builders for reports: generated images (no binary fixtures) and reports made through services."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from copnet.reports.choices import Channel
from copnet.reports.services import ReportInput, check_report, submit_report


def make_image(seed: int = 0, *, size: int = 256, fmt: str = "PNG") -> bytes:
    """A natural-looking picture (gradients and shapes) that differs clearly for each seed."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size]
    base = np.stack(
        [(x * (1 + seed % 3) + y) % 256, (y * 2 + seed * 40) % 256, (x + y * (seed % 5 + 1)) % 256],
        axis=-1,
    ).astype(np.uint8)
    image = Image.fromarray(base)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = rng.integers(0, max(1, size // 2), 2)
        width, height = rng.integers(size // 10 + 1, size // 3 + 2, 2)
        draw.ellipse(
            [x0, y0, x0 + width, y0 + height],
            fill=tuple(int(v) for v in rng.integers(0, 255, 3)),
        )
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def file_report(
    *,
    category: str = "cyberbullying",
    channel: str = Channel.WEB,
    actor: Any = None,
    enqueue_triage: bool = True,
    **fields: Any,
) -> tuple[Any, str]:
    data = ReportInput(
        category=category, description=fields.pop("description", "Bị bắt nạt"), **fields
    )
    return submit_report(
        check_report(data), channel=channel, actor=actor, enqueue_triage=enqueue_triage
    )
