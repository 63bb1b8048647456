"""Databases as an older version left them: the migrations before one, applied and recorded.

For the tests that store rows the old way, then open the adapter and check that the
migration carried them over.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import psycopg

from microgigs.clock import utc
from microgigs.storage.postgres import _migrations as postgres_migrations
from microgigs.storage.sqlite import _migrations as sqlite_migrations
from microgigs.storage.sqlite import _statements


def sqlite_before(path: Path, version: int) -> sqlite3.Connection:
    """A new SQLite file holding the migrations before ``version`` (autocommit)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    for number, script in sqlite_migrations():
        if number < version:
            for statement in _statements(script):
                connection.execute(statement)
            connection.execute("INSERT INTO schema_migrations VALUES (?, '')", (number,))
    return connection


@contextmanager
def postgres_before(dsn: str, schema: str, version: int) -> Iterator[psycopg.Connection]:
    """A new PostgreSQL schema holding the migrations before ``version`` (autocommit)."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'SET search_path = "{schema}"')
        connection.execute(
            "CREATE TABLE schema_migrations"
            " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)"
        )
        for number, script in postgres_migrations():
            if number < version:
                connection.execute(script)  # type: ignore[arg-type]
                connection.execute("INSERT INTO schema_migrations VALUES (%s, now())", (number,))
        yield connection


def sqlite_time(when: datetime) -> str:
    """A time as the SQLite adapter writes it in a column: fixed width, ``Z`` for UTC."""
    return utc(when).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
