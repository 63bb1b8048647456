"""The order lifecycle of P1, P2 and P3, played through the marketplace façade.

Place an order with 2 upgrades (add to cart, checkout: the payment from the balance into
escrow), send instructions, deliver, accept (the release: 80% to the seller's pending
earnings, 20% to the platform), then clear the earnings with ``tick``. The bench policy
clears earnings after one second, so each lifecycle clears its own release with one tick
on the same simulated day (the day's trending recount and the month's level evaluation
are done by a warm-up lifecycle, so every measured tick does the same work).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from microgigs import KHAMSAT, ManualClock, Money, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.ids import CategoryId, MemberId, ServiceId, UpgradeId
from microgigs.marketplace import Marketplace, NewUpgrade
from microgigs.payments import FakeGateway
from microgigs.storage.ports import Storage

POLICY = attrs.evolve(
    KHAMSAT,
    ledger=attrs.evolve(
        KHAMSAT.ledger,
        clearance_period=relativedelta(seconds=1),
        fast_clearance_period=relativedelta(seconds=1),
        top_up_maximum=None,  # one top-up funds every lifecycle of a run
    ),
)
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ADMIN = Actor.admin(MemberId("staff"))
DESCRIPTION = "أصمم لك شعارًا احترافيًا فريدًا يعبر عن هوية شركتك، مع نماذج أولية وتعديلات."
STEP = timedelta(seconds=2)


@attrs.define
class Cast:
    """The marketplace and who plays the lifecycle in it."""

    market: Marketplace
    clock: ManualClock
    seller: Actor
    buyer: Actor
    service: ServiceId
    upgrades: list[UpgradeId]
    played: int = 0


def usd(dollars: int) -> Money:
    """Whole dollars."""
    return Money(dollars * 100, "USD")


def cast(storage: Storage, *, funds: int = 10_000_000, seed: int = 1) -> Cast:
    """A seller with a service with two upgrades, and a buyer with ``funds`` dollars."""
    clock = ManualClock(START)
    market = Marketplace(storage, clock, UlidGenerator(clock, seed=seed), POLICY, FakeGateway())
    seller = Actor.member(
        market.register_member(
            username="sara",
            email="sara@example.com",
            first_name="سارة",
            family_name="علي",
            key="r-s",
        )
    )
    buyer = Actor.member(
        market.register_member(
            username="ahmad",
            email="ahmad@example.com",
            first_name="أحمد",
            family_name="حسن",
            key="r-b",
        )
    )
    service = market.publish_service(
        seller,
        category_id=CategoryId("logo-design"),
        title="تصميم شعار احترافي لشركتك",
        description=DESCRIPTION,
        instructions="أرسل الاسم والألوان.",
        base_price=usd(5),
        delivery_days=2,
        upgrades=[NewUpgrade("PNG", usd(5), 0), NewUpgrade("PSD", usd(10), 1)],
        key="p",
    ).id
    market.moderate_service(ADMIN, service, key="m")
    market.top_up(buyer, usd(funds), lg.Gateway.CARD, key="t")
    upgrades = [u.id for u in market.service(Actor.system(), service).upgrades]
    played = Cast(market, clock, seller, buyer, service, upgrades)
    play(played)  # warm-up: the day's trending recount, the month's level evaluations
    return played


def play(c: Cast) -> None:
    """One whole lifecycle, keys ``L<n>-…``."""
    m, key = c.market, f"L{c.played}-"
    c.played += 1
    m.add_to_cart(c.buyer, c.service, upgrade_ids=c.upgrades, key=key + "cart")
    (order,) = m.checkout(c.buyer, key=key + "pay")
    m.send_message(c.buyer, order, "الاسم: نخلة، والألوان خضراء.", key=key + "brief")
    m.deliver(c.seller, order, "إليك الشعار", ["logo.png"], key=key + "deliver")
    m.accept(c.buyer, order, key=key + "accept")
    c.clock.advance(STEP)
    m.tick()


def check(c: Cast) -> None:
    """What ``played`` lifecycles leave: the seller's cleared 80% of $20 each, a clean audit."""
    with c.market.storage.unit_of_work() as uow:
        issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
    available = c.market.balance(lg.available(c.seller.member_id or MemberId("-")))
    assert ([], usd(16) * c.played) == (issues, available), (issues, available)
