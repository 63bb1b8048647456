"""A milestone funded before the client's fee existed reads back as funded without one.

The fee paid is recorded on each milestone at funding (``Milestone.fee``); documents that
SQLite and PostgreSQL stored before have no such field and must read as no fee at all.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from migrating import postgres_before, sqlite_before, sqlite_time

from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.ids import ContractId
from microgigs.money import Money
from microgigs.policy import FIVERR_LIKE
from microgigs.projects import Contract
from microgigs.storage.codec import decode, encode
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.contract import BUYER_ID, EPOCH, SELLER_ID, _contract

ALL = 10**6  # every migration
INSERT = (
    "INSERT INTO contracts (id, project_id, client_id, freelancer_id, status, offered_at,"
    " next_due_at, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
ZERO = Money.zero("USD")


def funded() -> Contract:
    contract = _contract(1)
    contract.accept(Actor.member(SELLER_ID), EPOCH + timedelta(hours=2))
    contract.fund(
        Actor.member(BUYER_ID), 1, EPOCH + timedelta(hours=3), fees=FIVERR_LIKE.projects.client_fees
    )
    return contract


def old_document(contract: Contract) -> str:
    """The document as it was written before the fee: no milestone has the field."""
    doc = json.loads(encode(contract))
    for milestone in doc["milestones"]:
        del milestone["fee"]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def row(contract: Contract, time: object) -> tuple[object, ...]:
    return (contract.id, contract.project_id, contract.client_id, contract.freelancer_id,
            contract.status.value, time(contract.offered_at), None, contract.version,  # type: ignore[operator]
            old_document(contract))  # fmt: skip


def no_fee(read: Contract) -> None:
    [milestone] = read.milestones
    assert (milestone.fee, milestone.fee_paid, milestone.funded_at) == (
        None,
        ZERO,
        EPOCH + timedelta(hours=3),
    )
    assert (read.fees(), read.fees_held(), read.held()) == (ZERO, ZERO, Money.of(1200, "USD"))


def test_the_codec_reads_a_milestone_without_a_fee_as_none_paid():
    contract = funded()
    assert Money.of(66, "USD") == contract.milestones[0].fee  # 5.5% of $1,200
    assert contract == decode(encode(contract), Contract)
    no_fee(decode(old_document(contract), Contract))


def test_sqlite_reads_an_old_funded_milestone_as_without_a_fee(tmp_path):
    path = tmp_path / "old.db"
    connection = sqlite_before(path, ALL)
    connection.execute(INSERT, row(funded(), sqlite_time))
    connection.close()
    storage = SQLiteStorage(path, currency="USD")
    with storage.unit_of_work() as uow:
        no_fee(uow.contracts.get(ContractId("C1")))
    storage.close()


@pytest.mark.postgres
def test_postgres_reads_an_old_funded_milestone_as_without_a_fee(postgres_schemas):
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    with postgres_before(dsn, schema, ALL) as connection, connection.cursor() as cursor:
        cursor.execute(INSERT.replace("?", "%s"), row(funded(), utc))
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    with storage.unit_of_work() as uow:
        no_fee(uow.contracts.get(ContractId("C1")))
    storage.close()
