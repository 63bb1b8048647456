"""What each read side stands on: the storage it reads, the clock and the policy."""

from __future__ import annotations

from microgigs.clock import Clock
from microgigs.policy import MarketplacePolicy
from microgigs.storage.ports import Storage, UnitOfWork


class ReadSide:
    """The parts a read side reads with; :class:`~microgigs.marketplace.Marketplace` has them."""

    storage: Storage
    clock: Clock
    policy: MarketplacePolicy

    def _reading(self) -> UnitOfWork:
        """A unit of work to read through (nothing is committed)."""
        return self.storage.unit_of_work()
