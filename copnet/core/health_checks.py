"""Health checks of components above core (`core.health` reports them): an app registers one
from its AppConfig.ready(), e.g. banks' PDQ index file."""

from __future__ import annotations

from collections.abc import Callable

# Checks of components above core, registered from an AppConfig.ready(): each answers a short
# state ("ok", "error: …" or a word of its own such as "not built"), never personal data.
HEALTH_CHECKS: dict[str, Callable[[], str]] = {}


def register_health_check(name: str, check: Callable[[], str]) -> None:
    HEALTH_CHECKS[name] = check


def check_components() -> dict[str, str]:
    states = {}
    for name, check in sorted(HEALTH_CHECKS.items()):
        try:
            states[name] = check()
        except Exception as exc:  # reported, never raised: health must answer
            states[name] = f"error: {type(exc).__name__}"
    return states
