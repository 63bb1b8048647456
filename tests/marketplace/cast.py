"""The cast most façade tests start from: a seller, a buyer, a logo service, orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.ids import CategoryId, MemberId
from microgigs.money import Money

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
DESCRIPTION = (
    "أصمم لك شعارًا احترافيًا فريدًا يعبر عن هوية شركتك، مع ثلاثة نماذج أولية وتعديلات حتى ترضى."
)


def usd(amount):
    return Money.of(amount, "USD")


ADMIN = Actor.admin(MemberId("admin"))


def cast(market):
    seller = market.register_member(
        "r-sara", username="sara", email="sara@example.com", first_name="سارة", family_name="الأحمد"
    )
    buyer = market.register_member(
        "r-ahmad",
        username="ahmad",
        email="ahmad@example.com",
        first_name="أحمد",
        family_name="خالد",
    )
    service = market.publish_service(
        "p-logo",
        Actor.member(seller),
        category_id=CategoryId("logo-design"),
        title="تصميم شعار احترافي لشركتك",
        description=DESCRIPTION,
        instructions="أرسل اسم الشركة والألوان.",
        base_price=usd(5),
        delivery_days=2,
        upgrades=[("تسليم بصيغة PNG", usd(50), 1), ("تسليم بصيغة PSD", usd(50), 1)],
    )
    market.moderate_service("m-logo", Actor.admin(MemberId("admin")), service)
    return Actor.member(seller), Actor.member(buyer), service


def buy(market, buyer, service, *, method=None):
    market.top_up("t-1", buyer, usd(200), lg.Gateway.CARD)
    with market.storage.unit_of_work() as uow:
        upgrades = [u.id for u in uow.services.get(service).upgrades]
    market.add_to_cart("c-1", buyer, service, upgrade_ids=upgrades)
    (order,) = market.checkout("k-1", buyer, method)
    return order


def cheap_order(market, quantity=5):
    """A paid $5 × ``quantity`` order with its instructions sent."""
    seller, buyer, service = cast(market)
    market.top_up("t-1", buyer, usd(100), lg.Gateway.CARD)
    market.add_to_cart("c-1", buyer, service, quantity=quantity)
    (order,) = market.checkout("k-1", buyer)
    market.send_message("s-1", buyer, order, "التعليمات")
    return seller, buyer, order


ADMIN = Actor.admin(MemberId("admin"))
