"""Where a lifecycle's time goes on an SQL adapter: the database, the codec, the rest.

Not a figure with a target: the diagnosis behind P1 and P2. It plays lifecycles
(``bench/lifecycle.py``) and splits their time at the adapter's two doors: *database* is the
time inside ``_read`` and inside ``_write`` outside the flush's own Python (the driver, the
connection, the SQL and its transaction); *codec* is encoding and decoding documents; the
*rest* is the library's Python: use cases, domain rules, the unit of work, the flush
building its statements. The raw baselines of P1 and P2 cost about what *database* costs.

With ``--postgres``, it also sends one lifecycle's recorded statements (``bench/replay.py``)
three ways, interleaved: on one raw psycopg connection (P2's baseline), through the
adapter's own doors (``_read``, ``_write``) and through them inside one unit of work's
session: what the adapter's connection handling costs, with no library work at all. And it
measures the two things of the machine that move P2 most: what one round trip costs after
the client paused (a lifecycle's Python runs between its statements; the raw replay sends
them back to back), and what a commit costs with and without waiting for the disk.

Run: .venv/bin/python bench/where_time_goes.py [--postgres DSN] [--lifecycles N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness import measure
from lifecycle import cast, play
from replay import record
from sqlbench import known_ids

from microgigs.storage import _sql
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage


class Split:
    """Seconds spent in each part."""

    def __init__(self) -> None:
        self.database = 0.0
        self.codec = 0.0
        self.flush_python = 0.0

    @contextmanager
    def timing(self, part: str) -> Iterator[None]:
        """Add the time of the block to ``part``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, part, getattr(self, part) + time.perf_counter() - started)


def instrument(storage: Any, split: Split) -> Callable[[], None]:
    """Wrap the backend's doors and the codec the SQL adapters share; return the undoing."""
    backend = storage._backend  # noqa: SLF001 (the bench looks behind the adapter on purpose)
    read, write = backend._read, backend._write  # noqa: SLF001

    def timed_read(sql: str, params: Sequence[object] = ()) -> Any:
        with split.timing("database"):
            return read(sql, params)

    def timed_write(work: Callable[[Any], None]) -> None:
        def timed_work(execute: Any) -> None:
            def timed_execute(sql: str, params: Sequence[object]) -> Any:
                with split.timing("database"):
                    return execute(sql, params)

            # the flush's Python is the rest, not the database: take it back out below
            with split.timing("flush_python"):
                work(timed_execute)

        with split.timing("database"):
            write(timed_work)

    backend._read, backend._write = timed_read, timed_write  # noqa: SLF001
    codec = ("encode", "decode", "encode_apart", "encode_rest", "decode_apart")
    originals = {name: getattr(_sql, name) for name in codec}
    for name, original in originals.items():

        def timed(*args: Any, original: Any = original) -> Any:
            with split.timing("codec"):
                return original(*args)

        setattr(_sql, name, timed)

    def undo() -> None:
        del backend._read, backend._write  # noqa: SLF001 (the class's methods again)
        for name, original in originals.items():
            setattr(_sql, name, original)

    return undo


def run(storage: Any, label: str, lifecycles: int) -> dict[str, float]:
    """Play ``lifecycles`` (after a warm-up) and print the split, in ms per lifecycle."""
    played = cast(storage)
    for _ in range(max(1, lifecycles // 5)):
        play(played)
    split = Split()
    undo = instrument(storage, split)
    try:
        started = time.perf_counter()
        for _ in range(lifecycles):
            play(played)
        total = time.perf_counter() - started
    finally:
        undo()
    # executes inside the flush were counted twice (database and flush_python); the
    # flush's Python sits inside the database's write time: both corrected here
    database = split.database - split.flush_python
    rest = total - database - split.codec
    parts = {"total": total, "database": database, "codec": split.codec, "rest": rest}
    per = {name: seconds / lifecycles * 1000 for name, seconds in parts.items()}
    print(f"{label}: {per['total']:.2f} ms per lifecycle = database {per['database']:.2f}"
          f" + codec {per['codec']:.2f} + the library's Python {per['rest']:.2f}")  # fmt: skip
    return per


def through_doors(backend: Any, transactions: Any) -> None:
    """Send recorded transactions through an SQL backend's ``_read`` and ``_write``."""
    for kind, statements in transactions:
        if kind == "read":
            backend._read(*statements[0])  # noqa: SLF001 (the bench looks behind the adapter)
            continue

        def work(execute: Any, statements: Any = statements) -> None:
            for sql, params in statements:
                cursor = execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()

        backend._write(work)  # noqa: SLF001


def doors(dsn: str, loops: int = 60) -> dict[str, float]:
    """One lifecycle's statements: raw psycopg, the adapter's doors, the doors in a session."""
    import psycopg  # noqa: PLC0415 (only with --postgres)
    from p2_postgres import postgres_replayer  # noqa: PLC0415

    schema = f"bench_doors_{uuid.uuid4().hex[:8]}"
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=2)
    raw = psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}")
    backend = storage._backend  # noqa: SLF001
    try:
        played = cast(storage)
        script = record(storage, lambda: play(played), f"L{played.played}-", known_ids(played))
        feed = iter([script.renamed() for _ in range(loops * 30)])
        send_raw = postgres_replayer(raw)(script)

        def raw_psycopg(n: int) -> None:
            for _ in range(n):
                send_raw(next(feed))

        def adapter_doors(n: int) -> None:
            for _ in range(n):
                through_doors(backend, next(feed))

        def in_one_session(n: int) -> None:
            for _ in range(n):
                with backend.session():
                    through_doors(backend, next(feed))

        timings = measure({"raw psycopg, one connection": raw_psycopg,
                           "the adapter's doors": adapter_doors,
                           "the doors in one session": in_one_session},
                          loops=loops, repeats=5)  # fmt: skip
    finally:
        raw.close()
        storage.close()
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    for name, ns in timings.items():
        print(f"  {name:<32} {ns / 1e6:6.2f} ms per lifecycle's statements")
    return timings


def _busy(microseconds: float) -> None:
    """Work (not sleep) for a while, as a lifecycle's Python does between statements."""
    until = time.perf_counter() + microseconds / 1e6
    while time.perf_counter() < until:
        pass


def pauses(dsn: str, trips: int = 400) -> dict[int, float]:
    """The mean cost of ``SELECT 1`` after the client worked 0 … 500 µs since the last one."""
    import psycopg  # noqa: PLC0415 (only with --postgres)

    gaps = (0, 50, 100, 200, 500)
    spent = dict.fromkeys(gaps, 0.0)
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("SELECT 1").fetchall()
        for _ in range(trips):
            for gap in gaps:  # interleaved: drift touches every gap alike
                _busy(gap)
                started = time.perf_counter()
                db.execute("SELECT 1").fetchall()
                spent[gap] += time.perf_counter() - started
    means = {gap: total / trips * 1e6 for gap, total in spent.items()}
    print("  a round trip after the client worked (µs):  "
          + "   ".join(f"{gap} → {mean:.0f}" for gap, mean in means.items()))  # fmt: skip
    return means


def commits(dsn: str, rounds: int = 100) -> dict[str, float]:
    """The mean cost of a one-row write transaction, waiting for the disk or not."""
    import psycopg  # noqa: PLC0415 (only with --postgres)

    spent = {"on": 0.0, "off": 0.0}
    table = f"bench_commit_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"CREATE TABLE {table} (n integer)")
        try:
            for n in range(rounds):
                for setting in spent:
                    db.execute(f"SET synchronous_commit = {setting}")
                    started = time.perf_counter()
                    with db.transaction():
                        db.execute(f"INSERT INTO {table} VALUES (%s)", (n,))  # noqa: S608
                    spent[setting] += time.perf_counter() - started
        finally:
            db.execute(f"DROP TABLE IF EXISTS {table}")
    means = {setting: total / rounds * 1000 for setting, total in spent.items()}
    print(f"  a one-row commit: {means['on']:.2f} ms waiting for the disk,"
          f" {means['off']:.2f} ms without (synchronous_commit off)")  # fmt: skip
    return means


def main() -> None:
    """Parse the options and measure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="also measure PostgreSQL at this DSN")
    parser.add_argument("--lifecycles", type=int, default=300)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        storage = SQLiteStorage(Path(folder) / "split.db", currency="USD")
        run(storage, "SQLite (file, WAL)", options.lifecycles)
        storage.close()
    if options.postgres:
        schema = f"bench_split_{uuid.uuid4().hex[:8]}"
        storage = PostgresStorage(options.postgres, currency="USD", schema=schema, pool_size=2)
        try:
            run(storage, "PostgreSQL", options.lifecycles // 3)
        finally:
            storage.close()
            import psycopg  # noqa: PLC0415 (only with --postgres)

            with psycopg.connect(options.postgres, autocommit=True) as db:
                db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        doors(options.postgres)
        pauses(options.postgres)
        commits(options.postgres)


def smoke() -> None:
    """The whole path at a tiny size."""
    with tempfile.TemporaryDirectory() as folder:
        storage = SQLiteStorage(Path(folder) / "split.db", currency="USD")
        per = run(storage, "SQLite (file, WAL)", 3)
        storage.close()
    assert min(per["database"], per["codec"], per["rest"]) > 0, per
    dsn = os.environ.get("MICROGIGS_TEST_POSTGRES_DSN")
    if dsn:
        assert min(pauses(dsn, trips=3).values()) > 0
        assert min(commits(dsn, rounds=3).values()) > 0


if __name__ == "__main__":
    main()
