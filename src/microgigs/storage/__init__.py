"""Storage: the ports every database adapter implements, and the adapters that ship.

* :mod:`microgigs.storage.ports`: the ``typing.Protocol`` s (repositories, ``UnitOfWork``).
* :mod:`microgigs.storage.memory`: in memory, transactional (tests, prototypes).
* :mod:`microgigs.storage.codec`: the cattrs codec the SQL adapters and hosts share.
* :func:`reindex_listings`: the search terms of every listing recomputed, once after an
  upgrade whose search analyser differs.

:func:`open_storage` picks the adapter a host's setting names: PostgreSQL for a DSN, SQLite
for a path (``":memory:"`` for a private in-memory SQLite database).

>>> storage = open_storage(":memory:", currency="USD")
>>> type(storage).__name__, storage.schema_version() > 0
('SQLiteStorage', True)
>>> storage.close()
"""

from pathlib import Path

from microgigs._text import Verbatim
from microgigs.errors import StorageUnavailable
from microgigs.storage._reindex import reindex_listings
from microgigs.storage.memory import MemoryStorage
from microgigs.storage.ports import (
    CartRepository,
    CommandRecord,
    FavouritesRepository,
    IdempotencyRecords,
    LedgerRepository,
    MemberRepository,
    OrderRepository,
    Outbox,
    OutboxEvent,
    ServiceRepository,
    Storage,
    UnitOfWork,
)

__all__ = [
    "CartRepository",
    "CommandRecord",
    "FavouritesRepository",
    "IdempotencyRecords",
    "LedgerRepository",
    "MemberRepository",
    "MemoryStorage",
    "OrderRepository",
    "Outbox",
    "OutboxEvent",
    "ServiceRepository",
    "Storage",
    "UnitOfWork",
    "open_storage",
    "reindex_listings",
]


def open_storage(target: str, *, currency: str) -> Storage:
    """The adapter for ``target``: PostgreSQL for a DSN, SQLite for a file path."""
    if target.startswith(("postgresql://", "postgres://")):
        try:
            from microgigs.storage.postgres import PostgresStorage  # noqa: PLC0415 (an extra)
        except ImportError as missing:  # the driver is the `postgres` extra's (or broken)
            raise StorageUnavailable(
                reason=Verbatim(
                    f"{missing.name or 'psycopg'} is not installed: "
                    "pip install 'microgigs[postgres]'"
                )
            ) from missing
        return PostgresStorage(target, currency=currency)
    from microgigs.storage.sqlite import SQLiteStorage  # noqa: PLC0415 (imported on use)

    return SQLiteStorage(target if target == ":memory:" else Path(target), currency=currency)
