"""URL normalisation for matching reports to each other (no Django imports).

Equal normalised URLs mean "the same place": scheme and host lower-cased, IDN hosts in punycode,
default ports and fragments dropped, an empty path made "/". Anything that is not an http(s)
URL with a host (javascript:, data:, file:, NUL bytes, control characters) is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

MAX_URL_LENGTH = 2048
MAX_HOST_LENGTH = 253  # DNS; also fits the 255-character host columns
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+-]*:(?!\d)")  # "host:8080" is not a scheme


class UrlError(ValueError):
    pass


@dataclass(frozen=True)
class NormalisedUrl:
    url: str
    host: str

    @property
    def key(self) -> str:
        """A fixed-length key for indexing and joining; http and https of one address share it."""
        without_scheme = self.url.split("://", 1)[1]
        return hashlib.sha256(without_scheme.encode("utf-8")).hexdigest()


def normalise_url(raw: str) -> NormalisedUrl:
    text = raw.strip()
    if not text:
        raise UrlError("empty")
    if len(text) > MAX_URL_LENGTH:
        raise UrlError("too_long")
    if _CONTROL.search(text):
        raise UrlError("control_characters")
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
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise UrlError("bad_host") from exc
    if len(host) > MAX_HOST_LENGTH:
        raise UrlError("bad_host")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    path = parts.path or "/"
    return NormalisedUrl(url=urlunsplit((scheme, netloc, path, parts.query, "")), host=host)
