"""The SQLite adapter: the embedded default, one file (or ``:memory:``), stdlib ``sqlite3``.

* WAL journal, so readers never wait for the writer; ``BEGIN IMMEDIATE`` for the one short
  write transaction of each commit, with a busy timeout and retries inside the adapter.
* One connection per thread, closed when the thread ends (and all of them by ``close()``).
* Numbered migrations (``schema/NNNN_*.sql``) recorded in ``schema_migrations``.
* The ledger's rules are the database's own: a transaction that does not balance, a wallet
  going below zero, an entry updated, deleted or added outside a posting are all refused by
  triggers and constraints, whoever sends the SQL.
* ``sqlite3`` errors never leave the adapter: they become :mod:`microgigs.errors`.

>>> storage = SQLiteStorage(":memory:", currency="USD")
>>> storage.schema_version()
18
>>> storage.close()
"""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import orjson

from microgigs.clock import utc
from microgigs.errors import LedgerError, StorageBusy, StorageError, StorageUnavailable
from microgigs.storage._sql import Execute, Row, SqlBackend, SqlStorage, encodable, migrations
from microgigs.storage._unit import Backend

__all__ = ["SQLiteStorage"]

_BUSY_TIMEOUT_MS: Final = 5_000
_MMAP_BYTES: Final = 1 << 31
"""How much of a database file SQLite may map: address space, not memory (its build caps it)."""
_ATTEMPTS: Final = 20
_NO_FRACTION: Final = ".000000Z"
"""How a time with no microseconds ends: stored times are UTC to the microsecond, every
field at its full width (see ``_time``)."""
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def _migrations() -> list[tuple[int, str]]:
    return migrations("microgigs.storage.sqlite")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class _Holder:
    """Sits in one thread's ``threading.local``; when the thread ends, its finalizer runs.

    The finalizer closes that thread's connection (SECURITY.md: a thread that ends releases
    what it held), so a threaded host holds as many connections as it has threads alive.
    """

    __slots__ = ("__weakref__",)


def _release(live: dict[int, sqlite3.Connection], key: int) -> None:
    connection = live.pop(key, None)
    if connection is not None:
        connection.close()


class _SQLiteBackend(SqlBackend):
    def __init__(self, path: str, currency: str) -> None:
        super().__init__(currency)
        memory = path == ":memory:"
        # A private in-memory database shared by this process's connections.
        self._target = (
            f"file:microgigs-{uuid.uuid4().hex}?mode=memory&cache=shared" if memory else path
        )
        self._uri = memory
        self._local = threading.local()
        # every thread's connection by a key of its own, for close(); atomic dict operations
        # need no lock, so a finalizer run by the garbage collector anywhere cannot deadlock
        self._live: dict[int, sqlite3.Connection] = {}
        self._keys = itertools.count()
        # the time written last, and its text (see _time)
        self._last_time = (_EPOCH, "1970-01-01T00:00:00.000000Z")
        # Belongs to no thread: it keeps a shared in-memory database alive, and a file's WAL
        # from being checkpointed and deleted each time the last thread's connection closes.
        self._keeper = self._open()
        self._open_checked(self._migrate)

    # --- connections -----------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on its first call and closed when it ends."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        connection = self._open()
        holder = _Holder()
        key = next(self._keys)
        self._live[key] = connection
        weakref.finalize(holder, _release, self._live, key)
        self._local.connection = connection
        self._local.holder = holder
        return connection

    def _open(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                self._target,
                uri=self._uri,
                isolation_level=None,
                timeout=_BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        except sqlite3.Error as error:
            raise StorageUnavailable(reason=str(error)) from error
        try:
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            if not self._uri:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
                # reads through the operating system's page cache without a copy per page:
                # a search's term probes land on random pages of a large catalogue (P6)
                connection.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            connection.close()
            raise StorageUnavailable(reason=str(error)) from error
        return connection

    def close(self) -> None:
        self._local = threading.local()
        while self._live:
            try:
                _key, connection = self._live.popitem()
            except KeyError:  # a thread ended and took its own meanwhile
                break
            connection.close()
        self._keeper.close()

    def _migrate(self) -> None:
        def migrate(execute: Execute) -> None:
            execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
                (),
            )
            applied = execute("SELECT version FROM schema_migrations", ()).fetchall()
            done = {row[0] for row in applied}
            for version, script in _migrations():
                if version in done:
                    continue
                for statement in _statements(script):
                    execute(statement, ())
                execute(
                    "INSERT INTO schema_migrations VALUES (?, ?)",
                    (version, self._time(datetime.now(UTC))),
                )

        _in_transaction(self._keeper, migrate)

    def schema_version(self) -> int:
        rows = self._read("SELECT max(version) FROM schema_migrations")
        return int(str(rows[0][0]))

    # --- transactions ------------------------------------------------------------------------

    def _write(self, work: Callable[[Execute], None]) -> None:
        try:
            _in_transaction(self._connection(), work)
        except sqlite3.IntegrityError as error:
            raise _translate(error) from error
        except sqlite3.Error as error:
            raise StorageError from error

    def _read(self, sql: str, params: Sequence[object] = ()) -> Sequence[Row]:
        try:
            # this thread's connection without a call when it has one: most statements are reads
            connection: sqlite3.Connection = self._local.connection
        except AttributeError:
            connection = self._connection()
        try:
            try:
                return connection.execute(sql, params).fetchall()
            except UnicodeEncodeError:  # a key no UTF-8 holds (a lone surrogate) names nothing
                return connection.execute(sql, encodable(params)).fetchall()
        except sqlite3.Error as error:
            raise StorageError from error

    def _time(self, when: datetime) -> object:
        # A unit of work writes its one "now" in several columns: the same object is written
        # once. Held here, the object cannot be collected and its id reused by another time.
        last, text = self._last_time
        if when is last:
            return text
        # 2026-11-02T09:00:00.000000Z: fixed width, so text order is time order. The text
        # isoformat(timespec="microseconds") writes; orjson writes it in C, a third of the
        # cost of formatting seven fields, but leaves out a fraction of zero: it is put back.
        at = utc(when)
        if type(at) is not datetime:  # a subclass (a patched clock's): orjson writes only
            at = datetime(  # datetime itself, so the same instant as one
                *(at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond),
                tzinfo=at.tzinfo,
            )
        written = orjson.dumps(at, option=orjson.OPT_UTC_Z).decode()  # "…T09:00:00[.000007]Z"
        text = written[1:-2] + (_NO_FRACTION if at.microsecond == 0 else "Z")
        self._last_time = (when, text)  # one assignment: threads see a pair or the other
        return text

    def _parse_time(self, stored: object) -> datetime:
        return datetime.fromisoformat(str(stored))

    def _terms_value(self, terms: Sequence[str]) -> object:
        return " ".join(terms)

    def _one_of(self, column: str, values: Sequence[str]) -> tuple[str, object]:
        # one parameter whatever the number of values (SQLite caps the parameters)
        condition = f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608 (a fixed name)
        return condition, json.dumps(list(values))


def _statements(script: str) -> list[str]:
    """Split a migration into statements; triggers keep their inner semicolons."""
    statements: list[str] = []
    current: list[str] = []
    for line in script.splitlines():
        if line.lstrip().startswith("--") and not current:
            continue
        current.append(line)
        candidate = "\n".join(current)
        if sqlite3.complete_statement(candidate):
            statements.append(candidate)
            current = []
    return [s for s in statements if s.strip()]


def _in_transaction(connection: sqlite3.Connection, work: Callable[[Execute], None]) -> None:
    """``work`` in a write transaction: committed if it returns, rolled back if it raises.

    ``BEGIN IMMEDIATE`` is retried while the database is busy. A plain function, not a
    context manager: a flush is frequent enough that a generator per transaction shows in
    its cost. ``work`` sends through the driver's own method, no wrapper.
    """
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or attempt == _ATTEMPTS:
                raise StorageBusy(attempts=attempt) from error
            time.sleep(random.uniform(0.001, 0.01) * attempt)  # noqa: S311 (jitter)
        else:
            break
    try:
        work(connection.execute)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _translate(error: sqlite3.IntegrityError) -> Exception:
    text = str(error)
    if "CHECK constraint failed" in text and "minor >= 0" in text:
        # the backend checks balances first, so this is the database's own last word
        return LedgerError()
    return StorageError()


class SQLiteStorage(SqlStorage):
    """A marketplace in one SQLite file (or ``":memory:"``)."""

    def __init__(self, path: str | Path, *, currency: str) -> None:
        super().__init__(_SQLiteBackend(str(path), currency))


def _conforms(backend: _SQLiteBackend) -> Backend:
    """Never called: mypy checks here that the backend satisfies the unit of work's needs."""
    return backend
