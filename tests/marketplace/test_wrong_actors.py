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
    market.set_payout_methods("pm", seller, [PayoutMethod.paypal("sara@paypal.com")])
    market.top_up("t", buyer, usd(100), lg.Gateway.CARD)
    orders = []
    for number in range(4):
        market.add_to_cart(f"c{number}", buyer, service)
        (order,) = market.checkout(f"k{number}", buyer)
        market.send_message(f"s{number}", buyer, order, "التعليمات")
        orders.append(order)
    working, delivered, disputed, done = orders
    for order in (delivered, disputed, done):
        market.deliver(f"d-{order}", seller, order, "تم")
    market.report_problem("p", buyer, disputed, "لا يطابق الوصف")
    market.accept("a", buyer, done)
    review = market.review("v", buyer, done, stars=5, comment="ممتاز")
    inquiry = market.ask("q", buyer, service, "هل تسلم بصيغة PSD؟")
    request = market.post_request(
        "rq", buyer, category_id=CategoryId("logo-design"), title="أحتاج شعارًا متحركًا لقناتي",
        description="شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة.", budget=usd(30),
    )  # fmt: skip
    market.moderate_request("rm", ADMIN, request)
    offer = market.make_offer("of", seller, request, "خدمتي تناسب طلبك", service_id=service)
    pending = market.publish_service(
        "p2", seller, category_id=CategoryId("logo-design"), title="تصميم بطاقة أعمال أنيقة",
        description=DESCRIPTION, instructions="أرسل بياناتك.", base_price=usd(5), delivery_days=1,
    )  # fmt: skip
    market.tick(market.clock.now() + timedelta(days=20))  # the accepted order's money clears
    return {
        "seller": seller, "buyer": buyer, "service": service, "pending": pending,
        "working": working, "delivered": delivered, "disputed": disputed, "review": review,
        "inquiry": inquiry, "request": request, "offer": offer,
    }  # fmt: skip


def calls(m, s):
    """(use case, call by an actor, the actors who may not make it)."""
    seller, buyer, admin = s["seller"], s["buyer"], ADMIN
    outsiders = [STRANGER, SYSTEM]
    yield "update_profile", lambda a: m.update_profile("x", a, bio="نبذة"), [SYSTEM]
    yield "set_payout_methods", lambda a: m.set_payout_methods("x", a, []), [SYSTEM]
    yield (
        "publish_service",
        lambda a: m.publish_service(
            "x",
            a,
            category_id=CategoryId("logo-design"),
            title="خدمة لا يحق نشرها",
            description=DESCRIPTION,
            instructions="-",
            base_price=usd(5),
            delivery_days=1,
        ),
        [SYSTEM],
    )
    yield (
        "edit_service",
        lambda a: m.edit_service("x", a, s["service"], title="عنوان من غير صاحبه"),
        [buyer, admin, *outsiders],
    )
    yield "pause_service", lambda a: m.pause_service("x", a, s["service"]), [buyer, STRANGER]
    yield (
        "moderate_service",
        lambda a: m.moderate_service("x", a, s["pending"]),
        [seller, buyer, *outsiders],
    )
    yield "add_to_cart", lambda a: m.add_to_cart("x", a, s["service"]), [seller, *outsiders]
    yield "add_favourite", lambda a: m.add_favourite("x", a, s["service"]), [seller, *outsiders]
    yield "top_up", lambda a: m.top_up("x", a, usd(5), lg.Gateway.CARD), outsiders
    yield "checkout", lambda a: m.checkout("x", a), outsiders
    yield "send_message", lambda a: m.send_message("x", a, s["working"], "مرحبا"), outsiders
    yield "deliver", lambda a: m.deliver("x", a, s["working"], "تم"), [buyer, admin, *outsiders]
    yield (
        "request_modification",
        lambda a: m.request_modification("x", a, s["delivered"], "عدّل"),
        [seller, admin, *outsiders],
    )
    yield "accept", lambda a: m.accept("x", a, s["delivered"]), [seller, admin, *outsiders]
    yield (
        "report_problem",
        lambda a: m.report_problem("x", a, s["delivered"], "مشكلة"),
        [seller, admin, *outsiders],
    )
    yield "cancel_late", lambda a: m.cancel_late("x", a, s["working"]), [seller, admin, *outsiders]
    yield "decline", lambda a: m.decline("x", a, s["working"]), [buyer, admin, *outsiders]
    yield (
        "request_cancellation",
        lambda a: m.request_cancellation("x", a, s["working"]),
        [admin, *outsiders],
    )
    yield (
        "resolve_dispute",
        lambda a: m.resolve_dispute("x", a, s["disputed"], OrderEvent.RESOLVE_FULL_REFUND),
        [seller, buyer, *outsiders],
    )
    yield "review", lambda a: m.review("x", a, s["delivered"], stars=5, comment="جيد"), [
        seller, admin, *outsiders,
    ]  # fmt: skip
    yield "reply", lambda a: m.reply("x", a, s["review"], "شكرًا"), [buyer, admin, *outsiders]
    yield "request_withdrawal", lambda a: m.request_withdrawal("x", a, usd(10)), [admin, *outsiders]
    yield (
        "settle_withdrawal",
        lambda a: m.settle_withdrawal("x", a, seller.member_id, usd(10), paid=True),
        [seller, buyer, STRANGER],
    )
    yield "ask", lambda a: m.ask("x", a, s["service"], "سؤال"), [seller, *outsiders]
    yield "answer_inquiry", lambda a: m.answer_inquiry("x", a, s["inquiry"], "جواب"), [
        admin, *outsiders,
    ]  # fmt: skip
    yield (
        "post_request",
        lambda a: m.post_request(
            "x",
            a,
            category_id=CategoryId("logo-design"),
            title="طلب من غير عضو مسجل",
            description="وصف طويل بما يكفي لطلب خدمة غير موجودة.",
        ),
        outsiders,
    )
    yield "moderate_request", lambda a: m.moderate_request("x", a, s["request"]), [
        seller, buyer, *outsiders,
    ]  # fmt: skip
    yield (
        "make_offer",
        lambda a: m.make_offer("x", a, s["request"], "عرضي", price=usd(9), delivery_days=2),
        [buyer, *outsiders],
    )
    yield "accept_offer", lambda a: m.accept_offer("x", a, s["request"], s["offer"]), [
        seller, admin, *outsiders,
    ]  # fmt: skip
    yield "close_request", lambda a: m.close_request("x", a, s["request"]), [
        seller, STRANGER, SYSTEM,
    ]  # fmt: skip
    yield "grant_professional", lambda a: m.grant_professional("x", a, seller.member_id), [
        seller, buyer, *outsiders,
    ]  # fmt: skip
    yield (
        "suspend_member",
        lambda a: m.suspend_member("x", a, buyer.member_id, "مخالفة"),
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
