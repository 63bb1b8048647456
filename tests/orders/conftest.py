from __future__ import annotations

from datetime import timedelta

import pytest

from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.orders import Order, OrderEvent, OrderStatus
from microgigs.policy import KHAMSAT
from microgigs.testing.examples import BUYER_ID, EPOCH, place_order

POLICY = KHAMSAT.orders
BUYER = Actor.member(BUYER_ID)
SELLER = Actor.member(MemberId("M-sara_designs"))
ADMIN = Actor.admin(MemberId("M-admin"))
SYSTEM = Actor.system()
OUTSIDER = Actor.member(MemberId("M-stranger"))
HOUR = timedelta(hours=1)

# The shortest path from placement to each status, as (event, actor) steps an hour apart.
PATHS = {
    OrderStatus.AWAITING_INSTRUCTIONS: [],
    OrderStatus.IN_PROGRESS: [(OrderEvent.SEND_INSTRUCTIONS, BUYER)],
    OrderStatus.AWAITING_ACCEPTANCE: [
        (OrderEvent.SEND_INSTRUCTIONS, BUYER),
        (OrderEvent.DELIVER, SELLER),
    ],
    OrderStatus.COMPLETED: [
        (OrderEvent.SEND_INSTRUCTIONS, BUYER),
        (OrderEvent.DELIVER, SELLER),
        (OrderEvent.ACCEPT, BUYER),
    ],
    OrderStatus.CANCELLED: [(OrderEvent.DECLINE, SELLER)],
    OrderStatus.DISPUTED: [
        (OrderEvent.SEND_INSTRUCTIONS, BUYER),
        (OrderEvent.DELIVER, SELLER),
        (OrderEvent.REPORT_PROBLEM, BUYER),
    ],
}


def order_in(status: OrderStatus, policy=KHAMSAT) -> Order:
    order = place_order(policy)
    now = EPOCH
    for event, actor in PATHS[status]:
        now += HOUR
        reason = "السبب" if event is OrderEvent.REPORT_PROBLEM else None
        order.apply(event, actor, now, policy.orders, reason=reason)
    assert status == order.status
    return order


@pytest.fixture
def order() -> Order:
    return place_order()
