"""The order state machine as data: one table ``(status, event) → Rule``, guards as functions.

:func:`decide` is the whole decision: the table, the party, the guard. It changes nothing;
:meth:`~microgigs.orders.Order.apply` calls it first and mutates only after it returned.
The docs' diagram and table are rendered from :data:`TRANSITIONS` by :func:`render_mermaid`
and :func:`render_table`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final, Protocol

import attrs

from microgigs._text import _
from microgigs.clock import later
from microgigs.errors import ConditionNotMet, PermissionDenied, TransitionNotAllowed
from microgigs.orders._status import OrderEvent, OrderStatus, Party
from microgigs.policy import OrderPolicy


class _Request(Protocol):
    """What the guards read of an open cancellation request."""

    @property
    def requested_by(self) -> Party: ...
    @property
    def requested_at(self) -> datetime: ...


class _Order(Protocol):
    """What the machine reads of an order; :class:`~microgigs.orders.Order` is one.

    The machine knows the order only by this, so the aggregate's module imports the machine
    and never the other way round.
    """

    status: OrderStatus
    placed_at: datetime
    deadline: datetime | None
    delivered_at: datetime | None
    next_due: DueTimer | None

    @property
    def met_deadline(self) -> bool: ...
    @property
    def cancellation(self) -> _Request | None: ...
    def is_late(self, now: datetime) -> bool: ...


@attrs.frozen
class Guard:
    """A condition on time or state that must hold for a transition to fire.

    ``condition`` says, for the refusal message, what does not hold yet.
    """

    name: str
    condition: str
    check: Callable[[_Order, Party, datetime, OrderPolicy], bool] = attrs.field(repr=False)


@attrs.frozen
class DueTimer:
    """The next automatic event of an order and when it becomes due."""

    event: OrderEvent
    at: datetime


def due_timer(order: _Order, policy: OrderPolicy) -> DueTimer | None:
    """The next automatic event of ``order`` and when it falls due, from its state alone."""
    status = order.status
    if status.is_terminal:
        return None
    timers = []
    if status is OrderStatus.AWAITING_ACCEPTANCE and order.delivered_at is not None:
        timers.append(
            DueTimer(OrderEvent.AUTO_ACCEPT, later(order.delivered_at, policy.auto_accept_after))
        )
    if order.cancellation is not None:
        at = later(order.cancellation.requested_at, policy.mutual_cancellation_auto_accept_after)
        timers.append(DueTimer(OrderEvent.AUTO_ACCEPT_CANCELLATION, at))
    after = policy.auto_cancel_unstarted_after
    if status is OrderStatus.AWAITING_INSTRUCTIONS and after is not None:
        timers.append(DueTimer(OrderEvent.AUTO_CANCEL, later(order.placed_at, after)))
    if len(timers) <= 1:  # the common case needs no comparison
        return timers[0] if timers else None
    return min(timers, key=lambda timer: timer.at)


def due_now(order: _Order, now: datetime) -> DueTimer | None:
    """The order's automatic event if it is due at ``now``: the one ``tick`` will fire.

    Read from the timer the order keeps (``next_due``, what storage indexes for ``tick``),
    not worked out again under today's policy: a policy changed since never holds an order
    back for an event ``tick`` would not fire.
    """
    timer = order.next_due
    return timer if timer is not None and timer.at <= now else None


_SETTLED_BY: Final = {
    OrderEvent.AUTO_ACCEPT: frozenset({OrderEvent.AUTO_ACCEPT, OrderEvent.ACCEPT}),
    OrderEvent.AUTO_ACCEPT_CANCELLATION: frozenset(
        {OrderEvent.AUTO_ACCEPT_CANCELLATION, OrderEvent.ACCEPT_CANCELLATION}
    ),
    OrderEvent.AUTO_CANCEL: frozenset({OrderEvent.AUTO_CANCEL}),
}
"""What may still happen once an automatic event is due: itself, or a party doing it by hand."""
_DUE_SAYS: Final = {
    OrderEvent.AUTO_ACCEPT: _(
        "the time to answer this delivery is over, and the order completes by itself"
    ),
    OrderEvent.AUTO_ACCEPT_CANCELLATION: _(
        "a request to cancel went unanswered for its hours, and is accepted by itself"
    ),
    OrderEvent.AUTO_CANCEL: _(
        "the order went without instructions for its days, and is cancelled by itself"
    ),
}


def _late(order: _Order, _party: Party, now: datetime, _policy: OrderPolicy) -> bool:
    return order.is_late(now)


def _delivered_late(order: _Order, _party: Party, _now: datetime, policy: OrderPolicy) -> bool:
    """The delivery awaiting the buyer came after the deadline, and the policy lets them cancel.

    Late means the deadline passed without a delivery (RULES §6): a delivery made in time is
    never cancelled as late, even if the deadline passes while it awaits an answer.
    """
    deadline, delivered = order.deadline, order.delivered_at
    return (
        policy.buyer_may_cancel_late_while_awaiting_acceptance
        and deadline is not None
        and delivered is not None
        and delivered > deadline
        and not order.met_deadline
    )


def _auto_accept_due(order: _Order, _party: Party, now: datetime, policy: OrderPolicy) -> bool:
    return order.delivered_at is not None and now >= later(
        order.delivered_at, policy.auto_accept_after
    )


def _auto_cancel_due(order: _Order, _party: Party, now: datetime, policy: OrderPolicy) -> bool:
    after = policy.auto_cancel_unstarted_after
    return after is not None and now >= later(order.placed_at, after)


def _no_open_cancellation(order: _Order, _party: Party, _now: datetime, _p: OrderPolicy) -> bool:
    return order.cancellation is None


def _cancellation_asked_by_other(
    order: _Order, party: Party, _now: datetime, _policy: OrderPolicy
) -> bool:
    return order.cancellation is not None and order.cancellation.requested_by is not party


def _cancellation_unanswered(
    order: _Order, _party: Party, now: datetime, policy: OrderPolicy
) -> bool:
    request = order.cancellation
    return request is not None and now >= later(
        request.requested_at, policy.mutual_cancellation_auto_accept_after
    )


LATE: Final = Guard(
    "late: the deadline passed and no delivery met it",
    _("the seller is not late: the delivery deadline has not passed, or a delivery met it"),
    _late,
)
DELIVERED_LATE: Final = Guard(
    "delivered after the deadline, and the policy allows it while awaiting acceptance",
    _(
        "a delivery awaits your answer: an order is then cancelled as late only where the"
        " site allows it, and only if it was delivered after its deadline"
    ),
    _delivered_late,
)
AUTO_ACCEPT_DUE: Final = Guard(
    "the auto-accept period since the delivery has passed",
    _("the buyer still has time to answer the delivery"),
    _auto_accept_due,
)
AUTO_CANCEL_DUE: Final = Guard(
    "auto-cancel is on and its period since placement has passed",
    _("the order is not due for automatic cancellation"),
    _auto_cancel_due,
)
NO_OPEN_CANCELLATION: Final = Guard(
    "no cancellation request is open",
    _("a cancellation request is already waiting for an answer"),
    _no_open_cancellation,
)
ASKED_BY_OTHER: Final = Guard(
    "the other party asked to cancel",
    _("there is no cancellation request from the other party to answer"),
    _cancellation_asked_by_other,
)
CANCELLATION_UNANSWERED: Final = Guard(
    "a cancellation request went unanswered for its period",
    _("the cancellation request still waits for its answer"),
    _cancellation_unanswered,
)


@attrs.frozen
class Rule:
    """One row of the table: ``event`` moves an order from ``source`` to ``target``."""

    source: OrderStatus
    event: OrderEvent
    target: OrderStatus
    parties: frozenset[Party]
    guard: Guard | None = None


_S = OrderStatus
_E = OrderEvent
_BUYER: Final = frozenset({Party.BUYER})
_SELLER: Final = frozenset({Party.SELLER})
_BOTH: Final = frozenset({Party.BUYER, Party.SELLER})
_ADMIN: Final = frozenset({Party.ADMIN})
_SYSTEM: Final = frozenset({Party.SYSTEM})
_OPEN: Final = (_S.AWAITING_INSTRUCTIONS, _S.IN_PROGRESS, _S.AWAITING_ACCEPTANCE)


def _rules() -> Iterable[Rule]:
    yield Rule(_S.AWAITING_INSTRUCTIONS, _E.SEND_INSTRUCTIONS, _S.IN_PROGRESS, _BUYER)
    yield Rule(_S.IN_PROGRESS, _E.DELIVER, _S.AWAITING_ACCEPTANCE, _SELLER)
    yield Rule(_S.AWAITING_ACCEPTANCE, _E.ACCEPT, _S.COMPLETED, _BUYER)
    yield Rule(_S.AWAITING_ACCEPTANCE, _E.AUTO_ACCEPT, _S.COMPLETED, _SYSTEM, AUTO_ACCEPT_DUE)
    yield Rule(_S.AWAITING_ACCEPTANCE, _E.REQUEST_MODIFICATION, _S.IN_PROGRESS, _BUYER)
    yield Rule(_S.AWAITING_ACCEPTANCE, _E.REPORT_PROBLEM, _S.DISPUTED, _BUYER)
    yield Rule(_S.IN_PROGRESS, _E.REPORT_PROBLEM, _S.DISPUTED, _BUYER)
    yield Rule(_S.DISPUTED, _E.RESOLVE_COMPLETE, _S.COMPLETED, _ADMIN)
    yield Rule(_S.DISPUTED, _E.RESOLVE_FULL_REFUND, _S.CANCELLED, _ADMIN)
    yield Rule(_S.DISPUTED, _E.RESOLVE_PARTIAL_REFUND, _S.COMPLETED, _ADMIN)
    yield Rule(_S.IN_PROGRESS, _E.CANCEL_LATE, _S.CANCELLED, _BUYER, LATE)
    yield Rule(_S.AWAITING_ACCEPTANCE, _E.CANCEL_LATE, _S.CANCELLED, _BUYER, DELIVERED_LATE)
    yield Rule(_S.AWAITING_INSTRUCTIONS, _E.DECLINE, _S.CANCELLED, _SELLER)
    yield Rule(_S.IN_PROGRESS, _E.DECLINE, _S.CANCELLED, _SELLER)
    yield Rule(_S.AWAITING_INSTRUCTIONS, _E.AUTO_CANCEL, _S.CANCELLED, _SYSTEM, AUTO_CANCEL_DUE)
    for status in _OPEN:
        yield Rule(status, _E.REQUEST_CANCELLATION, status, _BOTH, NO_OPEN_CANCELLATION)
        yield Rule(status, _E.ACCEPT_CANCELLATION, _S.CANCELLED, _BOTH, ASKED_BY_OTHER)
        yield Rule(status, _E.REFUSE_CANCELLATION, status, _BOTH, ASKED_BY_OTHER)
        yield Rule(
            status, _E.AUTO_ACCEPT_CANCELLATION, _S.CANCELLED, _SYSTEM, CANCELLATION_UNANSWERED
        )


TRANSITIONS: Final[dict[tuple[OrderStatus, OrderEvent], Rule]] = {
    (rule.source, rule.event): rule for rule in _rules()
}
"""Every allowed transition; anything else raises ``TransitionNotAllowed``."""


def decide(
    order: _Order, event: OrderEvent, party: Party, now: datetime, policy: OrderPolicy
) -> Rule:
    """The rule that ``event`` fires for ``party`` on ``order`` now, or a typed refusal.

    Off the table: :class:`~microgigs.errors.TransitionNotAllowed`; the wrong party:
    :class:`~microgigs.errors.PermissionDenied`; a guard that does not hold:
    :class:`~microgigs.errors.ConditionNotMet`. Nothing is changed either way.

    A due timer decides, even before ``tick`` records it: once the automatic event the
    order keeps (:func:`due_now`) is due (a delivery's days for an answer, a request to
    cancel's hours, the days without instructions), only that event fires, or a party
    doing the same by hand (accepting);
    anything else is :class:`~microgigs.errors.ConditionNotMet`. Between two ticks, no one
    holds back what the timer gives the other party.
    """
    rule = TRANSITIONS.get((order.status, event))
    if rule is None:
        raise TransitionNotAllowed(event=event, status=order.status)
    if party not in rule.parties:
        raise PermissionDenied(actor=party.label, action=event.label)
    timer = due_now(order, now)
    if timer is not None and event not in _SETTLED_BY[timer.event]:
        raise ConditionNotMet(event=event, condition=_DUE_SAYS[timer.event])
    guard = rule.guard
    if guard is not None and not guard.check(order, party, now, policy):
        raise ConditionNotMet(event=event, condition=guard.condition)
    return rule


# --- the docs, rendered from the table --------------------------------------------------------


def _parties(rule: Rule) -> str:
    return " or ".join(p.value for p in Party if p in rule.parties)


def render_mermaid() -> str:
    """The state diagram (Mermaid) of :data:`TRANSITIONS`."""
    lines = ["stateDiagram-v2", f"    [*] --> {OrderStatus.AWAITING_INSTRUCTIONS.value}: placed"]
    for rule in TRANSITIONS.values():
        guard = f", if {rule.guard.name}" if rule.guard else ""
        lines.append(
            f"    {rule.source.value} --> {rule.target.value}: "
            f"{rule.event.value} ({_parties(rule)}){guard}"
        )
    lines += [f"    {status.value} --> [*]" for status in OrderStatus if status.is_terminal]
    return "\n".join(lines)


def render_table() -> str:
    """The transition table as Markdown."""
    lines = [
        "| from | event | to | who | condition |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {rule.source.value} | {rule.event.value} | {rule.target.value} | "
        f"{_parties(rule)} | {rule.guard.name if rule.guard else ''} |"
        for rule in TRANSITIONS.values()
    ]
    return "\n".join(lines)
