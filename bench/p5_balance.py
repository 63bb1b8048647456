"""P5: reading a balance with 1,000,000 ledger entries ÷ with 100 entries, every adapter.

Balances are cached per account and moved in the same step as the entries, so a read is one
keyed lookup whatever the ledger's size. The big ledgers are loaded through bulk paths:
SQLite and PostgreSQL take the transaction rows in one statement batch (their triggers
expand the entries and move the balances, exactly as a posting does); memory posts to its
book directly. A tenth of all transactions touch the wallet that is read.

Run: .venv/bin/python bench/p5_balance.py [--entries 1000000] [--postgres DSN]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from harness import measure, report

from microgigs import ledger as lg
from microgigs.ids import MemberId, TransactionId
from microgigs.money import Money
from microgigs.storage import MemoryStorage, Storage
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

TARGET = MemberId("target")
AT = datetime(2026, 1, 1, tzinfo=UTC)
STAMP = AT.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _member(number: int) -> MemberId:
    return TARGET if number % 10 == 0 else MemberId(f"m{number % 5000}")


def _row(number: int) -> tuple[str, str, str, str, str]:
    entries = [
        {"account": "gateway:card", "currency": "USD", "minor": -100},
        {"account": f"wallet:{_member(number)}", "currency": "USD", "minor": 100},
    ]
    return (f"T{number}", f"k{number}", "top_up", STAMP, json.dumps(entries))


def load_memory(transactions: int) -> Storage:
    storage = MemoryStorage("USD")
    with storage.unit_of_work() as uow:
        for number in range(transactions):
            uow.ledger.post(
                lg.top_up(
                    TransactionId(f"T{number}"),
                    f"k{number}",
                    member_id=_member(number),
                    amount=Money(100, "USD"),
                    source=lg.Gateway.CARD,
                    at=AT,
                )
            )
        uow.commit()
    return storage


def load_sqlite(transactions: int, folder: Path) -> Storage:
    path = folder / f"p5-{transactions}.db"
    SQLiteStorage(path, currency="USD").close()  # the schema, by the adapter's migrations
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO ledger_transactions (id, key, kind, at, entries) VALUES (?, ?, ?, ?, ?)",
            (_row(n) for n in range(transactions)),
        )
        connection.execute("COMMIT")
    return SQLiteStorage(path, currency="USD")


def load_postgres(transactions: int, dsn: str) -> Storage:
    # Data generation only: with triggers off (session_replication_role = replica, which
    # needs a superuser), rows go in by COPY with the entries' running balances and the
    # cached balances computed here, as the triggers would have.
    schema = f"bench_p5_{transactions}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1).close()
    balances: dict[str, int] = {}
    with psycopg.connect(dsn, options=f"-c search_path={schema}") as connection:
        connection.execute("SET session_replication_role = replica")
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY ledger_transactions (id, key, kind, at, entries) FROM STDIN"
            ) as copy:
                for number in range(transactions):
                    copy.write_row(_row(number))
            with cursor.copy(
                "COPY ledger_entries (transaction_id, account, currency, minor, balance) FROM STDIN"
            ) as copy:
                for number in range(transactions):
                    for account, minor in (
                        ("gateway:card", -100),
                        (f"wallet:{_member(number)}", 100),
                    ):
                        balances[account] = balances.get(account, 0) + minor
                        copy.write_row((f"T{number}", account, "USD", minor, balances[account]))
            with cursor.copy("COPY ledger_balances (account, currency, minor) FROM STDIN") as copy:
                for account, minor in balances.items():
                    copy.write_row((account, "USD", minor))
        connection.commit()
        connection.execute("ANALYZE")
        connection.commit()
    return PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)


def reader(storage: Storage) -> Callable[[int], None]:
    account = lg.wallet(TARGET)

    def read(loops: int) -> None:
        with storage.unit_of_work() as uow:
            for _ in range(loops):
                uow.ledger.balance(account)

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("MICROGIGS_TEST_POSTGRES_DSN"))
    options = parser.parse_args()
    big, small = options.entries // 2, 50  # two entries per transaction
    folder = Path(tempfile.mkdtemp(prefix="microgigs-p5-"))
    loaders: dict[str, Callable[[int], Storage]] = {
        "memory": load_memory,
        "sqlite": lambda n: load_sqlite(n, folder),
    }
    if options.postgres:
        loaders["postgres"] = lambda n: load_postgres(n, options.postgres)
    rows, timings = [], {}
    for name, load in loaders.items():
        started = time.perf_counter()
        stores = {"100": load(small), f"{options.entries:,}": load(big)}
        print(f"  loaded {name} in {time.perf_counter() - started:.0f} s")
        with stores["100"].unit_of_work() as uow:
            assert uow.ledger.balance(lg.wallet(TARGET)).minor == 5 * 100
            assert lg.audit(uow.ledger.entry_rows(), uow.ledger.balances()) == []
        found = measure({f"{name} @ {size}": reader(s) for size, s in stores.items()}, loops=2_000)
        timings.update(found)
        small_ns, big_ns = found.values()
        rows.append(
            (f"{name}: {options.entries:,} entries ÷ 100 entries", big_ns / small_ns, "≤ 1.5")
        )
        for storage in stores.values():
            storage.close()
    report("P5 balance read", rows, timings)


def smoke() -> None:
    """Load tiny ledgers on memory and SQLite and read them: for the test suite."""
    folder = Path(tempfile.mkdtemp(prefix="microgigs-p5-smoke-"))
    for storage in (load_memory(30), load_sqlite(30, folder)):
        reader(storage)(3)
        with storage.unit_of_work() as uow:
            assert uow.ledger.balance(lg.wallet(TARGET)).minor == 3 * 100
        storage.close()


if __name__ == "__main__":
    main()
