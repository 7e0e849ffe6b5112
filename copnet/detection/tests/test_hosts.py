"""The one host rule (IDNA 2008 + UTS 46) against hostile input."""

from __future__ import annotations

import pytest

from copnet.detection.hosts import HostError, host_to_ascii, host_to_unicode
from copnet.detection.urls import parse_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("straße.de", "xn--strae-oqa.de"),  # IDNA 2003 made this strasse.de, another site
        ("faß.de", "xn--fa-hia.de"),
        ("XN--STRAE-OQA.DE", "xn--strae-oqa.de"),
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("München.DE", "xn--mnchen-3ya.de"),
        ("ＥＸＡＭＰＬＥ。ｃｏｍ", "example.com"),  # full-width letters and dot
        ("example.com.", "example.com"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("bücher.xn--p1ai", "xn--bcher-kva.xn--p1ai"),
        ("r3---sn-ab5l6n7s.googlevideo.com", "r3---sn-ab5l6n7s.googlevideo.com"),
        ("my_site.example", "my_site.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ],
)
def test_hosts_are_written_in_ascii_as_browsers_write_them(raw, expected):
    assert host_to_ascii(raw) == expected


def test_a_mixed_script_look_alike_never_becomes_the_real_host():
    cyrillic_a = "p\u0430ypal.com"  # Cyrillic а in a Latin name
    assert host_to_ascii(cyrillic_a) == "xn--pypal-4ve.com"
    assert host_to_ascii(cyrillic_a) != host_to_ascii("paypal.com")
    assert host_to_unicode("xn--pypal-4ve.com") == cyrillic_a  # shown as it is to a person


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\ud800.com", "bad_idn"),  # a lone surrogate: broken Unicode
        ("exa\udcffmple.com", "bad_idn"),
        ("ex\u202eample.com", "format_character"),  # right-to-left override
        ("exa\u200bmple.com", "format_character"),  # zero-width space, which UTS 46 would drop
        ("exa\u00admple.com", "format_character"),  # soft hyphen
        ("\u200dexample.com", "bad_idn"),  # a joiner where IDNA's context rule refuses it
        ("xn--zz.com", "bad_punycode"),
        ("xn--.com", "bad_punycode"),
        ("xn--STRAE-OQA-.de", "bad_punycode"),
        ("a" * 64 + ".com", "label_too_long"),
        ("übung" * 12 + ".com", "label_too_long"),  # short in Unicode, too long in punycode
        (".".join(["a" * 60] * 5), "too_long"),
        ("a..b.com", "empty_label"),
        ("ex ample.com", "forbidden_character"),
        ("example.com:80", "forbidden_character"),
        ("user@example.com", "forbidden_character"),
        ("exam\x00ple.com", "forbidden_character"),
        ("-аbc.com", "bad_idn"),  # IDNA 2008: no hyphen at the start of an IDN label
    ],
)
def test_hostile_hosts_are_refused_with_a_code(raw, code):
    with pytest.raises(HostError) as caught:
        host_to_ascii(raw)
    assert caught.value.code == code


def test_strict_mode_allows_letters_digits_and_hyphens_only():
    assert host_to_ascii("Straße.de", strict=True) == "xn--strae-oqa.de"
    with pytest.raises(HostError) as caught:
        host_to_ascii("my_site.example", strict=True)
    assert caught.value.code == "not_ldh"


def test_not_text_is_refused():
    with pytest.raises(HostError):
        host_to_ascii(b"example.com")


def test_the_url_canonicaliser_writes_hosts_by_the_same_rule():
    for raw in ("straße.de", "ＥＸＡＭＰＬＥ.com", "пример.рф"):
        assert parse_url(f"http://{raw}/").host == host_to_ascii(raw)


def test_unicode_display_keeps_what_does_not_decode():
    assert host_to_unicode("xn--strae-oqa.de") == "straße.de"
    assert host_to_unicode("xn--zz.example") == "xn--zz.example"
