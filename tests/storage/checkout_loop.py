"""R6's victim: checkouts in a loop until the process is killed.

Each checkout is one unit of work: the order, a card top-up of its total, the payment into
escrow, one outbox event and the command's record. Run as a script by test_crashes.py.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import attrs
from spending import open_storage

from microgigs import ledger as lg
from microgigs.ids import EventId, OrderId, TransactionId
from microgigs.storage.ports import CommandRecord, OutboxEvent
from microgigs.testing.examples import BUYER_ID, place_order

AT = datetime(2026, 1, 1, tzinfo=UTC)


def checkout(storage, number: int) -> None:
    order = attrs.evolve(place_order(order_id=f"O{number}"), id=OrderId(f"O{number}"))
    total = order.quote.total
    with storage.unit_of_work() as uow:
        uow.orders.add(order)
        uow.ledger.post(
            lg.top_up(
                TransactionId(f"TT{number}"),
                f"topup-{number}",
                member_id=BUYER_ID,
                amount=total,
                source=lg.Gateway.CARD,
                at=AT,
            )
        )
        uow.ledger.post(
            lg.pay_order(
                TransactionId(f"TP{number}"),
                f"pay-{number}",
                order_id=order.id,
                buyer_id=BUYER_ID,
                amount=total,
                source=None,
                at=AT,
            )
        )
        uow.outbox.record(
            OutboxEvent(EventId(f"E{number}"), "order.placed", f'{{"order":"{order.id}"}}', AT)
        )
        uow.commands.put(CommandRecord(f"checkout-{number}", "f", order.id))
        uow.commit()


def main() -> None:
    kind, where, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    storage = open_storage(kind, where)
    print("ready", flush=True)  # noqa: T201 (the parent waits for this line)
    number = start
    while True:
        checkout(storage, number)
        number += 1


if __name__ == "__main__":
    main()
