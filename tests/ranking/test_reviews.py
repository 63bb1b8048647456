from __future__ import annotations

import decimal
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microgigs.actors import Actor
from microgigs.errors import (
    AlreadyReplied,
    InvalidText,
    InvalidType,
    OutOfRange,
    PermissionDenied,
    ReviewNotAllowed,
)
from microgigs.ids import MemberId, ReviewId
from microgigs.orders import OrderEvent, OrderStatus
from microgigs.policy import KHAMSAT
from microgigs.ranking import ListingQuery, Rating, Review
from microgigs.testing.examples import BUYER_ID, EPOCH, place_order

POLICY = KHAMSAT.reviews
BUYER = Actor.member(BUYER_ID)
SELLER = Actor.member(MemberId("M-sara_designs"))


def order_in(status):
    order = place_order()
    steps = [
        (OrderEvent.SEND_INSTRUCTIONS, BUYER),
        (OrderEvent.DELIVER, SELLER),
        (OrderEvent.ACCEPT, BUYER),
    ]
    for hours, (event, actor) in enumerate(steps, start=1):
        if order.status is status:
            break
        order.apply(event, actor, EPOCH + timedelta(hours=hours), KHAMSAT.orders)
    assert status == order.status
    return order


def completed():
    return order_in(OrderStatus.COMPLETED)


def write(order, **kwargs):
    now = kwargs.pop("now", None) or order.completed_at + timedelta(days=1)
    arguments = {
        "order": order,
        "actor": BUYER,
        "stars": 5,
        "comment": "عمل رائع",
        "now": now,
        "policy": POLICY,
        **kwargs,
    }
    return Review.write(ReviewId("R1"), **arguments)


def test_the_buyer_reviews_a_completed_order_and_the_seller_replies_once():
    review = write(completed())
    review.answer(SELLER, "شكرًا لك", EPOCH + timedelta(days=2), POLICY)
    assert (5, "عمل رائع", "شكرًا لك") == (review.stars, review.comment, review.reply)
    with pytest.raises(AlreadyReplied):
        review.answer(SELLER, "مرة أخرى", EPOCH + timedelta(days=3), POLICY)
    with pytest.raises(PermissionDenied):
        write(completed()).answer(BUYER, "أنا المشتري", EPOCH, POLICY)


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_stars_are_one_to_five(stars):
    with pytest.raises(OutOfRange):
        write(completed(), stars=stars)


def test_stars_are_whole_numbers():
    with pytest.raises(InvalidType):
        write(completed(), stars=4.5)


def test_only_the_buyer_of_a_completed_order_within_14_days():
    with pytest.raises(ReviewNotAllowed):
        write(order_in(OrderStatus.AWAITING_ACCEPTANCE), now=EPOCH)
    with pytest.raises(PermissionDenied):
        write(completed(), actor=SELLER)
    with pytest.raises(PermissionDenied):
        write(completed(), actor=Actor.member(MemberId("M-someone")))
    order = completed()
    write(order, now=order.completed_at + timedelta(days=14))
    with pytest.raises(ReviewNotAllowed):
        write(order, now=order.completed_at + timedelta(days=14, seconds=1))


@pytest.mark.parametrize("comment", ["", "   ", "\n\t "])
def test_a_review_has_a_comment(comment):
    # RULES §8: "1 to 5 stars and a comment"; a probe (2026-12-06) published "   "
    with pytest.raises(InvalidText):
        write(completed(), comment=comment)


def test_a_cancelled_order_is_not_reviewed_and_is_said_to_be_cancelled():
    order = order_in(OrderStatus.IN_PROGRESS)
    order.apply(OrderEvent.REQUEST_CANCELLATION, BUYER, EPOCH + timedelta(hours=3), KHAMSAT.orders)
    order.apply(OrderEvent.ACCEPT_CANCELLATION, SELLER, EPOCH + timedelta(hours=4), KHAMSAT.orders)
    assert OrderStatus.CANCELLED == order.status
    with pytest.raises(ReviewNotAllowed) as refused:
        write(order, now=EPOCH + timedelta(days=1))
    assert "it was cancelled" == refused.value.reason


def test_ratings_and_the_bayesian_average():
    rating = Rating.of([5, 4, 4])
    assert (3, Decimal("4.33")) == (rating.count, rating.average)
    assert Rating.of([]).average is None
    assert Decimal("4.00") == Rating.of([]).bayesian(POLICY)
    assert Rating.of([5]).bayesian(POLICY) < Rating(200, 980).bayesian(POLICY)


@given(
    count=st.integers(min_value=1, max_value=10**6),
    share=st.integers(min_value=0, max_value=4),
    precision=st.integers(min_value=1, max_value=3),
)
def test_a_hosts_decimal_context_changes_no_rating(count, share, precision):
    # a rating is worked in the library's own decimal context: a host's lower precision
    # neither changes it nor makes it fail (quantizing 4.33 with prec=2 raised)
    rating = Rating(count, count + share * count // 4 + count * 3)
    average, bayesian = rating.average, rating.bayesian(KHAMSAT.reviews)
    with decimal.localcontext(prec=precision, rounding=decimal.ROUND_DOWN):
        assert (average, bayesian) == (rating.average, rating.bayesian(KHAMSAT.reviews))


def test_a_hosts_decimal_context_changes_no_stored_score_nor_search_filter():
    # a listing's score (hundredths of a star) and a minimum rating's score are the
    # library's own arithmetic too: prec=2 stored 410 for a 4.12 average, not 412
    rating, query = Rating(3, 13), ListingQuery(min_rating=Decimal("4.55"))
    with decimal.localcontext(prec=2):
        assert (412, 455) == (rating.score(KHAMSAT.reviews), query.min_score)
