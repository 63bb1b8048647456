"""Seller levels through the façade: evaluated by ``tick`` each round, once, explained."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from cast import ADMIN, DAY, START, cast, usd
from dateutil.relativedelta import relativedelta

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import PermissionDenied
from microgigs.ids import CategoryId
from microgigs.marketplace import Marketplace
from microgigs.payments import FakeGateway
from microgigs.projects import CLIENT_ASPECTS, Aspect, AspectRating
from microgigs.ranking import ListingQuery, SellerLevel
from microgigs.storage import MemoryStorage

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


# --- project work feeds levels (RULES.md §11) ----------------------------------------------------

DESIGN = CategoryId("logo-design")
NEXT_ROUND = datetime(2027, 1, 1, tzinfo=UTC)


def member(market, name):
    return Actor.member(
        market.register_member(
            username=name,
            email=f"{name}@example.com",
            first_name="اسم",
            family_name="العائلة",
            key=f"r-{name}",
        )
    )


def project_freelancer(market, *, clients=10, completed=12, cancelled=3, low=False, reply=DAY):
    """A freelancer without services: contracts with ``clients`` clients, answered in ``reply``.

    ``completed`` contracts are funded, approved and reviewed both ways (four stars on every
    aspect; one aspect of the first at three when ``low``); ``cancelled`` more are cancelled
    by agreement after they start.
    """
    freelancer = member(market, "freelancer")
    hirers = [member(market, f"client{n}") for n in range(clients)]
    for client in hirers:
        market.top_up(client, usd(3000), lg.Gateway.CARD, key=f"t-{client.member_id}")
    for number in range(completed + cancelled):
        client = hirers[number % clients]
        project = market.post_project(
            client,
            category_id=DESIGN,
            title="هوية بصرية كاملة لمتجر عطور",
            description="نحتاج شعارًا وألوانًا وخطوطًا ودليل استخدام لمتجر عطور جديد.",
            bracket=5,
            duration_days=30,
            skills=("شعار",),
            key=f"p{number}",
        )
        market.moderate_project(ADMIN, project, key=f"m{number}")
        placed = market.place_bid(
            freelancer,
            project,
            amount=usd("1200"),
            delivery_days=20,
            text="أصمم هوية متكاملة مع دليل استخدام واضح خلال عشرين يومًا.",
            key=f"b{number}",
        )
        contract = market.hire_bid(client, project, placed, key=f"h{number}")
        market.clock.advance(reply)
        market.answer_offer(freelancer, contract, accept=True, key=f"y{number}")
        if number >= completed:
            market.ask_to_cancel_contract(client, contract, key=f"x{number}")
            market.answer_contract_cancellation(freelancer, contract, agree=True, key=f"xa{number}")
            continue
        market.fund_milestone(client, contract, 1, key=f"f{number}")
        market.submit_milestone(freelancer, contract, 1, "الملفات", ["id.zip"], key=f"s{number}")
        market.approve_milestone(client, contract, 1, key=f"a{number}")
        six = [
            AspectRating(aspect, 3 if low and number == 0 and aspect is Aspect.QUALITY else 4)
            for aspect in CLIENT_ASPECTS
        ]
        market.review_contract(client, contract, six, "عمل متقن", key=f"rc{number}")
        overall = [AspectRating(Aspect.OVERALL, 5)]
        market.review_contract(freelancer, contract, overall, "عميل واضح", key=f"rf{number}")
    return freelancer


def evaluated(market, freelancer):
    market.clock.set(NEXT_ROUND + timedelta(hours=1))
    market.tick()
    (latest,) = market.level_history(freelancer.member_id, limit=1)
    assert NEXT_ROUND == latest.at
    return latest


def test_a_freelancer_with_only_project_work_reaches_level_2_at_exactly_the_thresholds(market):
    freelancer = project_freelancer(market)
    latest = evaluated(market, freelancer)
    assert (SellerLevel.LEVEL_2, True) == (latest.level, latest.changed)
    actual = {c.name: c.actual for c in latest.checks[0].criteria}
    assert {
        "unique clients": 10,
        "average rating": Decimal("4.000"),
        "order completion rate": Decimal("0.800"),
        "successful conversation rate": Decimal("1.000"),
        "response time": timedelta(hours=24),
    } == actual
    assert all(c.met for c in latest.checks[0].criteria)
    with market.storage.unit_of_work() as uow:
        assert SellerLevel.LEVEL_2 == uow.members.get(freelancer.member_id).level


@pytest.mark.parametrize(
    ("below", "missed"),
    [
        ({"clients": 9}, "unique clients"),
        ({"low": True}, "average rating"),
        ({"completed": 11}, "order completion rate"),
        ({"reply": DAY + timedelta(seconds=1)}, "response time"),
    ],
)
def test_one_step_below_a_threshold_the_freelancer_stays_at_level_1(below, missed):
    storage = MemoryStorage("USD")
    clock = ManualClock(START)
    market = Marketplace(storage, clock, UlidGenerator(clock, seed=1), KHAMSAT, FakeGateway())
    latest = evaluated(market, project_freelancer(market, **below))
    assert (SellerLevel.LEVEL_1, False) == (latest.level, latest.changed)
    assert [missed] == [c.name for c in latest.checks[0].criteria if not c.met]


def test_offers_declined_or_lapsed_count_against_the_conversation_rate(market):
    client, freelancer = member(market, "client"), member(market, "freelancer")
    for number, answer in enumerate((True, False, None)):
        project = market.post_project(
            client,
            category_id=DESIGN,
            title="تطبيق جوال لمتجر عطور",
            description="نحتاج تطبيقًا بسيطًا يعرض المنتجات ويستقبل الطلبات من العملاء.",
            bracket=5,
            duration_days=30,
            skills=("تطبيق",),
            key=f"p{number}",
        )
        market.moderate_project(ADMIN, project, key=f"m{number}")
        placed = market.place_bid(
            freelancer,
            project,
            amount=usd("1200"),
            delivery_days=20,
            text="أبني التطبيق بواجهة عربية كاملة خلال عشرين يومًا مع الاختبار.",
            key=f"b{number}",
        )
        contract = market.hire_bid(client, project, placed, key=f"h{number}")
        if answer is not None:
            market.clock.advance(timedelta(hours=2))
            market.answer_offer(freelancer, contract, accept=answer, key=f"y{number}")
    market.clock.advance(31 * DAY)
    market.tick()  # the third offer lapses after 30 days
    latest = evaluated(market, freelancer)
    actual = {c.name: c.actual for c in latest.checks[0].criteria}
    assert Decimal("0.333") == actual["successful conversation rate"]
    assert timedelta(hours=2) == actual["response time"]  # the median of 2 h, 2 h, 30 days
    assert None is actual["average rating"]
