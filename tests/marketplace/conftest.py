"""The marketplace under test, on every adapter (memory, SQLite file, PostgreSQL)."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs.marketplace import Marketplace
from microgigs.payments import FakeGateway
from microgigs.storage import MemoryStorage
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

# cast.py, beside the tests, holds the members and services most tests start from
sys.path.insert(0, str(Path(__file__).parent))

from cast import START


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def market(request, tmp_path):
    if request.param == "memory":
        storage = MemoryStorage("USD")
    elif request.param == "sqlite":
        storage = SQLiteStorage(tmp_path / "market.db", currency="USD")
    else:
        dsn = request.getfixturevalue("postgres_dsn")
        schema = f"test_{uuid.uuid4().hex[:12]}"
        storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=2)
    clock = ManualClock(START)
    yield Marketplace(storage, clock, UlidGenerator(clock, seed=1), KHAMSAT, FakeGateway())
    storage.close()
    if request.param == "postgres":
        _drop(dsn, schema)


def _drop(dsn, schema):
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
