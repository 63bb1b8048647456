"""Workers for the façade's races: processes that accept, tick or replay commands at once.

Imported by tests/marketplace/test_races.py; runs in child processes, so it takes plain
arguments and returns plain counts.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import MicrogigsError, StorageBusy
from microgigs.ids import ContractId, MemberId, OrderId
from microgigs.marketplace import Marketplace
from microgigs.money import Money
from microgigs.payments import FakeGateway


def open_market(kind: str, where: str, now: str) -> Marketplace:
    """A marketplace on SQLite at ``where``, or PostgreSQL at the DSN (kind "postgres:SCHEMA")."""
    if kind == "sqlite":
        from microgigs.storage.sqlite import SQLiteStorage  # noqa: PLC0415 (child process)

        storage = SQLiteStorage(Path(where), currency="USD")
    else:
        from microgigs.storage.postgres import PostgresStorage  # noqa: PLC0415 (child process)

        storage = PostgresStorage(where, currency="USD", schema=kind.split(":", 1)[1], pool_size=1)
    clock = ManualClock(datetime.fromisoformat(now))
    return Marketplace(storage, clock, UlidGenerator(clock), KHAMSAT, FakeGateway())


def _outcome(action) -> str:
    try:
        action()
    except StorageBusy:
        return "busy"  # R3: must never reach the caller
    except MicrogigsError as error:
        return type(error).__name__
    return "done"


def accept_all(kind: str, where: str, now: str, buyer: str, orders: list[str]) -> Counter[str]:
    """The buyer accepts every order, one after the other."""
    market = open_market(kind, where, now)
    actor = Actor.member(MemberId(buyer))
    try:
        return Counter(
            _outcome(lambda o=order: market.accept(actor, OrderId(o), key=f"accept-{o}"))
            for order in orders
        )
    finally:
        market.storage.close()


def tick_all(kind: str, where: str, now: str, rounds: int) -> Counter[str]:
    """``tick`` at the moment every order's auto-accept falls due, ``rounds`` times."""
    market = open_market(kind, where, now)
    try:
        outcomes: Counter[str] = Counter()
        for _ in range(rounds):
            outcomes[_outcome(market.tick)] += 1
        return outcomes
    finally:
        market.storage.close()


def replay_top_up(kind: str, where: str, now: str, buyer: str, key: str) -> Counter[str]:
    """Send the same top-up, under the same key, as every other worker."""
    market = open_market(kind, where, now)
    actor = Actor.member(MemberId(buyer))
    try:
        return Counter(
            [_outcome(lambda: market.top_up(actor, Money(1000, "USD"), lg.Gateway.CARD, key=key))]
        )
    finally:
        market.storage.close()


def replay_every_play(
    kind: str, where: str, now: str, scene: dict[str, str], barrier
) -> Counter[str]:
    """Make every play of ``replays`` under its own key, meeting the other workers before each.

    Returns each play's outcome (its result, or ``!`` and the error's name) keyed
    ``name=outcome``, so
    the test sees whether every worker got the same.
    """
    import replays  # noqa: PLC0415 (beside this file, on the parent's sys.path)

    market = open_market(kind, where, now)
    outcomes: Counter[str] = Counter()
    try:
        for play in replays.plays(market, scene):
            barrier.wait()
            try:
                result = repr(play.call(f"r4-{play.name}"))
            except MicrogigsError as error:
                result = f"!{type(error).__name__}"
            outcomes[f"{play.name}={result}"] += 1
        return outcomes
    finally:
        market.storage.close()


def fund_all(kind: str, where: str, now: str, client: str, contracts: list[str]) -> Counter[str]:
    """The client funds each contract's first milestone from the balance, one after another."""
    market = open_market(kind, where, now)
    actor = Actor.member(MemberId(client))
    try:
        return Counter(
            _outcome(
                lambda c=contract: market.fund_milestone(actor, ContractId(c), 1, key=f"fund-{c}")
            )
            for contract in contracts
        )
    finally:
        market.storage.close()
