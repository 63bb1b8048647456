"""SQLite under a threaded host: a thread that ends releases its connection (SECURITY.md)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import spending
from test_concurrency import BALANCE, fund

from microgigs import ledger as lg
from microgigs.money import Money
from microgigs.storage.sqlite import SQLiteStorage

THREADS, BATCH = 10_000, 50
# SQLite sets aside the descriptor of a closed connection for the next one to open while
# another connection holds a lock on the file (closing it would drop the process's POSIX
# locks): so the files a storage holds are bounded by the threads alive at once, never by
# the threads that have lived. SLACK: whatever the test run opens meanwhile.
SLACK = 8
BOUND = BATCH + SLACK
FDS = Path("/proc/self/fd")

needs_proc = pytest.mark.skipif(not FDS.is_dir(), reason="counts open files in /proc/self/fd")


def open_files() -> int:
    return sum(1 for _ in FDS.iterdir())


def in_threads(count: int, work) -> list[BaseException]:
    """Run ``work`` once in each of ``count`` new threads, all at once; what they raised."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # noqa: BLE001 (handed to the test thread)
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def read_balance(storage: SQLiteStorage) -> Money:
    with storage.unit_of_work() as uow:
        return uow.ledger.balance(lg.wallet(spending.BUYER))


@needs_proc
def test_ten_thousand_short_lived_threads_keep_open_files_flat(tmp_path):
    storage = SQLiteStorage(tmp_path / "threads.db", currency="USD")
    fund(storage)
    balances: list[Money] = []
    in_threads(1, lambda: balances.append(read_balance(storage)))
    before = open_files()
    for done in range(0, THREADS, BATCH):
        failures = in_threads(BATCH, lambda: balances.append(read_balance(storage)))
        grown = open_files() - before
        # stop at the first batch that leaks, with the figure, rather than at the file limit
        assert ([], True) == (failures, grown <= BOUND), f"{grown} more after {done + BATCH}"
    storage.close()
    assert [Money(BALANCE, "USD")] * (THREADS + 1) == balances


@needs_proc
def test_close_releases_the_connections_of_threads_still_running(tmp_path):
    before = open_files()
    storage = SQLiteStorage(tmp_path / "close.db", currency="USD")
    opened, finish = threading.Barrier(BATCH + 1), threading.Event()

    def hold() -> None:
        storage.schema_version()
        opened.wait()
        finish.wait()

    threads = [threading.Thread(target=hold) for _ in range(BATCH)]
    for thread in threads:
        thread.start()
    opened.wait()
    holding = open_files() - before
    storage.close()
    closed = open_files() - before
    finish.set()
    for thread in threads:
        thread.join()
    assert (True, True) == (holding >= BATCH, closed <= 0)


def test_a_shared_memory_database_outlives_the_thread_that_made_it():
    made: list[SQLiteStorage] = []
    in_threads(1, lambda: made.append(SQLiteStorage(":memory:", currency="USD")))
    (storage,) = made
    fund(storage)
    balances: list[Money] = []
    assert [] == in_threads(BATCH, lambda: balances.append(read_balance(storage)))
    storage.close()
    assert [Money(BALANCE, "USD")] * BATCH == balances
