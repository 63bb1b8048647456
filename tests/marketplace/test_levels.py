"""Seller levels through the façade: evaluated by ``tick`` each round, once, explained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cast import ADMIN, DAY, cast, usd
from dateutil.relativedelta import relativedelta

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import PermissionDenied
from microgigs.ranking import ListingQuery, SellerLevel

FIRST_ROUND = datetime(2026, 12, 1, tzinfo=UTC)


def regular_clients(market, seller, service, count):
    """``count`` buyers who ask first (answered in 3 hours), order, accept and give 5 stars."""
    for number in range(count):
        buyer = Actor.member(
            market.register_member(
                username=f"client{number}",
                email=f"c{number}@example.com",
                first_name="عميل",
                family_name="وفي",
                key=f"r-{number}",
            )
        )
        inquiry = market.ask(buyer, service, "هل يمكنك تسليم الشعار غدًا؟", key=f"q-{number}")
        market.clock.advance(timedelta(hours=3))
        market.answer_inquiry(seller, inquiry, "نعم بكل سرور", key=f"qa-{number}")
        market.top_up(buyer, usd(5), lg.Gateway.CARD, key=f"t-{number}")
        market.add_to_cart(buyer, service, key=f"c-{number}")
        (order,) = market.checkout(buyer, key=f"k-{number}")
        market.send_message(buyer, order, "اسم الشركة: نخلة", key=f"s-{number}")
        market.deliver(seller, order, "إليك الشعار", key=f"d-{number}")
        market.accept(buyer, order, key=f"a-{number}")
        market.review(buyer, order, stars=5, comment="ممتاز", key=f"v-{number}")


def listed_at(market, level):
    with market.storage.unit_of_work() as uow:
        page = uow.listings.search(ListingQuery(seller_levels=frozenset({level})))
    return [listing.service_id for listing in page.listings]


def test_tick_promotes_a_seller_at_the_round_and_explains_what_is_missing(market):
    seller, _buyer, service = cast(market)
    regular_clients(market, seller, service, 10)
    market.clock.set(FIRST_ROUND - timedelta(seconds=1))
    market.tick()
    (before,) = market.level_history(seller.member_id)
    assert (datetime(2026, 11, 1, tzinfo=UTC), SellerLevel.LEVEL_1) == (before.at, before.level)
    market.clock.set(FIRST_ROUND + timedelta(hours=5))
    assert 1 == market.tick().evaluated
    latest, _ = market.level_history(seller.member_id)
    assert (FIRST_ROUND, SellerLevel.LEVEL_2, True) == (latest.at, latest.level, latest.changed)
    assert [service] == listed_at(market, SellerLevel.LEVEL_2)
    missing = {c.name: (c.required, c.actual, c.shortfall) for c in latest.checks[1].criteria}
    assert (25, 10, 15) == missing["unique clients"]
    assert all(c.met for c in latest.checks[0].criteria)
    with market.storage.unit_of_work() as uow:
        assert SellerLevel.LEVEL_2 == uow.members.get(seller.member_id).level
        events = [e for e in uow.outbox.pending(limit=1000) if e.name == "member.level_changed"]
    assert ['"level_2"'] == [e.payload.split('"to":')[1].rstrip("}").strip() for e in events]


def test_each_seller_is_evaluated_once_per_round_however_often_tick_runs(market):
    seller, _buyer, _service = cast(market)
    reports = [market.tick() for _ in range(3)]
    assert [1, 0, 0] == [report.evaluated for report in reports]
    market.clock.advance(relativedelta(months=2))
    assert [1, 0] == [market.tick().evaluated for _ in range(2)]
    assert 2 == len(market.level_history(seller.member_id))


def test_a_seller_below_their_level_keeps_it_for_the_grace_period(market):
    seller, _buyer, service = cast(market)
    regular_clients(market, seller, service, 10)
    market.clock.set(FIRST_ROUND)
    market.tick()
    # a year without orders: the window empties, the seller earns level 1 again
    levels = []
    for months in range(1, 21):
        market.clock.set(FIRST_ROUND + relativedelta(months=months))
        market.tick()
        levels.append(market.level_history(seller.member_id, limit=1)[0])
    below = next(e for e in levels if e.earned is SellerLevel.LEVEL_1)
    demoted = next(e for e in levels if e.level is SellerLevel.LEVEL_1)
    assert below.below_since == below.at
    assert below.at + relativedelta(days=180) <= demoted.at < below.at + relativedelta(days=215)
    assert [service] == listed_at(market, SellerLevel.LEVEL_1)


def test_admins_grant_and_remove_the_professional_level(market):
    seller, buyer, service = cast(market)
    with pytest.raises(PermissionDenied):
        market.grant_professional(buyer, seller.member_id, key="g-0")
    market.grant_professional(ADMIN, seller.member_id, key="g-1")
    assert [service] == listed_at(market, SellerLevel.PROFESSIONAL)
    market.clock.advance(40 * DAY)
    market.tick()
    (kept,) = market.level_history(seller.member_id)
    assert (SellerLevel.PROFESSIONAL, SellerLevel.LEVEL_1) == (kept.level, kept.earned)
    market.remove_professional(ADMIN, seller.member_id, key="g-2")
    assert [service] == listed_at(market, SellerLevel.LEVEL_1)
