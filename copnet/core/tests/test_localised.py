"""Bilingual fields: English when asked for and written, Vietnamese otherwise."""

from __future__ import annotations

import pytest
from django.utils import translation

from copnet.core.i18n import localised
from copnet.volunteers.models import TrainingItem


def test_english_is_shown_only_when_it_was_written():
    with translation.override("en"):
        assert localised("Xin chào", "Hello") == "Hello"
        assert localised("Xin chào", "") == "Xin chào"
    with translation.override("vi"):
        assert localised("Xin chào", "Hello") == "Xin chào"


@pytest.mark.django_db
def test_a_training_item_without_english_text_falls_back_to_vietnamese():
    item = TrainingItem(code="t", title_vi="Bảo mật", title_en="Privacy", body_vi="Đọc kỹ.")
    with translation.override("en"):
        assert item.title == "Privacy"
        assert item.body == "Đọc kỹ."  # was blank before: English users saw nothing


def test_a_bilingual_attribute_reads_its_pair_of_columns():
    from copnet.core.i18n import Bilingual

    class Page:
        title = Bilingual()
        heading = Bilingual("title")

        def __init__(self, vi: str, en: str) -> None:
            self.title_vi, self.title_en = vi, en

    page = Page("Trang chủ", "Home")
    with translation.override("en"):
        assert (page.title, page.heading) == ("Home", "Home")
    with translation.override("vi"):
        assert page.title == "Trang chủ"
    assert isinstance(Page.title, Bilingual)  # on the class: the descriptor itself
