"""A child on a phone reports sextortion: the advice shows before and after sending, a form error
keeps the picture, the codes are copied and saved as a picture, and quick exit leaves the site
and makes the device forget the report."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER
from copnet.reports import receipt
from copnet.reports.models import PendingUpload, Report
from copnet.reports.tests.factories import make_image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]

NEUTRAL = "https://www.google.com/"
SECRET_SHAPE = re.compile(r"^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$")


def neutral_site(route: Any) -> None:
    route.fulfill(status=200, content_type="text/html", body="<title>Search</title><p>neutral")


@pytest.mark.django_db(transaction=True)
def test_a_child_reports_sextortion_keeps_the_codes_and_leaves_quickly(
    reference_data, evidence_dir, tmp_path, live_server, browser_page: Any, settings
):
    settings.SITE_URL = live_server.url
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.context.route("https://www.google.com/**", neutral_site)
    picture = tmp_path / "threat.png"
    picture.write_bytes(make_image(21))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Before sending: the advice for the harm chosen, and the warning about sexual images.
    page.goto(live_server.url + "/report/")
    advice = page.locator("[data-advice-for=sextortion]")
    assert advice.is_hidden()
    page.locator("input[name=category][value=sextortion]").check()
    assert advice.is_visible()
    assert "Đừng trả tiền" in advice.inner_text()
    assert page.locator("[data-advice-for=cyberbullying]").is_hidden()
    warning = page.locator("#no-sexual-images")
    assert warning.is_visible()
    assert warning.locator("a").get_attribute("href") == "/report/self-hash/"
    lesson = advice.locator("a.advice-lesson")
    assert "/learn/course/starter-12-15/lesson/" in (lesson.get_attribute("href") or "")

    # A form error (contact asked for, none given) keeps the picture, server-side.
    page.locator("#id_description").fill("Có người dọa đăng ảnh của em nếu em không gửi tiền.")
    page.locator("#id_images").set_input_files(str(picture))
    page.locator("#id_wants_contact").check()
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_selector("#kept-uploads")
    assert page.locator("#kept-uploads input[name=keep_upload]").count() == 1
    assert page.locator("#id_images").evaluate("el => el.files.length") == 0
    assert page.locator("[data-advice-for=sextortion]").is_visible()
    assert PendingUpload.objects.count() == 1
    page.screenshot(path=str(SCREENSHOTS / "child_form_error_keeps_picture.png"), full_page=True)
    page.locator("#id_wants_contact").uncheck()
    page.locator("form.report-form button[type=submit]").click()

    # After sending: the codes, the advice again, and ways to keep the codes.
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert SECRET_SHAPE.match(secret)
    report = Report.objects.get(tracking_code=code)
    assert report.category.code == "sextortion"
    assert report.evidence.filter(kind="image").count() == 1  # the picture arrived
    assert PendingUpload.objects.count() == 0
    assert "Đừng gửi thêm" in page.locator("[data-advice=sextortion]").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "child_thanks_phone.png"), full_page=True)

    page.locator("#copy-codes").click()
    page.locator("#copy-result:not(:empty)").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert code in copied
    assert secret in copied

    with page.expect_download() as download_info:
        page.locator("#save-picture").click()
    saved = download_info.value.path().read_bytes()
    with Image.open(io.BytesIO(saved)) as image:
        assert image.format == "PNG"
        assert image.width >= 600

    shown_qr = page.locator("#qr-code svg").evaluate("el => el.outerHTML")
    status_address = receipt.status_url(code)
    assert secret not in status_address
    assert shown_qr.count("<path") == receipt.qr_svg(status_address).count("<path")

    # The QR code with the secret opens the status page filled in; the fragment is dropped.
    page.goto(receipt.status_url(code, secret))
    assert page.locator("#id_tracking_code").input_value() == code
    assert page.locator("#id_secret").input_value() == secret
    assert "#" not in page.url
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("#public-status")
    assert page.locator("[data-advice=sextortion]").is_visible()
    assert code in page.locator("#come-back").inner_text()

    # Quick exit: a neutral site replaces the page, and this device forgets the report.
    page.evaluate("sessionStorage.setItem('x', '1')")
    page.locator("#quick-exit").click()
    page.wait_for_url(NEUTRAL)
    page.goto(live_server.url + "/report/status/report/")
    assert page.url.endswith("/report/status/")  # sent back to the code form
    assert page.evaluate("sessionStorage.getItem('x')") is None

    # Esc twice does the same from any public page.
    page.goto(live_server.url + "/learn/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
