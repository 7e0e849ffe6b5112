"""How long to wait before trying a failed send again: one rule for every outbound delivery
(removal requests, hotline and organisation webhooks, exchanges)."""

from __future__ import annotations

MAX_WAIT_SECONDS = 6 * 3600


def doubling_wait(first: float, attempt: int, *, cap: float | None = MAX_WAIT_SECONDS) -> int:
    """Seconds to wait after failed attempt number `attempt` (1 for the first): `first`, then
    twice as long each time, at most `cap` (None: no limit)."""
    wait = first * 2 ** (attempt - 1)
    return int(wait if cap is None else min(wait, cap))
