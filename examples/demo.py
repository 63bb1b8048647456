"""A small marketplace on the embedded SQLite default, with demo data, in Arabic and English.

Run it with ``python3 dev.py demo`` (or ``python3 examples/demo.py --db path.sqlite3``). It
publishes services, fills a buyer's cart, pays from the balance into escrow, takes one order
through delivery to acceptance, cancels a late one, clears the seller's earnings after the
clearance period and audits the ledger: every step through the library's units of work.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta

from microgigs import KHAMSAT, ManualClock, MicrogigsError, Money, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.catalog import Cart, Service, Upgrade, default_categories
from microgigs.clock import later
from microgigs.ids import (
    CategoryId,
    MemberId,
    MessageId,
    OrderId,
    ServiceId,
    TransactionId,
    UpgradeId,
)
from microgigs.l10n import format_money, label, translate_error
from microgigs.members import Member
from microgigs.orders import Order, OrderEvent, act_with_message, post_message
from microgigs.pricing import quote
from microgigs.storage import Storage
from microgigs.storage.sqlite import SQLiteStorage

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


class Demo:
    """The demo's cast, clock and ids around one storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        self.ids = UlidGenerator(self.clock, seed=2026)
        self.admin = Actor.admin(self.ids.new(MemberId))

    def register(self, username: str, first: str, family: str) -> Member:
        """A new member, stored."""
        member = Member.register(
            self.ids.new(MemberId),
            username=username,
            email=f"{username}@example.com",
            first_name=first,
            family_name=family,
            joined_at=self.clock.now(),
        )
        with self.storage.unit_of_work() as uow:
            uow.members.add(member)
            uow.commit()
        return member

    def publish(self, seller: Member) -> list[Service]:
        """The demo services of ``seller``, reviewed and active."""
        published = []
        for category, title, base, upgrades, days in DEMO_SERVICES:
            service = Service.draft(
                self.ids.new(ServiceId),
                seller_id=seller.id,
                category_id=CategoryId(category),
                title=title,
                description=DESCRIPTION,
                instructions="أرسل التفاصيل المطلوبة.",
                base_price=Money.of(base, POLICY.currency),
                delivery_days=days,
                upgrades=[
                    Upgrade(self.ids.new(UpgradeId), name, Money.of(price, POLICY.currency), extra)
                    for name, price, extra in upgrades
                ],
                policy=POLICY.catalog,
                created_at=self.clock.now(),
            )
            service.submit(Actor.member(seller.id), self.clock.now())
            service.approve(self.admin, self.clock.now())
            with self.storage.unit_of_work() as uow:
                uow.services.add(service)
                uow.commit()
            published.append(service)
        return published

    def top_up(self, buyer: Member, amount: str) -> None:
        """Money paid in by card onto the buyer's balance."""
        with self.storage.unit_of_work() as uow:
            uow.ledger.post(
                lg.top_up(
                    self.ids.new(TransactionId),
                    f"topup-{buyer.id}-{amount}",
                    member_id=buyer.id,
                    amount=Money.of(amount, POLICY.currency),
                    source=lg.Gateway.CARD,
                    at=self.clock.now(),
                )
            )
            uow.commit()

    def checkout(self, buyer: Member, cart: Cart) -> list[OrderId]:
        """One order per cart line, each paid from the balance into its escrow, together."""
        placed = []
        with self.storage.unit_of_work() as uow:
            for line in cart:
                service = uow.services.get(line.service_id).snapshot()
                priced = quote(
                    service, POLICY, upgrade_ids=line.upgrade_ids, quantity=line.quantity
                )
                order = Order.place(
                    self.ids.new(OrderId),
                    buyer_id=buyer.id,
                    quote=priced,
                    service=service,
                    placed_at=self.clock.now(),
                    policy=POLICY.orders,
                )
                uow.orders.add(order)
                uow.ledger.post(
                    lg.pay_order(
                        self.ids.new(TransactionId),
                        f"pay-{order.id}",
                        order_id=order.id,
                        buyer_id=buyer.id,
                        amount=priced.total,
                        source=None,
                        at=self.clock.now(),
                    )
                )
                placed.append(order.id)
            cart.clear()
            uow.carts.save(cart)
            uow.commit()
        return placed

    def release(self, order: Order) -> lg.Transaction:
        """The release of a completed order, clearing after the policy's period."""
        return lg.release(
            self.ids.new(TransactionId),
            f"release-{order.id}",
            order_id=order.id,
            seller_id=order.seller_id,
            subtotal=order.quote.subtotal,
            buyer_fee=order.quote.buyer_fee,
            commission=POLICY.ledger.commission,
            at=self.clock.now(),
            clears_at=later(self.clock.now(), POLICY.ledger.clearance_period),
        )


def run(storage: Storage) -> int:
    """Play the demo on ``storage`` and print what happened."""
    demo = Demo(storage)
    tree = default_categories()
    seller = demo.register("sara_designs", "سارة", "الأحمد")
    buyer = demo.register("ahmad", "أحمد", "خالد")
    services = demo.publish(seller)
    for service in services:
        print(f"{tree.category(service.category_id).name('ar')} | {service.title}")
    demo.top_up(buyer, "300")

    cart = Cart(buyer.id)
    for service in services:
        chosen = [u.id for u in service.upgrades]
        cart.put(buyer, service, POLICY.catalog, upgrade_ids=chosen, quantity=1 if chosen else 2)
    first, late, third = demo.checkout(buyer, cart)

    buyer_actor, seller_actor = Actor.member(buyer.id), Actor.member(seller.id)
    with storage.unit_of_work() as uow:
        order = uow.orders.get(first)
        post_message(
            order,
            buyer_actor,
            "اسم الشركة: نخلة، والألوان أخضر وذهبي",
            message_id=demo.ids.new(MessageId),
            sent_at=demo.clock.now(),
            policy=POLICY.orders,
        )
        demo.clock.advance(relativedelta(days=2))
        act_with_message(
            order,
            OrderEvent.DELIVER,
            seller_actor,
            "إليك الشعار بكل الصيغ",
            message_id=demo.ids.new(MessageId),
            sent_at=demo.clock.now(),
            policy=POLICY.orders,
            attachments=["files/logo.zip"],
        )
        order.apply(OrderEvent.ACCEPT, buyer_actor, demo.clock.now(), POLICY.orders)
        uow.orders.save(order)
        uow.ledger.post(demo.release(order))
        late_order = uow.orders.get(late)
        late_order.apply(OrderEvent.SEND_INSTRUCTIONS, buyer_actor, demo.clock.now(), POLICY.orders)
        uow.orders.save(late_order)
        uow.commit()

    demo.clock.advance(relativedelta(days=5))  # the translation is now late
    with storage.unit_of_work() as uow:
        late_order = uow.orders.get(late)
        late_order.apply(OrderEvent.CANCEL_LATE, buyer_actor, demo.clock.now(), POLICY.orders)
        uow.orders.save(late_order)
        uow.ledger.post(
            lg.refund(
                demo.ids.new(TransactionId),
                f"refund-{late}",
                order_id=late,
                buyer_id=buyer.id,
                amount=late_order.quote.total,
                at=demo.clock.now(),
            )
        )
        uow.commit()

    demo.clock.advance(relativedelta(days=14))
    with storage.unit_of_work() as uow:
        for release in uow.ledger.due_releases(demo.clock.now()):
            uow.ledger.post(
                lg.clear(
                    demo.ids.new(TransactionId),
                    f"clear-{release.order_id}",
                    seller_id=release.seller_id,
                    amount=release.amount,
                    order_id=release.order_id,
                    at=demo.clock.now(),
                )
            )
        uow.commit()

    with storage.unit_of_work() as uow:
        for order_id in (first, late, third):
            order = uow.orders.get(order_id)
            print(
                f"  {format_money(order.quote.total, 'en'):>8}  {label(order.status, 'ar')}"
                f" / {label(order.status, 'en')}"
            )
        balances = [
            ("wallet", lg.wallet(buyer.id)),
            ("available", lg.available(seller.id)),
            ("platform", lg.revenue()),
        ]
        for name, account in balances:
            amount = uow.ledger.balance(account)
            print(f"  {name:<10} {format_money(amount, 'ar')} | {format_money(amount, 'en')}")
        issues = lg.audit(
            uow.ledger.entry_rows(), uow.ledger.balances(), finished_orders=[first, late]
        )
        print(f"  audit: {len(issues)} issues")
        try:
            Cart(seller.id).put(seller, uow.services.get(services[0].id), POLICY.catalog)
        except MicrogigsError as error:
            print(f"  refused ({error.code}): {translate_error(error, 'ar')}")
    return 0 if not issues else 1


def main() -> int:
    """Parse the options, open the SQLite file and play the demo."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="the SQLite file (default: a new temporary one)")
    options = parser.parse_args()
    path = options.db or Path(tempfile.mkdtemp(prefix="microgigs-demo-")) / "marketplace.sqlite3"
    print(f"SQLite: {path}")
    storage = SQLiteStorage(path, currency=POLICY.currency)
    try:
        return run(storage)
    finally:
        storage.close()


if __name__ == "__main__":
    sys.exit(main())
