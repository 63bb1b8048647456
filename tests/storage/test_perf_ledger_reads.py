"""A posting reads its key and the balances that could refuse it, in one read, no more.

An account that may go below zero (a gateway) or that a posting does not take from cannot
refuse it, so its balance is not read; what the posting moves on it is kept as a change and
added to the committed balance when the unit asks for it. Every adapter gives the same
balances, the same refusals (with the same balance named) and the same idempotency.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from microgigs import ledger as lg
from microgigs.errors import IdempotencyConflict, InsufficientFunds
from microgigs.ids import MemberId, OrderId, TransactionId
from microgigs.money import Money
from microgigs.storage.ports import Storage
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.examples import BUYER_ID

AT = datetime(2026, 1, 1, tzinfo=UTC)
SELLER = MemberId("S1")


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def top_up(key: str, minor: int) -> lg.Transaction:
    return lg.top_up(
        TransactionId(f"T-{key}"),
        key,
        member_id=BUYER_ID,
        amount=usd(minor),
        source=lg.Gateway.CARD,
        at=AT,
    )


def pay(number: int, minor: int) -> lg.Transaction:
    return lg.pay_order(
        TransactionId(f"T-pay-{number}"),
        f"pay-{number}",
        order_id=OrderId(f"O{number}"),
        buyer_id=BUYER_ID,
        amount=usd(minor),
        source=None,
        at=AT,
    )


def release(number: int, minor: int) -> lg.Transaction:
    """The escrow of order ``number`` to the seller's pending earnings and the platform."""
    escrow = lg.escrow(OrderId(f"O{number}"))
    fee = minor // 5
    return lg.Transaction(
        id=TransactionId(f"T-release-{number}"),
        key=f"release-{number}",
        kind=lg.PostingKind.RELEASE,
        entries=(
            lg.Entry(escrow, usd(-minor)),
            lg.Entry(lg.pending(SELLER), usd(minor - fee)),
            lg.Entry(lg.revenue(), usd(fee)),
        ),
        at=AT,
        order_id=OrderId(f"O{number}"),
    )


def clear(key: str, minor: int) -> lg.Transaction:
    """``minor`` of the seller's pending earnings made available."""
    return lg.Transaction(
        id=TransactionId(f"T-{key}"),
        key=key,
        kind=lg.PostingKind.CLEARANCE,
        entries=(
            lg.Entry(lg.pending(SELLER), usd(-minor)),
            lg.Entry(lg.available(SELLER), usd(minor)),
        ),
        at=AT,
    )


def committed(storage: Storage, *transactions: lg.Transaction) -> None:
    with storage.unit_of_work() as uow:
        for transaction in transactions:
            uow.ledger.post(transaction)
        uow.commit()


@pytest.fixture
def storage(make_storage):
    made = make_storage()
    # the seller already has pending earnings and the platform revenue: an unread balance
    # is not zero, and what a unit moves on it is added to what is committed
    committed(made, top_up("top", 10_000), pay(1, 2_000), pay(2, 3_000), release(1, 2_000))
    yield made
    made.close()


def test_a_balance_not_read_by_a_posting_is_the_committed_one_plus_what_moved(storage) -> None:
    with storage.unit_of_work() as uow:
        uow.ledger.post(release(2, 3_000))
        assert usd(1_600 + 2_400) == uow.ledger.balance(lg.pending(SELLER))
        assert usd(400 + 600) == uow.ledger.balance(lg.revenue())
        assert usd(0) == uow.ledger.balance(lg.escrow(OrderId("O2")))
        uow.ledger.post(clear("clear-1", 1_000))  # after the balance was asked for
        uow.ledger.post(clear("clear-2", 3_000))  # taken from a balance only moved here
        assert usd(0) == uow.ledger.balance(lg.pending(SELLER))
        assert usd(4_000) == uow.ledger.balance(lg.available(SELLER))
        uow.commit()
    with storage.unit_of_work() as uow:
        assert usd(0) == uow.ledger.balance(lg.pending(SELLER))
        assert usd(4_000) == uow.ledger.balance(lg.available(SELLER))
        assert usd(1_000) == uow.ledger.balance(lg.revenue())
        assert [] == lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())


def test_a_balance_moved_but_not_read_refuses_what_it_cannot_pay_by_its_sum(storage) -> None:
    with storage.unit_of_work() as uow:
        uow.ledger.post(release(2, 3_000))  # pending: 1,600 committed + 2,400 moved
        with pytest.raises(InsufficientFunds) as raised:
            uow.ledger.post(clear("clear", 4_001))
        assert (lg.AccountKind.PENDING, usd(4_000), usd(4_001)) == (
            raised.value.kind,
            raised.value.balance,
            raised.value.amount,
        )
        uow.ledger.post(clear("clear", 4_000))
        uow.commit()
    with storage.unit_of_work() as uow:
        assert usd(4_000) == uow.ledger.balance(lg.available(SELLER))


def test_a_posting_refused_names_the_committed_balance(storage) -> None:
    with storage.unit_of_work() as uow, pytest.raises(InsufficientFunds) as raised:
        uow.ledger.post(pay(3, 5_001))
    assert (lg.AccountKind.WALLET, usd(5_000)) == (raised.value.kind, raised.value.balance)


def test_a_key_posted_before_answers_from_the_posting_whatever_the_balances(storage) -> None:
    with storage.unit_of_work() as uow:
        assert TransactionId("T-pay-1") == uow.ledger.post(pay(1, 2_000)).id
        with pytest.raises(IdempotencyConflict):
            uow.ledger.post(pay(1, 99_999))
        assert [] == uow.changes().transactions


def test_a_posting_reads_its_key_and_the_balances_it_takes_from_in_one_statement(
    tmp_path, monkeypatch
) -> None:
    storage = SQLiteStorage(tmp_path / "reads.db", currency="USD")
    committed(storage, top_up("top", 10_000), pay(1, 2_000))
    backend = storage._backend
    sent: list[tuple[str, tuple[object, ...]]] = []
    original = backend._read

    def spy(sql: str, params=()):
        sent.append((sql, tuple(params)))
        return original(sql, params)

    monkeypatch.setattr(backend, "_read", spy)
    try:
        with storage.unit_of_work() as uow:
            uow.ledger.post(release(1, 2_000))  # only the escrow could refuse it
            uow.ledger.post(clear("clear", 1_600))  # pending: moved here, not yet read
            uow.ledger.post(top_up("top-2", 1_000))  # a gateway and a credit: no balance
            assert usd(0) == uow.ledger.balance(lg.pending(SELLER))  # read by the clearance
        assert [
            ("release-1", lg.escrow(OrderId("O1"))),
            ("clear", lg.pending(SELLER)),
            ("top-2",),
        ] == [params for _sql, params in sent]
    finally:
        storage.close()
