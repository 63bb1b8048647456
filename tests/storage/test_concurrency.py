"""R3: 8 processes × 50 attempts spend 1 unit each from a balance of 100."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pytest
import spending

from microgigs import ledger as lg
from microgigs.ids import TransactionId
from microgigs.money import Money
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

WORKERS, ATTEMPTS, BALANCE = spending.WORKERS, 50, 100


def fund(storage) -> None:
    with storage.unit_of_work() as uow:
        uow.ledger.post(
            lg.top_up(
                TransactionId("T-fund"),
                "fund",
                member_id=spending.BUYER,
                amount=Money(BALANCE, "USD"),
                source=lg.Gateway.CARD,
                at=spending.AT,
            )
        )
        uow.commit()


def race(function, *args) -> Counter[str]:
    total: Counter[str] = Counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        futures = [pool.submit(function, *args, worker, ATTEMPTS) for worker in range(WORKERS)]
        for future in futures:
            total.update(future.result())
    return total


@pytest.mark.slow
def test_sqlite_spends_exactly_the_balance_under_eight_processes(tmp_path):
    path = tmp_path / "race.db"
    storage = SQLiteStorage(path, currency="USD")
    fund(storage)
    outcomes = race(spending.spend, "sqlite", str(path))
    with storage.unit_of_work() as uow:
        balance = uow.ledger.balance(lg.wallet(spending.BUYER))
        issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
    storage.close()
    assert ({"paid": BALANCE, "refused": WORKERS * ATTEMPTS - BALANCE}, Money(0, "USD"), []) == (
        dict(outcomes),
        balance,
        issues,
    )


@pytest.mark.slow
def test_the_naive_read_then_write_control_overspends(tmp_path):
    path = tmp_path / "naive.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE naive (id INTEGER PRIMARY KEY, minor INTEGER)")
        connection.execute("INSERT INTO naive VALUES (1, ?)", (BALANCE,))
    outcomes = race(spending.naive_spend, str(path))
    assert outcomes["paid"] > BALANCE, "the control should overspend; if not, R3 proves nothing"


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_spends_exactly_the_balance_under_eight_processes(postgres_schemas):
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=2)
    fund(storage)
    outcomes = race(spending.spend, f"postgres:{schema}", dsn)
    with storage.unit_of_work() as uow:
        balance = uow.ledger.balance(lg.wallet(spending.BUYER))
        issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
    storage.close()
    assert ({"paid": BALANCE, "refused": WORKERS * ATTEMPTS - BALANCE}, Money(0, "USD"), []) == (
        dict(outcomes),
        balance,
        issues,
    )
