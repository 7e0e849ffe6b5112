"""Hashing on the device, in a real headless Chromium (issue 18 item 4).

Pictures of several sizes and shapes (JPEG and PNG, one non-square, one small, one with an
EXIF rotation) are chosen on `/report/self-hash/`; the browser hashes them itself. The request
it sends holds only hashes and the category; its MD5 and SHA-256 equal Python's hashlib, its
PDQ is within 8 bits of the `pdqhash` library's; and an upload of the same pictures' hashes
through `/api/v1/match/hash` then matches the self-reported bank.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from copnet.accounts.services import do_create_api_key
from copnet.banks import engine
from copnet.banks.self_reported import BANK_NAME
from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER
from copnet.detection.pdq import PdqHasher
from copnet.network.models import Organisation
from copnet.reports.models import SelfHashSubmission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


def picture(seed: int, width: int, height: int) -> Image.Image:
    """Smooth colour waves, flat shapes and a little noise: a photo-like picture."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    y, x = y / height, x / width
    channels = []
    for _ in range(3):
        fx, fy = rng.uniform(1, 6, 2)
        wave = np.sin(fx * np.pi * x + rng.uniform(0, 6)) * np.cos(fy * np.pi * y)
        channels.append(128 + 80 * wave + rng.normal(0, 6, (height, width)))
    img = Image.fromarray(np.clip(np.stack(channels, axis=-1), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, width * 3 // 4)), int(rng.integers(0, height * 3 // 4))
        w = int(rng.integers(max(1, width // 10), max(2, width // 3)))
        h = int(rng.integers(max(1, height // 10), max(2, height // 3)))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x0 + w, y0 + h], colour)
    return img


def encoded(img: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def turned(img: Image.Image, fmt: str, orientation: int) -> bytes:
    """`img` with an EXIF orientation tag: browsers draw it turned, Pillow reads it as stored."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encoded(img, fmt, exif=exif.tobytes())


PICTURES = [  # (file name, bytes)
    ("photo.jpg", lambda: encoded(picture(1, 640, 480), "JPEG", quality=88)),
    ("square.png", lambda: encoded(picture(2, 300, 300), "PNG")),
    ("panorama.jpg", lambda: encoded(picture(3, 1200, 260), "JPEG", quality=80)),
    ("tall.png", lambda: encoded(picture(4, 187, 533), "PNG")),
    ("small.png", lambda: encoded(picture(5, 40, 30), "PNG")),
    ("big.jpg", lambda: encoded(picture(7, 1800, 1350), "JPEG", quality=85)),
    ("turned6.jpg", lambda: turned(picture(8, 320, 200), "JPEG", 6)),
    ("turned3.jpg", lambda: turned(picture(9, 210, 150), "JPEG", 3)),
    ("turned8.png", lambda: turned(picture(10, 150, 230), "PNG", 8)),
    ("turned5.jpg", lambda: turned(picture(11, 260, 170), "JPEG", 5)),
]


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


@pytest.mark.django_db(transaction=True)
def test_pictures_are_hashed_in_the_browser_and_only_hashes_are_sent(
    reference_data, live_server, browser_page: Any, client, tmp_path: Path
):
    engine.reset()
    files = []
    for name, make in PICTURES:
        path = tmp_path / name
        path.write_bytes(make())
        files.append(path)
    sent: list[bytes] = []
    page = browser_page
    page.on(
        "request",
        lambda r: sent.append(r.post_data_buffer or b"") if r.method == "POST" else None,
    )
    page.goto(live_server.url + "/report/self-hash/")
    assert "Ngăn ảnh" in page.locator("h1").inner_text()  # in Vietnamese
    page.locator("#self-hash-files").set_input_files([str(p) for p in files])
    page.wait_for_selector("#self-hash-form[data-hashed='10']", timeout=60000)
    page.locator("input[name=category][value=nude]").check()
    page.locator("#self-hash-send").click()
    page.wait_for_selector("#self-hash-receipt:not([hidden])")
    code = page.locator("#self-hash-code").inner_text().strip()
    secret = page.locator("#self-hash-secret").inner_text().strip()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "self_hash_receipt.png"), full_page=True)

    # One POST, of JSON with hashes only: no picture bytes in any form.
    assert len(sent) == 1
    body = sent[0]
    assert len(body) < 4096
    payload = json.loads(body)
    assert set(payload) == {"category", "images"}
    assert payload["category"] == "nude"
    for path in files:
        data = path.read_bytes()
        for chunk in (data[:64], data[-64:], data[len(data) // 2 : len(data) // 2 + 32]):
            assert chunk not in body
    assert b"base64" not in body
    assert b"data:" not in body

    hasher = PdqHasher()
    for path, got in zip(files, payload["images"], strict=True):
        data = path.read_bytes()
        assert set(got) == {"pdq", "md5", "sha256", "quality"}
        assert got["md5"] == hashlib.md5(data).hexdigest(), path.name  # noqa: S324
        assert got["sha256"] == hashlib.sha256(data).hexdigest(), path.name
        reference = hasher.hash_image(data)  # pdqhash on Pillow's decoding
        assert hamming(got["pdq"], reference.hashes[0]) <= 8, (path.name, got, reference)
        assert abs(got["quality"] - reference.quality) <= 5, path.name
        assert got["quality"] >= 50, path.name  # all of them banked by PDQ too

    submission = SelfHashSubmission.objects.get(tracking_code=code)
    assert submission.images == len(files)
    assert submission.withdrawn_at is None

    # A platform uploads the same pictures: their hashes match the self-reported bank.
    _key, raw = do_create_api_key(
        organisation=Organisation.objects.get(code="VNCERT"), name="platform", actor=None
    )
    queries = []
    for path in files:
        data = path.read_bytes()
        queries += [
            {"signal_type": "pdq", "value": hasher.hash_bytes(data)[0]},
            {"signal_type": "md5", "value": hashlib.md5(data).hexdigest()},  # noqa: S324
            {"signal_type": "sha256", "value": hashlib.sha256(data).hexdigest()},
        ]
    response = client.post(
        "/api/v1/match/hash",
        json.dumps({"hashes": queries}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert all([m["bank"] for m in r["matches"]] == [BANK_NAME] for r in results), results

    # The code and secret shown check the status and withdraw the fingerprints.
    page.goto(live_server.url + "/report/self-hash/status/")
    page.locator("#id_tracking_code").fill(code)
    page.locator("#id_secret").fill(secret)
    page.locator("button[value=withdraw]").click()
    page.wait_for_selector("#self-hash-state")
    submission.refresh_from_db()
    assert submission.withdrawn_at is not None
    engine.reset()
    again = client.post(
        "/api/v1/match/hash",
        json.dumps({"hashes": queries}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert all(r["matches"] == [] for r in again.json()["results"])
