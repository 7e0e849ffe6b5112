"""The one text cleaner (`core.text.clean_text`, `core.cleaning.clean_field`) and the one host
rule as every app applies them, against hostile input."""

from __future__ import annotations

import pytest
from django.utils import translation

from copnet.core.cleaning import clean_field
from copnet.core.errors import DomainError
from copnet.core.text import clean_text, has_control_characters
from copnet.core.urlnorm import UrlError, normalise_url


def test_text_is_nfc_with_unix_line_breaks_and_no_space_around():
    assert clean_text("  Cafe\u0301\r\nline\rtwo\t ") == "Café\nline\ntwo"


def test_invisible_and_control_characters_are_dropped_but_joiners_and_new_emoji_kept():
    family = "👨\u200d👩\u200d👧"
    assert clean_text(f"a\u202eb\u200bc\x00d\x1be {family}") == f"abcde {family}"
    assert clean_text("\ue000 \U0001fae9") == "\ue000 \U0001fae9"  # private use, newer emoji


def test_broken_unicode_never_reaches_the_database():
    assert clean_text("ab\ud800cd\udfff") == "abcd"
    assert clean_text("ab\ud800cd").encode("utf-8") == b"abcd"


def test_one_line_text_turns_line_breaks_and_tabs_into_spaces():
    assert clean_text("Nguyễn\nVăn\tA", multiline=False) == "Nguyễn Văn A"
    assert has_control_characters("a\nb", multiline=False)
    assert not has_control_characters("a\nb")
    assert has_control_characters("a\x07b")
    assert has_control_characters("a\ud800")


def test_clean_field_refuses_with_the_callers_error_class_and_a_translated_message():
    class AppError(DomainError):
        pass

    with pytest.raises(AppError) as too_long, translation.override("vi"):
        clean_field("x" * 1001, limit=1000, field="note", error=AppError)
    assert (too_long.value.code, too_long.value.field) == ("too_long", "note")
    assert "1,000" not in str(too_long.value.message)  # no English digit grouping in Vietnamese
    with pytest.raises(AppError) as required:
        clean_field("\u200b \x00", limit=10, field="name", required=True, error=AppError)
    assert required.value.code == "required"
    with pytest.raises(DomainError) as not_text:
        clean_field(12, limit=10)
    assert not_text.value.code == "invalid"
    assert clean_field(" Xin chào\u202e ", limit=10) == "Xin chào"


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("http://straße.de/a", "xn--strae-oqa.de"),
        ("https://ＥＸＡＭＰＬＥ。com/", "example.com"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("http://XN--MNCHEN-3YA.DE", "xn--mnchen-3ya.de"),
    ],
)
def test_report_addresses_use_the_one_host_rule(raw, host):
    assert normalise_url(raw).host == host


@pytest.mark.parametrize(
    "raw",
    [
        "http://xn--zz.com/",
        "http://" + "a" * 64 + ".com/",
        "http://exa\u200bmple.com/",
        "http://a..b/",
    ],
)
def test_report_addresses_with_hostile_hosts_are_refused(raw):
    with pytest.raises(UrlError):
        normalise_url(raw)


@pytest.mark.django_db
def test_reports_registry_and_feed_write_one_host_alike():
    """A report about straße.de finds the platform registered as straße.de, and the feed lists
    the same host: all three go through `copnet.detection.hosts`."""
    from copnet.feed.services import check_host
    from copnet.takedowns.services.platforms import normalise_host

    for raw in ("straße.de", "Bücher.example", "ＥＸＡＭＰＬＥ.com"):
        expected = normalise_url(f"http://{raw}/").host
        assert normalise_host(raw) == expected
        assert check_host(raw).value == expected
