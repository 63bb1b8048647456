"""Seller levels' details the boundary tests left unread (``bench/mutation.py levels``).

What counts in a window (its two ends included, only the seller's own orders), on-time
delivery exactly at the deadline, averages and medians of more than one value, response
time as a ceiling, the evaluation round at its exact moment and before the first one, the
fallback of a rule that stops, and who may grant or remove the professional level.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from microgigs.actors import Actor
from microgigs.errors import PermissionDenied
from microgigs.ids import InquiryId, MemberId, OrderId, ReviewId, ServiceId
from microgigs.inquiries import Inquiry
from microgigs.orders import Order, OrderEvent
from microgigs.policy import KHAMSAT
from microgigs.ranking import (
    Review,
    SellerLevel,
    check,
    evaluation_round,
    grant_professional,
    measure,
    next_evaluation,
    remove_professional,
    seller_metrics,
)
from microgigs.testing.examples import BUYER_ID, EPOCH, place_order

POLICY = KHAMSAT.levels
SELLER = MemberId("M-sara_designs")
BUYER = Actor.member(BUYER_ID)
HOUR = timedelta(hours=1)


def completed(order_id: str = "O-1", *, on_time: bool = True) -> Order:
    """A completed order, delivered exactly at its deadline (or an hour after it)."""
    order = place_order(order_id=order_id)
    order.apply(OrderEvent.SEND_INSTRUCTIONS, BUYER, EPOCH + HOUR, KHAMSAT.orders)
    assert order.deadline is not None
    delivered = order.deadline if on_time else order.deadline + HOUR
    order.apply(OrderEvent.DELIVER, Actor.member(SELLER), delivered, KHAMSAT.orders)
    order.apply(OrderEvent.ACCEPT, BUYER, delivered + HOUR, KHAMSAT.orders)
    return order


def declined(order_id: str) -> Order:
    order = place_order(order_id=order_id)
    order.apply(OrderEvent.DECLINE, Actor.member(SELLER), EPOCH + HOUR, KHAMSAT.orders)
    return order


def metrics_of(orders, **facts):
    defaults = {"stars": (), "inquiries": 0, "inquiries_ordered": 0, "response_times": ()}
    return measure(orders, seller_id=SELLER, since=EPOCH, **(defaults | facts))


def _redelivered(*, asked_in_time: bool) -> Order:
    """Delivered an hour before the deadline, sent back, delivered again a day after it."""
    order = place_order(order_id="O-R")
    order.apply(OrderEvent.SEND_INSTRUCTIONS, BUYER, EPOCH + HOUR, KHAMSAT.orders)
    assert order.deadline is not None
    deadline, seller = order.deadline, Actor.member(SELLER)
    order.apply(OrderEvent.DELIVER, seller, deadline - HOUR, KHAMSAT.orders)
    asked = deadline - HOUR / 2 if asked_in_time else deadline + HOUR
    order.apply(OrderEvent.REQUEST_MODIFICATION, BUYER, asked, KHAMSAT.orders, reason="غيّر")
    order.apply(OrderEvent.DELIVER, seller, deadline + 24 * HOUR, KHAMSAT.orders)
    order.apply(OrderEvent.ACCEPT, BUYER, deadline + 25 * HOUR, KHAMSAT.orders)
    return order


def test_on_time_is_what_late_is_not():
    # a hostile review: the rate read the last delivery, while lateness reads the one that
    # stood at the deadline (Order.met_deadline): a change asked for after the deadline
    # made work delivered in time count as late
    assert Decimal(1) == metrics_of([_redelivered(asked_in_time=False)]).on_time_rate
    assert Decimal(0) == metrics_of([_redelivered(asked_in_time=True)]).on_time_rate


def test_delivered_exactly_at_the_deadline_is_on_time():
    assert Decimal(1) == metrics_of([completed()]).on_time_rate
    assert (
        Decimal("0.5")
        == metrics_of([completed("O-1"), completed("O-2", on_time=False)]).on_time_rate
    )


def test_only_the_sellers_own_orders_from_the_window_start_count():
    other = attrs.evolve(completed("O-9"), seller_id=MemberId("M-other"))
    assert 0 == metrics_of([other]).unique_clients
    at_start = completed()  # placed at EPOCH, the window's first moment
    assert 1 == metrics_of([at_start]).unique_clients


def test_rates_averages_and_medians_of_several_values():
    metrics = metrics_of(
        [completed("O-1"), completed("O-2"), completed("O-3"), declined("O-4")],
        stars=[5, 4],
        inquiries=4,
        inquiries_ordered=1,
        response_times=[HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR],
    )
    assert (Decimal("4.5"), Decimal("0.75"), Decimal("0.25"), 3 * HOUR) == (
        metrics.average_rating,
        metrics.completion_rate,
        metrics.conversation_rate,
        metrics.response_time,
    )


def test_response_time_is_a_ceiling():
    (level_2, *_) = POLICY.criteria
    results = check(level_2, metrics_of([completed()], response_times=[HOUR])).criteria
    assert [False, False, False, False, True] == [r.at_most for r in results]


def test_the_windows_two_ends_count_for_reviews_inquiries_and_orders():
    at = EPOCH + timedelta(days=365)  # KHAMSAT's window is 365 days: it starts at EPOCH
    reviews = [
        Review(
            ReviewId(f"R{n}"),
            OrderId("O-1"),
            ServiceId("S-logo"),
            BUYER_ID,
            SELLER,
            stars,
            "",
            when,
        )
        for n, (stars, when) in enumerate([(5, EPOCH), (3, at)])
    ]
    # asked at the window's start (then ordered), in its middle and at its end: 1 of 3
    asked = [(EPOCH, OrderId("O-1")), (EPOCH + timedelta(days=100), None), (at, None)]
    inquiries = [
        attrs.evolve(
            Inquiry.open(
                InquiryId(f"I{n}"),
                service_id=ServiceId("S-logo"),
                seller_id=SELLER,
                buyer=BUYER,
                body="سؤال",
                at=when,
            ),
            order_id=ordered,
        )
        for n, (when, ordered) in enumerate(asked)
    ]
    placed_at_the_end = attrs.evolve(completed(), placed_at=at)
    metrics = seller_metrics(
        SELLER,
        orders=[placed_at_the_end],
        reviews=reviews,
        inquiries=inquiries,
        at=at,
        policy=POLICY,
    )
    assert (Decimal(4), Decimal("0.333"), 1) == (
        metrics.average_rating,
        metrics.conversation_rate,
        metrics.unique_clients,
    )


def test_questions_never_answered_count_how_long_they_have_waited():
    # a new user's audit (2026-12-07): ten questions left unanswered for days measured no
    # response time at all, which met "at most 24 hours" (RULES.md §9)
    at = EPOCH + timedelta(days=30)
    inquiries = [
        Inquiry.open(
            InquiryId(f"I{n}"),
            service_id=ServiceId("S-logo"),
            seller_id=SELLER,
            buyer=BUYER,
            body="هل أنت متاح؟",
            at=at - timedelta(days=3),
        )
        for n in range(10)
    ]
    metrics = seller_metrics(
        SELLER, orders=[], reviews=[], inquiries=inquiries, at=at, policy=POLICY
    )
    assert timedelta(days=3) == metrics.response_time


WEEKLY = attrs.evolve(POLICY, evaluation_rule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=3;BYMINUTE=0;BYSECOND=0")
MONDAY = datetime(2026, 11, 30, 3, tzinfo=UTC)


def test_a_round_is_in_force_from_its_exact_moment_and_ends_at_the_next():
    assert MONDAY - timedelta(days=7) == evaluation_round(MONDAY - HOUR, WEEKLY)
    assert MONDAY == evaluation_round(MONDAY, WEEKLY)  # asked inside the round before
    next_monday = MONDAY + timedelta(days=7)
    assert MONDAY == evaluation_round(next_monday - timedelta(seconds=1), WEEKLY)
    assert next_monday == evaluation_round(next_monday, WEEKLY)


def test_before_the_first_round_the_rounds_start_is_in_force():
    stopping = attrs.evolve(POLICY, evaluation_rule="FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=2")
    assert datetime(2000, 1, 1, tzinfo=UTC) == evaluation_round(
        datetime(1999, 1, 1, tzinfo=UTC), stopping
    )


def test_a_rule_that_stops_falls_back_to_the_metrics_window():
    stopping = attrs.evolve(POLICY, evaluation_rule="FREQ=DAILY;UNTIL=20300101T000000Z")
    after = datetime(2031, 5, 1, tzinfo=UTC)
    assert after + timedelta(days=365) == next_evaluation(after, stopping)  # 2032 is leap


@pytest.mark.parametrize(
    ("change", "action"),
    [
        (grant_professional, "grant the professional level"),
        (remove_professional, "remove the professional level"),
    ],
)
def test_only_an_admin_changes_the_professional_level(change, action):
    with pytest.raises(PermissionDenied) as refused:
        change(Actor.member(SELLER), SellerLevel.LEVEL_2)
    assert {"actor": "a member", "action": action} == refused.value.context()
    admin = Actor.admin(MemberId("M-admin"))
    assert change(admin, SellerLevel.LEVEL_2) in (SellerLevel.PROFESSIONAL, SellerLevel.LEVEL_2)


def test_a_threshold_is_met_by_the_exact_value_not_a_rounded_one():
    # a new user's audit (2026-12-07): 3.9995 stars and a 14.95% conversation read 4.000 and
    # 0.150 (rounded to three places) and met "at least 4.0" and "at least 15%"
    metrics = measure(
        [],
        seller_id=SELLER,
        stars=[4] * 1999 + [3],
        inquiries=2000,
        inquiries_ordered=299,
        response_times=[HOUR],
        since=EPOCH,
    )
    assert (Decimal("3.999"), Decimal("0.149")) == (
        metrics.average_rating,
        metrics.conversation_rate,
    )
    exact = measure(
        [], seller_id=SELLER, stars=[4, 4], inquiries=20, inquiries_ordered=3,
        response_times=[HOUR], since=EPOCH,
    )  # fmt: skip
    assert (Decimal("4.000"), Decimal("0.150")) == (exact.average_rating, exact.conversation_rate)
