"""One idiom for every state machine: transitions as data, `check()` before a change,
`allowed_next()` for what a page offers.

A `Machine` lists its states and its `Transition`s (from, to, name). A transition may need a
permission (checked through the `may` callable the caller passes, so this module needs no
Django), conditions on the row (`when`: also decide whether a page offers it) and conditions on
the input (`requires`: a reason, an outcome). Each condition is a function of the caller's
context returning `None` (fine) or a `Refusal` (code, translated message, field).

`check()` raises `TransitionError` (a `DomainError`): `INVALID_TRANSITION` when the pair is not in
the data, `TRANSITION_FORBIDDEN` without the permission, or the refusal of a failing condition.
Transitions marked `automatic` are taken by the system (a task, another step) under their
`name` and are never offered to a person; `check()` without `name` ignores them.

    ORDER = Machine("order", {"new": "New", "paid": "Paid"}, [
        Transition("new", "paid", "pay", requires=(needs_payment_ref,)),
    ], refused=lambda current, target: f"An order cannot go from {current} to {target}.")
    check(ORDER, order.status, "paid", context=payment)   # raises, or returns the transition
    allowed_next(ORDER, order.status)                     # what a page shows
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from .errors import TransitionError, TransitionErrorCode

INVALID_TRANSITION = TransitionErrorCode.INVALID_TRANSITION
TRANSITION_FORBIDDEN = TransitionErrorCode.TRANSITION_FORBIDDEN

C = TypeVar("C")


class Refusal(NamedTuple):
    code: str
    message: Any
    field: str | None = None


Condition = Callable[[C], Refusal | None]


@dataclass(frozen=True)
class Transition(Generic[C]):
    source: str
    target: str
    name: str
    label: Any = ""  # what a button or choice says (a lazy translation)
    permission: str | None = None
    when: tuple[Condition[C], ...] = ()  # on the current row: also decides what a page offers
    requires: tuple[Condition[C], ...] = ()  # on the input: checked only when it happens
    automatic: bool = False  # taken by the system under its name, never offered to a person


@dataclass(frozen=True)
class Machine(Generic[C]):
    name: str
    states: Mapping[str, Any]  # state → label
    transitions: Sequence[Transition[C]]
    refused: Callable[[str, str], Any] = field(repr=False)  # (current, target) → message

    def __post_init__(self) -> None:
        seen: set[tuple[str, str, str]] = set()
        for t in self.transitions:
            if t.source not in self.states or t.target not in self.states:
                raise ValueError(f"{self.name}: unknown state in {t.source} → {t.target}")
            key = (t.source, t.target, t.name)
            if key in seen:
                raise ValueError(f"{self.name}: {t.name} {t.source} → {t.target} twice")
            seen.add(key)

    def pairs(self) -> frozenset[tuple[str, str]]:
        """Every (from, to) in the data, automatic transitions included."""
        return frozenset((t.source, t.target) for t in self.transitions)

    def refusal(self, current: str, target: str) -> TransitionError:
        return TransitionError(INVALID_TRANSITION, self.refused(current, target))


def _first_refusal(conditions: Iterable[Condition[C]], context: C) -> Refusal | None:
    for condition in conditions:
        refusal = condition(context)
        if refusal is not None:
            return refusal
    return None


def _candidates(
    machine: Machine[C], current: str, target: str, name: str | None
) -> list[Transition[C]]:
    return [
        t
        for t in machine.transitions
        if t.source == current
        and t.target == target
        and (t.name == name if name is not None else not t.automatic)
    ]


def allows(machine: Machine[C], current: str, target: str, *, name: str | None = None) -> bool:
    """Whether the data has this move (no permission or condition is looked at)."""
    return bool(_candidates(machine, current, target, name))


def check(
    machine: Machine[C],
    current: str,
    target: str,
    *,
    name: str | None = None,
    context: C | None = None,
    may: Callable[[str], bool] | None = None,
) -> Transition[C]:
    """The transition that takes `current` to `target`, or `TransitionError`.

    `name` picks a named (also automatic) transition; `context` is what the conditions read
    (they are skipped without one); `may(permission)` answers for the actor (skipped when None).
    """
    candidates = _candidates(machine, current, target, name)
    if not candidates:
        raise machine.refusal(current, target)
    refusal: Refusal | None = None
    for transition in candidates:
        if may is not None and transition.permission and not may(transition.permission):
            refusal = refusal or Refusal(TRANSITION_FORBIDDEN, machine.refused(current, target))
            continue
        if context is not None:
            found = _first_refusal((*transition.when, *transition.requires), context)
            if found is not None:
                refusal = refusal or found
                continue
        return transition
    if refusal is None:  # not reached: every candidate was refused for a reason
        raise machine.refusal(current, target)
    raise TransitionError(refusal.code, refusal.message, refusal.field)


def allowed_next(
    machine: Machine[C],
    current: str,
    *,
    context: C | None = None,
    may: Callable[[str], bool] | None = None,
    automatic: bool = False,
) -> list[Transition[C]]:
    """The transitions a person may take from `current`, in the data's order: permission
    granted (when `may` is given) and the row's `when` conditions met (when `context` is given).
    Input conditions (`requires`) are left to `check()`."""
    return [
        t
        for t in machine.transitions
        if t.source == current
        and (automatic or not t.automatic)
        and (may is None or not t.permission or may(t.permission))
        and (context is None or _first_refusal(t.when, context) is None)
    ]


def by_name(transitions: Iterable[Transition[C]]) -> dict[str, Transition[C]]:
    """For templates: `{% if actions.publish %}`."""
    return {t.name: t for t in transitions}
