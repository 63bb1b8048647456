"""The Order aggregate: what was bought, where it stands, its deadline, timers and history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Final

import attrs

from microgigs._checks import plain_text
from microgigs._contact import message_text
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.catalog import ServiceSnapshot
from microgigs.clock import utc
from microgigs.errors import (
    InvalidRefund,
    InvalidText,
    InvalidType,
    OwnService,
    PermissionDenied,
    RefundNotExpected,
)
from microgigs.ids import MemberId, OrderId
from microgigs.money import Money
from microgigs.orders._machine import DueTimer, decide, due_timer
from microgigs.orders._status import RESOLUTIONS, OrderEvent, OrderStatus, Party
from microgigs.policy import ChargeRule, OrderPolicy
from microgigs.pricing import Quote, Split, split

REASON_LENGTH: Final = (1, 2000)
"""How long a reason an order's history keeps may be (a request for changes, a problem …)."""
# Events that must say why (their reason is shown to the other party and to admins).
NEEDS_REASON: Final = frozenset({OrderEvent.REQUEST_MODIFICATION, OrderEvent.REPORT_PROBLEM})


@attrs.frozen
class HistoryEntry:
    """One transition: when, who, from what, to what, by which event, and why."""

    at: datetime
    actor: Actor
    event: OrderEvent | None
    from_status: OrderStatus | None
    to_status: OrderStatus
    reason: str | None = None


@attrs.frozen
class OrderTransitioned:
    """The domain event of every transition (placement included), for the outbox."""

    order_id: OrderId
    buyer_id: MemberId
    seller_id: MemberId
    transition: HistoryEntry


@attrs.frozen
class CancellationRequest:
    """A request by one party to cancel by mutual agreement."""

    requested_by: Party
    requested_at: datetime
    reason: str | None


@attrs.frozen
class Dispute:
    """A problem the buyer reported, and how an admin resolved it."""

    opened_at: datetime
    reason: str
    resolution: OrderEvent | None = None
    resolved_at: datetime | None = None


@attrs.define(slots=True)
class Order:
    """An order of one service: it moves only through :meth:`apply`.

    ``version`` is the number of transitions applied (placement is the first), so it always
    equals ``len(history)``; storage uses it to refuse stale writes.
    """

    id: OrderId
    buyer_id: MemberId
    seller_id: MemberId
    service: ServiceSnapshot
    quote: Quote
    placed_at: datetime
    status: OrderStatus = OrderStatus.AWAITING_INSTRUCTIONS
    version: int = 0
    instructions_at: datetime | None = None
    deadline: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    modifications: int = 0
    cancellation: CancellationRequest | None = None
    dispute: Dispute | None = None
    refunded: Money | None = None
    earnings: Split | None = None
    """What completion paid, fixed then (:meth:`fix_earnings`): a later policy leaves it."""
    next_due: DueTimer | None = None
    history: list[HistoryEntry] = attrs.Factory(list)
    published: int = 0
    """How many history entries :meth:`pull_events` has handed out."""

    @classmethod
    def place(
        cls,
        order_id: OrderId,
        *,
        buyer_id: MemberId,
        quote: Quote,
        service: ServiceSnapshot,
        placed_at: datetime,
        policy: OrderPolicy,
    ) -> Order:
        """An order paid for and waiting for the buyer's instructions."""
        if quote.service_id != service.service_id:
            raise InvalidType(
                field=_("quote"), expected=_("the quote of this service"), actual="other"
            )
        if buyer_id == service.seller_id:
            raise OwnService(service_id=service.service_id)
        when = utc(placed_at)
        order = cls(
            id=order_id,
            buyer_id=buyer_id,
            seller_id=service.seller_id,
            service=service,
            quote=quote,
            placed_at=when,
        )
        order._record(when, Actor.member(buyer_id), None, None, None)
        order.next_due = due_timer(order, policy)
        return order

    # --- reading -------------------------------------------------------------------------

    def party_of(self, actor: Actor) -> Party:
        """The actor's part in this order; members who are neither side are refused."""
        try:
            role = actor.role
        except AttributeError:  # None, or a member's id where its Actor belongs
            raise InvalidType(
                field=_("actor"), expected="Actor", actual=type(actor).__name__
            ) from None
        if role is Role.ADMIN:
            return Party.ADMIN
        if role is Role.SYSTEM:
            return Party.SYSTEM
        if actor.member_id == self.buyer_id:
            return Party.BUYER
        if actor.member_id == self.seller_id:
            return Party.SELLER
        raise PermissionDenied(actor=role.label, action=_("act on this order"))

    def seller_share(self, commission: Sequence[ChargeRule]) -> Split:
        """What the order pays its seller, and the platform's ``commission`` of it.

        A completed order's :attr:`earnings`, as the ledger paid them (the price of the work
        less any partial refund, under the commission of that day); nothing for a cancelled
        one; an open one's whole price, if it completes so under ``commission``.
        """
        return self._share(commission) if self.earnings is None else self.earnings

    def fix_earnings(self, commission: Sequence[ChargeRule]) -> Split:
        """On completion: what the order pays under ``commission``, kept as :attr:`earnings`."""
        self.earnings = self._share(commission)
        return self.earnings

    def _share(self, commission: Sequence[ChargeRule]) -> Split:
        if self.status is OrderStatus.CANCELLED:
            zero = Money.zero(self.quote.subtotal.currency)
            return Split(zero, zero, zero)
        refunded = self.refunded if self.status is OrderStatus.COMPLETED else None
        return split(
            self.quote.subtotal - refunded if refunded else self.quote.subtotal, commission
        )

    def is_late(self, now: datetime) -> bool:
        """In progress, the deadline passed, and no delivery met it (:attr:`met_deadline`)."""
        return (
            self.status is OrderStatus.IN_PROGRESS
            and self.deadline is not None
            and utc(now) > self.deadline
            and not self.met_deadline
        )

    @property
    def met_deadline(self) -> bool:
        """A delivery within the deadline's window still stood when the deadline came.

        Late means the deadline passed without a delivery (RULES §6): a seller who delivered
        in time is never late, even after a modification request made once the deadline
        had passed. A delivery the buyer sent back before the deadline (or in the instant
        it came) meets nothing: the seller must deliver again in time, as a modification
        request does not extend the deadline. Where one sets a new deadline
        (``OrderPolicy.modification_extends_deadline``), only a delivery since counts.
        """
        deadline = self.deadline
        if deadline is None:
            return False
        opened = deadline - _delivery_window(self)
        standing = False
        for entry in self.history:  # in the order things happened, not only by their time
            if entry.event is OrderEvent.DELIVER:
                standing = standing or opened <= entry.at <= deadline
            elif entry.event is OrderEvent.REQUEST_MODIFICATION and entry.at <= deadline:
                standing = False
        return standing

    def due_event(self, now: datetime, policy: OrderPolicy) -> OrderEvent | None:
        """The automatic event due at ``now``, if any (a timer whose state moved on never is)."""
        timer = due_timer(self, policy)
        return timer.event if timer is not None and timer.at <= now else None

    def pull_events(self) -> list[OrderTransitioned]:
        """A domain event for each transition since the last pull (for the outbox)."""
        fresh = self.history[self.published :]
        self.published = len(self.history)
        return [OrderTransitioned(self.id, self.buyer_id, self.seller_id, entry) for entry in fresh]

    # --- the one entry point -------------------------------------------------------------

    def apply(
        self,
        event: OrderEvent,
        actor: Actor,
        now: datetime,
        policy: OrderPolicy,
        *,
        reason: str | None = None,
        refund: Money | None = None,
    ) -> HistoryEntry:
        """Fire ``event``; everything is checked before anything changes.

        ``reason`` is required to request modifications and to report a problem, optional
        otherwise; ``refund`` is the amount returned to the buyer by a partial refund, and
        given with any other event is ``RefundNotExpected``.
        """
        if type(event) is not OrderEvent:  # "resolve_full_refund" or None is no event
            raise InvalidType(field=_("event"), expected="OrderEvent", actual=type(event).__name__)
        when = utc(now)
        party = self.party_of(actor)
        rule = decide(self, event, party, when, policy)
        why = self._checked_reason(event, reason, party)
        refunded = self._checked_refund(event, refund)
        _EFFECTS.get(event, _no_effect)(self, party, when, why, policy)
        if rule.target is not self.status:
            # a request to cancel never moves the status; any move settles an open request
            self.cancellation = None
        if rule.target is OrderStatus.CANCELLED:
            self.cancelled_at = when
            self.refunded = self.quote.total
        elif rule.target is OrderStatus.COMPLETED:
            self.completed_at = when
            self.refunded = refunded
        if event in RESOLUTIONS and self.dispute is not None:
            self.dispute = attrs.evolve(self.dispute, resolution=event, resolved_at=when)
        entry = self._record(when, actor, event, rule.target, why)
        self.next_due = due_timer(self, policy)
        return entry

    def _checked_reason(self, event: OrderEvent, reason: str | None, party: Party) -> str | None:
        if reason is None:
            if event in NEEDS_REASON:
                raise InvalidText(
                    field=_("reason"), minimum=REASON_LENGTH[0], maximum=REASON_LENGTH[1]
                )
            return None
        if party in (Party.BUYER, Party.SELLER):  # the other party reads it, as a message
            return message_text(_("reason"), reason, REASON_LENGTH)
        return plain_text(_("reason"), reason, *REASON_LENGTH, multiline=True)

    def _checked_refund(self, event: OrderEvent, refund: Money | None) -> Money | None:
        if event is not OrderEvent.RESOLVE_PARTIAL_REFUND:
            if refund is not None:  # never ignored: it would not be what the admin meant
                raise RefundNotExpected(amount=refund, decision=event)
            return None
        maximum = self.quote.subtotal
        if not isinstance(refund, Money):
            raise InvalidType(field=_("refund"), expected="Money", actual=type(refund).__name__)
        if refund.currency != maximum.currency or not (refund.is_positive() and refund < maximum):
            raise InvalidRefund(amount=refund, maximum=maximum)
        return refund

    def _record(
        self,
        when: datetime,
        actor: Actor,
        event: OrderEvent | None,
        to: OrderStatus | None,
        reason: str | None,
    ) -> HistoryEntry:
        source = self.status if event is not None else None
        target = to if to is not None else self.status
        entry = HistoryEntry(when, actor, event, source, target, reason)
        self.status = target
        self.version += 1
        self.history.append(entry)
        return entry


# --- what each event does besides moving the status ------------------------------------------

_Effect = Callable[[Order, Party, datetime, "str | None", OrderPolicy], None]


def _no_effect(_o: Order, _p: Party, _w: datetime, _r: str | None, _pol: OrderPolicy) -> None:
    return None


def _delivery_window(order: Order) -> timedelta:
    # whole days: a timedelta moves an aware UTC time exactly as relativedelta(days=…) does
    return timedelta(days=order.quote.delivery_days)


def _send_instructions(
    order: Order, _p: Party, when: datetime, _r: str | None, _pol: OrderPolicy
) -> None:
    order.instructions_at = when
    order.deadline = when + _delivery_window(order)


def _deliver(order: Order, _p: Party, when: datetime, _r: str | None, _pol: OrderPolicy) -> None:
    order.delivered_at = when


def _request_modification(
    order: Order, _p: Party, when: datetime, _r: str | None, policy: OrderPolicy
) -> None:
    order.modifications += 1
    order.delivered_at = None
    if policy.modification_extends_deadline:
        order.deadline = when + _delivery_window(order)


def _report_problem(
    order: Order, _p: Party, when: datetime, reason: str | None, _pol: OrderPolicy
) -> None:
    order.dispute = Dispute(opened_at=when, reason=reason or "")


def _request_cancellation(
    order: Order, party: Party, when: datetime, reason: str | None, _pol: OrderPolicy
) -> None:
    order.cancellation = CancellationRequest(party, when, reason)


def _refuse_cancellation(
    order: Order, _p: Party, _w: datetime, _r: str | None, _pol: OrderPolicy
) -> None:
    order.cancellation = None


_EFFECTS: Final[dict[OrderEvent, _Effect]] = {
    OrderEvent.SEND_INSTRUCTIONS: _send_instructions,
    OrderEvent.DELIVER: _deliver,
    OrderEvent.REQUEST_MODIFICATION: _request_modification,
    OrderEvent.REPORT_PROBLEM: _report_problem,
    OrderEvent.REQUEST_CANCELLATION: _request_cancellation,
    OrderEvent.REFUSE_CANCELLATION: _refuse_cancellation,
}
