"""What waits for a member: the orders and contracts whose next move is theirs.

A walk-through (2026-12-07): nothing told a seller that an order, a contract's offer or a
request to cancel waited for her; a buyer's cancellation could go through unanswered.
"""

from __future__ import annotations

from cast import cheap_order, hired, usd

from microgigs import ledger as lg
from microgigs.orders import OrderEvent


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
