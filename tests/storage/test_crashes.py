"""R6: a process killed (SIGKILL) at random points of a checkout loop loses nothing half-way."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spending

from microgigs import ledger as lg
from microgigs.ids import OrderId

ROUNDS = 6
HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def run_and_kill(kind: str, where: str, start: int, seed: int) -> None:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "src")])}
    victim = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, str(HERE / "checkout_loop.py"), kind, where, str(start)],
        stdout=subprocess.PIPE,
        env=environment,
    )
    assert victim.stdout is not None
    assert b"ready\n" == victim.stdout.readline()
    time.sleep(random.Random(seed).uniform(0.05, 0.6))  # noqa: S311 (repeatable timing)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    victim.stdout.close()


def committed_numbers(storage) -> list[int]:
    with storage.unit_of_work() as uow:
        numbers = []
        number = 0
        while True:
            record = uow.commands.get(f"checkout-{number}")
            if record is None:
                break
            numbers.append(number)
            number += 1
    return numbers


def verify(storage) -> int:
    numbers = committed_numbers(storage)
    with storage.unit_of_work() as uow:
        events = uow.outbox.pending(limit=1_000_000)
        issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
        balances = uow.ledger.balances()
        escrows = {
            account
            for account, money in balances.items()
            if account.startswith("escrow:") and money.minor
        }
        for number in numbers:
            order = uow.orders.get(OrderId(f"O{number}"))
            assert order.quote.total == uow.ledger.balance(lg.escrow(order.id))
            assert uow.ledger.by_key(f"pay-{number}") is not None
        absent = len(numbers)
        assert uow.commands.get(f"checkout-{absent}") is None
        assert uow.ledger.by_key(f"pay-{absent}") is None
        assert uow.ledger.by_key(f"topup-{absent}") is None
    assert [] == issues
    assert {f"escrow:O{n}" for n in numbers} == escrows
    assert sorted(f"E{n}" for n in numbers) == sorted(e.id for e in events)
    return len(numbers)


def crash_rounds(kind: str, where: str, storage_factory) -> int:
    committed = 0
    for round_number in range(ROUNDS):
        run_and_kill(kind, where, committed, seed=round_number)
        storage = storage_factory()
        committed = verify(storage)
        storage.close()
    return committed


@pytest.mark.slow
def test_sqlite_survives_sigkill_at_random_points(tmp_path):
    path = tmp_path / "crash.db"
    committed = crash_rounds(
        "sqlite", str(path), lambda: spending.open_storage("sqlite", str(path))
    )
    assert committed > 0


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_survives_sigkill_at_random_points(postgres_schemas):
    dsn, make_schema = postgres_schemas
    kind = f"postgres:{make_schema()}"
    spending.open_storage(kind, dsn).close()  # migrate before the first victim starts
    committed = crash_rounds(kind, dsn, lambda: spending.open_storage(kind, dsn))
    assert committed > 0
