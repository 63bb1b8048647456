"""R1: a hypothesis state machine drives the whole façade against a plain dict model.

Two buyers and one seller top up, place orders with upgrades, send instructions, deliver,
ask for modifications, accept, report problems, have disputes resolved (complete, full
refund, partial refund), cancel late, let ``tick`` fire auto-acceptance and clearance, and
withdraw. After every step every balance of the store (also of accounts the model never
heard of) must equal the model's, and so must every open order's status; after every run,
every order's status, a clean ledger audit, and balances that sum to zero.

Steps: with ``CI`` set, at least 100,000 on memory and SQLite and 20,000 on PostgreSQL
(``R1_STEPS`` below; SQLite's in two parts), checked; on a developer's machine far fewer.
Each share must also walk every action at least once with success. Project mode has a
machine of its own (``ProjectLife``), walked on every adapter too.
The machine lives in market_life.py, and each share is played in a fresh process, so the
programs hypothesis draws, and the steps they walk, do not depend on the tests run before.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import market_life
import psycopg
import pytest

CI = bool(os.environ.get("CI"))
# adapter: (steps with CI, steps on a developer's machine); each share must also walk every
# action at least once with success, which 500 steps on PostgreSQL did not (no acceptance),
# nor, once the draws moved with the library's code (2026-12-04), 750 or 1,500 (no paid
# withdrawal): the store matched the model at every step, the walk was too short
R1_STEPS = {"memory": (100_000, 1_500), "sqlite": (100_000, 1_500), "postgres": (20_000, 3_000)}
# With CI, SQLite's share is played in two parts, each its own test, so the suite's two
# workers share the work evenly; the parts draw different programs (their runs differ in
# length). On a developer's machine it is one: the second part's 750 steps never reach a
# paid withdrawal.
SQLITE_PARTS = [("sqlite", 1, 2), ("sqlite", 2, 2)] if CI else [("sqlite", 1, 1)]
PARTS = [("memory", 1, 1), *SQLITE_PARTS, ("postgres", 1, 1)]


@pytest.fixture(
    params=[
        pytest.param(part, marks=[pytest.mark.postgres] if part[0] == "postgres" else [])
        for part in PARTS
    ],
    ids=lambda part: part[0] if part[2] == 1 else f"{part[0]}-{part[1]}of{part[2]}",
)
def adapter(request, tmp_path):
    """(name, part, parts, where, schema prefix) of one share; PostgreSQL's schemas dropped."""
    name, part, parts = request.param
    if name != "postgres":
        yield name, part, parts, str(tmp_path), ""
        return
    dsn = request.getfixturevalue("postgres_dsn")
    prefix = f"r1_{uuid.uuid4().hex[:8]}"
    yield name, part, parts, dsn, prefix
    with psycopg.connect(dsn, autocommit=True) as connection:
        for (schema,) in connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"{prefix}%",)
        ).fetchall():
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def walk_apart(*share: object, projects: bool = False) -> tuple[int, dict[tuple[str, bool], int]]:
    """``market_life.walk`` in a fresh interpreter, which has loaded nothing else."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(market_life.walk, *share, projects=projects).result()


# Some paths are rare in a uniform walk (the buyer accepting a delivery before tick does, a
# paid withdrawal): their first success moves with the draws, which move with the library's
# code. A share that has not walked every action with success, or walked fewer steps than
# it wants, walks again, with other draws, in a fresh store: at most WALKS_AT_MOST times.
WALKS_AT_MOST = 4


def walked_with_success(seen: dict[tuple[str, bool], int]) -> set[str]:
    return {action for action, allowed in seen if allowed}


def walk_until_covered(adapter, wanted):
    """Walk a share; again (other draws, a fresh store) until every action has succeeded."""
    name, part, parts, where, schema = adapter
    steps, seen = 0, Counter[tuple[str, bool]]()
    for walk in range(WALKS_AT_MOST):
        if name == "postgres":
            place, prefix = where, f"{schema}w{walk}"
        else:
            (place := Path(where) / f"walk-{walk}").mkdir()
            place, prefix = str(place), schema
        walked, seen_now = walk_apart(name, part + walk * parts, wanted, place, prefix)
        steps += walked
        seen.update(seen_now)
        # hypothesis ends some runs early: how many steps a share walks moves with the draws
        # too, and a share short of its steps walks again as one short of an action does
        if set(market_life.ACTIONS) <= walked_with_success(seen) and steps >= wanted:
            break
    return steps, seen


@pytest.mark.slow
def test_the_whole_facade_matches_a_dict_model(adapter):
    name, part, parts, _where, _schema = adapter
    wanted = -(-R1_STEPS[name][0 if CI else 1] // parts)
    steps, seen = walk_until_covered(adapter, wanted)
    print(f"R1 {name} part {part} of {parts}: {steps} steps")  # noqa: T201 (the figure R1 asks for)
    assert set(market_life.ACTIONS) <= walked_with_success(seen), seen
    assert steps >= wanted


# Project mode (#19) has a machine of its own (the services' walk above stays the same):
# the same life, and clients hiring the seller, funding, submissions, approvals (by hand and
# by tick), disputes released, refunded or split; its own steps on each adapter
R1_PROJECT_STEPS = {"memory": (20_000, 750), "sqlite": (20_000, 750), "postgres": (5_000, 500)}


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_project_mode_matches_the_dict_model_too(name, tmp_path, request):
    where, prefix = str(tmp_path), ""
    if name == "postgres":
        where, prefix = request.getfixturevalue("postgres_dsn"), f"r1p_{uuid.uuid4().hex[:8]}"
    wanted = R1_PROJECT_STEPS[name][0 if CI else 1]
    steps, seen = 0, Counter[tuple[str, bool]]()
    try:
        # as the services' walk: a rare path's first success moves with the draws (a change
        # to the contact filter left 500 steps on PostgreSQL without an approval), so a
        # walk that has not covered every step walks again, with other draws
        for walk in range(WALKS_AT_MOST):
            place = where if name == "postgres" else str(Path(where) / f"walk-{walk}")
            if name != "postgres":
                Path(place).mkdir()
            walked, seen_now = walk_apart(
                name, 1 + walk, wanted, place, f"{prefix}w{walk}" if prefix else "", projects=True
            )
            steps += walked
            seen.update(seen_now)
            if set(market_life.PROJECT_STEPS) <= walked_with_success(seen):
                break
    finally:
        if name == "postgres":
            with psycopg.connect(where, autocommit=True) as connection:
                for (schema,) in connection.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"{prefix}%",)
                ).fetchall():
                    connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(f"R1 projects {name}: {steps} steps")  # noqa: T201 (the figure R1 asks for)
    assert set(market_life.PROJECT_STEPS) <= {action for action, allowed in seen if allowed}, seen
    assert steps >= wanted
