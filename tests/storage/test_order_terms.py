"""Orders are stored in two texts: their terms (written once) and the rest (every change).

What an order bought and its price never change after it is placed, so the SQL adapters
write them once, in the column ``terms``, and each later change rewrites only the rest.
Orders stored whole by the earlier schema read back the same after the migration.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from migrating import postgres_before, sqlite_before, sqlite_time

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.marketplace import Marketplace
from microgigs.orders import Order
from microgigs.payments import FakeGateway
from microgigs.storage import MemoryStorage
from microgigs.storage.codec import decode, encode
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.demo import load_demo

START = datetime(2026, 10, 1, tzinfo=UTC)


def demo_orders() -> list[Order]:
    clock = ManualClock(START)
    market = Marketplace(
        MemoryStorage("USD"), clock, UlidGenerator(clock, seed=3), KHAMSAT, FakeGateway()
    )
    load_demo(market, clock)
    with market.storage.unit_of_work() as uow:
        return [
            order
            for member in uow.members.page(limit=1000)
            for order in uow.orders.by_buyer(member.id, limit=1000)
        ]


def whole_rows(orders: list[Order], time: object) -> list[tuple[object, ...]]:
    """The rows the schema before the split held: each order in one document."""
    return [
        (o.id, o.buyer_id, o.seller_id, o.status.value, time(o.placed_at),  # type: ignore[operator]
         None if o.next_due is None else time(o.next_due.at), o.version, encode(o))  # type: ignore[operator]
        for o in orders
    ]  # fmt: skip


INSERT_WHOLE = (
    "INSERT INTO orders (id, buyer_id, seller_id, status, placed_at, next_due_at, version, doc)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def read_back(storage: SQLiteStorage | PostgresStorage, orders: list[Order]) -> list[Order]:
    with storage.unit_of_work() as uow:
        return [uow.orders.get(o.id) for o in orders]


def test_sqlite_orders_stored_whole_read_back_the_same_after_the_migration(tmp_path):
    orders = demo_orders()
    assert len({o.status for o in orders}) >= 5
    path = tmp_path / "before.db"
    connection = sqlite_before(path, 9)  # the split is migration 9
    connection.executemany(INSERT_WHOLE, whole_rows(orders, sqlite_time))
    connection.close()

    storage = SQLiteStorage(path, currency="USD")
    assert 18 == storage.schema_version()
    assert orders == read_back(storage, orders)
    storage.close()


@pytest.mark.postgres
def test_postgres_orders_stored_whole_read_back_the_same_after_the_migration(
    postgres_schemas,
):
    orders = demo_orders()
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    # the split is migration 8
    with postgres_before(dsn, schema, 8) as connection, connection.cursor() as cursor:
        cursor.executemany(INSERT_WHOLE.replace("?", "%s"), whole_rows(orders, utc))

    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    assert 17 == storage.schema_version()
    assert orders == read_back(storage, orders)
    storage.close()


def test_an_order_s_terms_are_written_once_and_its_changes_rewrite_only_the_rest(tmp_path):
    path = tmp_path / "terms.db"
    clock = ManualClock(START)
    storage = SQLiteStorage(path, currency="USD")
    market = Marketplace(storage, clock, UlidGenerator(clock, seed=5), KHAMSAT, FakeGateway())
    demo = load_demo(market, clock)
    completed = next(o for o, story in demo.orders.items() if story == "reviewed")
    order = market.order(Actor.system(), completed)
    storage.close()

    with sqlite3.connect(path) as connection:
        rest, terms = connection.execute(
            "SELECT doc, terms FROM orders WHERE id = ?", (completed,)
        ).fetchone()
    assert {"service", "quote"} == set(json.loads(terms))
    assert not {"service", "quote"} & set(json.loads(rest))
    assert {"service": encode(order.service), "quote": encode(order.quote)} == {
        name: json.dumps(part, ensure_ascii=False, separators=(",", ":"))
        for name, part in json.loads(terms).items()
    }
    assert order.version > 1  # changed after it was placed, its terms as they were bought
    assert order == decode(json.dumps(json.loads(rest) | json.loads(terms)), Order)


def test_an_order_written_is_read_back_without_decoding_and_a_changed_row_is_read_anew(
    tmp_path, monkeypatch
):
    from microgigs.storage import _sql  # noqa: PLC0415 (the adapter's own cache, looked at)

    clock = ManualClock(START)
    storage = SQLiteStorage(tmp_path / "cache.db", currency="USD")
    market = Marketplace(storage, clock, UlidGenerator(clock, seed=5), KHAMSAT, FakeGateway())
    demo = load_demo(market, clock)
    delivered = next(o for o, story in demo.orders.items() if story == "delivered")
    decoded = []
    real = _sql.decode_apart
    monkeypatch.setattr(_sql, "decode_apart", lambda *a: decoded.append(a[0]) or real(*a))

    order = market.order(Actor.system(), delivered)  # it was written (delivered) by this process
    market.accept(
        Actor.member(order.buyer_id), delivered, key="accept-it"
    )  # an update: its rest only
    accepted = market.order(Actor.system(), delivered)

    assert ([], "completed") == (decoded, accepted.status.value)
    with sqlite3.connect(tmp_path / "cache.db") as connection:
        terms = json.loads(
            connection.execute("SELECT terms FROM orders WHERE id = ?", (delivered,)).fetchone()[0]
        )
        terms["service"]["title"] = "عنوان آخر"
        connection.execute(
            "UPDATE orders SET terms = ? WHERE id = ?",
            (json.dumps(terms, ensure_ascii=False), delivered),
        )
    assert "عنوان آخر" == market.order(Actor.system(), delivered).service.title
    assert 1 == len(decoded)
    storage.close()
