"""R5 for orders: every (status, event, party) is allowed exactly where the table says."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from microgigs.errors import ConditionNotMet, PermissionDenied, TransitionNotAllowed
from microgigs.money import Money
from microgigs.orders import TRANSITIONS, OrderEvent, OrderStatus, Party
from microgigs.policy import KHAMSAT

from .conftest import ADMIN, BUYER, EPOCH, OUTSIDER, SELLER, SYSTEM, order_in

ACTORS = {Party.BUYER: BUYER, Party.SELLER: SELLER, Party.ADMIN: ADMIN, Party.SYSTEM: SYSTEM}
FAR_FUTURE = EPOCH + timedelta(days=400)
# A policy under which every guard can hold.
PERMISSIVE = attrs.evolve(
    KHAMSAT,
    orders=attrs.evolve(
        KHAMSAT.orders,
        auto_cancel_unstarted_after=KHAMSAT.orders.auto_accept_after,
        buyer_may_cancel_late_while_awaiting_acceptance=True,
    ),
)
CANCELLATION_ANSWERS = {OrderEvent.ACCEPT_CANCELLATION, OrderEvent.REFUSE_CANCELLATION}


def prepared(status, event, party):
    """An order in ``status`` whose guards for ``event`` by ``party`` hold (when they can)."""
    order = order_in(status, PERMISSIVE)
    if (
        event in CANCELLATION_ANSWERS | {OrderEvent.AUTO_ACCEPT_CANCELLATION}
        and not status.is_terminal
    ):
        other = Party.SELLER if party is Party.BUYER else Party.BUYER
        if status is not OrderStatus.DISPUTED:
            order.apply(
                OrderEvent.REQUEST_CANCELLATION,
                ACTORS[other],
                EPOCH + timedelta(hours=9),
                PERMISSIVE.orders,
            )
    return order


def payload(event):
    if event is OrderEvent.RESOLVE_PARTIAL_REFUND:
        return {"refund": Money.of(5, "USD")}
    if event in (OrderEvent.REQUEST_MODIFICATION, OrderEvent.REPORT_PROBLEM):
        return {"reason": "الشعار لا يطابق الوصف"}
    return {}


CASES = [(s, e, p) for s in OrderStatus for e in OrderEvent for p in Party]


@pytest.mark.parametrize(("status", "event", "party"), CASES)
def test_every_status_event_and_party(status, event, party):
    order = prepared(status, event, party)
    before = attrs.asdict(order)
    rule = TRANSITIONS.get((status, event))
    if rule is not None and party in rule.parties:
        order.apply(event, ACTORS[party], FAR_FUTURE, PERMISSIVE.orders, **payload(event))
        assert (rule.target, before["version"] + 1) == (order.status, order.version)
        assert (event, status, rule.target) == (
            order.history[-1].event,
            order.history[-1].from_status,
            order.history[-1].to_status,
        )
        return
    expected = TransitionNotAllowed if rule is None else PermissionDenied
    with pytest.raises(expected):
        order.apply(event, ACTORS[party], FAR_FUTURE, PERMISSIVE.orders, **payload(event))
    assert before == attrs.asdict(order)


@pytest.mark.parametrize(("status", "event"), list(TRANSITIONS))
def test_members_outside_the_order_are_refused_everything(status, event):
    order = order_in(status)
    before = attrs.asdict(order)
    with pytest.raises(PermissionDenied):
        order.apply(event, OUTSIDER, FAR_FUTURE, KHAMSAT.orders, **payload(event))
    assert before == attrs.asdict(order)


GUARDED = [(key, rule) for key, rule in TRANSITIONS.items() if rule.guard is not None]


@pytest.mark.parametrize(("key", "rule"), GUARDED, ids=[f"{k[0]}-{k[1]}" for k, _ in GUARDED])
def test_guards_refuse_before_their_time(key, rule):
    status, event = key
    party = next(iter(sorted(rule.parties)))
    order = order_in(status, KHAMSAT)
    if event is OrderEvent.REQUEST_CANCELLATION:  # refused while a request is already open
        order.apply(event, ACTORS[party], EPOCH + timedelta(hours=4), KHAMSAT.orders)
    before = attrs.asdict(order)
    with pytest.raises(ConditionNotMet):
        order.apply(event, ACTORS[party], EPOCH + timedelta(hours=5), KHAMSAT.orders)
    assert before == attrs.asdict(order)
