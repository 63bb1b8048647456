"""Adapters under test: every contract check runs against each of them."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from microgigs.storage import MemoryStorage
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

# The helper modules beside the tests (workers, tampering attempts) import each other.
sys.path.insert(0, str(Path(__file__).parent))

ADAPTERS = [
    "memory",
    "sqlite-file",
    "sqlite-memory",
    pytest.param("postgres", marks=pytest.mark.postgres),
]


@pytest.fixture
def postgres_schemas(request):
    """Fresh PostgreSQL schemas for one test, dropped afterwards."""
    dsn = request.getfixturevalue("postgres_dsn")
    made: list[str] = []

    def make() -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        made.append(name)
        return name

    yield dsn, make
    with psycopg.connect(dsn, autocommit=True) as connection:
        for name in made:
            connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture(params=ADAPTERS)
def make_storage(request, tmp_path):
    files = iter(range(1_000_000))
    if request.param == "postgres":
        dsn, schema = request.getfixturevalue("postgres_schemas")
        return lambda: PostgresStorage(dsn, currency="USD", schema=schema(), pool_size=2)
    factories = {
        "memory": lambda: MemoryStorage("USD"),
        "sqlite-file": lambda: SQLiteStorage(tmp_path / f"m{next(files)}.db", currency="USD"),
        "sqlite-memory": lambda: SQLiteStorage(":memory:", currency="USD"),
    }
    return factories[request.param]
