"""Safe Browsing URL canonicalisation, lookup expressions and URL lists.

`canonicalize` follows Google Safe Browsing v4 "URLs and hashing": every published example
passes. Where that text assumes a URL already parsed by a browser (RFC 2396), we behave like one:
user info is dropped, backslashes before the query count as slashes, extra slashes after the
scheme are ignored, and the port is always dropped (as in the published example
``http://www.gotaport.com:1234/``).

`expressions` lists the host-suffix/path-prefix strings that Safe Browsing looks up for a URL, and
`UrlListIndex` matches URLs against host, prefix and exact-URL entries with at most 21 dictionary
lookups per URL, whatever the size of the list.

Text is UTF-8: non-ASCII characters in the path and query are escaped as their UTF-8 bytes, as
browsers send them. Raw bytes that are not UTF-8 may be passed as surrogate escapes (PEP 383,
``bytes.decode("utf-8", "surrogateescape")``). This module is the matcher for URL lists; joining
reports on "the same address" uses the simpler `copnet.core.urlnorm`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from copnet.detection.base import Index, Match, SignalError
from copnet.detection.hosts import HostError, host_to_ascii

K = TypeVar("K", bound=Hashable)

MAX_URL_LENGTH = 8192
"""Longest accepted input, and longest canonical URL, in characters."""

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_SUFFIX_LABELS = 5  # Safe Browsing looks up host suffixes of at most five labels ...
MAX_PREFIX_DIRECTORIES = 3  # ... and path prefixes of at most three directories below "/"

_CONTROL_LF = str.maketrans("", "", "\t\r\n")
# Stripped from both ends: C0 controls, space and Unicode white space (none lies above U+3000).
_EDGE_SPACE = "".join(c for c in map(chr, range(0x3001)) if c <= " " or c.isspace())
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_PORT_THEN_PATH = re.compile(r"[0-9]*(?:[/\\?]|$)")
_AUTHORITY_END = re.compile(r"[/\\?]")
_PERCENT_ESCAPE = re.compile(rb"%[0-9A-Fa-f]{2}")
_NEEDS_ESCAPE = re.compile(rb"[\x00-\x20\x7f-\xff#%]")
_SLASHES = re.compile(rb"//+")
_IPV4_HEX = re.compile(rb"0x([0-9a-f]*)")
_IPV4_OCTAL = re.compile(rb"0([0-7]+)")
_IPV4_DECIMAL = re.compile(rb"0|[1-9][0-9]*")
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True, slots=True)
class CanonicalUrl:
    """The parts of a canonical URL, each already escaped. `query` is None without a "?"."""

    scheme: str
    host: str
    path: str
    query: str | None
    host_is_ip: bool

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.expression}"

    @property
    def expression(self) -> str:
        """Host, path and query without the scheme: the most specific lookup expression."""
        if self.query is None:
            return self.host + self.path
        return f"{self.host}{self.path}?{self.query}"


def parse_url(url: str) -> CanonicalUrl:
    """Canonicalise `url` into its parts, or raise SignalError.

    Error codes: "type" (not a str), "too_long" (input or canonical URL longer than
    MAX_URL_LENGTH), "nul" (a literal NUL character; an escaped "%00" is kept as "%00"),
    "empty" (nothing but whitespace), "scheme" (anything but http/https, e.g. javascript:,
    data:, file:), "host" (no host, or a bracketed host that is not an IPv6 address),
    "encoding" (a lone surrogate that is not a surrogate escape).
    """
    if not isinstance(url, str):
        raise SignalError("type", f"a URL must be a str, not {type(url).__name__}")
    if len(url) > MAX_URL_LENGTH:
        raise SignalError("too_long", f"URLs longer than {MAX_URL_LENGTH} characters are refused")
    if "\x00" in url:
        raise SignalError("nul", "the URL contains a NUL character")
    text = url
    if "\t" in text or "\r" in text or "\n" in text:
        text = text.translate(_CONTROL_LF)
    text = text.strip(_EDGE_SPACE)
    if not text:
        raise SignalError("empty", "the URL is empty")
    text = text.partition("#")[0]

    scheme, rest = "http", text
    found = _SCHEME.match(text)
    # "example.com:8080/x" and "localhost:8000" are a host and a port, not a scheme.
    if found and not (
        ("." in found[1] or found[1].lower() == "localhost")
        and _PORT_THEN_PATH.match(text, found.end())
    ):
        scheme, rest = found[1].lower(), text[found.end() :]
    if scheme not in ALLOWED_SCHEMES:
        raise SignalError("scheme", f"only http and https URLs can be matched, not {scheme}:")

    rest = rest.lstrip("/\\")
    end = _AUTHORITY_END.search(rest)
    authority, rest = (rest[: end.start()], rest[end.start() :]) if end else (rest, "")
    raw_path, question_mark, raw_query = rest.partition("?")

    host, host_is_ip = _canonical_host(authority.rpartition("@")[2])
    path = _canonical_path(raw_path.replace("\\", "/") or "/")
    query = _escape(_unescape(_encode(raw_query))) if question_mark else None
    canonical = CanonicalUrl(scheme, host, path, query, host_is_ip)
    if len(canonical.url) > MAX_URL_LENGTH:
        raise SignalError("too_long", f"the canonical URL is longer than {MAX_URL_LENGTH}")
    return canonical


def canonicalize(url: str) -> str:
    """The Safe Browsing canonical form of `url` (scheme://host/path?query), or SignalError.

    Tab, CR and LF are removed; surrounding white space and C0 controls (as browsers do) and
    the fragment are dropped; "http://" is added when there is no scheme; escapes are undone
    until nothing changes. The host is lower-cased, its dots trimmed and collapsed, numeric
    IPv4 forms (hex, octal, fewer than four parts) written as four decimals and IDN labels
    converted to punycode (stdlib IDNA 2003, as in `core.urlnorm`). The path has "/./" and
    "/../" resolved and slashes collapsed; the query is kept as is. Finally bytes <= 0x20,
    >= 0x7F, "#" and "%" are escaped as %XX (uppercase). See `parse_url` for the errors.
    """
    return parse_url(url).url


def expressions(url: str) -> list[str]:
    """The Safe Browsing lookup expressions of `url`, in the documented order (at most 30).

    Hosts: the exact host, then up to four suffixes from the last five labels, longest first,
    never the bare top-level domain; an IP address has no suffixes. Paths, for each host: the
    path with its query, the path without it, then "/" and up to three directory prefixes
    ("/a/", "/a/b/", "/a/b/c/"). Duplicates are left out. No scheme: "a.b.c/1/2.html?param=1".
    """
    canonical = parse_url(url)
    paths = [canonical.path]
    if canonical.query is not None:
        paths.insert(0, f"{canonical.path}?{canonical.query}")
    for prefix in _directory_prefixes(canonical.path):
        if prefix not in paths:
            paths.append(prefix)
    return [host + path for host in _host_suffixes(canonical) for path in paths]


def full_hash(expression: str) -> bytes:
    """SHA-256 of an expression as `expressions` returns it (32 bytes)."""
    return hashlib.sha256(expression.encode("utf-8")).digest()


def sha256_prefix(expression: str, n: int = 4) -> bytes:
    """The first `n` bytes (4 to 32, as in Safe Browsing) of `full_hash(expression)`."""
    if not 4 <= n <= 32:
        raise ValueError(f"a hash prefix has 4 to 32 bytes, not {n}")
    return full_hash(expression)[:n]


def pattern_expression(pattern: str) -> str:
    """The key under which `UrlListIndex` stores a list pattern, or SignalError.

    A pattern whose canonical path ends in "/" and has no query is a host or prefix pattern;
    anything else is an exact URL (see `UrlListIndex`). Host and prefix patterns must stay
    within what the lookup expressions can reach: code "too_broad" for a single-label host
    ("com", "localhost"), "too_deep" for a host of more than five labels or a prefix of more
    than three directories. IP hosts are exempt from the label counts. Other errors as
    `parse_url`.
    """
    canonical = parse_url(pattern)
    if canonical.query is None and canonical.path.endswith("/"):
        if not canonical.host_is_ip:
            labels = canonical.host.count(".") + 1
            if labels < 2:
                raise SignalError("too_broad", f"{canonical.host!r} would match a whole domain")
            if labels > MAX_SUFFIX_LABELS:
                raise SignalError(
                    "too_deep",
                    f"subdomains of hosts with more than {MAX_SUFFIX_LABELS} labels "
                    "cannot be matched; list exact URLs instead",
                )
        if canonical.path.count("/") - 1 > MAX_PREFIX_DIRECTORIES:
            raise SignalError(
                "too_deep",
                f"path prefixes deeper than {MAX_PREFIX_DIRECTORIES} directories cannot be matched",
            )
    return canonical.expression


class UrlListIndex(Index[K]):
    """A URL list: (pattern, entry) pairs, matched by Safe Browsing expressions.

    Patterns are canonicalised like URLs (scheme and port ignored, "http://" implied) and are
    of three kinds, told apart by their canonical form:

    - host, path "/" and no query ("example.com", "https://example.com/"): matches every URL on
      that host or any of its subdomains;
    - prefix, path ending in "/" and no query ("example.com/bad/"): matches every URL on that
      host or its subdomains whose path starts with the prefix ("/bad/", "/bad/x.html",
      "/bad/a/b"; not "/bad" nor "/badly/");
    - exact, anything else ("example.com/bad/page.html?x=1", "example.com/page"): matches only
      the URL whose canonical host, path and query are the same, on that host only (no
      subdomains); "example.com/page" matches neither "example.com/page?x=1" nor ".../page/".

    An IP host has no subdomains. Limits are checked by `pattern_expression` when adding.
    Entries must be hashable; one entry may have several patterns. `len()` counts distinct
    (pattern expression, entry) pairs. `query` canonicalises the URL (raising SignalError like
    `parse_url`) and does at most 21 dictionary lookups; it returns each matching entry once,
    with `detail` set to the most specific matching expression, most specific first
    (exact, then hosts from longest, then prefixes from deepest), ties in insertion order.
    """

    def __init__(self, items: Iterable[tuple[str, K]] = ()) -> None:
        # Tuples rather than sets: most keys hold one entry, and a 1-tuple is a quarter the size.
        self._entries_by_key: dict[str, tuple[K, ...]] = {}
        self._keys_by_entry: dict[K, tuple[str, ...]] = {}
        self._size = 0
        self.add(items)

    def add(self, items: Iterable[tuple[str, K]]) -> None:
        """Add pairs; all or nothing: one bad pattern raises SignalError and adds none.

        Adding an entry to a key that already holds n entries costs O(n): fine for the few
        lists that share a pattern, not for thousands of entries on one pattern.
        """
        staged: list[tuple[str, K]] = []
        for pattern, entry in items:
            hash(entry)  # an unhashable entry fails here too, before anything changes
            staged.append((pattern_expression(pattern), entry))
        entries_by_key, keys_by_entry = self._entries_by_key, self._keys_by_entry
        for key, entry in staged:
            current = entries_by_key.get(key, ())
            if entry in current:
                continue
            entries_by_key[key] = (*current, entry)
            keys_by_entry[entry] = (*keys_by_entry.get(entry, ()), key)
            self._size += 1

    def remove(self, entries: Iterable[K]) -> None:
        """Remove every pattern of these entries; unknown entries are ignored."""
        dropped_by_key: dict[str, set[K]] = {}
        for entry in entries:
            for key in self._keys_by_entry.pop(entry, ()):
                dropped_by_key.setdefault(key, set()).add(entry)
        for key, dropped in dropped_by_key.items():
            remaining = tuple(e for e in self._entries_by_key[key] if e not in dropped)
            if remaining:
                self._entries_by_key[key] = remaining
            else:
                del self._entries_by_key[key]
            self._size -= len(dropped)

    def query(self, value: str) -> list[Match[K]]:
        found: dict[K, str] = {}
        table = self._entries_by_key
        for key in _lookup_keys(parse_url(value)):
            for entry in table.get(key, ()):
                found.setdefault(entry, key)
        return [Match(entry=entry, distance=0, detail=key) for entry, key in found.items()]

    def __len__(self) -> int:
        return self._size


def _lookup_keys(canonical: CanonicalUrl) -> list[str]:
    """Keys of `UrlListIndex` that may hold entries matching `canonical`, most specific first.

    Exact keys never end in "/" without a query, so only the full expression can be one; host
    and prefix keys are some host suffix plus one of the at most four directory prefixes.
    """
    keys: list[str] = []
    if canonical.query is not None or not canonical.path.endswith("/"):
        keys.append(canonical.expression)
    prefixes = _directory_prefixes(canonical.path)[::-1]
    for host in _host_suffixes(canonical):
        keys.extend([host + prefix for prefix in prefixes])
    return keys


def _host_suffixes(canonical: CanonicalUrl) -> list[str]:
    host = canonical.host
    if canonical.host_is_ip:
        return [host]
    labels = host.split(".")
    suffixes = [host]
    for count in range(min(MAX_SUFFIX_LABELS, len(labels) - 1), 1, -1):
        suffixes.append(".".join(labels[-count:]))
    return suffixes


def _directory_prefixes(path: str) -> list[str]:
    """The root "/", then "/a/", "/a/b/", "/a/b/c/" as far as `path` has those directories."""
    prefixes = ["/"]
    end = 0
    while len(prefixes) <= MAX_PREFIX_DIRECTORIES:
        end = path.find("/", end + 1)
        if end < 0:
            break
        prefixes.append(path[: end + 1])
    return prefixes


def _canonical_host(raw: str) -> tuple[str, bool]:
    """(host, is_ip). The port is cut off here; an IPv6 literal is written compressed."""
    if raw.startswith("["):
        inner, bracket, _port = raw[1:].partition("]")
        try:
            if not bracket or "%" in inner:  # zone ids ("%25eth0") are local to one machine
                raise ValueError(inner)
            ipv6 = ipaddress.IPv6Address(inner)
        except ValueError:
            raise SignalError("host", f"{raw!r} is not an IPv6 address") from None
        return f"[{ipv6.compressed}]", True
    data = _encode(raw.partition(":")[0])
    if b"%" in data:
        data = _unescape(data)
    data = _trim_dots(data)
    if not data.isascii():
        data = _trim_dots(_host_to_ascii(data))
    data = data.lower()
    if not data:
        raise SignalError("host", "the URL has no host")
    if data[:1].isdigit():
        address = _parse_ipv4(data)
        if address is not None:
            return address, True
    return _escape(data), False


def _host_to_ascii(data: bytes) -> bytes:
    """IDNA (punycode, `hosts.host_to_ascii`) when possible; otherwise the bytes to escape.

    A host that IDNA refuses is escaped byte by byte. If its bytes are UTF-8 for characters
    that all fit in one byte, each character is escaped as that byte, so that the raw bytes and
    their Latin-1 reading give the same result (Safe Browsing's "http://\\x01\\x80.com/" is
    "http://%01%80.com/" either way).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    try:
        return host_to_ascii(text).encode("ascii")
    except HostError:
        pass
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return data


def _trim_dots(host: bytes) -> bytes:
    host = host.strip(b".")
    while b".." in host:
        host = host.replace(b"..", b".")
    return host


def _parse_ipv4(host: bytes) -> str | None:
    """inet_aton-style IPv4 ("0x7f.1", "3279880203", "0300.0250.0.1") as a.b.c.d, else None."""
    parts = host.split(b".")
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if hexadecimal := _IPV4_HEX.fullmatch(part):
            digits, base = hexadecimal[1], 16
        elif octal := _IPV4_OCTAL.fullmatch(part):
            digits, base = octal[1], 8
        elif _IPV4_DECIMAL.fullmatch(part):
            digits, base = part, 10
        else:
            return None
        digits = digits.lstrip(b"0") or b"0"
        if len(digits) > 11:  # more than 32 bits in any base; also keeps int() cheap
            return None
        numbers.append(int(digits, base))
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for position, number in enumerate(leading):
        value += number << (8 * (3 - position))
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _canonical_path(raw: str) -> str:
    data = _encode(raw)
    if b"%" in data:
        data = _unescape(data)
    if b"/." in data:
        data = _remove_dot_segments(data)
    if b"//" in data:
        data = _SLASHES.sub(b"/", data)
    return _escape(data)


def _remove_dot_segments(path: bytes) -> bytes:
    """Resolve "." and ".." segments (RFC 3986 5.2.4); ".." never climbs above the root."""
    segments = path.split(b"/")[1:]
    kept: list[bytes] = []
    for position, segment in enumerate(segments, start=1):
        if segment in (b".", b".."):
            if segment == b".." and kept:
                kept.pop()
            if position == len(segments):
                kept.append(b"")
        else:
            kept.append(segment)
    return b"/" + b"/".join(kept)


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise SignalError("encoding", "the URL contains a lone surrogate") from None


def _unhex(escape: re.Match[bytes]) -> bytes:
    return bytes((int(escape[0][1:], 16),))


def _unescape(data: bytes) -> bytes:
    """Undo percent-escapes until none is left (invalid ones such as "%%" or "%zz" stay).

    One regex pass per level is fast for real URLs; nests like "%252525..." would need one
    pass per level, so after a few passes the linear stack algorithm takes over.
    """
    for _ in range(3):
        unescaped = _PERCENT_ESCAPE.sub(_unhex, data)
        if unescaped == data:
            return data
        data = unescaped
    out = bytearray()
    for byte in data:
        out.append(byte)
        # Each decoded byte may complete an escape with the two bytes before it.
        while len(out) >= 3 and out[-3] == 0x25 and {out[-2], out[-1]} <= _HEX_DIGITS:
            value = int(out[-2:], 16)
            del out[-3:]
            out.append(value)
    return bytes(out)


def _escape(data: bytes) -> str:
    if _NEEDS_ESCAPE.search(data):
        data = _NEEDS_ESCAPE.sub(lambda byte: b"%%%02X" % byte[0][0], data)
    return data.decode("ascii")
