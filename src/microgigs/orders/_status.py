"""The order's statuses, the events that move it, and the parties who may fire them."""

from __future__ import annotations

from typing import Final

from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _


class OrderStatus(LabelledEnum):
    """Where an order stands (the seed's labels in Arabic)."""

    AWAITING_INSTRUCTIONS = "awaiting_instructions"
    IN_PROGRESS = "in_progress"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"

    @property
    def is_terminal(self) -> bool:
        """Completed and cancelled orders never move again."""
        return self in TERMINAL


TERMINAL: Final = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED})

label_members(
    {
        OrderStatus.AWAITING_INSTRUCTIONS: _("awaiting instructions"),
        OrderStatus.IN_PROGRESS: _("in progress"),
        OrderStatus.AWAITING_ACCEPTANCE: _("awaiting acceptance"),
        OrderStatus.COMPLETED: _("completed"),
        OrderStatus.CANCELLED: _("cancelled"),
        OrderStatus.DISPUTED: _("disputed"),
    }
)


class OrderEvent(LabelledEnum):
    """What happens to an order: a party's action or a due timer."""

    SEND_INSTRUCTIONS = "send_instructions"
    DELIVER = "deliver"
    ACCEPT = "accept"
    REQUEST_MODIFICATION = "request_modification"
    REPORT_PROBLEM = "report_problem"
    RESOLVE_COMPLETE = "resolve_complete"
    RESOLVE_FULL_REFUND = "resolve_full_refund"
    RESOLVE_PARTIAL_REFUND = "resolve_partial_refund"
    CANCEL_LATE = "cancel_late"
    DECLINE = "decline"
    REQUEST_CANCELLATION = "request_cancellation"
    ACCEPT_CANCELLATION = "accept_cancellation"
    REFUSE_CANCELLATION = "refuse_cancellation"
    AUTO_ACCEPT = "auto_accept"
    AUTO_ACCEPT_CANCELLATION = "auto_accept_cancellation"
    AUTO_CANCEL = "auto_cancel"


label_members(
    {
        OrderEvent.SEND_INSTRUCTIONS: _("send the instructions"),
        OrderEvent.DELIVER: _("deliver the work"),
        OrderEvent.ACCEPT: _("accept the delivery"),
        OrderEvent.REQUEST_MODIFICATION: _("request modifications"),
        OrderEvent.REPORT_PROBLEM: _("report a problem"),
        OrderEvent.RESOLVE_COMPLETE: _("close the dispute as completed"),
        OrderEvent.RESOLVE_FULL_REFUND: _("close the dispute with a full refund"),
        OrderEvent.RESOLVE_PARTIAL_REFUND: _("close the dispute with a partial refund"),
        OrderEvent.CANCEL_LATE: _("cancel the late order"),
        OrderEvent.DECLINE: _("decline the order"),
        OrderEvent.REQUEST_CANCELLATION: _("ask to cancel the order"),
        OrderEvent.ACCEPT_CANCELLATION: _("agree to cancel the order"),
        OrderEvent.REFUSE_CANCELLATION: _("refuse to cancel the order"),
        OrderEvent.AUTO_ACCEPT: _("accept the delivery automatically"),
        OrderEvent.AUTO_ACCEPT_CANCELLATION: _("cancel the order after an unanswered request"),
        OrderEvent.AUTO_CANCEL: _("cancel an order left without instructions"),
    }
)


RESOLUTIONS: Final = (
    OrderEvent.RESOLVE_COMPLETE,
    OrderEvent.RESOLVE_FULL_REFUND,
    OrderEvent.RESOLVE_PARTIAL_REFUND,
)
"""The outcomes of a dispute, an admin's: ``resolve_dispute`` takes no other event."""


class Party(LabelledEnum):
    """Who fires an event, relative to the order."""

    BUYER = "buyer"
    SELLER = "seller"
    ADMIN = "admin"
    SYSTEM = "system"


label_members(
    {
        Party.BUYER: _("the buyer"),
        Party.SELLER: _("the seller"),
        Party.ADMIN: _("an admin"),
        Party.SYSTEM: _("the system"),
    }
)
