"""A small marketplace on the embedded SQLite default, with demo data, in Arabic and English.

Run it with ``python3 dev.py tour`` (or ``python3 examples/demo.py --db path.sqlite3``). It
publishes services, fills a buyer's cart, pays from the balance into escrow, takes one order
through delivery to acceptance, cancels a late one, clears the seller's earnings after the
clearance period and audits the ledger, every step a use case of the marketplace façade.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta

from microgigs import KHAMSAT, ManualClock, MicrogigsError, Money, UlidGenerator, bootstrap
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.catalog import default_categories
from microgigs.ids import CategoryId, MemberId
from microgigs.l10n import format_money, label, translate_error
from microgigs.marketplace import Marketplace, NewUpgrade
from microgigs.ranking import ListingQuery

POLICY = KHAMSAT
DESCRIPTION = (
    "خدمة احترافية بجودة عالية وتسليم في الموعد، مع تعديلات مجانية حتى ترضى تمامًا عن النتيجة."
)
DEMO_SERVICES = [
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
    ("translation", "ترجمة مقال من الإنجليزية إلى العربية", "5", [("تسليم خلال يوم", "10", 0)], 3),
    ("articles", "كتابة مقال تسويقي متوافق مع محركات البحث", "10", [], 2),
]


def usd(amount: str) -> Money:
    """An amount in the demo's currency."""
    return Money.of(amount, POLICY.currency)


def run(market: Marketplace, clock: ManualClock) -> int:
    """Play the demo (moving ``clock``, the market's) and print what happened."""
    tree = default_categories()
    seller_id, buyer_id = (
        market.register_member(
            username=username,
            email=f"{username.split('_')[0]}@example.com",
            first_name=first,
            family_name=family,
            key=f"r-{username}",
        )
        for username, first, family in (
            ("sara_designs", "سارة", "الأحمد"),
            ("ahmad", "أحمد", "خالد"),
        )
    )
    seller, buyer = Actor.member(seller_id), Actor.member(buyer_id)
    admin = Actor.admin(MemberId("staff"))
    services = []
    upgrade_ids = []
    for number, (category, title, base, upgrades, days) in enumerate(DEMO_SERVICES):
        extras = [NewUpgrade(name, usd(price), extra) for name, price, extra in upgrades]
        service = market.publish_service(
            seller,
            category_id=CategoryId(category),
            title=title,
            description=DESCRIPTION,
            instructions="أرسل التفاصيل المطلوبة.",
            base_price=usd(base),
            delivery_days=days,
            upgrades=extras,
            key=f"publish-{number}",
        )
        market.moderate_service(admin, service.id, key=f"approve-{number}")
        services.append(service.id)
        upgrade_ids.append([u.id for u in service.upgrades])
        print(f"{tree.category(CategoryId(category)).name('ar')} | {title}")

    found = market.search(ListingQuery(text="الشعارات"))
    print(f"  search «الشعارات»: {len(found.listings)} service(s)")

    market.top_up(buyer, usd("300"), lg.Gateway.CARD, key="top-up-1")
    for number, (service, chosen) in enumerate(zip(services, upgrade_ids, strict=True)):
        market.add_to_cart(
            buyer, service, upgrade_ids=chosen, quantity=1 if chosen else 2, key=f"cart-{number}"
        )
    first, late, waiting = market.checkout(buyer, key="checkout-1")

    market.send_message(buyer, first, "اسم الشركة: نخلة، والألوان أخضر وذهبي", key="instructions-1")
    market.send_message(buyer, late, "المقال مرفق", key="instructions-2")
    clock.advance(relativedelta(days=2))
    market.deliver(seller, first, "إليك الشعار بكل الصيغ", ["files/logo.zip"], key="deliver-1")
    market.accept(buyer, first, key="accept-1")
    clock.advance(relativedelta(days=5))  # the translation is now late
    market.cancel_late(buyer, late, key="cancel-2")
    clock.advance(relativedelta(days=14))
    report = market.tick()
    print(f"  tick: {report.transitions} transitions, {report.cleared} cleared")

    for order_id in (first, late, waiting):
        order = market.order(Actor.system(), order_id)
        print(
            f"  {format_money(order.quote.total, 'en'):>8}  {label(order.status, 'ar')}"
            f" / {label(order.status, 'en')}"
        )
    for name, account in (
        ("wallet", lg.wallet(buyer_id)),
        ("available", lg.available(seller_id)),
        ("platform", lg.revenue()),
    ):
        amount = market.balance(account)
        print(f"  {name:<10} {format_money(amount, 'ar')} | {format_money(amount, 'en')}")
    issues = market.audit(admin)
    print(f"  audit: {len(issues)} issues")
    try:
        market.add_to_cart(seller, services[0], key="own-1")
    except MicrogigsError as error:
        print(f"  refused ({error.code}): {translate_error(error, 'ar')}")
    return 0 if not issues else 1


def main() -> int:
    """Parse the options and play the demo on the SQLite file (a temporary one by default)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=Path, help="the SQLite file (default: a temporary one, removed at the end)"
    )
    options = parser.parse_args()
    if options.db is not None:
        return play(options.db)
    with tempfile.TemporaryDirectory(prefix="microgigs-demo-") as folder:
        return play(Path(folder) / "marketplace.sqlite3")


def play(path: Path) -> int:
    """Open the SQLite file at ``path``, play the demo on it and close it."""
    print(f"SQLite: {path}")
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    market = bootstrap(str(path), policy=POLICY, clock=clock, ids=UlidGenerator(clock, seed=2026))
    try:
        return run(market, clock)
    finally:
        market.close()


if __name__ == "__main__":
    sys.exit(main())
