"""A storage reopened in another currency than its ledger's is refused (docs/ledger.md).

A new user's audit (2026-12-07): a SQLite file or a PostgreSQL schema of a USD ledger,
opened again with a policy in JPY, took a ¥1,000 top-up as 1,000 cents in a USD wallet:
$10.00 out of nothing, and an audit that no longer balanced.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from microgigs import ledger as lg
from microgigs.errors import CurrencyMismatch
from microgigs.ids import MemberId, TransactionId
from microgigs.money import Money
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage


def _top_up(storage, currency):
    with storage.unit_of_work() as uow:
        uow.ledger.post(
            lg.top_up(
                TransactionId("t1"), "k1", member_id=MemberId("m1"),
                amount=Money(1000, currency), source=lg.Gateway.CARD,
                at=datetime(2026, 12, 7, tzinfo=UTC),
            )
        )  # fmt: skip
        uow.commit()


def test_a_sqlite_file_of_a_usd_ledger_is_refused_in_yen(tmp_path):
    path = tmp_path / "market.sqlite3"
    usd = SQLiteStorage(path, currency="USD")
    _top_up(usd, "USD")
    usd.close()
    with pytest.raises(CurrencyMismatch) as refused:
        SQLiteStorage(path, currency="JPY")
    assert ("USD", "JPY") == (refused.value.left, refused.value.right)
    again = SQLiteStorage(path, currency="USD")  # its own currency still opens it
    with again.unit_of_work() as uow:
        assert Money(1000, "USD") == uow.ledger.balance(lg.wallet(MemberId("m1")))
    again.close()


@pytest.mark.postgres
def test_a_postgres_schema_of_a_usd_ledger_is_refused_in_yen(postgres_schemas):
    dsn, make = postgres_schemas
    schema = make()
    usd = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=2)
    _top_up(usd, "USD")
    usd.close()
    with pytest.raises(CurrencyMismatch):
        PostgresStorage(dsn, currency="JPY", schema=schema, pool_size=2)
