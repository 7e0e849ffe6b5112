"""Safe Browsing canonicalisation, lookup expressions and the URL list index."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path
from typing import Any

import pytest

from copnet.detection.base import Match, SignalError
from copnet.detection.urls import (
    MAX_URL_LENGTH,
    CanonicalUrl,
    UrlListIndex,
    canonicalize,
    expressions,
    full_hash,
    parse_url,
    pattern_expression,
    sha256_prefix,
)

# shared/ sits beside the clone, locally (/work/shared) and in CI.
VECTORS = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "data"
    / "safebrowsing"
    / "canonicalization.tsv"
)
_CELL_ESCAPE = re.compile(r"\\(t|r|n|x[0-9A-Fa-f]{2})")
_CONTROL = {"t": "\t", "r": "\r", "n": "\n"}


def _decode_cell(cell: str) -> str:
    """The README's escapes: \\t, \\r, \\n, and \\xNN for a raw byte, read as Latin-1."""
    return _CELL_ESCAPE.sub(lambda m: _CONTROL.get(m[1]) or chr(int(m[1][1:], 16)), cell)


def _read_vectors() -> list[tuple[str, str]]:
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    return [(cell, expected) for cell, expected in (line.split("\t") for line in lines[1:])]


def _published_examples() -> list[object]:
    if not VECTORS.is_file():
        return [pytest.param("", "", marks=pytest.mark.skip(reason=f"{VECTORS} is missing"))]
    return [
        pytest.param(_decode_cell(cell), expected, id=cell) for cell, expected in _read_vectors()
    ]


# --- canonicalize ----------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), _published_examples())
def test_published_example_is_canonicalised_as_documented(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_all_published_examples_are_read() -> None:
    if not VECTORS.is_file():
        pytest.skip(f"{VECTORS} is missing")
    vectors = _read_vectors()
    assert len(vectors) == 33
    assert ("http://\\x01\\x80.com/", "http://%01%80.com/") in vectors


def test_raw_bytes_as_surrogate_escapes_canonicalise_like_the_published_example() -> None:
    url = b"http://\x01\x80.com/".decode("utf-8", "surrogateescape")

    assert canonicalize(url) == "http://%01%80.com/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://0x7f.1/", "http://127.0.0.1/", id="hex-short"),
        pytest.param("http://0X7F000001/x", "http://127.0.0.1/x", id="hex-one-part"),
        pytest.param("http://3279880203/", "http://195.127.0.11/", id="decimal-one-part"),
        pytest.param("http://0300.0250.0.1/", "http://192.168.0.1/", id="octal"),
        pytest.param("http://127.1/", "http://127.0.0.1/", id="two-parts"),
        pytest.param("http://10.1.258/", "http://10.1.1.2/", id="three-parts"),
        pytest.param("http://0x/", "http://0.0.0.0/", id="bare-0x"),
        pytest.param("http://1.2.3.400/", "http://1.2.3.400/", id="part-too-big-is-a-name"),
        pytest.param("http://4294967296/", "http://4294967296/", id="over-32-bits-is-a-name"),
        pytest.param("http://08.1.2.3/", "http://08.1.2.3/", id="bad-octal-is-a-name"),
        pytest.param("http://1.2.3.4.5/", "http://1.2.3.4.5/", id="five-parts-is-a-name"),
        pytest.param("http://[::1]/", "http://[::1]/", id="ipv6"),
        pytest.param("http://[0:0:0:0:0:0:0:1]:8080/x", "http://[::1]/x", id="ipv6-long-port"),
    ],
)
def test_ip_hosts_are_written_as_dotted_decimals(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "bücher.de",
        "http://BÜCHER.de/",
        "http://xn--bcher-kva.de/",
        "HTTP://XN--BCHER-KVA.DE.",
        "http://b%C3%BCcher.de",
    ],
)
def test_idn_hosts_in_unicode_or_punycode_canonicalise_alike(url: str) -> None:
    assert canonicalize(url) == "http://xn--bcher-kva.de/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://example.com:8080/", "http://example.com/", id="port"),
        pytest.param("https://example.com:443", "https://example.com/", id="default-port"),
        pytest.param("example.com:8080/x", "http://example.com/x", id="port-without-scheme"),
        pytest.param("localhost:8000", "http://localhost/", id="localhost-port"),
        pytest.param("http://example.com./", "http://example.com/", id="trailing-dot"),
        pytest.param("http://..example..com../", "http://example.com/", id="dots"),
        pytest.param("HTTPS://Example.COM", "https://example.com/", id="case"),
        pytest.param("http://example.com/%7e%7E", "http://example.com/~~", id="escape-case"),
        pytest.param("http://example.com/%c3%a9", "http://example.com/%C3%A9", id="utf8-escape"),
        pytest.param("http://example.com/café", "http://example.com/caf%C3%A9", id="utf8-path"),
        pytest.param("http://example.com/?q=tức", "http://example.com/?q=t%E1%BB%A9c", id="utf8-q"),
        pytest.param("http://h/../../a", "http://h/a", id="dotdot-beyond-root"),
        pytest.param("http://h/a/./b/../c", "http://h/a/c", id="dot-segments"),
        pytest.param("http://h/a/b/..", "http://h/a/", id="dotdot-at-end"),
        pytest.param("http://h/a/.", "http://h/a/", id="dot-at-end"),
        pytest.param("http://h/%2E%2E/%2e/x", "http://h/x", id="escaped-dots"),
        pytest.param("http://h/a...b/..c", "http://h/a...b/..c", id="dots-in-names"),
        pytest.param("http://h//a///b//", "http://h/a/b/", id="repeated-slashes"),
        pytest.param("http://h/a%2F%2Fb", "http://h/a/b", id="escaped-slashes"),
        pytest.param("http://h/p?a%23b", "http://h/p?a%23b", id="escaped-hash-in-query"),
        pytest.param("http://h/p?a#b", "http://h/p?a", id="fragment-after-query"),
        pytest.param("http://h/p?/../x//y", "http://h/p?/../x//y", id="query-untouched"),
        pytest.param("http://h/p?a b", "http://h/p?a%20b", id="space-in-query"),
        pytest.param("http://h/#", "http://h/", id="empty-fragment"),
        pytest.param("http://h#frag", "http://h/", id="fragment-without-path"),
        pytest.param("http://user:pw@example.com/", "http://example.com/", id="user-info"),
        pytest.param("http://good.com@evil.com/", "http://evil.com/", id="at-sign"),
        pytest.param("http://evil.com\\@good.com/", "http://evil.com/@good.com/", id="backslash"),
        pytest.param("http:example.com", "http://example.com/", id="no-slashes"),
        pytest.param("//example.com/x", "http://example.com/x", id="scheme-relative"),
        pytest.param("http://h/%00", "http://h/%00", id="escaped-nul"),
        pytest.param("\u00a0http://h/\u3000", "http://h/", id="unicode-spaces"),
    ],
)
def test_edge_case_is_canonicalised(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_deeply_nested_escapes_are_undone_completely() -> None:
    url = "http://h/%" + "25" * 3000 + "41"

    assert canonicalize(url) == "http://h/A"


def test_parse_url_returns_escaped_parts() -> None:
    parsed = parse_url("http://Bücher.de:81/a b/?x#y")

    assert (parsed.scheme, parsed.host, parsed.path, parsed.query, parsed.host_is_ip) == (
        "http",
        "xn--bcher-kva.de",
        "/a%20b/",
        "x",
        False,
    )
    assert parsed.expression == "xn--bcher-kva.de/a%20b/?x"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        pytest.param("http://example.com/a\x00b", "nul", id="nul"),
        pytest.param("http://example.com/" + "a" * 100_000, "too_long", id="100k-characters"),
        pytest.param("http://e.com/" + "a b" * 2000, "too_long", id="too-long-once-escaped"),
        pytest.param("javascript:alert(1)", "scheme", id="javascript"),
        pytest.param("JavaScript:1", "scheme", id="javascript-number"),
        pytest.param("data:text/html,<b>x</b>", "scheme", id="data"),
        pytest.param("file:///etc/passwd", "scheme", id="file"),
        pytest.param("ftp://example.com/", "scheme", id="ftp"),
        pytest.param("", "empty", id="empty"),
        pytest.param(" \t\r\n ", "empty", id="whitespace"),
        pytest.param(None, "type", id="none"),
        pytest.param(b"http://example.com/", "type", id="bytes"),
        pytest.param(42, "type", id="int"),
        pytest.param("http://example.com/\ud800", "encoding", id="lone-surrogate"),
        pytest.param("http://", "host", id="no-host"),
        pytest.param("http:///?q", "host", id="no-host-with-query"),
        pytest.param("http://.../", "host", id="only-dots"),
        pytest.param("http://[zz]/", "host", id="bad-ipv6"),
        pytest.param("http://[::1/", "host", id="unclosed-ipv6"),
        pytest.param("http://[fe80::1%25eth0]/", "host", id="ipv6-zone"),
    ],
)
def test_bad_input_raises_signal_error_with_its_code(url: object, code: str) -> None:
    with pytest.raises(SignalError) as caught:
        canonicalize(url)  # type: ignore[arg-type]

    assert caught.value.code == code


def test_a_url_of_exactly_the_maximum_length_is_accepted() -> None:
    url = "http://e.com/" + "a" * (MAX_URL_LENGTH - len("http://e.com/"))

    assert canonicalize(url) == url
    with pytest.raises(SignalError, match="8192"):
        canonicalize(url + "a")


# --- expressions and hashes ------------------------------------------------------------------


def test_expressions_of_the_documented_example() -> None:
    assert expressions("http://a.b.c/1/2.html?param=1") == [
        "a.b.c/1/2.html?param=1",
        "a.b.c/1/2.html",
        "a.b.c/",
        "a.b.c/1/",
        "b.c/1/2.html?param=1",
        "b.c/1/2.html",
        "b.c/",
        "b.c/1/",
    ]


def test_host_suffixes_of_the_documented_example() -> None:
    hosts = [expression.removesuffix("/") for expression in expressions("http://a.b.c.d.e.f.g/")]

    assert hosts == ["a.b.c.d.e.f.g", "c.d.e.f.g", "d.e.f.g", "e.f.g", "f.g"]


def test_a_deep_url_has_thirty_expressions_at_most() -> None:
    found = expressions("http://a.b.c.d.e.f.g/1/2/3/4/5.html?x=1")

    assert len(found) == 30
    assert found[:6] == [
        "a.b.c.d.e.f.g/1/2/3/4/5.html?x=1",
        "a.b.c.d.e.f.g/1/2/3/4/5.html",
        "a.b.c.d.e.f.g/",
        "a.b.c.d.e.f.g/1/",
        "a.b.c.d.e.f.g/1/2/",
        "a.b.c.d.e.f.g/1/2/3/",
    ]
    assert found[-1] == "f.g/1/2/3/"


def test_ip_hosts_have_no_suffixes() -> None:
    assert expressions("http://0x01020304/1/") == ["1.2.3.4/1/", "1.2.3.4/"]


def test_an_empty_query_is_its_own_expression() -> None:
    assert expressions("http://a.b/q?") == ["a.b/q?", "a.b/q", "a.b/"]


def test_expressions_have_no_scheme_port_or_fragment() -> None:
    assert expressions("HTTPS://A.B:8443/x#top") == ["a.b/x", "a.b/"]


def test_full_hash_is_sha256_of_the_expression() -> None:
    # FIPS 180-2 test vector for "abc"
    digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    assert full_hash("abc") == bytes.fromhex(digest)
    assert sha256_prefix("abc") == bytes.fromhex(digest[:8])
    assert sha256_prefix("abc", 32) == bytes.fromhex(digest)
    assert sha256_prefix("a.b.c/") == hashlib.sha256(b"a.b.c/").digest()[:4]


@pytest.mark.parametrize("n", [0, 3, 33])
def test_hash_prefixes_outside_4_to_32_bytes_are_refused(n: int) -> None:
    with pytest.raises(ValueError, match="4 to 32"):
        sha256_prefix("a.b.c/", n)


# --- patterns --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "key"),
    [
        ("example.com", "example.com/"),
        ("https://WWW.Example.com:8443/", "www.example.com/"),
        ("example.com/bad/", "example.com/bad/"),
        ("example.com/a/b/c/", "example.com/a/b/c/"),
        ("example.com/bad/page.html?x=1#f", "example.com/bad/page.html?x=1"),
        ("a.b.c.d.e.f/page", "a.b.c.d.e.f/page"),
        ("3279880203", "195.127.0.11/"),
        ("[::1]/x/", "[::1]/x/"),
    ],
)
def test_pattern_is_stored_under_its_canonical_expression(pattern: str, key: str) -> None:
    assert pattern_expression(pattern) == key


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        ("com", "too_broad"),
        ("localhost/admin/", "too_broad"),
        ("a.b.c.d.e.f", "too_deep"),
        ("example.com/a/b/c/d/", "too_deep"),
        ("javascript:alert(1)", "scheme"),
    ],
)
def test_pattern_that_cannot_be_matched_as_meant_is_refused(pattern: str, code: str) -> None:
    with pytest.raises(SignalError) as caught:
        pattern_expression(pattern)

    assert caught.value.code == code


# --- UrlListIndex ----------------------------------------------------------------------------


def _entries(index: UrlListIndex[Any], url: str) -> list[Any]:
    return [match.entry for match in index.query(url)]


def test_host_entry_matches_the_host_its_subdomains_and_deep_paths() -> None:
    index = UrlListIndex([("example.com", "e1")])

    assert index.query("http://example.com") == [Match("e1", 0, "example.com/")]
    assert _entries(index, "https://a.b.EXAMPLE.com:8443/1/2/3/4/5/6.html?q=1#x") == ["e1"]
    assert _entries(index, "http://x.y.z.w.example.com/") == ["e1"]


@pytest.mark.parametrize(
    "url",
    [
        "http://notexample.com/",
        "http://example.com.evil.net/",
        "http://example.co/",
        "http://com/",
        "http://evil.net/example.com/",
        "http://evil.net/?u=http://example.com/",
    ],
)
def test_host_entry_does_not_match_lookalike_hosts(url: str) -> None:
    index = UrlListIndex([("example.com", "e1")])

    assert index.query(url) == []


def test_prefix_entry_matches_urls_under_its_path_on_the_host_and_subdomains() -> None:
    index = UrlListIndex([("example.com/bad/", "p")])

    for url in [
        "http://example.com/bad/",
        "http://example.com/bad/x.html",
        "https://sub.example.com/bad/a/b/c.php?id=1",
        "http://example.com//bad//./x",
    ]:
        assert index.query(url) == [Match("p", 0, "example.com/bad/")], url
    for url in [
        "http://example.com/bad",
        "http://example.com/badly/",
        "http://example.com/good/bad/",
        "http://example.com/",
        "http://other.com/bad/",
    ]:
        assert index.query(url) == [], url


def test_exact_entry_matches_only_that_url() -> None:
    index = UrlListIndex([("example.com/bad/page.html?x=1", "x"), ("example.com/page", "y")])

    assert index.query("https://EXAMPLE.com:8443/bad/./page.html?x=1#frag") == [
        Match("x", 0, "example.com/bad/page.html?x=1")
    ]
    assert _entries(index, "http://example.com/page") == ["y"]
    for url in [
        "http://example.com/bad/page.html?x=2",
        "http://example.com/bad/page.html",
        "http://example.com/bad/page.html?x=1&y=2",
        "http://sub.example.com/bad/page.html?x=1",
        "http://example.com/page?x=1",
        "http://example.com/page/",
        "http://example.com/",
    ]:
        assert index.query(url) == [], url


def test_idn_entries_match_unicode_and_punycode_urls() -> None:
    index = UrlListIndex([("bücher.de", "unicode"), ("xn--caf-dma.vn/menu/", "punycode")])

    assert _entries(index, "http://xn--bcher-kva.de/x") == ["unicode"]
    assert _entries(index, "http://shop.BÜCHER.de/") == ["unicode"]
    assert _entries(index, "http://café.vn/menu/today") == ["punycode"]


def test_ip_entry_matches_every_spelling_of_the_address() -> None:
    index = UrlListIndex([("195.127.0.11", "ip"), ("[::1]/admin/", "v6")])

    assert _entries(index, "http://3279880203/blah") == ["ip"]
    assert _entries(index, "http://0xc3.0x7f.0.11/") == ["ip"]
    assert _entries(index, "http://[0::1]:8080/admin/x") == ["v6"]
    assert index.query("http://11.0.127.195/") == []


def test_matches_are_deduplicated_and_most_specific_first() -> None:
    index = UrlListIndex(
        [
            ("example.com", "host"),
            ("example.com/bad/", "prefix"),
            ("sub.example.com", "sub"),
            ("example.com/bad/", "both"),
            ("example.com", "both"),
            ("sub.example.com/bad/page.html", "exact"),
        ]
    )

    assert index.query("http://sub.example.com/bad/page.html") == [
        Match("exact", 0, "sub.example.com/bad/page.html"),
        Match("sub", 0, "sub.example.com/"),
        Match("prefix", 0, "example.com/bad/"),
        Match("both", 0, "example.com/bad/"),
        Match("host", 0, "example.com/"),
    ]


def test_len_counts_distinct_pattern_entry_pairs() -> None:
    index = UrlListIndex([("example.com", 1), ("https://example.com/", 1), ("example.com", 2)])
    index.add([("example.com/bad/", 1)])

    assert len(index) == 3


def test_remove_drops_every_pattern_of_the_entries_only() -> None:
    index = UrlListIndex(
        [("example.com", 1), ("example.com/bad/", 1), ("example.com", 2), ("evil.net", 3)]
    )

    index.remove([1, 99])

    assert len(index) == 2
    assert _entries(index, "http://example.com/bad/x") == [2]
    assert _entries(index, "http://evil.net/") == [3]
    index.remove([2, 3])
    assert len(index) == 0
    assert index.query("http://example.com/bad/x") == []


def test_add_with_a_bad_pattern_adds_nothing() -> None:
    index = UrlListIndex([("keep.com", "k")])

    with pytest.raises(SignalError) as caught:
        index.add([("example.com", "a"), ("javascript:alert(1)", "b")])

    assert caught.value.code == "scheme"
    assert len(index) == 1
    assert index.query("http://example.com/") == []


def test_add_with_an_unhashable_entry_adds_nothing() -> None:
    index: UrlListIndex[object] = UrlListIndex()

    with pytest.raises(TypeError):
        index.add([("example.com", "a"), ("evil.net", ["not", "hashable"])])

    assert len(index) == 0
    assert index.query("http://example.com/") == []


def test_query_many_answers_in_order() -> None:
    index = UrlListIndex([("example.com", "e")])

    assert index.query_many(["http://example.com/", "http://other.com/"]) == [
        [Match("e", 0, "example.com/")],
        [],
    ]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("javascript:alert(1)", "scheme"),
        ("http://example.com/\x00", "nul"),
        ("http://example.com/" + "a" * 100_000, "too_long"),
        ("", "empty"),
    ],
)
def test_query_refuses_bad_urls(url: str, code: str) -> None:
    index = UrlListIndex([("example.com", "e")])

    with pytest.raises(SignalError) as caught:
        index.query(url)

    assert caught.value.code == code


# --- brute force -----------------------------------------------------------------------------

_LABELS = ["a", "b", "www", "shop", "example", "evil"]
_TLDS = ["com", "vn", "com.vn", "de"]
_SEGMENTS = ["x", "y", "z.html", "."]


def _random_host(rng: random.Random, max_extra: int) -> str:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(["10.0.0.1", "0x0a.0.0.1", "10.1", "[::1]"])
    if roll < 0.1:
        return rng.choice(["bücher.de", "xn--bcher-kva.de", "shop.BÜCHER.de"])
    extra = [rng.choice(_LABELS) for _ in range(rng.randint(0, max_extra))]
    return ".".join([*extra, rng.choice(["example", "evil"]), rng.choice(_TLDS)])


def _random_path(rng: random.Random, directory: bool) -> str:
    segments = [rng.choice(_SEGMENTS[:2]) for _ in range(rng.randint(0, 4))]
    if directory:
        return "/" + "".join(segment + "/" for segment in segments)
    return "/" + "/".join([*segments, rng.choice(_SEGMENTS)])


def _random_pattern(rng: random.Random) -> str:
    """A pattern that the index accepts (drawn again while it would be refused)."""
    while True:
        host = _random_host(rng, max_extra=2)
        kind = rng.random()
        if kind < 0.35:
            pattern = host
        elif kind < 0.7:
            pattern = host + "/" + "".join(rng.choice("xy") + "/" for _ in range(rng.randint(1, 3)))
        else:
            pattern = host + _random_path(rng, directory=False) + rng.choice(["", "?", "?q=1"])
        try:
            pattern_expression(pattern)
        except SignalError:
            continue
        return pattern


def _random_url(rng: random.Random, patterns: list[str]) -> str:
    if rng.random() < 0.5:
        base = rng.choice(patterns)
        if not base.startswith("[") and rng.random() < 0.5:
            base = rng.choice(_LABELS) + "." + base
        if base.endswith("/") and rng.random() < 0.5:
            base += _random_path(rng, directory=rng.random() < 0.5).lstrip("/")
    else:
        base = _random_host(rng, max_extra=5) + _random_path(rng, directory=rng.random() < 0.3)
        base += rng.choice(["", "", "?q=1", "?"])
    scheme = rng.choice(["http://", "https://", "HTTP://", ""])
    return scheme + base + rng.choice(["", "#frag", "#a?b"])


def _brute_force(patterns: list[tuple[CanonicalUrl, int]], url: str) -> set[int]:
    """The documented semantics, pattern by pattern, without expressions."""
    target = parse_url(url)
    hits = set()
    for listed, entry in patterns:
        same_host = target.host == listed.host
        under_host = same_host or (
            not target.host_is_ip and target.host.endswith("." + listed.host)
        )
        if listed.query is None and listed.path.endswith("/"):
            if under_host and target.path.startswith(listed.path):
                hits.add(entry)
        elif same_host and (target.path, target.query) == (listed.path, listed.query):
            hits.add(entry)
    return hits


def test_index_results_equal_brute_force_on_a_generated_list() -> None:
    rng = random.Random(20250611)
    patterns = [_random_pattern(rng) for _ in range(2000)]
    items = [(pattern, number % 1500) for number, pattern in enumerate(patterns)]
    urls = [_random_url(rng, patterns) for _ in range(2000)]
    index = UrlListIndex(items)
    parsed = [(parse_url(pattern), entry) for pattern, entry in items]

    matched = 0
    for url in urls:
        found = [match.entry for match in index.query(url)]
        assert len(found) == len(set(found)), url
        assert set(found) == _brute_force(parsed, url), url
        matched += bool(found)

    assert matched > 800  # the generator must exercise matches, not only misses
