"""R7 on SQLite: the database itself refuses every change to the ledger made with raw SQL."""

from __future__ import annotations

import sqlite3

import pytest
import spending
import tampering
from test_concurrency import fund

from microgigs import ledger as lg
from microgigs.orders import OrderStatus
from microgigs.storage.sqlite import SQLiteStorage


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "ledger.db"
    storage = SQLiteStorage(path, currency="USD")
    fund(storage)
    storage.close()
    return path


def snapshot(connection):
    return [
        connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()  # noqa: S608
        for table in ("ledger_transactions", "ledger_entries", "ledger_balances")
    ]


@pytest.mark.parametrize("attempt", list(tampering.ATTEMPTS), ids=str)
def test_raw_sql_cannot_change_the_ledger(ledger_file, attempt):
    connection = sqlite3.connect(ledger_file, isolation_level=None)
    before = snapshot(connection)
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute(tampering.ATTEMPTS[attempt])
    assert before == snapshot(connection)
    connection.close()
    storage = SQLiteStorage(ledger_file, currency="USD")
    with storage.unit_of_work() as uow:
        assert [] == lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
        assert 100 == uow.ledger.balance(lg.wallet(spending.BUYER)).minor
    storage.close()


def test_migrations_are_numbered_and_applied_once(tmp_path):
    path = tmp_path / "twice.db"
    SQLiteStorage(path, currency="USD").close()
    storage = SQLiteStorage(path, currency="USD")
    assert 18 == storage.schema_version()
    storage.close()
    with sqlite3.connect(path) as connection:
        assert [(v,) for v in range(1, 19)] == connection.execute(
            "SELECT version FROM schema_migrations ORDER BY version"
        ).fetchall()
        assert ("wal",) == connection.execute("PRAGMA journal_mode").fetchone()


def test_orders_in_a_status_are_read_from_their_index_without_sorting(tmp_path, monkeypatch):
    path = tmp_path / "orders.db"
    storage = SQLiteStorage(path, currency="USD")
    backend = storage._backend
    sent = []
    original = backend._read

    def spy(sql, params=()):
        sent.append((sql, params))
        return original(sql, params)

    monkeypatch.setattr(backend, "_read", spy)
    with storage.unit_of_work() as uow:
        uow.orders.in_status(OrderStatus.DISPUTED)
    storage.close()
    (sql, params) = sent[-1]
    with sqlite3.connect(path) as connection:
        plan = " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "USING INDEX orders_by_status (status=?)" in plan
    assert "TEMP B-TREE" not in plan
