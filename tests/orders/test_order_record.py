"""What an order writes down about itself: its placement, times, errors and events.

Each test here kills mutants that survived the transition tests (``bench/mutation.py
orders``): values nobody read back, and errors whose context nobody checked.
"""

from __future__ import annotations

import pytest

from microgigs.actors import Actor
from microgigs.errors import InvalidText, InvalidType, OwnService, PermissionDenied
from microgigs.ids import MemberId, OrderId
from microgigs.orders import Order, OrderEvent, OrderStatus
from microgigs.policy import KHAMSAT
from microgigs.pricing import quote
from microgigs.testing.examples import BUYER_ID, EPOCH, logo_service, make_service

from .conftest import ADMIN, BUYER, HOUR, OUTSIDER, POLICY, SELLER, order_in


def test_placement_is_the_buyers_first_history_entry_from_no_status():
    service = logo_service()
    order = Order.place(
        OrderId("O-7"),
        buyer_id=BUYER_ID,
        quote=quote(service, KHAMSAT),
        service=service,
        placed_at=EPOCH,
        policy=POLICY,
    )
    (placed,) = order.history
    assert (OrderId("O-7"), service, service.seller_id) == (
        order.id,
        order.service,
        order.seller_id,
    )
    assert (EPOCH, BUYER, None, None, OrderStatus.AWAITING_INSTRUCTIONS) == (
        placed.at,
        placed.actor,
        placed.event,
        placed.from_status,
        placed.to_status,
    )


def test_a_quote_of_another_service_and_an_own_service_are_refused_with_their_context():
    service, other = logo_service(), make_service(service_id="S-other").snapshot()
    with pytest.raises(InvalidType) as wrong:
        Order.place(
            OrderId("O-8"),
            buyer_id=BUYER_ID,
            quote=quote(other, KHAMSAT),
            service=service,
            placed_at=EPOCH,
            policy=POLICY,
        )
    assert {"field": "quote", "expected": "the quote of this service", "actual": "other"} == (
        wrong.value.context()
    )
    with pytest.raises(OwnService) as own:
        Order.place(
            OrderId("O-9"),
            buyer_id=service.seller_id,
            quote=quote(service, KHAMSAT),
            service=service,
            placed_at=EPOCH,
            policy=POLICY,
        )
    assert {"service_id": service.service_id, "action": "buy your own service"} == (
        own.value.context()
    )


def test_an_outsider_is_refused_naming_their_role_and_the_action():
    with pytest.raises(PermissionDenied) as refused:
        order_in(OrderStatus.IN_PROGRESS).party_of(OUTSIDER)
    assert {"actor": "a member", "action": "act on this order"} == refused.value.context()


def test_events_carry_the_order_and_both_parties():
    order = order_in(OrderStatus.IN_PROGRESS)
    placed, started = order.pull_events()
    assert [(order.id, BUYER_ID, SELLER.member_id)] * 2 == [
        (e.order_id, e.buyer_id, e.seller_id) for e in (placed, started)
    ]
    assert [None, OrderEvent.SEND_INSTRUCTIONS] == [e.transition.event for e in (placed, started)]
    assert [] == order.pull_events()  # pulled once


def test_a_reason_may_span_lines_and_a_wrong_one_names_the_field():
    order = order_in(OrderStatus.AWAITING_ACCEPTANCE)
    reason = "الشعار لا يطابق الطلب:\nالألوان مختلفة."
    order.apply(OrderEvent.REPORT_PROBLEM, BUYER, EPOCH + 3 * HOUR, POLICY, reason=reason)
    assert order.dispute is not None
    assert reason == order.dispute.reason
    with pytest.raises(InvalidText) as wrong:
        order_in(OrderStatus.AWAITING_ACCEPTANCE).apply(
            OrderEvent.REPORT_PROBLEM, BUYER, EPOCH + 3 * HOUR, POLICY, reason="x" * 5_000
        )
    assert "reason" == wrong.value.context()["field"]


def test_cancelling_and_resolving_write_down_when():
    declined = order_in(OrderStatus.IN_PROGRESS)
    declined.apply(OrderEvent.DECLINE, SELLER, EPOCH + 5 * HOUR, POLICY)
    assert EPOCH + 5 * HOUR == declined.cancelled_at
    disputed = order_in(OrderStatus.DISPUTED)
    disputed.apply(OrderEvent.RESOLVE_FULL_REFUND, ADMIN, EPOCH + 9 * HOUR, POLICY)
    assert disputed.dispute is not None
    assert (OrderEvent.RESOLVE_FULL_REFUND, EPOCH + 9 * HOUR) == (
        disputed.dispute.resolution,
        disputed.dispute.resolved_at,
    )
    assert EPOCH + 9 * HOUR == disputed.cancelled_at


def test_an_admin_and_the_system_act_as_themselves():
    order = order_in(OrderStatus.IN_PROGRESS)
    assert ("admin", "system") == (
        order.party_of(Actor.admin(MemberId("M-admin"))).value,
        order.party_of(Actor.system()).value,
    )
