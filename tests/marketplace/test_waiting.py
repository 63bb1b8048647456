"""What waits for a member: the orders and contracts whose next move is theirs.

A walk-through (2026-12-07): nothing told a seller that an order, a contract's offer or a
request to cancel waited for her; a buyer's cancellation could go through unanswered.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from cast import another, cheap_order, hired, usd

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import NotFound
from microgigs.ids import MemberId
from microgigs.orders import OrderEvent
from microgigs.ranking import ListingQuery


def moves(waiting):
    return {item.order.id if hasattr(item, "order") else item.contract.id: item.moves
            for item in waiting}  # fmt: skip


def test_an_order_waits_for_the_party_whose_move_it_is(market):
    seller, buyer, order = cheap_order(market)  # in progress: the seller's move
    assert {order: (OrderEvent.DELIVER,)} == moves(market.orders_waiting(seller))
    assert {} == moves(market.orders_waiting(buyer))
    market.deliver(seller, order, "إليك العمل", key="d")
    assert {order: (OrderEvent.ACCEPT,)} == moves(market.orders_waiting(buyer))
    assert {} == moves(market.orders_waiting(seller))
    market.accept(buyer, order, key="a")
    assert ({}, {}) == (moves(market.orders_waiting(buyer)), moves(market.orders_waiting(seller)))


def test_a_request_to_cancel_waits_for_the_other_party(market):
    seller, buyer, order = cheap_order(market)
    market.request_cancellation(buyer, order, "تغيرت خطتي", key="rc")
    waiting = moves(market.orders_waiting(seller))[order]
    assert {OrderEvent.ACCEPT_CANCELLATION, OrderEvent.REFUSE_CANCELLATION} <= set(waiting)
    assert {} == moves(market.orders_waiting(buyer))


def test_a_contract_waits_for_the_freelancers_answer_then_the_clients_money(market):
    client, freelancer, contract = hired(market, accept=False)
    assert {contract: ("answer_offer",)} == moves(market.contracts_waiting(freelancer))
    assert {} == moves(market.contracts_waiting(client))
    market.answer_offer(freelancer, contract, accept=True, key="yes")
    assert {contract: ("fund_milestone",)} == moves(market.contracts_waiting(client))
    market.top_up(client, usd(2000), lg.Gateway.CARD, key="t-client")
    market.fund_milestone(client, contract, 1, key="fund")
    assert {contract: ("submit_milestone",)} == moves(market.contracts_waiting(freelancer))
    market.submit_milestone(freelancer, contract, 1, "تم", key="sub")
    waiting = moves(market.contracts_waiting(client))[contract]
    assert "approve_milestone" in waiting


def test_the_oldest_and_late_orders_come_first_however_many_are_newer(market):
    # a hostile review (2026-12-07): the newest 50 of each status were read, then sorted:
    # five late orders behind fifty newer ones were never listed
    seller, _buyer, first = cheap_order(market)
    buyers = [another(market, f"late{n}", "مشترٍ", "متأخر") for n in range(4)]
    late = [first]
    for n, buyer in enumerate(buyers):
        late.append(_paid(market, buyer, n))
    market.clock.advance(timedelta(days=3))
    for n in range(MANY):
        _paid(market, another(market, f"new{n}", "مشترٍ", "جديد"), 100 + n)
    waiting = market.orders_waiting(seller, limit=10)
    assert 10 == len(waiting)
    assert set(late) == {w.order.id for w in waiting[:5]}


MANY = 52


def _paid(market, buyer, n):
    """An order of the cast's service, paid and with its instructions: in progress."""
    service = market.search(ListingQuery()).listings[0].service_id
    market.top_up(buyer, usd(20), lg.Gateway.CARD, key=f"tp-{n}")
    order = market.order_now(buyer, service, key=f"on-{n}")
    market.send_message(buyer, order, "التعليمات", key=f"in-{n}")
    return order


def test_a_member_nobody_is_has_nothing_waiting_but_is_not_found(market):
    nobody = Actor.member(MemberId("nobody"))
    for query in (market.orders_waiting, market.contracts_waiting):
        with pytest.raises(NotFound):
            query(nobody)
