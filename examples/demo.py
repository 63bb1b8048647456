"""A small tour of microgigs on demo data, printed in Arabic and English.

Run it with ``python3 dev.py demo``. It grows into the full example marketplace as the
library does (see README.md).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from microgigs import KHAMSAT, ManualClock, MicrogigsError, Money, UlidGenerator
from microgigs.actors import Actor
from microgigs.catalog import Cart, Service, Upgrade, default_categories
from microgigs.ids import CategoryId, MemberId, ServiceId, UpgradeId
from microgigs.l10n import format_money, translate_error
from microgigs.members import Member
from microgigs.pricing import quote_cart

DEMO_SERVICES = [
    # (category, title, base price, upgrades (title, price, extra days), delivery days)
    (
        "logo-design",
        "تصميم شعار احترافي لشركتك الناشئة",
        "5",
        [
            ("تسليم بصيغة PNG", "50", 1),
            ("تسليم بصيغة PSD", "50", 1),
            ("تسليم بصيغة JPG", "50", 0),
            ("نسخة ثلاثية الأبعاد", "50", 2),
        ],
        2,
    ),
    (
        "translation",
        "ترجمة مقال من الإنجليزية إلى العربية",
        "5",
        [("تسليم خلال يوم", "10", 0)],
        3,
    ),
    ("articles", "كتابة مقال تسويقي متوافق مع محركات البحث", "10", [], 2),
]
DESCRIPTION = (
    "خدمة احترافية بجودة عالية وتسليم في الموعد، مع تعديلات مجانية حتى ترضى تمامًا عن النتيجة."
)


def main() -> int:
    """Publish demo services, fill a buyer's cart and quote it in Arabic and English."""
    policy = KHAMSAT
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    ids = UlidGenerator(clock, seed=2026)
    admin = Actor.admin(ids.new(MemberId))
    seller = Member.register(
        ids.new(MemberId),
        username="sara_designs",
        email="sara@example.com",
        first_name="سارة",
        family_name="الأحمد",
        joined_at=clock.now(),
    )
    buyer = Member.register(
        ids.new(MemberId),
        username="ahmad",
        email="ahmad@example.com",
        first_name="أحمد",
        family_name="خالد",
        joined_at=clock.now(),
    )
    tree = default_categories()
    cart = Cart(buyer.id)
    snapshots = {}
    for category, title, base, upgrades, days in DEMO_SERVICES:
        service = Service.draft(
            ids.new(ServiceId),
            seller_id=seller.id,
            category_id=CategoryId(category),
            title=title,
            description=DESCRIPTION,
            instructions="أرسل التفاصيل المطلوبة.",
            base_price=Money.of(base, policy.currency),
            delivery_days=days,
            upgrades=[
                Upgrade(ids.new(UpgradeId), name, Money.of(price, policy.currency), extra)
                for name, price, extra in upgrades
            ],
            policy=policy.catalog,
            created_at=clock.now(),
        )
        service.submit(Actor.member(seller.id), clock.now())
        service.approve(admin, clock.now())
        snapshots[service.id] = service.snapshot()
        chosen = [u.id for u in service.upgrades]
        cart.put(buyer, service, policy.catalog, upgrade_ids=chosen, quantity=1 if chosen else 2)
        print(f"{tree.category(service.category_id).name('ar')} | {title}")

    lines = [(snapshots[line.service_id], line.upgrade_ids, line.quantity) for line in cart]
    total = quote_cart(lines, policy)
    for offer in total.quotes:
        print(
            f"  {format_money(offer.total, 'en')} = seller {format_money(offer.seller_net, 'en')}"
            f" + platform {format_money(offer.commission, 'en')}, {offer.delivery_days} days"
        )
    for locale in ("ar", "en"):
        print(
            f"[{locale}] {format_money(total.total, locale)} = "
            f"{format_money(total.seller_net, locale)} + {format_money(total.commission, locale)}"
        )
    try:
        Cart(seller.id).put(seller, service, policy.catalog)
    except MicrogigsError as error:
        print(f"refused ({error.code}): {translate_error(error, 'ar')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
