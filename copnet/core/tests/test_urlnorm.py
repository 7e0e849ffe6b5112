from __future__ import annotations

import pytest

from copnet.core.urlnorm import UrlError, normalise_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM:80/a?b=1#frag", "http://example.com/a?b=1"),
        ("facebook.com/groups/x", "http://facebook.com/groups/x"),
        ("https://Bücher.de/x", "https://xn--bcher-kva.de/x"),
        ("  https://vn.com.  ", "https://vn.com/"),
        ("example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com:443", "https://example.com/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_equivalent_spellings_normalise_to_one_address(raw, expected):
    assert normalise_url(raw).url == expected


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>",
        "file:///etc/passwd",
        "mailto:a@b.c",
        "http://a.com/\x00",
        "http://x.com:99999/",
        "",
        "   ",
        "http://",
        "https://" + "a" * 3000 + ".com",
        "https://" + ".".join(["a" * 60] * 6) + "/",  # a host longer than DNS allows
    ],
)
def test_unsafe_or_broken_addresses_are_refused(raw):
    with pytest.raises(UrlError):
        normalise_url(raw)


def test_the_match_text_is_the_same_for_equal_addresses_and_differs_otherwise():
    def text(raw: str) -> str:
        return normalise_url(raw).match_text

    assert text("Example.com/a") == text("http://example.com/a#x")
    assert text("https://example.com/a") == text("example.com/a")
    assert text("example.com/a") != text("example.com/b")
