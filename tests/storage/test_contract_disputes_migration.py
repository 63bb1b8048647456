"""Contracts disputed before the disputed-contracts schema join the admins' queue after it.

Their documents record no time for a dispute: the migration dates them when their contract
was offered; contracts without a disputed milestone stay out of the queue.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from migrating import postgres_before, sqlite_before, sqlite_time

from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.projects import Contract
from microgigs.storage.codec import encode
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.contract import BUYER_ID, EPOCH, SELLER_ID, _contract


def contracts() -> list[Contract]:
    """C1 disputed, C2 funded and quiet, C3 disputed (offered later)."""
    made = [_contract(n) for n in (1, 2, 3)]
    for number, contract in enumerate(made, 1):
        contract.accept(Actor.member(SELLER_ID), EPOCH + timedelta(hours=number))
        contract.fund(Actor.member(BUYER_ID), 1, EPOCH + timedelta(hours=number))
    made[0].dispute(Actor.member(BUYER_ID), 1, "لم يبدأ العمل", EPOCH + timedelta(days=2))
    made[2].dispute(Actor.member(SELLER_ID), 1, "لم يرد العميل", EPOCH + timedelta(days=1))
    return made


def old_document(contract: Contract) -> str:
    """The document as the schema before wrote it: no milestone says when it was disputed."""
    doc = json.loads(encode(contract))
    for milestone in doc["milestones"]:
        del milestone["disputed_at"]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def rows(made: list[Contract], time: object) -> list[tuple[object, ...]]:
    return [
        (c.id, c.project_id, c.client_id, c.freelancer_id, c.status.value, time(c.offered_at),  # type: ignore[operator]
         None if c.next_due_at is None else time(c.next_due_at), c.version, old_document(c))  # type: ignore[operator]
        for c in made
    ]  # fmt: skip


INSERT = (
    "INSERT INTO contracts (id, project_id, client_id, freelancer_id, status, offered_at,"
    " next_due_at, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def queue(storage: SQLiteStorage | PostgresStorage) -> list[tuple[str, datetime | None]]:
    with storage.unit_of_work() as uow:
        return [(c.id, c.disputed_since) for c in uow.contracts.disputed()]


def test_sqlite_contracts_disputed_before_the_migration_are_queued(tmp_path):
    made = contracts()
    path = tmp_path / "before.db"
    connection = sqlite_before(path, 14)  # the disputed contracts are migration 14
    connection.executemany(INSERT, rows(made, sqlite_time))
    connection.close()

    storage = SQLiteStorage(path, currency="USD")
    assert 18 == storage.schema_version()
    assert [("C1", made[0].offered_at), ("C3", made[2].offered_at)] == queue(storage)
    storage.close()


@pytest.mark.postgres
def test_postgres_contracts_disputed_before_the_migration_are_queued(postgres_schemas):
    made = contracts()
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    # disputed contracts: migration 13
    with postgres_before(dsn, schema, 13) as connection, connection.cursor() as cursor:
        cursor.executemany(INSERT.replace("?", "%s"), rows(made, utc))

    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    assert 17 == storage.schema_version()
    assert [("C1", made[0].offered_at), ("C3", made[2].offered_at)] == queue(storage)
    storage.close()
