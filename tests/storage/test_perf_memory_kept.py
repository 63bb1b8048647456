"""The memory adapter keeps command records, outbox events and postings as plain tuples.

A kept object is walked by every pass of the garbage collector; a tuple of strings and
times is not, once a pass has seen it. What is read back is the same record, the same
events, in the same order (the contract suite checks the rest on every adapter).
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import attrs

from microgigs import ledger as lg
from microgigs.ids import EventId, OrderId, TransactionId
from microgigs.money import Money
from microgigs.storage import MemoryStorage
from microgigs.storage.ports import CommandRecord, OutboxEvent
from microgigs.testing.examples import BUYER_ID

AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_records_and_events_are_kept_untracked_and_read_back_whole() -> None:
    storage = MemoryStorage("USD")
    record = CommandRecord("member:M1|k", "fingerprint", '{"ok": 1}')
    events = [OutboxEvent(EventId(f"E{n}"), "order.placed", f'{{"n": {n}}}', AT) for n in range(3)]
    with storage.unit_of_work() as uow:
        uow.commands.put(record)
        for event in events:
            uow.outbox.record(event)
        uow.commit()
    gc.collect()
    backend = storage._backend
    kept = [backend._commands[record.key], *backend._outbox.values()]
    assert not any(gc.is_tracked(value) for value in kept)
    with storage.unit_of_work() as uow:
        assert record == uow.commands.get(record.key)
        assert events[:2] == uow.outbox.pending(limit=2)
        uow.outbox.acknowledge([events[0].id])
        uow.commit()
    with storage.unit_of_work() as uow:
        assert events[1:] == uow.outbox.pending()
        assert uow.commands.get("member:M1|other") is None


def test_the_book_keeps_transactions_untracked_and_gives_them_back_equal() -> None:
    book = lg.Ledger("USD")
    top_up = lg.top_up(
        TransactionId("T1"),
        "top",
        member_id=BUYER_ID,
        amount=Money(1_000, "USD"),
        source=lg.Gateway.CARD,
        at=AT,
    )
    paid = lg.pay_order(
        TransactionId("T2"),
        "pay",
        order_id=OrderId("O1"),
        buyer_id=BUYER_ID,
        amount=Money(600, "USD"),
        source=None,
        at=AT,
    )
    book.post(top_up)
    book.post(paid)
    for _ in range(3):  # a pass untracks a tuple whose items it found untracked already
        gc.collect()
    assert not any(gc.is_tracked(row) for row in book._transactions.values())
    assert [top_up, paid] == list(book)
    assert (paid, top_up) == (book.by_key("pay"), book.by_key("top"))
    assert paid == book.post(attrs.evolve(paid, id=TransactionId("T3")))  # the same content
    assert [] == lg.audit(lg.rows_of(book), book.balances())
