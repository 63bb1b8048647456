"""P1: the order lifecycle on the SQLite adapter (file, WAL) ÷ raw sqlite3, same SQL.

The baseline is the adapter's own statements for one lifecycle, recorded and sent again
through ``sqlite3`` with the same transactions (``BEGIN IMMEDIATE`` … ``COMMIT`` for each
unit of work, autocommit for each read) and fresh ids (``bench/replay.py``). The figure is
the lifecycle rate of the adapter ÷ the rate of the raw replay.

Run: .venv/bin/python bench/p1_sqlite.py
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from replay import Script
from sqlbench import compare

from microgigs.storage.sqlite import _MMAP_BYTES, SQLiteStorage

TARGET = ">= 0.60"


def sqlite_replayer(db: sqlite3.Connection) -> Any:
    """Send a script's transactions through a raw sqlite3 connection set up as the adapter's."""
    # the adapter's own settings, mmap included (it reads through the page cache: P6)
    for pragma in ("busy_timeout = 5000", "journal_mode = WAL", "synchronous = NORMAL",
                   f"mmap_size = {_MMAP_BYTES}", "foreign_keys = ON"):  # fmt: skip
        db.execute(f"PRAGMA {pragma}")

    def replayer(_script: Script) -> Any:
        def send(transactions: list[Any]) -> None:
            for kind, statements in transactions:
                if kind == "read":
                    sql, params = statements[0]
                    db.execute(sql, params).fetchall()
                    continue
                db.execute("BEGIN IMMEDIATE")
                for sql, params in statements:
                    db.execute(sql, params).fetchall()
                db.execute("COMMIT")

        return send

    return replayer


def run(loops: int = 200, repeats: int = 7) -> float:
    """Measure; return the ratio."""
    with tempfile.TemporaryDirectory() as folder:
        library = SQLiteStorage(Path(folder) / "library.db", currency="USD")
        baseline = SQLiteStorage(Path(folder) / "baseline.db", currency="USD")
        raw = sqlite3.connect(Path(folder) / "baseline.db", isolation_level=None)
        try:
            return compare(
                "P1 SQLite lifecycle", "adapter rate ÷ raw sqlite3 rate", TARGET,
                library_store=library, baseline_store=baseline,
                replayer=sqlite_replayer(raw), loops=loops,
                reopen=lambda: SQLiteStorage(Path(folder) / "baseline.db", currency="USD"),
                repeats=repeats,
            )  # fmt: skip
        finally:
            raw.close()
            library.close()


def smoke() -> None:
    """The whole path at a tiny size."""
    run(loops=2, repeats=1)


if __name__ == "__main__":
    run()
