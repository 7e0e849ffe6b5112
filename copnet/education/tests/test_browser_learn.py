"""A child on a phone reads a starter course's lessons and passes its quiz in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from copnet.core.testing import SCREENSHOTS, SKIP_BROWSER
from copnet.education.models import Choice, Completion, Course

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(SKIP_BROWSER, reason="no Chromium on this machine (apt install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_a_child_completes_a_lesson_and_a_quiz_on_a_phone(
    reference_data, live_server, browser_page: Any
):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})  # a small, cheap phone
    course = Course.objects.get(code="starter-6-8")
    correct = set(
        Choice.objects.filter(question__quiz__course=course, is_correct=True).values_list(
            "pk", flat=True
        )
    )

    page.goto(live_server.url + "/learn/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "learn_home_phone.png"), full_page=True)
    # Nothing overflows sideways on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Siêu anh hùng an toàn trên mạng").click()
    page.locator(".lesson-list a").first.click()
    assert "Những bí mật của em" in page.locator("h1").inner_text()
    page.locator("#lesson-done").click()  # lesson 1 → lesson 2
    page.wait_for_selector("text=Thấy lạ? Dừng lại và kể với người lớn")
    page.locator("#lesson-done").click()  # lesson 2 → quiz
    page.wait_for_selector("form.quiz-form")

    for radio in page.locator("form.quiz-form input[type=radio]").all():
        if int(radio.get_attribute("value")) in correct:
            radio.check()
    page.screenshot(path=str(SCREENSHOTS / "learn_quiz_phone.png"), full_page=True)
    page.locator("#check-answers").click()
    page.wait_for_selector("#score")
    assert page.locator("#score").inner_text().strip() == "4 / 4"
    assert page.locator("#passed").is_visible()
    assert page.locator("#course-completed").is_visible()
    assert page.locator("#skill-results li").count() == 3
    page.screenshot(path=str(SCREENSHOTS / "learn_result_phone.png"), full_page=True)
    assert (SCREENSHOTS / "learn_result_phone.png").stat().st_size > 0
    completion = Completion.objects.get(course=course)
    assert (completion.learner, completion.user) == (None, None)
