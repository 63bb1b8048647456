"""Money being paid out before withdrawals were recorded joins the payout queue after it.

A hostile review (2026-12-06): after the upgrade, a seller's withdrawal requested before it
showed in ``withdrawing`` but in no list, and no command could settle it. The migration
makes each seller's amount being paid out one withdrawal awaiting payout, its method not
recorded. The file or schema "before" is a marketplace whose withdrawals table and record
of the migration are taken away, as the schema before left it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg
import pytest

from microgigs import ManualClock, Money
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.marketplace import Marketplace, bootstrap
from microgigs.storage.postgres import PostgresStorage
from microgigs.testing.demo import load_demo
from microgigs.withdrawals import WithdrawalStatus

ADMIN = Actor.admin(MemberId("staff"))
START = datetime(2026, 11, 1, tzinfo=UTC)


def usd(dollars: int) -> Money:
    return Money.of(dollars, "USD")


def paying_out(opened: Callable[[], Marketplace]) -> Actor:
    """khaled_dev of the demo month, with two withdrawals ($20 and $10) being paid out."""
    clock = ManualClock(START)
    market = opened(clock)
    khaled = Actor.member(load_demo(market, clock).sellers["khaled_dev"])
    market.request_withdrawal(khaled, usd(20), key="old-1")
    market.request_withdrawal(khaled, usd(10), key="old-2")
    market.close()
    return khaled


def settled_after(market: Marketplace, khaled: Actor) -> None:
    member = khaled.member_id or MemberId("-")
    try:
        queue = market.payout_queue(ADMIN)  # khaled's, and omar_voice's of the demo
        assert 2 == len(queue)
        (waiting,) = [w for w in queue if w.seller_id == member]
        assert (usd(30), None) == (waiting.amount, waiting.method)
        assert [waiting] == market.withdrawals(khaled)
        market.settle_withdrawal(ADMIN, waiting.id, paid=True, key="settle-old")
        assert usd(0) == market.balance(lg.withdrawing(member))
        assert WithdrawalStatus.PAID is market.withdrawals(khaled)[0].status
        assert [] == market.audit(ADMIN)
    finally:
        market.close()


def test_sqlite_money_being_paid_out_before_the_migration_can_be_settled(tmp_path):
    path = str(tmp_path / "before.sqlite3")
    khaled = paying_out(lambda clock: bootstrap(path, clock=clock))
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("DROP TABLE withdrawals")
        db.execute("DELETE FROM schema_migrations WHERE version = 16")
    settled_after(bootstrap(path, clock=ManualClock(START)), khaled)


@pytest.mark.postgres
def test_postgres_money_being_paid_out_before_the_migration_can_be_settled(postgres_schemas):
    dsn, make_schema = postgres_schemas
    schema = make_schema()

    def opened(clock: ManualClock) -> Marketplace:
        storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
        return bootstrap(storage, clock=clock)

    khaled = paying_out(opened)
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f'SET search_path = "{schema}"')
        db.execute("DROP TABLE withdrawals")
        db.execute("DELETE FROM schema_migrations WHERE version = 15")
    settled_after(opened(ManualClock(START)), khaled)
