"""R7 on PostgreSQL: the database itself refuses every change to the ledger made with raw SQL."""

from __future__ import annotations

import builtins
import sys

import psycopg
import pytest
import spending
import tampering
from test_concurrency import fund

from microgigs import bootstrap
from microgigs import ledger as lg
from microgigs.errors import StorageUnavailable
from microgigs.l10n import translate_error
from microgigs.storage.postgres import PostgresStorage

pytestmark = pytest.mark.postgres


@pytest.fixture
def ledger_schema(postgres_schemas):
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    fund(storage)
    storage.close()
    return dsn, schema


def snapshot(connection):
    return [
        connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()  # noqa: S608
        for table in ("ledger_transactions", "ledger_entries", "ledger_balances")
    ]


ATTEMPTS = {
    **tampering.ATTEMPTS,
    "truncate the entries": "TRUNCATE ledger_entries CASCADE",
    "truncate the transactions": "TRUNCATE ledger_transactions CASCADE",
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS), ids=str)
def test_raw_sql_cannot_change_the_ledger(ledger_schema, attempt):
    dsn, schema = ledger_schema
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        before = snapshot(connection)
        with pytest.raises(psycopg.errors.IntegrityError):
            connection.execute(ATTEMPTS[attempt])
        assert before == snapshot(connection)
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    with storage.unit_of_work() as uow:
        assert [] == lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
        assert 100 == uow.ledger.balance(lg.wallet(spending.BUYER)).minor
    storage.close()


def test_an_unbalanced_set_of_entries_is_refused_at_commit(ledger_schema):
    dsn, schema = ledger_schema
    with psycopg.connect(dsn, options=f"-c search_path={schema}") as connection:
        connection.execute("SET CONSTRAINTS ALL DEFERRED")
        connection.execute(
            "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_only_from_transactions"
        )
        connection.rollback()
    # Even a superuser who disables the entry guard is stopped by the deferred check.
    with psycopg.connect(dsn, options=f"-c search_path={schema}") as connection:
        connection.execute(
            "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_only_from_transactions"
        )
        connection.execute(
            "INSERT INTO ledger_entries (transaction_id, account, currency, minor, balance)"
            " SELECT id, 'wallet:thief', 'USD', 5, 5 FROM ledger_transactions LIMIT 1"
        )
        with pytest.raises(psycopg.errors.IntegrityError):
            connection.commit()


def test_migrations_are_numbered_and_applied_once(ledger_schema):
    dsn, schema = ledger_schema
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    assert 16 == storage.schema_version()
    storage.close()


def test_a_dsn_without_the_postgres_extra_says_what_to_install(monkeypatch):
    # a new user's probe: a DSN on a plain install (no psycopg) raised a bare error, a
    # module not found, with no word of the extra to install
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    for name in [n for n in sys.modules if n.startswith("microgigs.storage.postgres")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(StorageUnavailable) as refused:
        bootstrap("postgresql://postgres@127.0.0.1:5432/test")
    said = translate_error(refused.value, "en")
    assert "psycopg is not installed: pip install 'microgigs[postgres]'" in said


def test_a_broken_driver_is_said_as_unavailable_too(monkeypatch):
    # a hostile review: psycopg installed without what it needs raises ImportError, not
    # ModuleNotFoundError, which escaped as it was
    real = builtins.__import__
    broken = "couldn't import requested psycopg 'c' implementation"

    def importing(name, *args, **kwargs):
        if name == "psycopg":
            raise ImportError(broken)
        return real(name, *args, **kwargs)

    for name in [n for n in sys.modules if n.startswith("microgigs.storage.postgres")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", importing)
    with pytest.raises(StorageUnavailable) as refused:
        bootstrap("postgresql://postgres@127.0.0.1:5432/test")
    assert "pip install 'microgigs[postgres]'" in translate_error(refused.value, "en")
