"""URL normalisation for matching reports to each other (no Django imports).

Equal normalised URLs mean "the same place": scheme and host lower-cased, IDN hosts in punycode
(`copnet.detection.hosts`: IDNA 2008 with UTS 46, as browsers), default ports and fragments
dropped, an empty path made "/". Anything that is not an http(s) URL with a host (javascript:,
data:, file:, NUL bytes, control characters, and invisible format characters such as
right-to-left overrides, see core.text) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from copnet.detection.hosts import HostError, host_to_ascii

from .text import has_format_controls

MAX_URL_LENGTH = 2048
MAX_HOST_LENGTH = 253  # DNS; also fits the 255-character host columns
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+-]*:(?!\d)")  # "host:8080" is not a scheme


class UrlError(ValueError):
    """An address that cannot be normalised; `code` says why (`empty`, `format_characters`...)."""

    @property
    def code(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class NormalisedUrl:
    url: str
    host: str

    @property
    def match_text(self) -> str:
        """What equal addresses share: http and https of one address give the same text. The
        reports app keeps only a keyed hash of it (`reports.services.url_lookup_key`)."""
        return self.url.split("://", 1)[1]


def normalise_url(raw: str) -> NormalisedUrl:
    text = raw.strip()
    if not text:
        raise UrlError("empty")
    if len(text) > MAX_URL_LENGTH:
        raise UrlError("too_long")
    if _CONTROL.search(text):
        raise UrlError("control_characters")
    if has_format_controls(text):
        raise UrlError("format_characters")
    if not _SCHEME.match(text):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UrlError("malformed") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UrlError("scheme")
    host = (parts.hostname or "").rstrip(".")
    if not host or " " in host:
        raise UrlError("no_host")
    if ":" not in host:  # IPv6 literals are left as urlsplit gives them
        try:
            host = host_to_ascii(host)
        except HostError as exc:
            raise UrlError("bad_host") from exc
    if len(host) > MAX_HOST_LENGTH:
        raise UrlError("bad_host")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    path = parts.path or "/"
    return NormalisedUrl(url=urlunsplit((scheme, netloc, path, parts.query, "")), host=host)
