"""The PostgreSQL adapter (psycopg 3 and its pool; the ``postgres`` extra).

For marketplaces that outgrow one machine: the same schema as SQLite through migrations
(in its own PostgreSQL schema, so several marketplaces can share a database), the same
ledger rules enforced by triggers and constraints (plus a deferred constraint trigger that
re-checks at commit that every transaction balances), balances locked with ``FOR UPDATE``
in one order before they move, deadlocks and serialization failures retried inside the
adapter, and psycopg errors turned into :mod:`microgigs.errors`.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool

from microgigs.clock import utc
from microgigs.errors import (
    LedgerError,
    StaleWrite,
    StorageBusy,
    StorageError,
    StorageUnavailable,
)
from microgigs.storage._sql import (
    Cursor,
    Execute,
    Row,
    SqlBackend,
    SqlStorage,
    encodable,
    migrations,
)
from microgigs.storage._unit import Backend

__all__ = ["PostgresStorage"]

_ATTEMPTS: Final = 10
_SCHEMA_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_RETRYABLE: Final = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)
_BALANCE_MADE_MEANWHILE: Final = "ledger_balances_pkey"
"""The one unique key two writes may both meet without either being stale: an account's
first balance, made by the posting trigger of each."""


def _migrations() -> list[tuple[int, str]]:
    return migrations("microgigs.storage.postgres")


def _sql(query: str) -> str:
    return query.replace("?", "%s")


class _PostgresBackend(SqlBackend):
    _LOCK_ROWS = " FOR UPDATE"
    # OFFSET 0 keeps a search's term probe a keyed lookup per posting: without it the probe
    # becomes a semi join, and the generic plan of the prepared statement (after five runs)
    # read every posting of the probed term (7 ms at 10,000 services, 0.5 ms with it)
    _PROBE_FENCE = " OFFSET 0"
    _REACH_IN_SUBQUERY = True
    _SAME = "IS NOT DISTINCT FROM"

    def __init__(self, dsn: str, currency: str, schema: str, pool_size: int) -> None:
        if not _SCHEMA_NAME.fullmatch(schema):
            raise StorageUnavailable(reason=f"{schema!r} is not a plain schema name")
        super().__init__(currency)
        self._schema = schema
        self._held: dict[int, psycopg.Connection[Row]] = {}  # by thread, see session()
        try:
            with psycopg.connect(dsn, autocommit=True) as connection:
                connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            self._pool = ConnectionPool(
                dsn,
                min_size=1,
                max_size=pool_size,
                kwargs={"autocommit": True, "options": f"-c search_path={schema}"},
                open=True,
            )
        except psycopg.Error as error:
            raise StorageUnavailable(reason=str(error).strip()) from error
        self._open_checked(self._migrate)

    def close(self) -> None:
        self._pool.close()

    def _migrate(self) -> None:
        with self._pool.connection() as connection, connection.transaction():
            # one migrator at a time, whatever the number of processes starting up
            connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self._schema,))
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)"
            )
            done = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
            for version, script in _migrations():
                if version not in done:
                    connection.execute(script)
                    connection.execute(
                        "INSERT INTO schema_migrations VALUES (%s, %s)",
                        (version, datetime.now(UTC)),
                    )

    def schema_version(self) -> int:
        rows = self._read("SELECT max(version) FROM schema_migrations")
        return int(str(rows[0][0]))

    @contextmanager
    def session(self) -> Iterator[None]:
        """One connection for a unit of work's reads and flush: one checkout, not one each.

        Its statements still run one by one in autocommit (the flush in its transaction), as
        they would on connections of their own; a unit of work inside another on the same
        thread (a replay looking up its record) shares the outer one's connection.
        """
        thread = threading.get_ident()
        if thread in self._held:
            yield
            return
        try:
            with self._pool.connection() as connection:
                self._held[thread] = connection
                try:
                    yield
                finally:
                    del self._held[thread]  # by thread id: right even if ended elsewhere
        except psycopg.OperationalError as error:
            raise StorageUnavailable(reason=str(error).strip()) from error

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Row]]:
        """The unit of work's connection, or one from the pool for this statement alone."""
        held = self._held.get(threading.get_ident())
        if held is not None:
            yield held
            return
        with self._pool.connection() as connection:
            yield connection

    def _read(self, sql: str, params: Sequence[object] = ()) -> Sequence[Row]:
        if any(type(p) is str and "\x00" in p for p in params):
            # PostgreSQL's text holds no NUL, so no stored key has one: asked for as a key
            # no id holds either (U+FFFD), it names nothing, as on the other
            # adapters (NotFound, an empty rating), never a driver's error
            params = [p.replace("\x00", "\ufffd") if type(p) is str else p for p in params]
        try:
            with self._connection() as connection:
                try:
                    return connection.execute(_sql(sql), params).fetchall()
                except UnicodeEncodeError:  # a key no UTF-8 holds (a lone surrogate): nothing
                    return connection.execute(_sql(sql), encodable(params)).fetchall()
        except psycopg.Error as error:
            raise StorageError from error

    def _write(self, work: Callable[[Execute], None]) -> None:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with self._connection() as connection, connection.transaction():

                    def execute(sql: str, params: Sequence[object]) -> Cursor:
                        return connection.execute(_sql(sql), params)

                    work(execute)
            except psycopg.Error as error:
                if attempt == _ATTEMPTS or not _runs_again(error):
                    raise _refusal(error, attempt) from error
                time.sleep(random.uniform(0.001, 0.01) * attempt)  # noqa: S311 (jitter)
            else:
                return

    def _time(self, when: datetime) -> object:
        return utc(when)

    def _parse_time(self, stored: object) -> datetime:
        if not isinstance(stored, datetime):
            raise StorageError
        return stored.astimezone(UTC)

    def _terms_value(self, terms: Sequence[str]) -> object:
        return list(terms)

    def _one_of(self, column: str, values: Sequence[str]) -> tuple[str, object]:
        return f"{column} = ANY(?)", list(values)


def _runs_again(error: psycopg.Error) -> bool:
    """Whether a write that met ``error`` may succeed run again, as if it came a bit later.

    A deadlock or a serialization failure; or the first balance of an account made by
    another posting meanwhile (run again, this one moves the balance made).
    """
    if isinstance(error, pg_errors.UniqueViolation):
        return error.diag.constraint_name == _BALANCE_MADE_MEANWHILE
    return isinstance(error, _RETRYABLE)


def _refusal(error: psycopg.Error, attempts: int) -> Exception:
    """What a write that met ``error`` (and will not run again) tells its caller."""
    if _runs_again(error):  # every attempt met it
        return StorageBusy(attempts=attempts)
    if isinstance(error, pg_errors.CheckViolation):
        return LedgerError()
    if isinstance(error, pg_errors.UniqueViolation):
        return StaleWrite(kind="record", key=str(error.diag.constraint_name))
    if isinstance(error, psycopg.OperationalError):
        return StorageUnavailable(reason=str(error).strip())
    return StorageError()


class PostgresStorage(SqlStorage):
    """A marketplace in one PostgreSQL schema."""

    def __init__(
        self, dsn: str, *, currency: str, schema: str = "microgigs", pool_size: int = 10
    ) -> None:
        super().__init__(_PostgresBackend(dsn, currency, schema, pool_size))


def _conforms(backend: _PostgresBackend) -> Backend:
    """Never called: mypy checks here that the backend satisfies the unit of work's needs."""
    return backend
