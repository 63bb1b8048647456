"""Storage: the ports every database adapter implements, and the adapters that ship.

* :mod:`microgigs.storage.ports`: the ``typing.Protocol`` s (repositories, ``UnitOfWork``).
* :mod:`microgigs.storage.memory`: in memory, transactional (tests, prototypes).
* :mod:`microgigs.storage.codec`: the cattrs codec the SQL adapters and hosts share.
"""

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
]
