"""Inquiries stored before they were ordered by their latest message come in that order after.

A review (2026-12-08): the migration dated every stored inquiry by its opening, so one
with a follow-up after others opened stayed off a seller's first page until its next
message.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from migrating import postgres_before, sqlite_before, sqlite_time

from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.ids import InquiryId, ServiceId
from microgigs.inquiries import Inquiry
from microgigs.storage.codec import encode
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.contract import BUYER_ID, EPOCH, SELLER_ID


def inquiries() -> list[Inquiry]:
    """I1 opened first and followed up last; I2 and I3 opened between, never answered.

    A time is written with six digits of a second, unless they are all zero (I3's are not).
    """
    made = [
        Inquiry.open(
            InquiryId(f"I{n}"),
            service_id=ServiceId(f"S{n}"),
            seller_id=SELLER_ID,
            buyer=Actor.member(BUYER_ID),
            body="هل تسلم الملفات المفتوحة؟",
            at=EPOCH + timedelta(days=day, microseconds=micro),  # 0: no fraction written
        )
        for n, day, micro in ((1, 0, 0), (2, 5, 0), (3, 6, 123))
    ]
    made[0].write(Actor.member(SELLER_ID), "نعم", EPOCH + timedelta(days=1))
    made[0].write(Actor.member(BUYER_ID), "وبأي صيغة؟", EPOCH + timedelta(days=10, seconds=7))
    return made


INSERT = (
    "INSERT INTO inquiries (id, service_id, buyer_id, seller_id, opened_at, version, doc)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def rows(made: list[Inquiry], time: object) -> list[tuple[object, ...]]:
    return [
        (i.id, i.service_id, i.buyer_id, i.seller_id, time(i.opened_at), i.version, encode(i))  # type: ignore[operator]
        for i in made
    ]


def first_pages(storage: SQLiteStorage | PostgresStorage) -> list[list[str]]:
    with storage.unit_of_work() as uow:
        return [[i.id for i in uow.inquiries.received(SELLER_ID, limit=n)] for n in (1, 2, 3)]


EXPECTED = [["I1"], ["I1", "I3"], ["I1", "I3", "I2"]]


def test_sqlite_inquiries_stored_before_come_by_their_latest_message(tmp_path):
    path = tmp_path / "before.db"
    connection = sqlite_before(path, 18)  # inquiries by their latest message: migration 18
    connection.executemany(INSERT, rows(inquiries(), sqlite_time))
    connection.close()

    storage = SQLiteStorage(path, currency="USD")
    assert EXPECTED == first_pages(storage)
    storage.close()


@pytest.mark.postgres
def test_postgres_inquiries_stored_before_come_by_their_latest_message(postgres_schemas):
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    with postgres_before(dsn, schema, 17) as connection, connection.cursor() as cursor:
        cursor.executemany(INSERT.replace("?", "%s"), rows(inquiries(), utc))

    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    assert EXPECTED == first_pages(storage)
    storage.close()
