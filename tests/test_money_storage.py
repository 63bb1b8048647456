"""MAX_MINOR's promise: any amount, and the sum of millions of them, fits a 64-bit column."""

from __future__ import annotations

import sqlite3

import pytest

from microgigs.money import MAX_MINOR

INT64_MAX = 2**63 - 1
# The promise, written down rather than derived from MAX_MINOR: nine thousand amounts of the
# largest size add up inside a signed 64-bit column (a larger cap leaves less room).
ROOM = 9_000


def test_the_cap_is_ten_trillion_dollars_in_cents():
    assert 10**15 == MAX_MINOR


def test_the_cap_leaves_room_for_thousands_of_largest_amounts():
    assert MAX_MINOR * ROOM <= INT64_MAX


def test_sqlite_sums_of_capped_amounts_do_not_overflow():
    with sqlite3.connect(":memory:") as db:
        db.execute("create table entries (minor integer not null)")
        db.executemany("insert into entries values (?)", [(MAX_MINOR,)] * ROOM)
        (total,) = db.execute("select sum(minor) from entries").fetchone()
    assert MAX_MINOR * ROOM == total


@pytest.mark.postgres
def test_postgres_bigint_holds_capped_amounts_and_their_sums(postgres_dsn):
    import psycopg  # noqa: PLC0415 (only this test needs the driver)

    with psycopg.connect(postgres_dsn) as connection:
        # a temporary table belongs to this connection alone: parallel runs never collide
        connection.execute("create temporary table money_limits (minor bigint not null)")
        with connection.cursor() as cursor:
            cursor.executemany("insert into money_limits values (%s)", [(MAX_MINOR,)] * ROOM)
            cursor.execute("select sum(minor)::bigint, max(minor) from money_limits")
            total, largest = cursor.fetchone() or (None, None)
    assert (MAX_MINOR * ROOM, MAX_MINOR) == (total, largest)
