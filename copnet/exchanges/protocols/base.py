"""What every protocol adapter gives the fetch service: pages of items, each page with the
checkpoint to store once the page is written, and a way to send a verdict back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import defusedxml.ElementTree as SafeET
from django.utils.translation import gettext as _

from ..errors import ExchangeErrorCode, ExchangeProtocolError


@dataclass(frozen=True)
class Item:
    """One entry of the partner. `signals` are (COPNet signal type, lower-case hex value);
    `removed`: the partner retracted or withdrew it, every local row of it must go."""

    external_id: str
    signals: tuple[tuple[str, str], ...] = ()
    contributor: str = ""
    classification: str = ""
    tags: tuple[str, ...] = ()
    removed: bool = False
    # The partner's record to keep beside the bank (models.Indicator): {"kind", "type",
    # "value", "descriptors"}; ThreatExchange gives one for every indicator.
    record: dict[str, Any] | None = None


@dataclass
class Page:
    items: list[Item]
    checkpoint: dict[str, Any]
    skipped: int = 0  # fingerprints of types COPNet does not match (SHA-1, PhotoDNA, TMK…)
    received: int = field(default=0)


class Adapter(Protocol):
    def __init__(self, endpoint: str, credentials: dict[str, Any]) -> None: ...

    def pages(self, checkpoint: dict[str, Any]) -> Iterator[Page]:
        """Pages from `checkpoint` (the one stored with the last written page) to now."""
        ...

    def send_feedback(
        self,
        *,
        external_id: str,
        signal_type: str,
        value: str,
        verdict: str,
        descriptors: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Send one verdict; returns what was sent (for the log). Raises ExchangeError.
        `descriptors`: the partner's objects the verdict is about (ThreatExchange)."""
        ...


def parse_xml(body: bytes) -> ET.Element:
    """A partner's XML with namespaces stripped. Document types and entities are refused
    (defusedxml), so no entity expansion or external reference is ever followed."""
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise ExchangeProtocolError(
            ExchangeErrorCode.PROTOCOL, _("The partner's answer declares a document type.")
        )
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except (ET.ParseError, ValueError) as error:
        raise ExchangeProtocolError(
            ExchangeErrorCode.PROTOCOL,
            _("The partner's answer is not well-formed XML (%(error)s).") % {"error": error},
        ) from error
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def hex_value(signal_type: str, value: str | None) -> str | None:
    """The value as COPNet stores it, or None when it is not a valid hash of that type."""
    from copnet.banks.services import HEX_LENGTH

    text = (value or "").strip().lower()
    if len(text) != HEX_LENGTH.get(signal_type, -1):
        return None
    if any(ch not in "0123456789abcdef" for ch in text):
        return None
    return text
