"""R3's workers: processes that each try to spend 1 unit of one wallet, 50 times.

Imported by tests/storage/test_concurrency.py; runs in child processes, so it takes plain
arguments and returns plain counts.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from microgigs import ledger as lg
from microgigs.errors import InsufficientFunds
from microgigs.ids import MemberId, OrderId, TransactionId
from microgigs.money import Money

BUYER = MemberId("buyer")
AT = datetime(2026, 1, 1, tzinfo=UTC)
WORKERS = 8


def open_storage(kind: str, where: str):
    """SQLite at the path ``where``, or PostgreSQL at the DSN ``where`` (kind "postgres:SCHEMA")."""
    if kind == "sqlite":
        from microgigs.storage.sqlite import SQLiteStorage  # noqa: PLC0415 (child process)

        return SQLiteStorage(Path(where), currency="USD")
    from microgigs.storage.postgres import PostgresStorage  # noqa: PLC0415 (child process)

    return PostgresStorage(where, currency="USD", schema=kind.split(":", 1)[1], pool_size=1)


def spend(kind: str, where: str, worker: int, attempts: int) -> Counter[str]:
    """Try to pay 1 cent for an order ``attempts`` times; count what happened."""
    outcomes: Counter[str] = Counter()
    storage = open_storage(kind, where)
    try:
        for attempt in range(attempts):
            number = worker * 1000 + attempt
            try:
                with storage.unit_of_work() as uow:
                    uow.ledger.post(
                        lg.pay_order(
                            TransactionId(f"T{number}"),
                            f"pay-{number}",
                            order_id=OrderId(f"O{number}"),
                            buyer_id=BUYER,
                            amount=Money(1, "USD"),
                            source=None,
                            at=AT,
                        )
                    )
                    uow.commit()
                outcomes["paid"] += 1
            except InsufficientFunds:
                outcomes["refused"] += 1
            except Exception as error:  # noqa: BLE001 (any other error is what R3 counts)
                outcomes[f"error: {type(error).__name__}"] += 1
    finally:
        storage.close()
    return outcomes


def naive_spend(path: str, worker: int, attempts: int) -> Counter[str]:
    """The control: read the balance, then write it back less 1 (read-then-write).

    The workers start together (each waits until all are up): spawned one after another,
    the first could otherwise finish before the last begins, and nothing would race.
    """
    outcomes: Counter[str] = Counter()
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    Path(f"{path}.ready-{worker}").touch()
    deadline = time.monotonic() + 120
    while len(list(Path(path).parent.glob(f"{Path(path).name}.ready-*"))) < WORKERS:
        if time.monotonic() > deadline:
            break
        time.sleep(0.002)
    for _ in range(attempts):
        (balance,) = connection.execute("SELECT minor FROM naive WHERE id = 1").fetchone()
        if balance < 1:
            outcomes["refused"] += 1
            continue
        time.sleep(0.0005)
        connection.execute("UPDATE naive SET minor = ? WHERE id = 1", (balance - 1,))
        outcomes["paid"] += 1
    connection.close()
    return outcomes
