"""A random life of the ledger against a plain dict model (issue 5; R1's ledger part)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from microgigs import ledger as lg
from microgigs.errors import InsufficientFunds, WithdrawalTooSmall
from microgigs.ids import MemberId, OrderId, TransactionId
from microgigs.money import Money
from microgigs.policy import KHAMSAT
from microgigs.testing.examples import EPOCH

RULES = KHAMSAT.ledger.commission
MINIMUM = KHAMSAT.ledger.withdrawal_minimum.minor
BUYERS = [MemberId(f"B{n}") for n in range(3)]
SELLERS = [MemberId(f"S{n}") for n in range(2)]
amounts = st.integers(1, 50_000)


def commission_of(minor: int) -> int:
    """20%, rounded half to even, in integers: the model's own arithmetic."""
    quotient, remainder = divmod(minor * 20, 100)
    if remainder * 2 > 100 or (remainder * 2 == 100 and quotient % 2):
        quotient += 1
    return quotient


def usd(minor: int) -> Money:
    return Money(minor, "USD")


class LedgerLife(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        self.book = lg.Ledger("USD")
        self.model: dict[str, int] = defaultdict(int)
        self.count = 0
        self.posted: list[lg.Transaction] = []

    def next_id(self) -> tuple[TransactionId, str]:
        self.count += 1
        return TransactionId(f"T{self.count:06d}"), f"key-{self.count}"

    def post(self, make, **kwargs):
        transaction_id, key = self.next_id()
        transaction = self.book.post(make(transaction_id, key, at=EPOCH, **kwargs))
        self.posted.append(transaction)
        return transaction

    def move(self, **changes: int) -> None:
        for account, minor in changes.items():
            self.model[account] += minor

    @rule(buyer=st.sampled_from(BUYERS), amount=amounts, source=st.sampled_from(list(lg.Gateway)))
    def top_up(self, buyer, amount, source):
        self.post(lg.top_up, member_id=buyer, amount=usd(amount), source=source)
        self.move(**{lg.gateway(source): -amount, lg.wallet(buyer): amount})

    @rule(
        target=orders,
        buyer=st.sampled_from(BUYERS),
        seller=st.sampled_from(SELLERS),
        amount=amounts,
        by_card=st.booleans(),
    )
    def pay(self, buyer, seller, amount, by_card):
        order_id = OrderId(f"O{self.count}")
        source = lg.Gateway.CARD if by_card else None
        payer = lg.gateway(lg.Gateway.CARD) if by_card else lg.wallet(buyer)
        if not by_card and self.model[payer] < amount:
            before = self.book.balances()
            try:
                self.post(
                    lg.pay_order,
                    order_id=order_id,
                    buyer_id=buyer,
                    amount=usd(amount),
                    source=source,
                )
            except InsufficientFunds:
                assert before == self.book.balances()
                return None
            pytest.fail("an overdraft was accepted")
        self.post(
            lg.pay_order, order_id=order_id, buyer_id=buyer, amount=usd(amount), source=source
        )
        self.move(**{payer: -amount, lg.escrow(order_id): amount})
        return (order_id, buyer, seller, amount)

    @rule(order=consumes(orders))
    def release(self, order):
        if order is None:
            return
        order_id, _buyer, seller, amount = order
        self.post(
            lg.release,
            order_id=order_id,
            seller_id=seller,
            subtotal=usd(amount),
            buyer_fee=usd(0),
            commission=RULES,
        )
        fee = commission_of(amount)
        self.move(
            **{lg.escrow(order_id): -amount, lg.pending(seller): amount - fee, lg.revenue(): fee}
        )

    @rule(order=consumes(orders))
    def refund_in_full(self, order):
        if order is None:
            return
        order_id, buyer, _seller, amount = order
        self.post(lg.refund, order_id=order_id, buyer_id=buyer, amount=usd(amount))
        self.move(**{lg.escrow(order_id): -amount, lg.wallet(buyer): amount})

    @rule(order=consumes(orders), share=st.integers(1, 99))
    def refund_in_part(self, order, share):
        if order is None or order[3] < 2:
            return
        order_id, buyer, seller, amount = order
        refunded = max(1, min(amount - 1, amount * share // 100))
        self.post(
            lg.partial_refund,
            order_id=order_id,
            buyer_id=buyer,
            seller_id=seller,
            subtotal=usd(amount),
            buyer_fee=usd(0),
            refunded=usd(refunded),
            commission=RULES,
        )
        rest = amount - refunded
        fee = commission_of(rest)
        self.move(
            **{
                lg.escrow(order_id): -amount,
                lg.wallet(buyer): refunded,
                lg.pending(seller): rest - fee,
                lg.revenue(): fee,
            }
        )

    @rule()
    def clear_everything_due(self):
        for release in self.book.uncleared():
            self.post(
                lg.clear,
                seller_id=release.seller_id,
                amount=release.amount,
                order_id=release.order_id,
            )
            minor = release.amount.minor
            self.move(
                **{lg.pending(release.seller_id): -minor, lg.available(release.seller_id): minor}
            )

    @rule(seller=st.sampled_from(SELLERS), amount=amounts, paid=st.booleans())
    def withdraw(self, seller, amount, paid):
        minimum = usd(MINIMUM)
        before = self.book.balances()
        if amount < MINIMUM or amount > self.model[lg.available(seller)]:
            try:
                self.post(
                    lg.request_withdrawal, seller_id=seller, amount=usd(amount), minimum=minimum
                )
            except (WithdrawalTooSmall, InsufficientFunds):
                assert before == self.book.balances()
                return
            pytest.fail("a withdrawal that breaks the rules was accepted")
        self.post(lg.request_withdrawal, seller_id=seller, amount=usd(amount), minimum=minimum)
        if paid:
            self.post(lg.complete_withdrawal, seller_id=seller, amount=usd(amount))
            self.move(**{lg.available(seller): -amount, lg.payouts(): amount})
        else:  # the money comes back where it was
            self.post(lg.fail_withdrawal, seller_id=seller, amount=usd(amount))

    @rule(data=st.data())
    def replay_a_key(self, data):
        if not self.posted:
            return
        earlier = data.draw(st.sampled_from(self.posted))
        before = (self.book.balances(), len(self.book))
        assert earlier == self.book.post(earlier)
        assert before == (self.book.balances(), len(self.book))

    @invariant()
    def the_books_are_sound(self):
        assert [] == lg.audit(lg.rows_of(self.book), self.book.balances())

    @invariant()
    def the_whole_sums_to_zero_and_matches_the_model(self):
        balances = {a: m.minor for a, m in self.book.balances().items() if m.minor}
        assert 0 == sum(balances.values())
        assert {a: m for a, m in self.model.items() if m} == balances


TestLedgerLife = LedgerLife.TestCase
