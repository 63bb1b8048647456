"""P6 for project mode: the newest open projects in a category, and an Arabic search among
the open projects, at 1,000,000 projects ÷ the same at 10,000, on SQLite and PostgreSQL.

The projects are posted one a minute, titled from ``bench/data/search_dev.json``, spread
over the 98 default categories and the budget brackets. At the end of the run (the
clock's now), those posted in the last 30 days (the project lifetime) are still open with
probability 0.3 (the others were closed by their clients); everything older is closed, as
``tick`` expires what its client did not close. So 10,000 projects hold about 3,000 open
ones and 1,000,000 about 13,000: the history grows a hundredfold, the open set fourfold.
Each project is made by the domain (draft, submit, approve, close) and stored through the
adapter's own ``uow.projects.add``. The queries are ``Marketplace.open_projects``.

Run: .venv/bin/python bench/p6_projects.py [--projects 1000000] [--postgres DSN] [--keep DIR]

With ``--keep`` the SQLite files stay in DIR and are reused, as the PostgreSQL schemas are.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from harness import measure, report
from search_recall import load

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs.actors import Actor
from microgigs.catalog import default_categories
from microgigs.ids import CategoryId, MemberId, ProjectId
from microgigs.marketplace import Marketplace
from microgigs.payments import FakeGateway
from microgigs.projects import Project, ProjectTerms
from microgigs.storage import Storage
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

START = datetime(2025, 1, 1, tzinfo=UTC)
CATEGORY = CategoryId("logo-design")
LIFETIME = timedelta(days=30)
STILL_OPEN = 0.3
BATCH = 20_000
ADMIN = Actor.admin(MemberId("admin"))
POLICY = KHAMSAT.projects
DESCRIPTION = "نبحث عن مستقل محترف لإنجاز المشروع كاملًا مع تسليمات واضحة وتواصل مستمر."
QUERIES: dict[str, dict[str, object]] = {
    "newest open in a category": {"category_id": CATEGORY},
    "Arabic search «شعار» among open projects": {"text": "شعار"},
    "Arabic search «تطبيق جوال» among open projects": {"text": "تطبيق جوال"},
}


def now_of(count: int) -> datetime:
    """The clock at the end of the run: a minute after the last project was posted."""
    return START + timedelta(minutes=count)


def projects(count: int, seed: int = 6) -> Iterator[Project]:
    """``count`` projects, the same for the same seed (see the module's docstring)."""
    rng = random.Random(seed)
    titles = [title for _, title in load()[0]]
    categories = [category.id for category in default_categories()]
    end = now_of(count)
    for number in range(count):
        client = MemberId(f"M{rng.randrange(count // 10 + 1)}")
        posted = START + timedelta(minutes=number)
        project = Project.draft(
            ProjectId(f"P{number:08d}"),
            client_id=client,
            terms=ProjectTerms(
                category_id=categories[rng.randrange(len(categories))],
                title=rng.choice(titles),
                description=DESCRIPTION,
                bracket=rng.randrange(len(POLICY.brackets)),
                duration_days=rng.randint(3, 60),
            ),
            now=posted,
            policy=POLICY,
        )
        project.submit(Actor.member(client), posted)
        project.approve(ADMIN, posted, POLICY)
        if end - posted >= LIFETIME or rng.random() >= STILL_OPEN:
            project.close(Actor.member(client), min(end, posted + LIFETIME))
        yield project


def fill(storage: Storage, count: int) -> None:
    """Store ``count`` projects through the adapter, ``BATCH`` to a unit of work."""
    made = projects(count)
    for _ in range(0, count, BATCH):
        with storage.unit_of_work() as uow:
            for project, _number in zip(made, range(BATCH), strict=False):
                uow.projects.add(project)
            uow.commit()


def load_sqlite(count: int, folder: Path) -> Storage:
    path = folder / f"p6-projects-{count}.db"
    if path.exists():
        with sqlite3.connect(path) as connection:
            (found,) = connection.execute("SELECT count(*) FROM projects").fetchone()
        if found == count:
            print(f"  reusing {path}")
            return SQLiteStorage(path, currency="USD")
        path.unlink()
    storage = SQLiteStorage(path, currency="USD")
    fill(storage, count)
    storage.close()
    with sqlite3.connect(path) as connection:
        connection.execute("ANALYZE")
    return SQLiteStorage(path, currency="USD")


def load_postgres(count: int, dsn: str) -> Storage:
    schema = f"bench_p6_projects_{count}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = %s AND table_name = 'projects'",
            (schema,),
        ).fetchall()
        if found:
            (kept,) = connection.execute(
                f'SELECT count(*) FROM "{schema}".projects'  # noqa: S608
            ).fetchone() or (0,)
            if kept == count:
                print(f"  reusing schema {schema}")
                return PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    fill(storage, count)
    storage.close()
    # as autovacuum would after a bulk load (the visibility map, the planner's statistics)
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        connection.execute("VACUUM (ANALYZE) projects")
    return PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)


def market_on(storage: Storage, count: int) -> Marketplace:
    clock = ManualClock(now_of(count))
    return Marketplace(storage, clock, UlidGenerator(clock, seed=1), KHAMSAT, FakeGateway())


def asker(market: Marketplace, query: dict[str, object]) -> Callable[[int], None]:
    def ask(loops: int) -> None:
        for _ in range(loops):
            assert market.open_projects(None, **query)  # type: ignore[arg-type]

    return ask


def run(
    name: str, load_small: Callable[[], Storage], load_big: Callable[[], Storage], big: int
) -> tuple[list[tuple[str, float, str]], dict[str, float]]:
    started = time.perf_counter()
    small, large = market_on(load_small(), 10_000), market_on(load_big(), big)
    print(f"  loaded {name} in {time.perf_counter() - started:.0f} s")
    rows, timings = [], {}
    for label, query in QUERIES.items():
        found = measure(
            {
                f"{name} {label} @ 10,000": asker(small, query),
                f"{name} {label} @ {big:,}": asker(large, query),
            },
            loops=20,
        )
        timings.update(found)
        little, lots = found.values()
        rows.append((f"{name}: {label}, {big:,} ÷ 10,000", lots / little, "≤ 2"))
    small.close()
    large.close()
    return rows, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("MICROGIGS_TEST_POSTGRES_DSN"))
    parser.add_argument("--keep", type=Path, help="a folder to keep the SQLite files in")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="microgigs-p6-projects-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows, timings = run(
        "sqlite",
        lambda: load_sqlite(10_000, folder),
        lambda: load_sqlite(options.projects, folder),
        options.projects,
    )
    if options.postgres:
        more_rows, more = run(
            "postgres",
            lambda: load_postgres(10_000, options.postgres),
            lambda: load_postgres(options.projects, options.postgres),
            options.projects,
        )
        rows += more_rows
        timings.update(more)
    report("P6-projects open projects", rows, timings)


def smoke() -> None:
    """A small SQLite history, every query: for the test suite."""
    folder = Path(tempfile.mkdtemp(prefix="microgigs-p6-projects-smoke-"))
    market = market_on(load_sqlite(3_000, folder), 3_000)
    for query in QUERIES.values():
        market.open_projects(None, **query)  # type: ignore[arg-type]
    market.close()


if __name__ == "__main__":
    main()
