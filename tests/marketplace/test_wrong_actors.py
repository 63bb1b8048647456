"""R5: every use case called by every wrong actor is refused with a typed error, 0 rows written.

One SQLite file holds a marketplace with something in every state a use case acts on; each
call is made by each actor who may not make it, and the whole database is compared before
and after, table by table.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from cast import ADMIN, DESCRIPTION, START, cast, open_request, published, usd

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import MicrogigsError
from microgigs.ids import CategoryId, MemberId
from microgigs.marketplace import Marketplace
from microgigs.members import PayoutMethod
from microgigs.orders import OrderEvent
from microgigs.payments import FakeGateway
from microgigs.projects import CLIENT_ASPECTS, AspectRating, MilestonePlan, Resolution
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
    request = open_request(market, buyer)
    offer = market.make_offer(seller, request, "خدمتي تناسب طلبك", service_id=service, key="of")
    pending = published(
        market,
        seller,
        "تصميم بطاقة أعمال أنيقة",
        instructions="أرسل بياناتك.",
        key="p2",
        delivery_days=1,
    )
    market.add_to_cart(buyer, service, quantity=2, key="c-paid")  # earnings to withdraw
    (paid,) = market.checkout(buyer, key="k-paid")
    market.send_message(buyer, paid, "التعليمات", key="s-paid")
    market.deliver(seller, paid, "تم", key="d-paid")
    market.accept(buyer, paid, key="a-paid")
    market.tick(market.clock.now() + timedelta(days=20))  # the accepted orders' money clears
    withdrawal = market.request_withdrawal(seller, usd(10), key="w")
    projects = project_scene(market, buyer, seller)
    return projects | {
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
        "withdrawal": withdrawal,
    }


def _project(market, client, key, *, submit=True, approve=True):
    project = market.post_project(
        client,
        category_id=CategoryId("logo-design"),
        title="هوية بصرية لمتجر عطور",
        description="شعار وألوان وخطوط ودليل استخدام لمتجر عطور جديد.",
        bracket=0,
        duration_days=10,
        hires_allowed=5,
        submit=submit,
        key=key,
    )
    if submit and approve:
        market.moderate_project(ADMIN, project, key=f"{key}-ok")
    return project


def project_scene(market, client, freelancer):
    """Project mode in every state its use cases act on: the buyer hires the seller."""
    market.top_up(client, usd(500), lg.Gateway.CARD, key="t-projects")
    scene = {
        "p-draft": _project(market, client, "p-draft", submit=False),
        "p-review": _project(market, client, "p-review", approve=False),
        "p-open": _project(market, client, "p-open"),
    }
    scene["bid"] = market.place_bid(
        freelancer, scene["p-open"], amount=usd(30), delivery_days=5,
        text="أنجز الهوية كاملة خلال أسبوع.", key="bid",
    )  # fmt: skip
    for name in ("offered", "active", "submitted", "disputed", "ending", "asked", "proposed",
                 "done"):  # fmt: skip
        hiring = _project(market, client, f"p-hiring-{name}")  # one contract a project
        contract = market.send_offer(
            client, hiring, freelancer.member_id, amount=usd(30), delivery_days=5,
            key=f"c-{name}",
        )  # fmt: skip
        if name != "offered":
            market.answer_offer(freelancer, contract, accept=True, key=f"c-{name}-yes")
        if name in ("submitted", "disputed", "ending", "done"):
            market.fund_milestone(client, contract, 1, key=f"c-{name}-fund")
        scene[f"c-{name}"] = contract
    market.submit_milestone(freelancer, scene["c-submitted"], 1, "تم", key="c-sub")
    market.dispute_milestone(client, scene["c-disputed"], 1, "خلاف", key="c-dis")
    market.end_contract(client, scene["c-ending"], "تغيرت خطتنا", key="c-end")
    market.ask_to_cancel_contract(freelancer, scene["c-asked"], key="c-ask")
    plan = [MilestonePlan("كل العمل", usd(30))]
    market.propose_milestones(client, scene["c-proposed"], plan, key="c-prop")
    market.submit_milestone(freelancer, scene["c-done"], 1, "تم", key="c-done-sub")
    market.approve_milestone(client, scene["c-done"], 1, key="c-done-ok")
    return scene


def calls(m, s):
    """(use case, call by an actor, the actors who may not make it)."""
    seller, buyer, admin = s["seller"], s["buyer"], ADMIN
    outsiders = [STRANGER, SYSTEM]
    yield "update_profile", lambda a: m.update_profile(a, bio="نبذة", key="x"), [SYSTEM]
    yield "set_payout_methods", lambda a: m.set_payout_methods(a, [], key="x"), [SYSTEM]
    paypal = PayoutMethod.paypal("sara@paypal.com")
    yield "add_payout_method", lambda a: m.add_payout_method(a, paypal, key="x"), [SYSTEM]
    yield "remove_payout_method", lambda a: m.remove_payout_method(a, paypal, key="x"), [SYSTEM]
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
        "cancel_withdrawal",
        lambda a: m.cancel_withdrawal(a, s["withdrawal"], key="x"),
        [buyer, admin, SYSTEM, STRANGER],
    )
    yield (
        "settle_withdrawal",
        lambda a: m.settle_withdrawal(a, s["withdrawal"], paid=True, key="x"),
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
    yield from project_calls(m, s)


def project_calls(m, s):
    """Project mode: the buyer is the client, the seller the freelancer."""
    client, freelancer, admin = s["buyer"], s["seller"], ADMIN
    outsiders = [STRANGER, SYSTEM]
    six = [AspectRating(aspect, 5) for aspect in CLIENT_ASPECTS]
    terms = {"amount": usd(30), "delivery_days": 5, "text": "عرض من غير صاحبه."}
    yield (
        "post_project",
        lambda a: _project(m, a, "x", submit=False),
        [admin, *outsiders],
    )
    for name, call in (
        ("edit_project", lambda a: m.edit_project(a, s["p-draft"], duration_days=9, key="x")),
        ("submit_project", lambda a: m.submit_project(a, s["p-draft"], key="x")),
        ("close_project", lambda a: m.close_project(a, s["p-open"], key="x")),
        ("cancel_project", lambda a: m.cancel_project(a, s["p-open"], key="x")),
        ("hire_bid", lambda a: m.hire_bid(a, s["p-open"], s["bid"], key="x")),
        (
            "send_offer",
            lambda a: m.send_offer(
                a, s["p-open"], freelancer.member_id, amount=usd(30), delivery_days=5, key="x"
            ),
        ),
        ("withdraw_offer", lambda a: m.withdraw_offer(a, s["c-offered"], key="x")),
        ("fund_milestone", lambda a: m.fund_milestone(a, s["c-active"], 1, key="x")),
        ("request_changes", lambda a: m.request_changes(a, s["c-submitted"], 1, "عدّل", key="x")),
        ("approve_milestone", lambda a: m.approve_milestone(a, s["c-submitted"], 1, key="x")),
        ("end_contract", lambda a: m.end_contract(a, s["c-active"], "انتهى", key="x")),
    ):
        yield name, call, [freelancer, admin, *outsiders]
    for name, call in (
        ("place_bid", lambda a: m.place_bid(a, s["p-open"], **terms, key="x")),
        ("edit_bid", lambda a: m.edit_bid(a, s["p-open"], s["bid"], **terms, key="x")),
        ("withdraw_bid", lambda a: m.withdraw_bid(a, s["p-open"], s["bid"], key="x")),
        ("answer_offer", lambda a: m.answer_offer(a, s["c-offered"], accept=True, key="x")),
        (
            "submit_milestone",
            lambda a: m.submit_milestone(a, s["c-active"], 1, "تم", key="x"),
        ),
        ("answer_end", lambda a: m.answer_end(a, s["c-ending"], agree=True, key="x")),
    ):
        yield name, call, [client, admin, *outsiders]
    for name, call in (
        ("moderate_project", lambda a: m.moderate_project(a, s["p-review"], key="x")),
        ("remove_bid", lambda a: m.remove_bid(a, s["p-open"], s["bid"], key="x")),
        (
            "resolve_milestone",
            lambda a: m.resolve_milestone(a, s["c-disputed"], 1, Resolution.REFUND, key="x"),
        ),
    ):
        yield name, call, [client, freelancer, *outsiders]
    for name, call, wrong in (
        (
            "dispute_milestone",
            lambda a: m.dispute_milestone(a, s["c-submitted"], 1, "خلاف", key="x"),
            [],
        ),
        (
            "add_dispute_note",
            lambda a: m.add_dispute_note(a, s["c-disputed"], 1, "رأيي في الخلاف", key="x"),
            [],
        ),
        (
            "propose_milestones",
            lambda a: m.propose_milestones(
                a, s["c-active"], [MilestonePlan("أ", usd(30))], key="x"
            ),
            [],
        ),
        (
            "answer_proposal",
            lambda a: m.answer_proposal(a, s["c-proposed"], agree=True, key="x"),
            [client],
        ),
        (
            "ask_to_cancel_contract",
            lambda a: m.ask_to_cancel_contract(a, s["c-active"], key="x"),
            [],
        ),
        (
            "take_back_cancellation",
            lambda a: m.take_back_cancellation(a, s["c-asked"], key="x"),
            [client],
        ),
        (
            "answer_contract_cancellation",
            lambda a: m.answer_contract_cancellation(a, s["c-asked"], agree=True, key="x"),
            [freelancer],
        ),
        ("review_contract", lambda a: m.review_contract(a, s["c-done"], six, key="x"), []),
    ):
        yield name, call, [*wrong, admin, *outsiders]


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
