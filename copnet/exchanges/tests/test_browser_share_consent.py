"""The opt-in on the self-hash page, in a real headless Chromium: unticked by default (the
request carries no `share`), ticked by the young person → `share: true`, the consent stored
and the fingerprints queued for the exchange that accepts submissions."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from copnet.core.testing import SKIP_BROWSER
from copnet.exchanges.models import HashSubmission
from copnet.reports.models import SelfHashSubmission

from .factories import make_exchange

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


def picture(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.django_db(transaction=True)
def test_only_a_ticked_box_shares_the_fingerprints_abroad(
    coordinator, live_server, browser_page: Any, tmp_path: Path
):
    exchange = make_exchange(
        coordinator, kind="stopncii", url="https://api.stopncii.example", accepts_submissions=True
    )
    sent: list[bytes] = []
    page = browser_page
    page.on(
        "request",
        lambda r: sent.append(r.post_data_buffer or b"") if r.method == "POST" else None,
    )
    for ticked, seed in ((False, 1), (True, 2)):
        page.goto(live_server.url + "/report/self-hash/")
        share = page.locator("#self-hash-share")
        assert not share.is_checked()
        page.locator("#self-hash-files").set_input_files(
            str(picture(tmp_path / f"{seed}.png", seed))
        )
        page.wait_for_selector("#self-hash-form[data-hashed='1']", timeout=60000)
        page.locator("input[name=category][value=sexual]").check()
        if ticked:
            page.locator("label[for=self-hash-share]").click()
        page.locator("#self-hash-send").click()
        page.wait_for_selector("#self-hash-receipt:not([hidden])")

    plain, shared = (json.loads(body) for body in sent)
    assert "share" not in plain
    assert shared["share"] is True
    consents = list(
        SelfHashSubmission.objects.order_by("id").values_list("share_consent_at", flat=True)
    )
    assert consents[0] is None
    assert consents[1] is not None
    (queued,) = HashSubmission.objects.all()
    assert queued.exchange == exchange
    assert queued.submission_id == SelfHashSubmission.objects.order_by("id").last().pk
