"""What each read side stands on: the storage it reads, the clock and the policy."""

from __future__ import annotations

from typing import Final

from microgigs._checks import page_cursor
from microgigs.clock import Clock
from microgigs.ids import MessageId, OrderId
from microgigs.orders import Message
from microgigs.policy import MarketplacePolicy
from microgigs.storage.ports import Storage, UnitOfWork

MESSAGES_PAGE: Final = 50
"""How many messages an order's or a contract's page holds: the latest, and a page before
the earliest of them holds the ones before it (a conversation is never read whole)."""


class ReadSide:
    """The parts a read side reads with; :class:`~microgigs.marketplace.Marketplace` has them."""

    storage: Storage
    clock: Clock
    policy: MarketplacePolicy

    def _reading(self) -> UnitOfWork:
        """A unit of work to read through (nothing is committed)."""
        return self.storage.unit_of_work()


def latest_messages(
    uow: UnitOfWork, conversation_id: OrderId, before: MessageId | None
) -> tuple[tuple[Message, ...], MessageId | None]:
    """The latest page of a conversation before ``before``, and the id to read before next.

    The id is the page's first message, when earlier ones are left; ``None`` otherwise.
    """
    page_cursor(before)  # not a str: InvalidType, as every page's cursor
    found = uow.orders.messages(conversation_id, limit=MESSAGES_PAGE + 1, before=before)
    if len(found) <= MESSAGES_PAGE:
        return tuple(found), None
    shown = tuple(found[1:])
    return shown, shown[0].id
