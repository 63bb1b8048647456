"""A posting's key written first elsewhere: stale, whatever the balances say.

The SQL adapters check a posting against the balances before its insert, which does
nothing when the key was posted first; a posting the balances refuse is looked up by its
key first, so a unit that lost the race is told ``StaleWrite`` even when what the winner
spent leaves it short, and a unit short of money is told ``InsufficientFunds``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from microgigs import ledger as lg
from microgigs.errors import InsufficientFunds, StaleWrite
from microgigs.ids import OrderId, TransactionId
from microgigs.money import Money
from microgigs.storage.ports import Storage
from microgigs.testing.examples import BUYER_ID

AT = datetime(2026, 1, 1, tzinfo=UTC)


def topped_up(storage: Storage, minor: int) -> None:
    with storage.unit_of_work() as uow:
        uow.ledger.post(
            lg.top_up(
                TransactionId("T-top"),
                "top",
                member_id=BUYER_ID,
                amount=Money(minor, "USD"),
                source=lg.Gateway.CARD,
                at=AT,
            )
        )
        uow.commit()


def payment(number: int, key: str, minor: int) -> lg.Transaction:
    return lg.pay_order(
        TransactionId(f"T-{number}"),
        key,
        order_id=OrderId(f"O{number}"),
        buyer_id=BUYER_ID,
        amount=Money(minor, "USD"),
        source=None,
        at=AT,
    )


def second_of_two(storage: Storage, first: lg.Transaction, second: lg.Transaction) -> None:
    """Both units post; the first commits, then the second."""
    one, two = storage.unit_of_work(), storage.unit_of_work()
    with one, two:
        one.ledger.post(first)
        two.ledger.post(second)
        one.commit()
        two.commit()


def test_a_key_posted_first_is_stale_even_when_the_balance_is_short(make_storage) -> None:
    storage = make_storage()
    try:
        topped_up(storage, 1_000)
        with pytest.raises(StaleWrite) as raised:
            second_of_two(storage, payment(1, "pay", 1_000), payment(2, "pay", 1_000))
        assert ("transaction", "pay") == (raised.value.kind, raised.value.key)
    finally:
        storage.close()


def test_a_new_key_the_balance_cannot_pay_is_refused_by_name(make_storage) -> None:
    storage = make_storage()
    try:
        topped_up(storage, 1_000)
        with pytest.raises(InsufficientFunds) as raised:
            second_of_two(storage, payment(1, "pay-1", 600), payment(2, "pay-2", 600))
        assert lg.AccountKind.WALLET == raised.value.kind
    finally:
        storage.close()
