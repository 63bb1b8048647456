"""The baselines of P1 and P2: the adapter's own SQL, replayed on the raw driver.

``record`` wraps an SQL adapter's two doors to its database (``_read``: one statement in
its own transaction; ``_write``: a unit of work's statements in one transaction) and keeps,
for one lifecycle, every statement with its parameters and its transaction boundaries.
``Script.replay(n)`` then sends the same statements with the same boundaries through the
raw driver, with the ids and keys the lifecycle created replaced by fresh ones (so each
replay writes new rows, as a new lifecycle does). What the replay leaves out is exactly
what the library adds: the domain rules, building and reading the aggregates, the codec,
the unit of work and the idempotency records' lookups in Python.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

ULID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")


@attrs.define
class Script:
    """One lifecycle's transactions: ("read" | "write", [(sql, params), …])."""

    transactions: list[tuple[str, list[tuple[str, tuple[Any, ...]]]]]
    created: set[str]
    key_prefix: str
    fresh: itertools.count[int] = attrs.Factory(lambda: itertools.count(1))

    def statements(self) -> int:
        """How many statements one lifecycle sends."""
        return sum(len(statements) for _, statements in self.transactions)

    def renamed(self) -> list[tuple[str, list[tuple[str, tuple[Any, ...]]]]]:
        """The transactions with new ids and keys, for one more lifecycle."""
        n = next(self.fresh)
        names = {old: f"9{n:012d}{i:013d}" for i, old in enumerate(sorted(self.created))}
        prefix = f"R{n}-"

        def swap(value: Any) -> Any:
            if isinstance(value, str):
                value = ULID.sub(lambda m: names.get(m.group(0), m.group(0)), value)
                return value.replace(self.key_prefix, prefix)
            if isinstance(value, list):
                return [swap(v) for v in value]
            return value

        return [
            (kind, [(sql, tuple(swap(p) for p in params)) for sql, params in statements])
            for kind, statements in self.transactions
        ]


def record(storage: Any, action: Callable[[], None], key_prefix: str, known: set[str]) -> Script:
    """Run ``action`` on ``storage`` and keep what it sent; ``known``: ids that existed."""
    backend = storage._backend  # noqa: SLF001 (the bench looks behind the adapter on purpose)
    real_read, real_write = backend._read, backend._write  # noqa: SLF001
    kept: list[tuple[str, list[tuple[str, tuple[Any, ...]]]]] = []

    def read(sql: str, params: Sequence[object] = ()) -> Any:
        kept.append(("read", [(sql, tuple(params))]))
        return real_read(sql, params)

    def write(work: Callable[[Any], None]) -> None:
        statements: list[tuple[str, tuple[Any, ...]]] = []

        def spying(execute: Callable[[str, Sequence[object]], Any]) -> None:
            statements.clear()  # a retried transaction is kept once

            def spy(sql: str, params: Sequence[object]) -> Any:
                statements.append((sql, tuple(params)))
                return execute(sql, params)

            work(spy)

        real_write(spying)
        kept.append(("write", list(statements)))

    backend._read, backend._write = read, write  # noqa: SLF001
    try:
        action()
    finally:
        backend._read, backend._write = real_read, real_write  # noqa: SLF001
    seen = {
        match
        for _, statements in kept
        for _, params in statements
        for value in params
        for match in ULID.findall(str(value))
    }
    return Script(kept, seen - known, key_prefix)


def ids_in(rows: Sequence[Sequence[object]]) -> set[str]:
    """Every ULID in some rows (the ids that exist before the recording)."""
    return {match for row in rows for value in row for match in ULID.findall(str(value))}
