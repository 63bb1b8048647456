"""The catalogue index under commands that race: no count is lost, nothing paused is listed.

A hostile review (2026-12-07): 20 orders of one service accepted at once left its listing
at 2 sales (SQLite) or 3 (PostgreSQL); 20 one-star reviews at once left 1 counted and the
score of a five-star service; a seller pausing a service while one of its orders was
accepted left the paused service in visitors' search. Each command read the listing, then
wrote it whole, over whatever another had written meanwhile.

Here the race is played in turn, not left to threads: the first command has read what it
reads when the second runs from start to commit, then the first commits.
"""

from __future__ import annotations

import attrs
import pytest
from cast import ADMIN, DAY, another, cast, usd

from microgigs import ledger as lg
from microgigs.ranking import ListingQuery


def meanwhile(market, run):
    """The next unit of work to commit lets ``run`` run whole, on the same storage, first."""
    storage = market.storage
    plain = storage.unit_of_work

    def racing_unit():
        uow = plain()
        commit = uow.commit

        def commit_after_the_other():
            storage.unit_of_work = plain  # the other command runs as any would
            run()
            commit()

        uow.commit = commit_after_the_other
        return uow

    storage.unit_of_work = racing_unit


def delivered_orders(market, count):
    """The cast's seller, and ``count`` orders of their service, delivered to ``count`` buyers."""
    seller, first, service = cast(market)
    buyers = [first, *(another(market, f"buyer{n}", "مشتري", "رقم") for n in range(1, count))]
    orders = []
    for n, buyer in enumerate(buyers):
        market.top_up(buyer, usd(20), lg.Gateway.CARD, key=f"t-{n}")
        market.add_to_cart(buyer, service, key=f"c-{n}")
        (order,) = market.checkout(buyer, key=f"k-{n}")
        market.send_message(buyer, order, "التعليمات", key=f"s-{n}")
        market.deliver(seller, order, "إليك العمل", key=f"d-{n}")
        orders.append((buyer, order))
    return seller, service, orders


def listing(market, service):
    with market.storage.unit_of_work() as uow:
        return uow.listings.get(service)


def test_two_orders_of_one_service_accepted_at_once_count_two_sales(market):
    _seller, service, [(one, first), (two, second)] = delivered_orders(market, 2)
    meanwhile(market, lambda: market.accept(two, second, key="a-2"))
    market.accept(one, first, key="a-1")
    counted = listing(market, service)
    assert (2, 2) == (counted.sales, counted.recent_sales)


def test_two_reviews_of_one_service_written_at_once_both_count(market):
    _seller, service, [(one, first), (two, second)] = delivered_orders(market, 2)
    market.accept(one, first, key="a-1")
    market.accept(two, second, key="a-2")
    meanwhile(market, lambda: market.review(two, second, stars=1, comment="سيئ", key="v-2"))
    market.review(one, first, stars=1, comment="سيئ", key="v-1")
    counted = listing(market, service)
    alone = listing_after_reviews(market, service)
    assert (2, 2) == (counted.rating_count, counted.rating_total)
    assert alone.score == counted.score


def listing_after_reviews(market, service):
    """The listing as written again from its reviews, the way a relisting writes it."""
    with market.storage.unit_of_work() as uow:
        rating = uow.reviews.rating_of_service(service)
        stored = uow.listings.get(service)
    return attrs.evolve(stored, score=rating.score(market.policy.reviews))


def test_a_service_paused_while_its_order_is_accepted_is_not_listed(market):
    seller, service, [(buyer, order)] = delivered_orders(market, 1)
    meanwhile(market, lambda: market.pause_service(seller, service, key="pause"))
    market.accept(buyer, order, key="a-1")
    assert listing(market, service) is None
    assert [] == [s.service_id for s in market.search(ListingQuery()).listings]


def test_a_sale_counted_while_the_sellers_level_moves_is_kept(market):
    seller, service, [(buyer, order)] = delivered_orders(market, 1)
    meanwhile(market, lambda: market.accept(buyer, order, key="a-1"))
    market.grant_professional(ADMIN, seller.member_id, key="pro")
    counted = listing(market, service)
    assert 1 == counted.sales


@pytest.mark.parametrize("count", [3])
def test_sales_counted_at_once_on_a_day_of_recount_are_kept(market, count):
    _seller, service, orders = delivered_orders(market, count)
    (one, first), *rest = orders
    for n, (buyer, order) in enumerate(rest):
        market.accept(buyer, order, key=f"a-{n}")
    market.clock.advance(DAY)
    meanwhile(market, lambda: market.accept(one, first, key="a-last"))
    market.tick()
    assert count == listing(market, service).sales
