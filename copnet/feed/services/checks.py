"""Checking what may be listed: hosts, addresses and image hashes, refused with FeedError."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.utils.translation import gettext as _

from copnet.core.cleaning import format_controls_message, has_format_controls
from copnet.core.text import clean_text
from copnet.detection.base import SignalError
from copnet.detection.hosts import HostError, host_to_ascii
from copnet.detection.urls import full_hash, parse_url, pattern_expression

from ..choices import EntryKind
from ..errors import FeedError, FeedErrorCode
from ..exports import valid_dns_name


@dataclass(frozen=True)
class CheckedValue:
    kind: str
    value: str
    signal_type: str = ""
    full_hash: str = ""

    @property
    def prefix(self) -> str:
        return self.full_hash[:8]


def _check_punycode(host: str) -> None:
    """Reject ASCII labels that claim to be punycode ("xn--") but do not decode."""
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                host_to_ascii(label)
            except HostError:
                raise FeedError(
                    FeedErrorCode.BAD_PUNYCODE,
                    _("%(label)s is not valid punycode.") % {"label": label},
                ) from None


def refuse_format_controls(raw: str) -> None:
    if has_format_controls(raw):
        raise FeedError(FeedErrorCode.FORMAT_CHARACTERS, format_controls_message(raw))


def check_host(raw: str) -> CheckedValue:
    """A host to block with its subdomains: a DNS name (Unicode or punycode), never an IP."""
    refuse_format_controls(raw)
    text = clean_text(raw)
    bare = text.strip("[]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        pass
    else:
        raise FeedError(
            FeedErrorCode.IP_LITERAL,
            _("%(host)s is an IP address: DNS cannot block it; list an address instead.")
            % {"host": text[:100]},
        )
    if ":" in text.split("://", 1)[-1] or not text:
        raise FeedError(
            FeedErrorCode.BAD_HOST, _("%(host)s is not a host name.") % {"host": text[:100]}
        )
    try:
        canonical = parse_url(text if "://" in text else f"http://{text}/")
    except SignalError:
        raise FeedError(
            FeedErrorCode.BAD_HOST, _("%(host)s is not a host name.") % {"host": text[:100]}
        ) from None
    if canonical.host_is_ip:
        raise FeedError(
            FeedErrorCode.IP_LITERAL,
            _("%(host)s is an IP address: DNS cannot block it; list an address instead.")
            % {"host": text[:100]},
        )
    if canonical.path != "/" or canonical.query is not None:
        raise FeedError(
            FeedErrorCode.NOT_A_HOST,
            _("%(host)s has a path: list it as an address.") % {"host": text[:100]},
        )
    host = canonical.host
    _check_punycode(host)
    try:
        expression = pattern_expression(host)
    except SignalError:
        raise FeedError(
            FeedErrorCode.TOO_BROAD,
            _("%(host)s would block a whole domain.") % {"host": text[:100]},
        ) from None
    if not valid_dns_name(host):
        raise FeedError(
            FeedErrorCode.BAD_HOST, _("%(host)s is not a host name.") % {"host": text[:100]}
        )
    return CheckedValue(EntryKind.HOST, host, "", full_hash(expression).hex())


def check_url(raw: str) -> CheckedValue:
    """An exact address, or an address prefix ending in "/"."""
    refuse_format_controls(raw)
    text = clean_text(raw)
    try:
        expression = pattern_expression(text)
    except SignalError as exc:
        raise FeedError(
            FeedErrorCode.BAD_URL,
            _("%(url)s is not an address that can be listed (%(code)s).")
            % {"url": text[:100], "code": exc.code},
        ) from None
    _check_punycode(expression.partition("/")[0])
    return CheckedValue(EntryKind.URL, expression, "", full_hash(expression).hex())


HASH_LENGTHS = {"sha256": 64, "md5": 32, "pdq": 64}


def check_image_hash(signal_type: str, raw: str) -> CheckedValue:
    from copnet.banks.services import DetectionInputError, check_hash

    try:
        value = check_hash(signal_type, raw)
    except DetectionInputError as exc:
        raise FeedError(FeedErrorCode(exc.code), exc.message) from None
    return CheckedValue(EntryKind.HASH, value, signal_type)
