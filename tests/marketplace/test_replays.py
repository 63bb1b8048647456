"""R4: every keyed use case replayed with its key has one effect; another payload conflicts.

In sequence: each play's call, then the same call again (the same result, not a row
changed), then another payload under the key (``IdempotencyConflict``, not a row
changed). From processes: three workers make every play at once under the same key, and
the database ends with the rows of one run, the same balances and a clean audit.
"""

from __future__ import annotations

import inspect
import multiprocessing
import sqlite3
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import psycopg
import pytest
import racing
import replays
from cast import START

from microgigs import ledger as lg
from microgigs.errors import IdempotencyConflict
from microgigs.marketplace import Marketplace
from microgigs.marketplace.commands import COMMANDS

WORKERS = 3


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def place(request, tmp_path):
    """A factory of empty databases of one kind: ``place(name)`` → (kind, where)."""
    schemas = []
    dsn = request.getfixturevalue("postgres_dsn") if request.param == "postgres" else ""

    def make(name):
        if request.param == "sqlite":
            return "sqlite", str(tmp_path / f"{name}.db")
        schemas.append(f"test_{uuid.uuid4().hex[:12]}")
        return f"postgres:{schemas[-1]}", dsn

    yield make
    for schema in schemas:
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def dump(kind, where):
    """Every row of every table, sorted, by table name."""
    if kind == "sqlite":
        with sqlite3.connect(where) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in names}  # noqa: S608
    schema = kind.split(":", 1)[1]
    with psycopg.connect(where) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        return {
            t: sorted(map(repr, db.execute(f'SELECT * FROM "{schema}"."{t}"')))  # noqa: S608
            for t in names
        }


def keyed_use_cases():
    """Every command a member or an admin sends, each with its typed method."""
    methods = {
        name
        for name, function in inspect.getmembers(Marketplace, inspect.isfunction)
        if not name.startswith("_") and "key" in inspect.signature(function).parameters
    }
    assert set(COMMANDS) == methods - {"execute"}
    return set(COMMANDS)


def staged(place, name):
    kind, where = place(name)
    market = racing.open_market(kind, where, START.isoformat())
    scene = replays.scene(market)
    return kind, where, market, scene


def test_the_plays_cover_every_keyed_use_case(tmp_path):
    market = racing.open_market("sqlite", str(tmp_path / "cover.db"), START.isoformat())
    names = [play.name for play in replays.plays(market, {"sara": "s", "ahmad": "a", "mona": "m"})]
    market.storage.close()
    assert (keyed_use_cases(), len(names)) == (set(names), len(set(names)))


@pytest.mark.slow
def test_every_play_replayed_in_sequence_has_one_effect_and_another_payload_conflicts(place):
    kind, where, market, scene = staged(place, "sequence")
    seen = []
    for play in replays.plays(market, scene):
        key = f"r4-{play.name}"
        first = play.call(key)
        after = dump(kind, where)
        again = play.call(key)
        with pytest.raises(IdempotencyConflict):
            play.other(key)
        seen.append((play.name, first == again, after == dump(kind, where)))
    market.storage.close()
    assert [(name, True, True) for name, *_ in seen] == seen


def counts_and_balances(kind, where, market):
    """What one effect per play leaves: rows per table, balances by kind, the audit."""
    rows = {table: len(found) for table, found in dump(kind, where).items()}
    with market.storage.unit_of_work() as uow:
        balances = uow.ledger.balances()
        issues = lg.audit(uow.ledger.entry_rows(), balances)
    by_kind = sorted((account.split(":")[0], money.minor) for account, money in balances.items())
    return rows, by_kind, issues


@pytest.mark.slow
def test_every_play_sent_by_three_processes_at_once_has_one_effect(place):
    kind, where, market, scene = staged(place, "racing")
    now = market.clock.now().isoformat()
    market.storage.close()
    once_kind, once_where, once, once_scene = staged(place, "once")
    for play in replays.plays(once, once_scene):
        play.call(f"r4-{play.name}")
    expected = counts_and_balances(once_kind, once_where, once)
    once.storage.close()

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        barrier = manager.Barrier(WORKERS)
        futures = [
            pool.submit(racing.replay_every_play, kind, where, now, scene, barrier)
            for _ in range(WORKERS)
        ]
        outcomes = [future.result() for future in futures]
    market = racing.open_market(kind, where, now)
    # every worker saw the same outcome of every play (the winner's result), never an error
    seen = sum(outcomes, Counter())
    assert ({WORKERS}, len(keyed_use_cases())) == (set(seen.values()), len(seen))
    assert [] == [outcome for outcome in seen if "=!" in outcome]
    assert expected == counts_and_balances(kind, where, market)
    market.storage.close()
