"""Where the current request came from, for audit rows written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""
    channel: str = "web"


SYSTEM_ORIGIN = RequestOrigin(channel="system")
current_origin: ContextVar[RequestOrigin | None] = ContextVar("current_origin", default=None)
