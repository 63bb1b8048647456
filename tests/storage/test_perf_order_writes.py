"""An order's change written by the SQL adapters: only its moved columns, the same row.

An adapter that knows the version a unit of work changes (it read or wrote it last) sets
only the columns that moved, on the condition that the row still holds the others; a row
that does not is given the whole update. Either way the row ends as the whole update leaves
it, and a version that moved on is refused as stale.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from microgigs.actors import Actor
from microgigs.errors import StaleWrite
from microgigs.orders import OrderEvent
from microgigs.policy import KHAMSAT
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.examples import BUYER_ID, place_order


def columns(path, order_id: str) -> tuple[object, ...]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT buyer_id, seller_id, status, placed_at, next_due_at, version FROM orders"
            " WHERE id = ?",
            (order_id,),
        ).fetchone()


def instructed(storage: SQLiteStorage, order_id: str) -> None:
    with storage.unit_of_work() as uow:
        order = uow.orders.get(order_id)
        order.apply(
            OrderEvent.SEND_INSTRUCTIONS,
            Actor.member(BUYER_ID),
            order.placed_at + timedelta(minutes=1),
            KHAMSAT.orders,
        )
        uow.orders.save(order)
        uow.commit()


def test_a_row_that_no_longer_holds_a_column_of_its_version_is_written_whole(tmp_path) -> None:
    path = tmp_path / "orders.db"
    storage = SQLiteStorage(path, currency="USD")
    order = place_order()
    with storage.unit_of_work() as uow:
        uow.orders.add(order)
        uow.commit()
    written = columns(path, order.id)
    with sqlite3.connect(path) as db:  # a column rewritten behind the adapter's back
        db.execute("UPDATE orders SET seller_id = 'someone' WHERE id = ?", (order.id,))

    instructed(storage, order.id)

    after = columns(path, order.id)
    storage.close()
    expected = (*written[:2], "in_progress", written[3], None, written[5] + 1)
    assert expected == after


def test_a_version_that_moved_on_elsewhere_is_refused_as_stale(tmp_path) -> None:
    here = SQLiteStorage(tmp_path / "orders.db", currency="USD")
    elsewhere = SQLiteStorage(tmp_path / "orders.db", currency="USD")
    order = place_order()
    with here.unit_of_work() as uow:
        uow.orders.add(order)
        uow.commit()
    with here.unit_of_work() as uow:
        stale = uow.orders.get(order.id)  # here knows this version
        instructed(elsewhere, order.id)  # another process moves it on
        stale.apply(
            OrderEvent.SEND_INSTRUCTIONS,
            Actor.member(BUYER_ID),
            stale.placed_at + timedelta(minutes=2),
            KHAMSAT.orders,
        )
        uow.orders.save(stale)
        with pytest.raises(StaleWrite):
            uow.commit()
    here.close()
    elsewhere.close()
