"""The order: messages, the transitions members and admins fire, and the money they move."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs

from microgigs import ledger as lg
from microgigs._checks import yes_or_no
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.clock import later
from microgigs.errors import InvalidType, MemberSuspended, UnknownChoice
from microgigs.ids import EventId, MessageId, OrderId
from microgigs.marketplace import commands as c
from microgigs.marketplace._catalog import trending_since
from microgigs.marketplace._context import Context, handles
from microgigs.money import Money
from microgigs.orders import (
    RESOLUTIONS,
    Order,
    OrderEvent,
    OrderStatus,
    act_with_message,
    post_message,
)
from microgigs.storage.codec import encode
from microgigs.storage.ports import OutboxEvent

UNWINDING: Final = frozenset(
    {
        OrderEvent.DECLINE,
        OrderEvent.CANCEL_LATE,
        OrderEvent.REQUEST_CANCELLATION,
        OrderEvent.ACCEPT_CANCELLATION,
        OrderEvent.REPORT_PROBLEM,
    }
)
"""What a suspended member may still do to an order: take it apart, never move it on."""


def party_order(
    context: Context, actor: Actor, order_id: OrderId, event: OrderEvent | None
) -> Order:
    """The order; a suspended party may only unwind it (``event=None``: a message)."""
    order = context.uow.orders.get(order_id)
    member_id = actor.member_id
    if (
        actor.role is Role.MEMBER
        and member_id in (order.buyer_id, order.seller_id)
        and event not in UNWINDING
    ):
        party = order.buyer_id if member_id == order.buyer_id else order.seller_id
        if not context.uow.members.can_trade(party):
            raise MemberSuspended(member_id=party)
    return order


@handles(c.SendMessage)
def send_message(command: c.SendMessage, context: Context) -> None:
    order = party_order(context, command.actor, command.order_id, None)
    message = post_message(
        order,
        command.actor,
        command.body,
        message_id=context.ids.new(MessageId),
        sent_at=context.now,
        policy=context.policy.orders,
        attachments=command.attachments,
    )
    context.uow.orders.add_message(message)
    save(context, order)


def act(  # the command, the event it fires, and the message that goes with it
    context: Context,
    command: c.OrderCommand[None],
    event: OrderEvent,
    body: str,
    attachments: Sequence[str] = (),
) -> None:
    order = party_order(context, command.actor, command.order_id, event)
    message = act_with_message(
        order,
        event,
        command.actor,
        body,
        message_id=context.ids.new(MessageId),
        sent_at=context.now,
        policy=context.policy.orders,
        attachments=attachments,
    )
    context.uow.orders.add_message(message)
    save(context, order)


@handles(c.Deliver)
def deliver(command: c.Deliver, context: Context) -> None:
    act(context, command, OrderEvent.DELIVER, command.body, command.attachments)


@handles(c.RequestModification)
def request_modification(command: c.RequestModification, context: Context) -> None:
    act(context, command, OrderEvent.REQUEST_MODIFICATION, command.reason)


@handles(c.ReportProblem)
def report_problem(command: c.ReportProblem, context: Context) -> None:
    act(context, command, OrderEvent.REPORT_PROBLEM, command.reason)


def transition(
    context: Context,
    command: c.OrderCommand[None],
    event: OrderEvent,
    *,
    reason: str | None = None,
    refund: Money | None = None,
) -> None:
    order = party_order(context, command.actor, command.order_id, event)
    order.apply(
        event, command.actor, context.now, context.policy.orders, reason=reason, refund=refund
    )
    settle_order(context, order)


@handles(c.Accept)
def accept(command: c.Accept, context: Context) -> None:
    transition(context, command, OrderEvent.ACCEPT)


@handles(c.CancelLate)
def cancel_late(command: c.CancelLate, context: Context) -> None:
    transition(context, command, OrderEvent.CANCEL_LATE)


@handles(c.Decline)
def decline(command: c.Decline, context: Context) -> None:
    transition(context, command, OrderEvent.DECLINE, reason=command.reason)


@handles(c.RequestCancellation)
def request_cancellation(command: c.RequestCancellation, context: Context) -> None:
    transition(context, command, OrderEvent.REQUEST_CANCELLATION, reason=command.reason)


@handles(c.AnswerCancellation)
def answer_cancellation(command: c.AnswerCancellation, context: Context) -> None:
    agree = yes_or_no(_("agree"), command.agree)
    agreed = OrderEvent.ACCEPT_CANCELLATION if agree else OrderEvent.REFUSE_CANCELLATION
    transition(context, command, agreed)


@handles(c.ResolveDispute)
def resolve_dispute(command: c.ResolveDispute, context: Context) -> None:
    # an admin's command that fires one of three events, never a party's own event (a
    # seller's "deliver" without its message and files): the order's table alone lets the
    # seller deliver, so both are checked here
    command.actor.require_admin(_("resolve a dispute"))
    outcome: object = command.outcome  # a caller's value: not always the OrderEvent it says
    if not isinstance(outcome, OrderEvent):  # "resolve_complete", a str: say the type
        raise InvalidType(field=_("outcome"), expected="OrderEvent", actual=type(outcome).__name__)
    if outcome not in RESOLUTIONS:
        raise UnknownChoice(
            field=_("outcome"),
            expected=_("one of the choices"),
            actual=outcome.label,
            choices=RESOLUTIONS,
        )
    transition(context, command, outcome, reason=command.reason, refund=command.refund)


def settle_order(context: Context, order: Order) -> None:
    """Stage an order just moved, with the money its new status calls for, in the same unit."""
    now, policy, uow = context.now, context.policy, context.uow
    if order.status is OrderStatus.COMPLETED:
        count_sale(context, order)
        order.fix_earnings(policy.ledger.commission)
        seller = uow.members.get(order.seller_id)
        clears_at = later(now, policy.ledger.clearance_for(seller.level))
        if order.refunded is None:
            context.post(
                lg.release,
                "release",
                order_id=order.id,
                seller_id=order.seller_id,
                subtotal=order.quote.subtotal,
                buyer_fee=order.quote.buyer_fee,
                commission=policy.ledger.commission,
                at=now,
                clears_at=clears_at,
            )
        else:
            context.post(
                lg.partial_refund,
                "partial-refund",
                order_id=order.id,
                buyer_id=order.buyer_id,
                seller_id=order.seller_id,
                subtotal=order.quote.subtotal,
                buyer_fee=order.quote.buyer_fee,
                refunded=order.refunded,
                commission=policy.ledger.commission,
                at=now,
                clears_at=clears_at,
            )
    elif order.status is OrderStatus.CANCELLED:
        context.post(
            lg.refund,
            "refund",
            order_id=order.id,
            buyer_id=order.buyer_id,
            amount=order.quote.total,
            at=now,
        )
    save(context, order)


def count_sale(context: Context, order: Order) -> None:
    """A completed order counts as a sale of its service (and a recent one, if bought lately)."""
    lately = order.placed_at >= trending_since(context, context.now)
    context.uow.listings.change(
        order.service.service_id,
        lambda listing: attrs.evolve(
            listing, sales=listing.sales + 1, recent_sales=listing.recent_sales + lately
        ),
    )


def publish(context: Context, order: Order) -> None:
    """The order's new events, into the outbox."""
    for event in order.pull_events():
        context.uow.outbox.record(
            OutboxEvent(
                context.ids.new(EventId), "order.transitioned", encode(event), event.transition.at
            )
        )


def save(context: Context, order: Order) -> None:
    """Stage an order and its events (first: the stored order remembers they went out)."""
    publish(context, order)
    context.uow.orders.save(order)
