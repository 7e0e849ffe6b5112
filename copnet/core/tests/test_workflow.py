"""core.workflow: transitions as data, check() and allowed_next()."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import models

from copnet.core.errors import DomainError
from copnet.core.workflow import (
    INVALID_TRANSITION,
    TRANSITION_FORBIDDEN,
    Machine,
    Refusal,
    Transition,
    TransitionError,
    allowed_next,
    allows,
    by_name,
    check,
)


class OrderErrorCode(models.TextChoices):
    """A condition refuses with a code of its app's codes, never a free string."""

    REASON_REQUIRED = "reason_required", "Give a reason."
    UNPAID = "unpaid", "Not paid yet."


@dataclass
class Ctx:
    reason: str = ""
    paid: bool = True


def needs_reason(ctx: Ctx) -> Refusal | None:
    return (
        None if ctx.reason else Refusal(OrderErrorCode.REASON_REQUIRED, "Give a reason.", "reason")
    )


def needs_payment(ctx: Ctx) -> Refusal | None:
    return None if ctx.paid else Refusal(OrderErrorCode.UNPAID, "Not paid yet.")


ORDER: Machine[Ctx] = Machine(
    "order",
    {"new": "New", "paid": "Paid", "shipped": "Shipped", "cancelled": "Cancelled"},
    [
        Transition("new", "paid", "pay", when=(needs_payment,)),
        Transition("new", "cancelled", "cancel", requires=(needs_reason,)),
        Transition("paid", "shipped", "ship", permission="ship"),
        Transition("paid", "cancelled", "refund", automatic=True),
    ],
    refused=lambda current, target: f"An order cannot go from {current} to {target}.",
)


def test_a_pair_in_the_data_passes_and_names_its_transition():
    assert check(ORDER, "new", "paid").name == "pay"


def test_a_pair_not_in_the_data_is_refused_with_the_one_code_and_the_machines_message():
    with pytest.raises(TransitionError) as error:
        check(ORDER, "shipped", "new")
    assert isinstance(error.value, DomainError)
    assert error.value.code == INVALID_TRANSITION
    assert error.value.status == 409
    assert error.value.message == "An order cannot go from shipped to new."


def test_an_unknown_state_is_refused_like_a_missing_pair():
    with pytest.raises(TransitionError) as error:
        check(ORDER, "lost", "paid")
    assert error.value.code == INVALID_TRANSITION


def test_an_input_condition_refuses_with_its_own_code_and_field():
    with pytest.raises(TransitionError) as error:
        check(ORDER, "new", "cancelled", context=Ctx(reason=""))
    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    assert check(ORDER, "new", "cancelled", context=Ctx(reason="typo")).name == "cancel"


def test_conditions_are_skipped_without_a_context():
    assert check(ORDER, "new", "cancelled").name == "cancel"


def test_a_row_condition_refuses_and_hides_the_transition():
    with pytest.raises(TransitionError) as error:
        check(ORDER, "new", "paid", context=Ctx(paid=False))
    assert error.value.code == "unpaid"
    names = [t.name for t in allowed_next(ORDER, "new", context=Ctx(paid=False))]
    assert names == ["cancel"]


def test_a_missing_permission_is_refused_and_hidden():
    with pytest.raises(TransitionError) as error:
        check(ORDER, "paid", "shipped", may=lambda perm: False)
    assert error.value.code == TRANSITION_FORBIDDEN
    assert check(ORDER, "paid", "shipped", may=lambda perm: perm == "ship").name == "ship"
    assert allowed_next(ORDER, "paid", may=lambda perm: False) == []


def test_an_automatic_transition_needs_its_name_and_is_never_offered():
    with pytest.raises(TransitionError):
        check(ORDER, "paid", "cancelled")
    assert check(ORDER, "paid", "cancelled", name="refund").automatic
    assert [t.name for t in allowed_next(ORDER, "paid")] == ["ship"]
    assert [t.name for t in allowed_next(ORDER, "paid", automatic=True)] == ["ship", "refund"]
    assert allows(ORDER, "paid", "cancelled", name="refund")
    assert not allows(ORDER, "paid", "cancelled")


def test_input_conditions_do_not_hide_a_transition():
    names = [t.name for t in allowed_next(ORDER, "new", context=Ctx(reason=""))]
    assert names == ["pay", "cancel"]


def test_a_final_state_offers_nothing():
    assert allowed_next(ORDER, "shipped") == []


def test_by_name_indexes_the_offered_transitions():
    assert set(by_name(allowed_next(ORDER, "new"))) == {"pay", "cancel"}


def test_pairs_lists_every_move_in_the_data():
    assert ORDER.pairs() == {
        ("new", "paid"),
        ("new", "cancelled"),
        ("paid", "shipped"),
        ("paid", "cancelled"),
    }


def test_a_machine_refuses_unknown_states_and_duplicates_in_its_data():
    with pytest.raises(ValueError, match="unknown state"):
        Machine("m", {"a": "A"}, [Transition("a", "b", "go")], refused=lambda c, t: "")
    with pytest.raises(ValueError, match="twice"):
        Machine(
            "m",
            {"a": "A", "b": "B"},
            [Transition("a", "b", "go"), Transition("a", "b", "go")],
            refused=lambda c, t: "",
        )


def test_a_condition_with_a_free_string_code_is_a_programming_error():
    def sloppy(ctx: Ctx) -> Refusal | None:
        return Refusal("unpaid", "Not paid yet.")

    machine = Machine(
        "sloppy",
        {"new": "New", "paid": "Paid"},
        [Transition("new", "paid", "pay", when=(sloppy,))],
        refused=lambda c, t: "no",
    )
    with pytest.raises(ValueError, match="unpaid"):
        check(machine, "new", "paid", context=Ctx())
