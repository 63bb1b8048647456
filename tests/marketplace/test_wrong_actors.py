"""R5: every use case called by every wrong actor is refused with a typed error, 0 rows written.

One SQLite file holds a marketplace with something in every state a use case acts on; each
call is made by each actor who may not make it, and the whole database is compared before
and after, table by table.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from cast import ADMIN, DESCRIPTION, START, cast, usd

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import MicrogigsError
from microgigs.ids import CategoryId, MemberId
from microgigs.marketplace import Marketplace
from microgigs.members import PayoutMethod
from microgigs.orders import OrderEvent
from microgigs.payments import FakeGateway
from microgigs.storage.sqlite import SQLiteStorage

STRANGER = Actor.member(MemberId("stranger"))  # not a member at all
# who may not act is told so; one who is not a member, or not a party, is not found; a
# seller acting on their own service, or a party firing an event that is not theirs
REFUSALS = {"PermissionDenied", "NotFound", "OwnService", "TransitionNotAllowed"}
SYSTEM = Actor.system()


def scene(market):
    """A marketplace with an order in every state the actors' use cases act on."""
    seller, buyer, service = cast(market)
    market.set_payout_methods(seller, [PayoutMethod.paypal("sara@paypal.com")], key="pm")
    market.top_up(buyer, usd(100), lg.Gateway.CARD, key="t")
    orders = []
    for number in range(4):
        market.add_to_cart(buyer, service, key=f"c{number}")
        (order,) = market.checkout(buyer, key=f"k{number}")
        market.send_message(buyer, order, "التعليمات", key=f"s{number}")
        orders.append(order)
    working, delivered, disputed, done = orders
    for order in (delivered, disputed, done):
        market.deliver(seller, order, "تم", key=f"d-{order}")
    market.report_problem(buyer, disputed, "لا يطابق الوصف", key="p")
    market.accept(buyer, done, key="a")
    review = market.review(buyer, done, stars=5, comment="ممتاز", key="v")
    inquiry = market.ask(buyer, service, "هل تسلم بصيغة PSD؟", key="q")
    request = market.post_request(
        buyer,
        category_id=CategoryId("logo-design"),
        title="أحتاج شعارًا متحركًا لقناتي",
        description="شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة.",
        budget=usd(30),
        key="rq",
    )
    market.moderate_request(ADMIN, request, key="rm")
    offer = market.make_offer(seller, request, "خدمتي تناسب طلبك", service_id=service, key="of")
    pending = market.publish_service(
        seller,
        category_id=CategoryId("logo-design"),
        title="تصميم بطاقة أعمال أنيقة",
        description=DESCRIPTION,
        instructions="أرسل بياناتك.",
        base_price=usd(5),
        delivery_days=1,
        key="p2",
    ).id
    market.tick(market.clock.now() + timedelta(days=20))  # the accepted order's money clears
    return {
        "seller": seller,
        "buyer": buyer,
        "service": service,
        "pending": pending,
        "working": working,
        "delivered": delivered,
        "disputed": disputed,
        "review": review,
        "inquiry": inquiry,
        "request": request,
        "offer": offer,
    }


def calls(m, s):
    """(use case, call by an actor, the actors who may not make it)."""
    seller, buyer, admin = s["seller"], s["buyer"], ADMIN
    outsiders = [STRANGER, SYSTEM]
    yield "update_profile", lambda a: m.update_profile(a, bio="نبذة", key="x"), [SYSTEM]
    yield "set_payout_methods", lambda a: m.set_payout_methods(a, [], key="x"), [SYSTEM]
    yield (
        "publish_service",
        lambda a: m.publish_service(
            a,
            category_id=CategoryId("logo-design"),
            title="خدمة لا يحق نشرها",
            description=DESCRIPTION,
            instructions="-",
            base_price=usd(5),
            delivery_days=1,
            key="x",
        ),
        [SYSTEM],
    )
    yield (
        "edit_service",
        lambda a: m.edit_service(a, s["service"], title="عنوان من غير صاحبه", key="x"),
        [buyer, admin, *outsiders],
    )
    yield "pause_service", lambda a: m.pause_service(a, s["service"], key="x"), [buyer, STRANGER]
    yield (
        "moderate_service",
        lambda a: m.moderate_service(a, s["pending"], key="x"),
        [seller, buyer, *outsiders],
    )
    yield "add_to_cart", lambda a: m.add_to_cart(a, s["service"], key="x"), [seller, *outsiders]
    yield "add_favourite", lambda a: m.add_favourite(a, s["service"], key="x"), [seller, *outsiders]
    yield "top_up", lambda a: m.top_up(a, usd(5), lg.Gateway.CARD, key="x"), outsiders
    yield "checkout", lambda a: m.checkout(a, key="x"), outsiders
    yield "send_message", lambda a: m.send_message(a, s["working"], "مرحبا", key="x"), outsiders
    yield "deliver", lambda a: m.deliver(a, s["working"], "تم", key="x"), [buyer, admin, *outsiders]
    yield (
        "request_modification",
        lambda a: m.request_modification(a, s["delivered"], "عدّل", key="x"),
        [seller, admin, *outsiders],
    )
    yield "accept", lambda a: m.accept(a, s["delivered"], key="x"), [seller, admin, *outsiders]
    yield (
        "report_problem",
        lambda a: m.report_problem(a, s["delivered"], "مشكلة", key="x"),
        [seller, admin, *outsiders],
    )
    yield (
        "cancel_late",
        lambda a: m.cancel_late(a, s["working"], key="x"),
        [seller, admin, *outsiders],
    )
    yield "decline", lambda a: m.decline(a, s["working"], key="x"), [buyer, admin, *outsiders]
    yield (
        "request_cancellation",
        lambda a: m.request_cancellation(a, s["working"], key="x"),
        [admin, *outsiders],
    )
    yield (
        "resolve_dispute",
        lambda a: m.resolve_dispute(a, s["disputed"], OrderEvent.RESOLVE_FULL_REFUND, key="x"),
        [seller, buyer, *outsiders],
    )
    yield (
        "review",
        lambda a: m.review(a, s["delivered"], stars=5, comment="جيد", key="x"),
        [
            seller,
            admin,
            *outsiders,
        ],
    )
    yield "reply", lambda a: m.reply(a, s["review"], "شكرًا", key="x"), [buyer, admin, *outsiders]
    yield (
        "request_withdrawal",
        lambda a: m.request_withdrawal(a, usd(10), key="x"),
        [admin, *outsiders],
    )
    yield (
        "settle_withdrawal",
        lambda a: m.settle_withdrawal(a, seller.member_id, usd(10), paid=True, key="x"),
        [seller, buyer, STRANGER],
    )
    yield "ask", lambda a: m.ask(a, s["service"], "سؤال", key="x"), [seller, *outsiders]
    yield (
        "answer_inquiry",
        lambda a: m.answer_inquiry(a, s["inquiry"], "جواب", key="x"),
        [
            admin,
            *outsiders,
        ],
    )
    yield (
        "post_request",
        lambda a: m.post_request(
            a,
            category_id=CategoryId("logo-design"),
            title="طلب من غير عضو مسجل",
            description="وصف طويل بما يكفي لطلب خدمة غير موجودة.",
            key="x",
        ),
        outsiders,
    )
    yield (
        "moderate_request",
        lambda a: m.moderate_request(a, s["request"], key="x"),
        [
            seller,
            buyer,
            *outsiders,
        ],
    )
    yield (
        "make_offer",
        lambda a: m.make_offer(a, s["request"], "عرضي", price=usd(9), delivery_days=2, key="x"),
        [buyer, *outsiders],
    )
    yield (
        "accept_offer",
        lambda a: m.accept_offer(a, s["request"], s["offer"], key="x"),
        [
            seller,
            admin,
            *outsiders,
        ],
    )
    yield (
        "close_request",
        lambda a: m.close_request(a, s["request"], key="x"),
        [
            seller,
            STRANGER,
            SYSTEM,
        ],
    )
    yield (
        "grant_professional",
        lambda a: m.grant_professional(a, seller.member_id, key="x"),
        [
            seller,
            buyer,
            *outsiders,
        ],
    )
    yield (
        "suspend_member",
        lambda a: m.suspend_member(a, buyer.member_id, "مخالفة", key="x"),
        [seller, buyer, *outsiders],
    )


def dump(path):
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: connection.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}  # noqa: S608


def test_every_use_case_refuses_every_wrong_actor_and_writes_nothing(tmp_path):
    path = tmp_path / "r5.db"
    storage = SQLiteStorage(path, currency="USD")
    clock = ManualClock(START)
    market = Marketplace(storage, clock, UlidGenerator(clock, seed=5), KHAMSAT, FakeGateway())
    state = scene(market)
    before = dump(path)
    refused = []
    for name, call, wrong in calls(market, state):
        for actor in wrong:
            with pytest.raises(MicrogigsError) as raised:
                call(actor)
            refused.append((name, str(actor), type(raised.value).__name__))
    storage.close()
    assert before == dump(path)
    assert {kind for _name, _actor, kind in refused} <= REFUSALS
    assert len(refused) >= 100
