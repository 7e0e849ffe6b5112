"""One adapter per partner protocol, all with the same small interface (`base.Adapter`)."""

from __future__ import annotations

from typing import Any

from ..choices import ExchangeKind
from .base import Adapter, Item, Page
from .ncmec import NcmecAdapter
from .stopncii import StopNciiAdapter
from .threatexchange import ThreatExchangeAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    ExchangeKind.NCMEC: NcmecAdapter,
    ExchangeKind.STOPNCII: StopNciiAdapter,
    ExchangeKind.THREATEXCHANGE: ThreatExchangeAdapter,
}


def adapter_for(exchange: Any) -> Adapter:
    return ADAPTERS[exchange.kind](exchange.endpoint.rstrip("/"), exchange.credentials or {})


__all__ = ["ADAPTERS", "Adapter", "Item", "Page", "adapter_for"]
