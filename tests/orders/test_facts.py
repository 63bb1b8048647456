"""Every fact an order records on its way, as literal values (what mutation testing found
unpinned: docs/testing.md)."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from microgigs.errors import MicrogigsError
from microgigs.money import Money
from microgigs.orders import (
    CancellationRequest,
    Dispute,
    DueTimer,
    OrderEvent,
    OrderStatus,
    Party,
)
from microgigs.policy import KHAMSAT
from microgigs.testing.examples import place_order

from .conftest import ADMIN, BUYER, EPOCH, HOUR, SELLER, order_in

E = OrderEvent
DAYS = timedelta(days=5)  # the seed order: a one-day service and four one-day upgrades
EXTENDING = attrs.evolve(KHAMSAT.orders, modification_extends_deadline=True)


def at(hours: int):
    return EPOCH + hours * HOUR


def test_an_order_records_when_and_why_at_every_step():
    order = place_order()
    steps = [
        (E.SEND_INSTRUCTIONS, BUYER, None),
        (E.DELIVER, SELLER, None),
        (E.REQUEST_MODIFICATION, BUYER, "عدّل الألوان"),
        (E.DELIVER, SELLER, None),
        (E.REQUEST_MODIFICATION, BUYER, "والخط أيضًا"),
        (E.REQUEST_CANCELLATION, SELLER, "لا وقت لدي"),
    ]
    for hour, (event, actor, reason) in enumerate(steps, start=1):
        order.apply(event, actor, at(hour), EXTENDING, reason=reason)
    assert (at(1), None, 2, at(5) + DAYS) == (
        order.instructions_at,
        order.delivered_at,
        order.modifications,
        order.deadline,
    )
    assert CancellationRequest(Party.SELLER, at(6), "لا وقت لدي") == order.cancellation
    order.apply(E.REFUSE_CANCELLATION, BUYER, at(7), EXTENDING)
    order.apply(E.REPORT_PROBLEM, BUYER, at(8), EXTENDING, reason="لا يطابق الوصف")
    assert (None, Dispute(opened_at=at(8), reason="لا يطابق الوصف")) == (
        order.cancellation,
        order.dispute,
    )
    assert [
        (EPOCH, None, None),
        (at(1), E.SEND_INSTRUCTIONS, None),
        (at(2), E.DELIVER, None),
        (at(3), E.REQUEST_MODIFICATION, "عدّل الألوان"),
        (at(4), E.DELIVER, None),
        (at(5), E.REQUEST_MODIFICATION, "والخط أيضًا"),
        (at(6), E.REQUEST_CANCELLATION, "لا وقت لدي"),
        (at(7), E.REFUSE_CANCELLATION, None),
        (at(8), E.REPORT_PROBLEM, "لا يطابق الوصف"),
    ] == [(entry.at, entry.event, entry.reason) for entry in order.history]


def test_a_modification_keeps_the_deadline_unless_the_policy_extends_it():
    kept, extended = (
        order_in(OrderStatus.AWAITING_ACCEPTANCE),
        order_in(OrderStatus.AWAITING_ACCEPTANCE),
    )
    kept.apply(E.REQUEST_MODIFICATION, BUYER, at(9), KHAMSAT.orders, reason="عدّل")
    extended.apply(E.REQUEST_MODIFICATION, BUYER, at(9), EXTENDING, reason="عدّل")
    assert (at(1) + DAYS, at(9) + DAYS) == (kept.deadline, extended.deadline)


def test_the_earliest_of_two_timers_is_the_next():
    order = order_in(OrderStatus.AWAITING_ACCEPTANCE)  # delivered at hour 2: auto-accept in 3 days
    order.apply(E.REQUEST_CANCELLATION, SELLER, at(3), KHAMSAT.orders)
    assert DueTimer(E.AUTO_ACCEPT_CANCELLATION, at(3) + timedelta(hours=48)) == order.next_due


def test_a_disputed_delivery_has_no_timer():
    assert order_in(OrderStatus.DISPUTED).next_due is None


@pytest.mark.parametrize(
    ("event", "extra", "message"),
    [
        (E.REQUEST_MODIFICATION, {}, "reason must be 1 to 2000 characters of plain text."),
        (
            E.RESOLVE_PARTIAL_REFUND,
            {"refund": 5},
            "refund must be Money, not int.",
        ),
        (
            E.RESOLVE_PARTIAL_REFUND,
            {"refund": Money.of(205, "USD")},
            "A partial refund must be more than zero and less than 205.00 USD, not 205.00 USD.",
        ),
    ],
)
def test_a_refused_event_names_what_was_wrong(event, extra, message):
    status = (
        OrderStatus.DISPUTED
        if event is E.RESOLVE_PARTIAL_REFUND
        else OrderStatus.AWAITING_ACCEPTANCE
    )
    actor = ADMIN if event is E.RESOLVE_PARTIAL_REFUND else BUYER
    order = order_in(status)
    with pytest.raises(MicrogigsError) as refused:
        order.apply(event, actor, at(9), KHAMSAT.orders, **extra)
    assert message == str(refused.value)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (E.DELIVER, "the buyer may not deliver the work."),
        (
            E.CANCEL_LATE,
            (
                "Cannot cancel the late order now: the seller is not late: the delivery deadline"
                " has not passed, or a delivery met it."
            ),
        ),
    ],
)
def test_a_refused_party_or_condition_names_the_event(event, message):
    order = order_in(OrderStatus.IN_PROGRESS)
    with pytest.raises(MicrogigsError) as refused:
        order.apply(event, BUYER, at(9), KHAMSAT.orders)
    assert message == str(refused.value)
