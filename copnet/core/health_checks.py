"""Health checks of components above core (`core.health` reports them): an app registers one
from its AppConfig.ready(), e.g. banks' PDQ index file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


# Checks of components above core, registered from an AppConfig.ready(): each answers a short
# state ("ok", "error: …" or a word of its own such as "not built"), never personal data.
@dataclass(frozen=True)
class HealthCheck:
    check: Callable[[], str]
    problem: str | Promise  # what coordinators read on the staff home when it says "error"


HEALTH_CHECKS: dict[str, HealthCheck] = {}


def register_health_check(name: str, check: Callable[[], str], *, problem: str | Promise) -> None:
    HEALTH_CHECKS[name] = HealthCheck(check, problem)


def check_components() -> dict[str, str]:
    states = {}
    for name, registered in sorted(HEALTH_CHECKS.items()):
        try:
            states[name] = registered.check()
        except Exception as exc:  # reported, never raised: health must answer
            states[name] = f"error: {type(exc).__name__}"
    return states


def problems_of(states: dict[str, str]) -> list[str]:
    """The registered wording of each component in error, in the reader's language."""
    return [
        str(HEALTH_CHECKS[name].problem) if name in HEALTH_CHECKS else name
        for name, state in states.items()
        if state.startswith("error")
    ]
