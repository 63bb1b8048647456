"""The conversation on an order: messages, deliveries and the contact-details filter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

import attrs

from microgigs._checks import plain_text, short_list
from microgigs._contact import message_text
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import utc
from microgigs.errors import InvalidType, PermissionDenied
from microgigs.ids import MemberId, MessageId, OrderId
from microgigs.orders._machine import due_now
from microgigs.orders._order import NEEDS_REASON, REASON_LENGTH, Order
from microgigs.orders._status import OrderEvent, OrderStatus, Party
from microgigs.policy import OrderPolicy

_BODY_LENGTH: Final = (1, 5000)
_ATTACHMENTS_MAX: Final = 10
_REFERENCE_LENGTH: Final = 500


class MessageKind(LabelledEnum):
    """What a message on an order is."""

    MESSAGE = "message"
    INSTRUCTIONS = "instructions"
    DELIVERY = "delivery"
    MODIFICATION_REQUEST = "modification_request"
    PROBLEM_REPORT = "problem_report"


label_members(
    {
        MessageKind.MESSAGE: _("message"),
        MessageKind.INSTRUCTIONS: _("instructions"),
        MessageKind.DELIVERY: _("delivery"),
        MessageKind.MODIFICATION_REQUEST: _("modification request"),
        MessageKind.PROBLEM_REPORT: _("problem report"),
    }
)


@attrs.frozen
class Message:
    """One message of an order's conversation, with references to attached files."""

    id: MessageId
    order_id: OrderId
    author_id: MemberId
    kind: MessageKind
    body: str
    attachments: tuple[str, ...]
    sent_at: datetime


# --- posting ---------------------------------------------------------------------------------


def compose(
    order: Order,
    actor: Actor,
    body: str,
    *,
    kind: MessageKind,
    message_id: MessageId,
    sent_at: datetime,
    attachments: Sequence[str] = (),
) -> Message:
    """A checked message from the buyer or the seller of ``order``; changes nothing."""
    party = order.party_of(actor)
    if party not in (Party.BUYER, Party.SELLER) or actor.member_id is None:
        raise PermissionDenied(actor=party.label, action=_("write in this order"))
    if kind in _SAYS_A_REASON:  # the message is the order's reason too: held to its length
        text = message_text(_("reason"), body, REASON_LENGTH)
    else:
        text = message_text(_("message"), body, _BODY_LENGTH)
    files = tuple(
        plain_text(_("attachment"), a, 1, _REFERENCE_LENGTH)
        for a in short_list(_("attachments"), attachments, _ATTACHMENTS_MAX)
    )
    return Message(message_id, order.id, actor.member_id, kind, text, files, utc(sent_at))


def post_message(
    order: Order,
    actor: Actor,
    body: str,
    *,
    message_id: MessageId,
    sent_at: datetime,
    policy: OrderPolicy,
    attachments: Sequence[str] = (),
) -> Message:
    """Write in the order; the buyer's first message carries the instructions.

    While the order awaits instructions, the buyer's message starts the work: the order
    moves to in progress and the delivery countdown starts. Once an automatic event is due
    (a request to cancel past its hours, the days without instructions), the buyer still
    writes, as a plain message: the work no longer starts.
    """
    instructions = (
        order.status is OrderStatus.AWAITING_INSTRUCTIONS
        and order.party_of(actor) is Party.BUYER
        and due_now(order, sent_at) is None
    )
    kind = MessageKind.INSTRUCTIONS if instructions else MessageKind.MESSAGE
    message = compose(
        order,
        actor,
        body,
        kind=kind,
        message_id=message_id,
        sent_at=sent_at,
        attachments=attachments,
    )
    if instructions:
        order.apply(OrderEvent.SEND_INSTRUCTIONS, actor, sent_at, policy)
    return message


_KIND_OF: Final = {
    OrderEvent.DELIVER: MessageKind.DELIVERY,
    OrderEvent.REQUEST_MODIFICATION: MessageKind.MODIFICATION_REQUEST,
    OrderEvent.REPORT_PROBLEM: MessageKind.PROBLEM_REPORT,
}
_SAYS_A_REASON: Final = frozenset(_KIND_OF[event] for event in NEEDS_REASON)


def act_with_message(
    order: Order,
    event: OrderEvent,
    actor: Actor,
    body: str,
    *,
    message_id: MessageId,
    sent_at: datetime,
    policy: OrderPolicy,
    attachments: Sequence[str] = (),
) -> Message:
    """Deliver, request modifications or report a problem, with the message that says so.

    The message is checked first and the transition second; either refusal changes nothing.
    """
    kind = _KIND_OF.get(event)
    if kind is None:
        raise InvalidType(
            field=_("event"), expected=_("deliver, modification or problem"), actual=event
        )
    message = compose(
        order,
        actor,
        body,
        kind=kind,
        message_id=message_id,
        sent_at=sent_at,
        attachments=attachments,
    )
    reason = None if event is OrderEvent.DELIVER else message.body
    order.apply(event, actor, sent_at, policy, reason=reason)
    return message
