"""The cast most façade tests start from: a seller, a buyer, a logo service, orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.ids import CategoryId, MemberId
from microgigs.marketplace import NewUpgrade
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
        username="sara",
        email="sara@example.com",
        first_name="سارة",
        family_name="الأحمد",
        key="r-sara",
    )
    buyer = market.register_member(
        username="ahmad",
        email="ahmad@example.com",
        first_name="أحمد",
        family_name="خالد",
        key="r-ahmad",
    )
    service = market.publish_service(
        Actor.member(seller),
        category_id=CategoryId("logo-design"),
        title="تصميم شعار احترافي لشركتك",
        description=DESCRIPTION,
        instructions="أرسل اسم الشركة والألوان.",
        base_price=usd(5),
        delivery_days=2,
        upgrades=[
            NewUpgrade("تسليم بصيغة PNG", usd(50), 1),
            NewUpgrade("تسليم بصيغة PSD", usd(50), 1),
        ],
        key="p-logo",
    ).id
    market.moderate_service(Actor.admin(MemberId("admin")), service, key="m-logo")
    return Actor.member(seller), Actor.member(buyer), service


def another(market, username, first_name, family_name):
    """One more member of the cast, as an actor (``username@example.com``)."""
    return Actor.member(
        market.register_member(
            username=username,
            email=f"{username}@example.com",
            first_name=first_name,
            family_name=family_name,
            key=f"r-{username}",
        )
    )


def buy(market, buyer, service, *, method=None):
    market.top_up(buyer, usd(200), lg.Gateway.CARD, key="t-1")
    with market.storage.unit_of_work() as uow:
        upgrades = [u.id for u in uow.services.get(service).upgrades]
    market.add_to_cart(buyer, service, upgrade_ids=upgrades, key="c-1")
    (order,) = market.checkout(buyer, method, key="k-1")
    return order


def cheap_order(market, quantity=5):
    """A paid $5 × ``quantity`` order with its instructions sent."""
    seller, buyer, service = cast(market)
    market.top_up(buyer, usd(100), lg.Gateway.CARD, key="t-1")
    market.add_to_cart(buyer, service, quantity=quantity, key="c-1")
    (order,) = market.checkout(buyer, key="k-1")
    market.send_message(buyer, order, "التعليمات", key="s-1")
    return seller, buyer, order


def published(market, seller, title, *, instructions, key, delivery_days=2):
    """Another $5 logo-design service of the seller's, not yet moderated: its id."""
    return market.publish_service(
        seller,
        category_id=CategoryId("logo-design"),
        title=title,
        description=DESCRIPTION,
        instructions=instructions,
        base_price=usd(5),
        delivery_days=delivery_days,
        key=key,
    ).id


def open_request(market, buyer, *, key="rq", moderated=True):
    """The buyer's request for an animated logo, approved by the admin unless told not."""
    request = market.post_request(
        buyer,
        category_id=CategoryId("logo-design"),
        title="أحتاج شعارًا متحركًا لقناتي",
        description="شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة.",
        budget=usd(30),
        key=key,
    )
    if moderated:
        market.moderate_request(ADMIN, request, key=f"{key}-moderated")
    return request


def hired(market, *, accept=True, milestones=()):
    """A client and a freelancer on the contract of the client's project, just accepted.

    With ``accept=False``, the contract is the client's offer, not yet answered; its
    ``milestones`` are the hire's (one of the whole $1,200 if none).
    """
    client = another(market, "client", "عميل", "العائلة")
    freelancer = another(market, "freelancer", "مستقل", "العائلة")
    project = market.post_project(
        client,
        category_id=CategoryId("logo-design"),
        title="هوية بصرية لمتجر عطور",
        description="شعار وألوان وخطوط ودليل استخدام لمتجر عطور جديد.",
        bracket=5,
        duration_days=30,
    )
    market.moderate_project(ADMIN, project)
    bid = market.place_bid(
        freelancer, project, amount=usd(1200), delivery_days=20, text="أنجز الهوية كاملة بإتقان."
    )
    contract = market.hire_bid(client, project, bid, milestones=milestones)
    if accept:
        market.answer_offer(freelancer, contract, accept=True)
    return client, freelancer, contract
