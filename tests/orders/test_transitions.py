"""R5 for orders: every (status, event, party) is allowed exactly where RULES.md §6 says.

The expected table below is written out by hand from RULES.md §6, never read from
``TRANSITIONS``: a wrong row in the code fails the test named after that row.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from dateutil.relativedelta import relativedelta

from microgigs.errors import ConditionNotMet, InvalidType, PermissionDenied, TransitionNotAllowed
from microgigs.l10n import translate_error
from microgigs.money import Money
from microgigs.orders import TRANSITIONS, OrderEvent, OrderStatus, Party, due_timer
from microgigs.policy import KHAMSAT

from .conftest import ADMIN, BUYER, EPOCH, OUTSIDER, SELLER, SYSTEM, order_in

AWAITING_INSTRUCTIONS = OrderStatus.AWAITING_INSTRUCTIONS
IN_PROGRESS = OrderStatus.IN_PROGRESS
AWAITING_ACCEPTANCE = OrderStatus.AWAITING_ACCEPTANCE
COMPLETED = OrderStatus.COMPLETED
CANCELLED = OrderStatus.CANCELLED
DISPUTED = OrderStatus.DISPUTED
E = OrderEvent
P = Party

# (status, event, party) → status, with the sentence of RULES.md §6 each row comes from.
# Rows marked "not in §6" are the code's own choices where §6 says nothing; they are
# pinned here so that changing them is a decision, not an accident.
RULES_6 = {
    # §6: "After payment the buyer sees the seller's instructions and sends the required
    # information"; in_progress: "the buyer has sent instructions"
    (AWAITING_INSTRUCTIONS, E.SEND_INSTRUCTIONS, P.BUYER): IN_PROGRESS,
    # §6, awaiting_acceptance: "the seller sent a delivery and waits for the buyer"
    (IN_PROGRESS, E.DELIVER, P.SELLER): AWAITING_ACCEPTANCE,
    # §6: "accept (استلم الطلب) → completed"
    (AWAITING_ACCEPTANCE, E.ACCEPT, P.BUYER): COMPLETED,
    # §6: "request modifications (اطلب تعديلات) → back to in progress"
    (AWAITING_ACCEPTANCE, E.REQUEST_MODIFICATION, P.BUYER): IN_PROGRESS,
    # §6: "report a problem (أبلغ عن مشكلة) → disputed"
    (AWAITING_ACCEPTANCE, E.REPORT_PROBLEM, P.BUYER): DISPUTED,
    # not in §6, which names a problem reported on a delivery only: the code also lets the
    # buyer report one while the work is in progress
    (IN_PROGRESS, E.REPORT_PROBLEM, P.BUYER): DISPUTED,
    # §6: "An admin resolves a dispute: complete, full refund, or partial refund (split)";
    # and §6, cancelled: "the money went back to the buyer's balance"
    (DISPUTED, E.RESOLVE_COMPLETE, P.ADMIN): COMPLETED,
    (DISPUTED, E.RESOLVE_FULL_REFUND, P.ADMIN): CANCELLED,
    # not in §6: the status after a split (the seller is paid their part: completed)
    (DISPUTED, E.RESOLVE_PARTIAL_REFUND, P.ADMIN): COMPLETED,
    # §6: "if the seller is late (the deadline passed without a delivery) ... the buyer may
    # cancel, and the money goes back to the buyer's platform balance"
    (IN_PROGRESS, E.CANCEL_LATE, P.BUYER): CANCELLED,
    # §6: "A buyer cannot cancel a late order once a delivery is awaiting acceptance [choice]":
    # a policy setting (off in the Khamsat preset), so the row exists behind its guard
    (AWAITING_ACCEPTANCE, E.CANCEL_LATE, P.BUYER): CANCELLED,
    # §6: "Seller may decline an order before starting"; the code counts in_progress (the
    # countdown runs, nothing delivered) as before starting too
    (AWAITING_INSTRUCTIONS, E.DECLINE, P.SELLER): CANCELLED,
    (IN_PROGRESS, E.DECLINE, P.SELLER): CANCELLED,
    # §6: "auto-accept a delivery the buyer left unanswered: 3 days"
    (AWAITING_ACCEPTANCE, E.AUTO_ACCEPT, P.SYSTEM): COMPLETED,
    # §6: "auto-cancel an order still awaiting instructions: off by default"
    (AWAITING_INSTRUCTIONS, E.AUTO_CANCEL, P.SYSTEM): CANCELLED,
    # §6: "both sides may agree to cancel (mutual cancellation; auto-accepted after 48 h without
    # an answer)", while the order is open: asking keeps the status, agreeing cancels,
    # refusing keeps the status, silence cancels
    (AWAITING_INSTRUCTIONS, E.REQUEST_CANCELLATION, P.BUYER): AWAITING_INSTRUCTIONS,
    (AWAITING_INSTRUCTIONS, E.REQUEST_CANCELLATION, P.SELLER): AWAITING_INSTRUCTIONS,
    (AWAITING_INSTRUCTIONS, E.ACCEPT_CANCELLATION, P.BUYER): CANCELLED,
    (AWAITING_INSTRUCTIONS, E.ACCEPT_CANCELLATION, P.SELLER): CANCELLED,
    (AWAITING_INSTRUCTIONS, E.REFUSE_CANCELLATION, P.BUYER): AWAITING_INSTRUCTIONS,
    (AWAITING_INSTRUCTIONS, E.REFUSE_CANCELLATION, P.SELLER): AWAITING_INSTRUCTIONS,
    (AWAITING_INSTRUCTIONS, E.AUTO_ACCEPT_CANCELLATION, P.SYSTEM): CANCELLED,
    (IN_PROGRESS, E.REQUEST_CANCELLATION, P.BUYER): IN_PROGRESS,
    (IN_PROGRESS, E.REQUEST_CANCELLATION, P.SELLER): IN_PROGRESS,
    (IN_PROGRESS, E.ACCEPT_CANCELLATION, P.BUYER): CANCELLED,
    (IN_PROGRESS, E.ACCEPT_CANCELLATION, P.SELLER): CANCELLED,
    (IN_PROGRESS, E.REFUSE_CANCELLATION, P.BUYER): IN_PROGRESS,
    (IN_PROGRESS, E.REFUSE_CANCELLATION, P.SELLER): IN_PROGRESS,
    (IN_PROGRESS, E.AUTO_ACCEPT_CANCELLATION, P.SYSTEM): CANCELLED,
    (AWAITING_ACCEPTANCE, E.REQUEST_CANCELLATION, P.BUYER): AWAITING_ACCEPTANCE,
    (AWAITING_ACCEPTANCE, E.REQUEST_CANCELLATION, P.SELLER): AWAITING_ACCEPTANCE,
    (AWAITING_ACCEPTANCE, E.ACCEPT_CANCELLATION, P.BUYER): CANCELLED,
    (AWAITING_ACCEPTANCE, E.ACCEPT_CANCELLATION, P.SELLER): CANCELLED,
    (AWAITING_ACCEPTANCE, E.REFUSE_CANCELLATION, P.BUYER): AWAITING_ACCEPTANCE,
    (AWAITING_ACCEPTANCE, E.REFUSE_CANCELLATION, P.SELLER): AWAITING_ACCEPTANCE,
    (AWAITING_ACCEPTANCE, E.AUTO_ACCEPT_CANCELLATION, P.SYSTEM): CANCELLED,
}
# The rows that fire only under a condition: a deadline, a timer, the policy, or the state
# of a cancellation request (none open to ask; one from the other party to answer).
GUARDED_IN_RULES_6 = [
    (IN_PROGRESS, E.CANCEL_LATE, P.BUYER),  # "late"
    (AWAITING_ACCEPTANCE, E.CANCEL_LATE, P.BUYER),  # delivered late, and the policy allows it
    (AWAITING_ACCEPTANCE, E.AUTO_ACCEPT, P.SYSTEM),  # "3 days"
    (AWAITING_INSTRUCTIONS, E.AUTO_CANCEL, P.SYSTEM),  # "off by default"
    *[
        (status, event, party)
        for status in (AWAITING_INSTRUCTIONS, IN_PROGRESS, AWAITING_ACCEPTANCE)
        for event, party in (
            (E.REQUEST_CANCELLATION, P.BUYER),  # one request at a time
            (E.ACCEPT_CANCELLATION, P.SELLER),  # only the other party answers
            (E.REFUSE_CANCELLATION, P.SELLER),
            (E.AUTO_ACCEPT_CANCELLATION, P.SYSTEM),  # "after 48 h without an answer"
        )
    ],
]

ACTORS = {P.BUYER: BUYER, P.SELLER: SELLER, P.ADMIN: ADMIN, P.SYSTEM: SYSTEM}
FAR_FUTURE = EPOCH + timedelta(days=400)
# A policy under which every guard can hold.
PERMISSIVE = attrs.evolve(
    KHAMSAT,
    orders=attrs.evolve(
        KHAMSAT.orders,
        auto_cancel_unstarted_after=KHAMSAT.orders.auto_accept_after,
        buyer_may_cancel_late_while_awaiting_acceptance=True,
    ),
)
CANCELLATION_ANSWERS = {E.ACCEPT_CANCELLATION, E.REFUSE_CANCELLATION}
# answers to a delivery that its auto-accept period ends
DELIVERY_ANSWERS = {
    (AWAITING_ACCEPTANCE, E.REQUEST_MODIFICATION, P.BUYER),
    (AWAITING_ACCEPTANCE, E.REPORT_PROBLEM, P.BUYER),
}
# once an automatic event is due, what may still happen: itself, or a party doing it by hand
SETTLED_BY = {
    E.AUTO_ACCEPT: {E.AUTO_ACCEPT, E.ACCEPT},
    E.AUTO_ACCEPT_CANCELLATION: {E.AUTO_ACCEPT_CANCELLATION, E.ACCEPT_CANCELLATION},
    E.AUTO_CANCEL: {E.AUTO_CANCEL},
}


def fired_at(order, event):
    """Far in the future, or just before a due timer that ``event`` does not settle."""
    timer = due_timer(order, PERMISSIVE.orders)
    if timer is None or event in SETTLED_BY[timer.event]:
        return FAR_FUTURE
    return min(FAR_FUTURE, timer.at - timedelta(seconds=1))


def prepared(status, event, party):
    """An order in ``status`` whose guards for ``event`` by ``party`` hold (when they can)."""
    if (status, event) == (AWAITING_ACCEPTANCE, E.CANCEL_LATE):  # delivered after its deadline
        order = order_in(IN_PROGRESS, PERMISSIVE)
        order.apply(E.DELIVER, SELLER, FAR_FUTURE - timedelta(days=1), PERMISSIVE.orders)
        return order
    order = order_in(status, PERMISSIVE)
    if event in CANCELLATION_ANSWERS | {E.AUTO_ACCEPT_CANCELLATION} and not status.is_terminal:
        other = P.SELLER if party is P.BUYER else P.BUYER
        if status is not DISPUTED:
            order.apply(
                E.REQUEST_CANCELLATION, ACTORS[other], EPOCH + timedelta(hours=9), PERMISSIVE.orders
            )
    return order


def payload(event):
    if event is E.RESOLVE_PARTIAL_REFUND:
        return {"refund": Money.of(5, "USD")}
    if event in (E.REQUEST_MODIFICATION, E.REPORT_PROBLEM):
        return {"reason": "الشعار لا يطابق الوصف"}
    return {}


def row_id(status, event, party):
    target = RULES_6.get((status, event, party))
    outcome = "refused" if target is None else f"to-{target.value}"
    return f"{status.value}-{event.value}-{party.value}-{outcome}"


CASES = [(s, e, p) for s in OrderStatus for e in OrderEvent for p in Party]


def test_the_code_has_the_rows_of_rules_6_and_no_other():
    in_code = {
        (status, event, party): rule.target
        for (status, event), rule in TRANSITIONS.items()
        for party in rule.parties
    }
    assert RULES_6 == in_code


@pytest.mark.parametrize(("status", "event", "party"), CASES, ids=[row_id(*c) for c in CASES])
def test_every_status_event_and_party(status, event, party):
    order = prepared(status, event, party)
    before = attrs.asdict(order)
    target = RULES_6.get((status, event, party))
    if target is not None:
        order.apply(event, ACTORS[party], fired_at(order, event), PERMISSIVE.orders,
                    **payload(event))  # fmt: skip
        assert (target, before["version"] + 1) == (order.status, order.version)
        assert (event, status, target) == (
            order.history[-1].event,
            order.history[-1].from_status,
            order.history[-1].to_status,
        )
        return
    someone_may = any((status, event, other) in RULES_6 for other in Party)
    expected = PermissionDenied if someone_may else TransitionNotAllowed
    with pytest.raises(expected):
        order.apply(event, ACTORS[party], FAR_FUTURE, PERMISSIVE.orders, **payload(event))
    assert before == attrs.asdict(order)


ALLOWED_PAIRS = sorted({(status, event) for status, event, _ in RULES_6})


@pytest.mark.parametrize(
    ("status", "event"), ALLOWED_PAIRS, ids=[f"{s.value}-{e.value}" for s, e in ALLOWED_PAIRS]
)
def test_members_outside_the_order_are_refused_everything(status, event):
    order = order_in(status)
    before = attrs.asdict(order)
    with pytest.raises(PermissionDenied):
        order.apply(event, OUTSIDER, FAR_FUTURE, KHAMSAT.orders, **payload(event))
    assert before == attrs.asdict(order)


@pytest.mark.parametrize(
    ("status", "event", "party"),
    GUARDED_IN_RULES_6,
    ids=[f"{s.value}-{e.value}-{p.value}" for s, e, p in GUARDED_IN_RULES_6],
)
def test_guards_refuse_before_their_time(status, event, party):
    order = order_in(status, KHAMSAT)
    if event is E.REQUEST_CANCELLATION:  # refused while a request is already open
        order.apply(event, ACTORS[party], EPOCH + timedelta(hours=4), KHAMSAT.orders)
    before = attrs.asdict(order)
    with pytest.raises(ConditionNotMet):
        order.apply(event, ACTORS[party], EPOCH + timedelta(hours=5), KHAMSAT.orders)
    assert before == attrs.asdict(order)


@pytest.mark.parametrize(
    ("status", "event", "party"),
    sorted(DELIVERY_ANSWERS),
    ids=[f"{s.value}-{e.value}-{p.value}" for s, e, p in sorted(DELIVERY_ANSWERS)],
)
def test_a_delivery_past_its_days_for_an_answer_is_accepted_and_nothing_else(status, event, party):
    # a hostile review: between the auto-accept time and the next tick, the buyer could
    # still send the delivery back or report a problem, and the seller's release never came
    order = order_in(status, KHAMSAT)
    assert order.delivered_at is not None
    due = order.delivered_at + timedelta(days=3)
    before = attrs.asdict(order)
    with pytest.raises(ConditionNotMet) as refused:
        order.apply(event, ACTORS[party], due, KHAMSAT.orders, **payload(event))
    assert before == attrs.asdict(order)
    assert "the time to answer this delivery is over" in translate_error(refused.value, "en")
    order.apply(E.AUTO_ACCEPT, SYSTEM, due, KHAMSAT.orders)
    assert COMPLETED is order.status


@pytest.mark.parametrize("actor", [None, "seller", BUYER.member_id])
def test_an_actor_that_is_no_actor_is_a_type_error_and_changes_nothing(actor):
    # a new user's probe: order.apply(DELIVER, None, …) was an AttributeError
    order = order_in(OrderStatus.IN_PROGRESS)
    before = attrs.evolve(order)
    with pytest.raises(InvalidType):
        order.apply(OrderEvent.DELIVER, actor, EPOCH, KHAMSAT.orders)  # type: ignore[arg-type]
    assert before == order


@pytest.mark.parametrize("status", [AWAITING_INSTRUCTIONS, IN_PROGRESS, AWAITING_ACCEPTANCE])
def test_a_cancellation_request_past_its_hours_is_accepted_and_no_longer_refused(status):
    # the same window as a delivery's (a hostile review, 2026-12-07): after the 48 hours,
    # before the next tick, the seller could still refuse and the buyer's money stayed held
    order = order_in(status, KHAMSAT)
    asked = EPOCH + timedelta(hours=4)
    order.apply(E.REQUEST_CANCELLATION, BUYER, asked, KHAMSAT.orders)
    due = asked + KHAMSAT.orders.mutual_cancellation_auto_accept_after
    before = attrs.asdict(order)
    with pytest.raises(ConditionNotMet) as refused:
        order.apply(E.REFUSE_CANCELLATION, SELLER, due, KHAMSAT.orders)
    assert before == attrs.asdict(order)
    assert "went unanswered for its hours, and is accepted by itself" in translate_error(
        refused.value, "en"
    )
    order.apply(E.AUTO_ACCEPT_CANCELLATION, SYSTEM, due, KHAMSAT.orders)
    assert CANCELLED is order.status


def test_a_late_delivery_past_its_days_for_an_answer_is_no_longer_cancelled_as_late():
    # where the policy lets a buyer cancel a delivery that came late, it may do so while
    # the delivery waits for an answer, not once it is due to complete by itself
    policy = attrs.evolve(
        KHAMSAT,
        orders=attrs.evolve(KHAMSAT.orders, buyer_may_cancel_late_while_awaiting_acceptance=True),
    )
    order = order_in(IN_PROGRESS, policy)
    late = order.deadline + timedelta(days=1)
    order.apply(E.DELIVER, SELLER, late, policy.orders, **payload(E.DELIVER))
    due = late + timedelta(days=3)
    before = attrs.asdict(order)
    with pytest.raises(ConditionNotMet):
        order.apply(E.CANCEL_LATE, BUYER, due, policy.orders)
    assert before == attrs.asdict(order)
    order.apply(E.CANCEL_LATE, BUYER, due - timedelta(seconds=1), policy.orders)
    assert CANCELLED is order.status


@pytest.mark.parametrize(
    ("status", "event", "by"),
    [
        (IN_PROGRESS, E.DELIVER, SELLER),  # a hostile review: delivering settled the request
        (AWAITING_INSTRUCTIONS, E.SEND_INSTRUCTIONS, BUYER),
        (AWAITING_ACCEPTANCE, E.ACCEPT, BUYER),
        (IN_PROGRESS, E.REQUEST_CANCELLATION, BUYER),
    ],
)
def test_no_move_of_either_party_defeats_a_request_to_cancel_past_its_hours(status, event, by):
    order = order_in(status, KHAMSAT)
    asked = EPOCH + timedelta(hours=4)
    order.apply(E.REQUEST_CANCELLATION, SELLER if by is BUYER else BUYER, asked, KHAMSAT.orders)
    if event is E.REQUEST_CANCELLATION:
        order.cancellation = attrs.evolve(order.cancellation, requested_by=P.SELLER)
    due = asked + KHAMSAT.orders.mutual_cancellation_auto_accept_after
    before = attrs.asdict(order)
    with pytest.raises(ConditionNotMet) as refused:
        order.apply(event, by, due, KHAMSAT.orders, **payload(event))
    assert before == attrs.asdict(order)
    assert "is accepted by itself" in translate_error(refused.value, "en")
    order.apply(E.AUTO_ACCEPT_CANCELLATION, SYSTEM, due, KHAMSAT.orders)
    assert (CANCELLED, order.quote.total) == (order.status, order.refunded)


def test_an_order_due_to_be_cancelled_for_want_of_instructions_takes_none_after():
    policy = attrs.evolve(
        KHAMSAT,
        orders=attrs.evolve(KHAMSAT.orders, auto_cancel_unstarted_after=relativedelta(days=3)),
    )
    order = order_in(AWAITING_INSTRUCTIONS, policy)
    due = order.placed_at + timedelta(days=3)
    with pytest.raises(ConditionNotMet) as refused:
        order.apply(E.SEND_INSTRUCTIONS, BUYER, due, policy.orders)
    assert "cancelled by itself" in translate_error(refused.value, "en")
    order.apply(E.SEND_INSTRUCTIONS, BUYER, due - timedelta(seconds=1), policy.orders)
    assert IN_PROGRESS is order.status


def test_a_policy_changed_since_never_holds_an_order_back_for_an_event_tick_would_not_fire():
    # a review (2026-12-07): auto-cancel turned on after placing: every move refused, and
    # tick (which finds orders by the timer they keep) never cancelled it: money stuck
    order = order_in(AWAITING_INSTRUCTIONS, KHAMSAT)  # no auto-cancel: no timer kept
    later_policy = attrs.evolve(KHAMSAT.orders, auto_cancel_unstarted_after=relativedelta(days=1))
    order.apply(E.SEND_INSTRUCTIONS, BUYER, order.placed_at + timedelta(days=2), later_policy)
    assert IN_PROGRESS is order.status
