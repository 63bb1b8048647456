"""Ready-made members and services for tests, docs and demos (the seed's numbers).

>>> service = logo_service()
>>> str(service.base_price), [str(u.price) for u in service.upgrades]
('5.00 USD', ['50.00 USD', '50.00 USD', '50.00 USD', '50.00 USD'])
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from microgigs.catalog import Service, ServiceSnapshot, Upgrade
from microgigs.ids import CategoryId, MemberId, OrderId, ServiceId, UpgradeId
from microgigs.members import Member
from microgigs.money import Money
from microgigs.orders import Order
from microgigs.policy import KHAMSAT, CatalogPolicy, MarketplacePolicy
from microgigs.pricing import quote

__all__ = [
    "BUYER_ID",
    "EPOCH",
    "logo_service",
    "make_member",
    "make_service",
    "place_order",
    "upgrade",
]

EPOCH: Final = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
"""The moment example objects are created at."""
BUYER_ID: Final = MemberId("M-ahmad")
"""The buyer of :func:`place_order`."""


def make_member(username: str = "sara_designs", member_id: str | None = None) -> Member:
    """An active member with an Arabic name."""
    return Member.register(
        MemberId(member_id or f"M-{username}"),
        username=username,
        email=f"{username}@example.com",
        first_name="سارة",
        family_name="الأحمد",
        joined_at=EPOCH,
    )


def upgrade(number: int, price: str = "50", extra_days: int = 1) -> Upgrade:
    """Upgrade ``U{number}``: delivery of the files in another format."""
    return Upgrade(
        id=UpgradeId(f"U{number}"),
        title=f"تسليم الملفات بصيغة إضافية رقم {number}",
        price=Money.of(price, "USD"),
        extra_days=extra_days,
    )


def make_service(
    *,
    service_id: str = "S-logo",
    seller_id: str = "M-sara_designs",
    base_price: str = "5",
    upgrades: Sequence[Upgrade] = (),
    delivery_days: int = 1,
    policy: CatalogPolicy = KHAMSAT.catalog,
    category_id: str = "logo-design",
) -> Service:
    """A draft logo-design service of the seed article."""
    return Service.draft(
        ServiceId(service_id),
        seller_id=MemberId(seller_id),
        category_id=CategoryId(category_id),
        title="تصميم شعار احترافي لشركتك",
        description=(
            "أصمم لك شعارًا احترافيًا فريدًا يعبر عن هوية شركتك ومجال عملها، مع ثلاثة نماذج "
            "أولية تختار منها، وتعديلات حتى ترضى، وتسليم الملفات بجودة عالية جاهزة للطباعة."
        ),
        instructions="أرسل اسم الشركة ومجال عملها والألوان المفضلة.",
        base_price=Money.of(base_price, "USD"),
        delivery_days=delivery_days,
        upgrades=upgrades,
        policy=policy,
        created_at=EPOCH,
        tags=["شعار", "هوية"],
    )


def logo_service() -> ServiceSnapshot:
    """The seed's most expensive unit: a $5 service with four $50 upgrades ($205)."""
    return make_service(upgrades=[upgrade(n) for n in range(1, 5)]).snapshot()


def place_order(
    policy: MarketplacePolicy = KHAMSAT,
    *,
    order_id: str = "O-1",
    upgrades: int = 4,
    quantity: int = 1,
    placed_at: datetime = EPOCH,
) -> Order:
    """The seed's order, paid: the logo service with ``upgrades`` of its $50 upgrades.

    >>> order = place_order()
    >>> order.status.value, str(order.quote.total), order.quote.delivery_days
    ('awaiting_instructions', '205.00 USD', 5)
    """
    service = logo_service()
    chosen = [u.id for u in service.upgrades[:upgrades]]
    return Order.place(
        OrderId(order_id),
        buyer_id=BUYER_ID,
        quote=quote(service, policy, upgrade_ids=chosen, quantity=quantity),
        service=service,
        placed_at=placed_at,
        policy=policy.orders,
    )
