"""P6 for project mode: the open-project listing reads its index in order, never sorts.

The queries are those of ``bench/p6_projects.py`` on its own data: the newest open projects
in a category, and the newest open projects a text search looks through.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from microgigs.ids import CategoryId
from microgigs.storage.postgres import PostgresStorage

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"
COUNT = 3_000
POSTGRES_COUNT = 10_000
"""The bench's small size: among 3,000 PostgreSQL reads the whole table for 500 rows."""
QUERIES = {
    "category": ({"category_id": CategoryId("logo-design")}, "projects_open_by_category"),
    "text": ({"text": "شعار"}, "projects_open"),
}


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import p6_projects  # noqa: PLC0415 (bench/ is on the path only for this test)

    return p6_projects


def spy_reads(monkeypatch, storage):
    backend = storage._backend
    sent = []
    original = backend._read

    def spy(sql, params=()):
        sent.append((sql, params))
        return original(sql, params)

    monkeypatch.setattr(backend, "_read", spy)
    return sent


def listing_reads(bench, monkeypatch, storage, query, count=COUNT):
    market = bench.market_on(storage, count)
    sent = spy_reads(monkeypatch, storage)
    assert market.open_projects(None, **query)
    reads = [(sql, params) for sql, params in sent if sql.startswith("SELECT doc FROM projects")]
    assert 1 == len(reads), sent
    return reads[0]


@pytest.mark.parametrize("name", list(QUERIES))
def test_sqlite_walks_the_open_index_newest_first(bench, tmp_path, monkeypatch, name):
    query, index = QUERIES[name]
    storage = bench.load_sqlite(COUNT, tmp_path)
    sql, params = listing_reads(bench, monkeypatch, storage, query)
    storage.close()
    with sqlite3.connect(tmp_path / f"p6-projects-{COUNT}.db") as connection:
        plan = " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert f"SEARCH projects USING INDEX {index} (status=?" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(QUERIES))
def test_postgres_walks_the_open_index_newest_first(bench, postgres_schemas, monkeypatch, name):
    query, index = QUERIES[name]
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    bench.fill(storage, POSTGRES_COUNT)
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        connection.execute("VACUUM (ANALYZE) projects")
    sql, params = listing_reads(bench, monkeypatch, storage, query, POSTGRES_COUNT)
    storage.close()
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        rows = connection.execute(f"EXPLAIN {sql.replace('?', '%s')}", params).fetchall()
    plan = " | ".join(str(row[0]) for row in rows)
    assert f"Index Scan using {index} on projects" in plan, plan
    assert "Sort" not in plan, plan
