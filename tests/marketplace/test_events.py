"""The domain events reach a host through the façade: read, told, then acknowledged.

A new user's probe (2026-12-07): RULES §6 has every transition emit an event a host can
use for notifications, and the docs said hosts read ``pending()`` and ``acknowledge()``,
but on what no page said; only the storage, which hosts never open, reached them.
"""

from __future__ import annotations

import json

import pytest
from cast import cheap_order

from microgigs.actors import Actor
from microgigs.errors import InvalidType, OutOfRange, PermissionDenied

SYSTEM = Actor.system()


def test_an_orders_transitions_are_read_oldest_first_and_acknowledged(market):
    seller, buyer, order = cheap_order(market)
    told = [e for e in market.events(SYSTEM) if e.name == "order.transitioned"]
    said = [json.loads(e.payload) for e in told]
    assert {order} == {s["order_id"] for s in said}
    assert {buyer.member_id} == {s["buyer_id"] for s in said}
    assert ["awaiting_instructions", "in_progress"] == [s["transition"]["to_status"] for s in said]
    assert sorted(e.at for e in told) == [e.at for e in told]
    market.acknowledge_events(SYSTEM, [e.id for e in market.events(SYSTEM)])
    assert [] == market.events(SYSTEM)
    market.deliver(seller, order, "إليك العمل", key="d")
    (delivered,) = market.events(SYSTEM)
    assert "awaiting_acceptance" == json.loads(delivered.payload)["transition"]["to_status"]


def test_members_neither_read_nor_acknowledge_events(market):
    seller, _buyer, _order = cheap_order(market)
    with pytest.raises(PermissionDenied):
        market.events(seller)
    with pytest.raises(PermissionDenied):
        market.acknowledge_events(seller, [e.id for e in market.events(SYSTEM)])
    assert market.events(SYSTEM)  # nothing was acknowledged


def test_acknowledging_passes_over_unknown_ids_and_refuses_too_many_or_the_wrong_type(market):
    cheap_order(market)
    before = market.events(SYSTEM)
    market.acknowledge_events(SYSTEM, ["no-such-event"])
    with pytest.raises(OutOfRange):
        market.acknowledge_events(SYSTEM, [f"e{n}" for n in range(1001)])
    with pytest.raises(InvalidType):
        market.acknowledge_events(SYSTEM, [1, 2])
    # (a new user's probe: one id alone was read a character at a time, and None raised
    # a bare TypeError)
    for not_a_list in (before[0].id, None):
        with pytest.raises(InvalidType):
            market.acknowledge_events(SYSTEM, not_a_list)
    assert before == market.events(SYSTEM)
