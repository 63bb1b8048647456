"""Two runs of one command under one key at once (a double submit): one effect, one charge.

Found by a hostile review: the runs shared the gateway's receipt, so a run that failed for
an unrelated reason voided the charge the other committed with (a free order), and a run
with a larger amount committed with the smaller one's receipt (money created).
"""

from __future__ import annotations

import threading

from cast import cast, usd

from microgigs import ledger as lg
from microgigs.errors import IdempotencyConflict, MicrogigsError
from microgigs.payments import FakeGateway, Receipt


class _Held(FakeGateway):
    """A gateway that holds the first charge until told to go on."""

    def __init__(self) -> None:
        super().__init__()
        self.charged_once = threading.Event()
        self.go_on = threading.Event()

    def charge(self, key, payer, amount, method) -> Receipt:
        receipt = super().charge(key, payer, amount, method)
        if not self.charged_once.is_set():
            self.charged_once.set()
            self.go_on.wait(10)
        return receipt


def _held_first(market, first, second):
    """Run ``first`` until its charge, then ``second`` to its end, then let ``first`` finish."""
    market.gateway = gateway = _Held()
    outcomes: dict[str, object] = {}

    def run(name, call):
        try:
            outcomes[name] = call()
        except MicrogigsError as error:
            outcomes[name] = error

    thread = threading.Thread(target=run, args=("first", first))
    thread.start()
    gateway.charged_once.wait(10)
    run("second", second)
    gateway.go_on.set()
    thread.join()
    return gateway, outcomes


def test_a_twin_that_fails_voids_only_its_own_charge(market):
    _seller, buyer, service = cast(market)
    gateway, outcomes = _held_first(
        market,
        lambda: market.order_now(buyer, service, method=lg.Gateway.CARD, key="buy-1"),
        lambda: market.top_up(buyer, usd(-1), lg.Gateway.CARD, key="buy-1"),
    )
    (order,) = market.orders_of(buyer)
    assert order.id == outcomes["first"]
    assert isinstance(outcomes["second"], MicrogigsError)
    assert [order.quote.total] == [r.amount for r in gateway.charged]
    assert order.quote.total == market.balance(lg.escrow(order.id))


def test_twins_with_the_same_payload_make_one_order_and_one_standing_charge(market):
    _seller, buyer, service = cast(market)
    gateway, outcomes = _held_first(
        market,
        lambda: market.order_now(buyer, service, method=lg.Gateway.CARD, key="buy-1"),
        lambda: market.order_now(buyer, service, method=lg.Gateway.CARD, key="buy-1"),
    )
    (order,) = market.orders_of(buyer)
    assert order.id == outcomes["first"]
    assert [order.quote.total] == [r.amount for r in gateway.charged]


def test_a_twin_with_a_larger_amount_creates_no_money(market):
    _seller, buyer, _service = cast(market)
    gateway, outcomes = _held_first(
        market,
        lambda: market.top_up(buyer, usd(1), lg.Gateway.CARD, key="t"),
        lambda: market.top_up(buyer, usd(1000), lg.Gateway.CARD, key="t"),
    )
    wallet = market.balances(buyer).wallet
    standing = sum((r.amount for r in gateway.charged), usd(0))
    assert wallet == standing
    assert isinstance(outcomes["first"], IdempotencyConflict) or outcomes["first"] is None
