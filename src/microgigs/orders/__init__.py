"""Orders: the state machine, deadlines, automatic transitions, the conversation, disputes.

An order moves only through :meth:`Order.apply`, which looks the ``(status, event)`` pair
up in one table (:data:`TRANSITIONS`), checks the party and the guard, and only then
changes the order, records the transition in its history and emits a domain event.
"""

from microgigs._contact import contact_details
from microgigs.orders._conversation import (
    Message,
    MessageKind,
    act_with_message,
    compose,
    post_message,
)
from microgigs.orders._machine import (
    TRANSITIONS,
    DueTimer,
    Guard,
    Rule,
    decide,
    due_now,
    due_timer,
    render_mermaid,
    render_table,
)
from microgigs.orders._order import (
    REASON_LENGTH,
    CancellationRequest,
    Dispute,
    HistoryEntry,
    Order,
    OrderTransitioned,
)
from microgigs.orders._status import RESOLUTIONS, TERMINAL, OrderEvent, OrderStatus, Party

__all__ = [
    "REASON_LENGTH",
    "RESOLUTIONS",
    "TERMINAL",
    "TRANSITIONS",
    "CancellationRequest",
    "Dispute",
    "DueTimer",
    "Guard",
    "HistoryEntry",
    "Message",
    "MessageKind",
    "Order",
    "OrderEvent",
    "OrderStatus",
    "OrderTransitioned",
    "Party",
    "Rule",
    "act_with_message",
    "compose",
    "contact_details",
    "decide",
    "due_now",
    "due_timer",
    "post_message",
    "render_mermaid",
    "render_table",
]
