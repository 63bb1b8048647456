"""P2: the order lifecycle on the PostgreSQL adapter ÷ raw psycopg, same statements.

The baseline is the adapter's own statements for one lifecycle, recorded and sent again
through one raw psycopg connection (autocommit, as the adapter's pool connections) with the
same transactions (each unit of work in ``connection.transaction()``, each read on its own)
and fresh ids (``bench/replay.py``). The figure is the lifecycle rate of the adapter ÷ the
rate of the raw replay. Needs ``MICROGIGS_BENCH_POSTGRES_DSN`` (or the tests' DSN).

Run: MICROGIGS_BENCH_POSTGRES_DSN=postgresql://postgres@127.0.0.1:5432/test \\
     .venv/bin/python bench/p2_postgres.py
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import psycopg
from replay import Script
from sqlbench import compare

from microgigs.storage.postgres import PostgresStorage

TARGET = ">= 0.75"


def dsn() -> str:
    """Where to measure."""
    return os.environ.get("MICROGIGS_BENCH_POSTGRES_DSN") or os.environ.get(
        "MICROGIGS_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
    )


def postgres_replayer(db: psycopg.Connection[Any]) -> Any:
    """Send a script's transactions through one raw psycopg connection."""

    def replayer(_script: Script) -> Any:
        def send(transactions: list[Any]) -> None:
            for kind, statements in transactions:
                if kind == "read":
                    sql, params = statements[0]
                    db.execute(sql.replace("?", "%s"), params).fetchall()
                    continue
                with db.transaction():
                    for sql, params in statements:
                        cursor = db.execute(sql.replace("?", "%s"), params)
                        if cursor.description is not None:
                            cursor.fetchall()

        return send

    return replayer


def run(loops: int = 100, repeats: int = 7) -> float:
    """Measure; return the ratio."""
    where, tag = dsn(), uuid.uuid4().hex[:8]
    schemas = (f"bench_p2_{tag}_library", f"bench_p2_{tag}_raw")
    library = PostgresStorage(where, currency="USD", schema=schemas[0], pool_size=2)
    baseline = PostgresStorage(where, currency="USD", schema=schemas[1], pool_size=2)
    raw = psycopg.connect(where, autocommit=True, options=f"-c search_path={schemas[1]}")
    try:
        return compare(
            "P2 PostgreSQL lifecycle", "adapter rate ÷ raw psycopg rate", TARGET,
            library_store=library, baseline_store=baseline,
            replayer=postgres_replayer(raw), loops=loops, repeats=repeats,
            reopen=lambda: PostgresStorage(where, currency="USD", schema=schemas[1], pool_size=1),
        )  # fmt: skip
    finally:
        raw.close()
        library.close()
        with psycopg.connect(where, autocommit=True) as db:
            for schema in schemas:
                db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def smoke() -> None:
    """The whole path at a tiny size."""
    run(loops=2, repeats=1)


if __name__ == "__main__":
    run()
