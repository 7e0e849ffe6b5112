"""The one rule for invisible formatting characters (core.text) and its display filter."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from copnet.core.text import has_format_controls, show_format_controls, strip_format_controls

RLO = "\u202e"
SPOOF = f"invoice{RLO}gnp.exe"  # shows as "invoiceexe.png"


@pytest.mark.parametrize(
    "char",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
     "\u200e", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff", "\u00ad", "\U000e0041"],
)  # fmt: skip
def test_every_bidi_control_and_invisible_format_character_is_removed(char):
    assert strip_format_controls(f"a{char}b") == "ab"
    assert has_format_controls(f"example{char}.com")


def test_vietnamese_text_and_emoji_sequences_are_kept():
    family = "👨\u200d👩\u200d👧"  # zero-width joiners inside one emoji
    text = f"Nguyễn Thị Hồng Nhung bị đe doạ 😢 {family}"
    assert strip_format_controls(text) == text


def test_an_address_may_not_carry_even_a_joiner():
    assert has_format_controls("exa\u200dmple.com")
    assert not has_format_controls("https://bé-ngoan.vn/ảnh")


def test_legacy_text_shows_each_control_as_a_visible_code():
    assert show_format_controls(SPOOF) == "invoice[U+202E]gnp.exe"
    assert show_format_controls("plain") == "plain"


def test_the_template_filter_is_available_everywhere_and_still_escapes():
    html = Template("{{ value|show_controls }}").render(Context({"value": f"<b>{SPOOF}</b>"}))
    assert html == "&lt;b&gt;invoice[U+202E]gnp.exe&lt;/b&gt;"
    assert RLO not in html
    assert Template("{{ value|show_controls }}").render(Context({"value": None})) == ""
