"""R4: a marketplace with something ready for every keyed use case, and one call of each.

``scene`` builds it (deterministic: the ids come from a seeded generator and a manual
clock) and returns the ids as plain strings, so child processes can rebuild the calls.
``plays`` lists every use case that takes an idempotency key as a :class:`Play`: the call
the right actor makes, and the same use case with another payload. The plays run in list
order; each acts on something of the scene no earlier play touches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
from cast import ADMIN, DAY, DESCRIPTION, usd

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.ids import CategoryId, MemberId
from microgigs.members import PayoutMethod
from microgigs.orders import OrderEvent
from microgigs.projects import CLIENT_ASPECTS, AspectRating, MilestonePlan, Resolution

LOGOS = CategoryId("logo-design")
REQUEST_TEXT = "شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة."


@attrs.frozen
class Play:
    """One keyed use case: its name, the call under a key, and another payload."""

    name: str
    call: Callable[[str], Any]
    other: Callable[[str], Any]


def _member(market, key, username, first_name):
    return market.register_member(
        username=username,
        email=f"{username}@example.com",
        first_name=first_name,
        family_name="الخالدي",
        key=key,
    )


def _service(market, seller, key, title, *, approve=True):
    service = market.publish_service(
        seller,
        category_id=LOGOS,
        title=title,
        description=DESCRIPTION,
        instructions="أرسل التفاصيل.",
        base_price=usd(5),
        delivery_days=2,
        key=key,
    ).id
    if approve:
        market.moderate_service(ADMIN, service, key=f"{key}-ok")
    return service


def _order(market, buyer, service, key, quantity=1):
    market.add_to_cart(buyer, service, quantity=quantity, key=f"{key}-cart")
    (order,) = market.checkout(buyer, key=f"{key}-pay")
    market.send_message(buyer, order, "التعليمات", key=f"{key}-brief")
    return order


def _request(market, buyer, key, title, *, approve=True):
    request = market.post_request(
        buyer, category_id=LOGOS, title=title, description=REQUEST_TEXT, budget=usd(30), key=key
    )
    if approve:
        market.moderate_request(ADMIN, request, key=f"{key}-ok")
    return request


PROJECT_TEXT = "نحتاج شعارًا وألوانًا وخطوطًا ودليل استخدام لمتجر عطور جديد."
BID_TEXT = "أصمم الهوية كاملة مع دليل استخدام واضح خلال أسبوع."


def _project(market, client, key, title, *, submit=True, approve=True, hires=1):
    project = market.post_project(
        client,
        category_id=LOGOS,
        title=title,
        description=PROJECT_TEXT,
        bracket=0,
        duration_days=10,
        hires_allowed=hires,
        submit=submit,
        key=key,
    )
    if submit and approve:
        market.moderate_project(ADMIN, project, key=f"{key}-ok")
    return project


def _bid(market, freelancer, project, key, amount=30):
    return market.place_bid(
        freelancer, project, amount=usd(amount), delivery_days=5, text=BID_TEXT, key=key
    )


def _contracts(market, client, freelancer, names):
    """One active contract of $30 per name, offered privately, each on its own project."""
    made = {}
    for name in names:
        project = _project(market, client, f"pc-{name}", "هوية بصرية لمتجر عطور")
        contract = market.send_offer(
            client, project, freelancer.member_id, amount=usd(30), delivery_days=5,
            key=f"c-{name}",
        )  # fmt: skip
        if name not in ("answer", "withdraw"):
            market.answer_offer(freelancer, contract, accept=True, key=f"c-{name}-yes")
        made[name] = contract
    return made


def _project_scene(market, ahmad, sara, mona, nour):
    """Projects, bids and contracts in every state a project-mode play starts from."""
    market.top_up(ahmad, usd(1000), lg.Gateway.CARD, key="t-ahmad-projects")
    scene = {
        "p-draft": _project(market, ahmad, "p-draft", "هوية لمقهى جديد", submit=False),
        "p-draft2": _project(market, ahmad, "p-draft2", "هوية لمخبز جديد", submit=False),
        "p-review": _project(market, ahmad, "p-review", "هوية لمكتبة", approve=False),
        "p-open": _project(market, ahmad, "p-open", "هوية لمتجر ملابس"),
        "p-close": _project(market, ahmad, "p-close", "هوية لمطعم"),
        "p-cancel": _project(market, ahmad, "p-cancel", "هوية لنادٍ رياضي"),
        "p-bids": _project(market, ahmad, "p-bids", "هوية لشركة ناشئة"),
        "p-hire": _project(market, ahmad, "p-hire", "هوية لعيادة"),
        "p-offer": _project(market, ahmad, "p-offer", "هوية لمعرض فني"),
    }
    scene["b-edit"] = _bid(market, sara, scene["p-bids"], "b-edit")
    scene["b-withdraw"] = _bid(market, mona, scene["p-bids"], "b-withdraw")
    scene["b-remove"] = _bid(market, nour, scene["p-bids"], "b-remove")
    scene["b-hire"] = _bid(market, sara, scene["p-hire"], "b-hire")
    names = [
        "answer", "fund", "submit", "changes", "approve", "dispute", "resolve", "propose",
        "proposal", "end", "answer-end", "ask-cancel", "take-back", "answer-cancel", "review",
        "withdraw", "note",
    ]  # fmt: skip
    contracts = _contracts(market, ahmad, sara, names)
    for name in (
        "submit",
        "changes",
        "approve",
        "dispute",
        "resolve",
        "end",
        "answer-end",
        "review",
        "note",
    ):
        market.fund_milestone(ahmad, contracts[name], 1, key=f"c-{name}-fund")
    for name in ("changes", "approve", "review"):
        market.submit_milestone(sara, contracts[name], 1, "تم التسليم", key=f"c-{name}-sub")
    market.dispute_milestone(ahmad, contracts["resolve"], 1, "لا يطابق الوصف", key="c-res-d")
    market.dispute_milestone(ahmad, contracts["note"], 1, "لم يبدأ العمل", key="c-note-d")
    market.approve_milestone(ahmad, contracts["review"], 1, key="c-review-ok")
    plan = [MilestonePlan("الهوية كاملة", usd(30))]
    market.propose_milestones(ahmad, contracts["proposal"], plan, key="c-proposal-p")
    market.end_contract(ahmad, contracts["answer-end"], "تغيرت خطتنا", key="c-answer-end-e")
    for name in ("take-back", "answer-cancel"):
        market.ask_to_cancel_contract(sara, contracts[name], key=f"c-{name}-ask")
    return scene | {f"c-{name}": contract for name, contract in contracts.items()}


def scene(market):
    """Build the marketplace the plays act on; return its ids as plain strings."""
    sara = Actor.member(_member(market, "m-sara", "sara", "سارة"))
    ahmad = Actor.member(_member(market, "m-ahmad", "ahmad", "أحمد"))
    mona = Actor.member(_member(market, "m-mona", "mona", "منى"))
    omar = _member(market, "m-omar", "omar", "عمر")
    huda = _member(market, "m-huda", "huda", "هدى")
    market.suspend_member(ADMIN, huda, "مخالفة الشروط", key="m-huda-out")
    market.set_payout_methods(sara, [PayoutMethod.paypal("sara@paypal.com")], key="pm")
    logo = _service(market, sara, "s-logo", "تصميم شعار احترافي لشركتك")
    card = _service(market, sara, "s-card", "تصميم بطاقة أعمال أنيقة")
    pending = _service(market, sara, "s-pending", "تصميم غلاف لكتابك", approve=False)
    paused = _service(market, sara, "s-paused", "تصميم ملصق لمتجرك")
    market.pause_service(sara, paused, key="s-paused-off")
    to_edit = _service(market, sara, "s-edit", "تصميم هوية بصرية كاملة")
    to_pause = _service(market, sara, "s-pause", "تصميم شعار متحرك لقناتك")
    market.top_up(ahmad, usd(500), lg.Gateway.CARD, key="t-ahmad")
    market.top_up(mona, usd(50), lg.Gateway.PAYPAL, key="t-mona")
    market.add_favourite(ahmad, logo, key="f-logo")
    # a completed and reviewed order (its review gets a reply) whose $40 clear; $10 of
    # them are set aside for a payout; then a completed order to review
    reviewed = _order(market, ahmad, logo, "o-reviewed", quantity=10)
    market.deliver(sara, reviewed, "تم التسليم", key="o-reviewed-d")
    market.accept(ahmad, reviewed, key="o-reviewed-a")
    review = market.review(ahmad, reviewed, stars=5, comment="ممتاز", key="v")
    market.clock.set(market.clock.now() + 20 * DAY)
    market.tick()
    withdrawal = market.request_withdrawal(sara, usd(10), key="w-1")
    to_cancel = market.request_withdrawal(sara, usd(10), key="w-2")
    to_review = _order(market, ahmad, logo, "o-to-review")
    market.deliver(sara, to_review, "تم التسليم", key="o-to-review-d")
    market.accept(ahmad, to_review, key="o-to-review-a")
    orders = {
        name: _order(market, ahmad, logo, f"o-{name}")
        for name in (
            "to-message",
            "to-deliver",
            "to-modify",
            "to-accept",
            "to-report",
            "late",
            "to-decline",
            "to-ask-cancel",
            "to-answer-cancel",
            "disputed",
        )
    }
    for name in ("to-modify", "to-accept", "to-report", "disputed"):
        market.deliver(sara, orders[name], "تم التسليم", key=f"{name}-d")
    market.report_problem(ahmad, orders["disputed"], "لا يطابق الوصف", key="dispute")
    market.request_cancellation(ahmad, orders["to-answer-cancel"], "تغيرت خطتي", key="ask-cancel")
    market.add_to_cart(mona, logo, key="mona-1")
    market.add_to_cart(mona, card, key="mona-2")
    inquiry = market.ask(ahmad, logo, "هل تسلم بصيغة PSD؟", key="q")
    open_request = _request(market, ahmad, "rq-open", "أحتاج شعارًا متحركًا لقناتي")
    offered = _request(market, ahmad, "rq-offered", "أحتاج شعارًا لمطعمي الجديد")
    offer = market.make_offer(sara, offered, "خدمتي تناسب طلبك", service_id=logo, key="of")
    to_close = _request(market, ahmad, "rq-close", "أحتاج تصميم قائمة طعام")
    unmoderated = _request(market, ahmad, "rq-new", "أحتاج تصميم شعار لمدونتي", approve=False)
    nour = Actor.member(_member(market, "m-nour", "nour", "نور"))
    projects = _project_scene(market, ahmad, sara, mona, nour)
    # the undelivered orders are now late (2 days promised), none is due for auto-accept
    market.clock.set(market.clock.now() + 2 * DAY + timedelta(hours=1))
    first_event, second_event = (e.id for e in market.events(Actor.system(), limit=2))
    return (
        {
            "event-1": first_event,
            "event-2": second_event,
            "sara": sara.member_id,
            "withdrawal": withdrawal,
            "to-cancel": to_cancel,
            "ahmad": ahmad.member_id,
            "mona": mona.member_id,
            "omar": omar,
            "huda": huda,
            "logo": logo,
            "card": card,
            "pending": pending,
            "paused": paused,
            "to-edit": to_edit,
            "to-pause": to_pause,
            "to-review": to_review,
            "review": review,
            "inquiry": inquiry,
            "open-request": open_request,
            "offered": offered,
            "offer": offer,
            "to-close": to_close,
            "unmoderated": unmoderated,
        }
        | orders
        | projects
    )


def plays(m, s):
    """Every keyed use case, called by the right actor on the scene ``s`` of ``m``."""
    sara, ahmad, mona = (Actor.member(MemberId(s[name])) for name in ("sara", "ahmad", "mona"))

    yield Play(
        "register_member",
        lambda k: _member(m, k, "layla", "ليلى"),
        lambda k: _member(m, k, "layla", "لمى"),  # the same address (its keys), another name
    )
    yield Play(
        "verify_email",
        lambda k: m.verify_email(s["ahmad"], key=k),
        lambda k: m.verify_email(s["mona"], key=k),
    )
    yield Play(
        "acknowledge_events",
        lambda k: m.acknowledge_events(Actor.system(), [s["event-1"]], key=k),
        lambda k: m.acknowledge_events(Actor.system(), [s["event-2"]], key=k),
    )
    yield Play(
        "update_profile",
        lambda k: m.update_profile(ahmad, bio="أحب التصميم البسيط", key=k),
        lambda k: m.update_profile(ahmad, bio="أحب الألوان", key=k),
    )
    yield Play(
        "set_payout_methods",
        lambda k: m.set_payout_methods(sara, [PayoutMethod.paypal("pay@sara.example")], key=k),
        lambda k: m.set_payout_methods(sara, [PayoutMethod.paypal("new@sara.example")], key=k),
    )
    yield Play(
        "add_payout_method",
        lambda k: m.add_payout_method(sara, PayoutMethod.paypal("two@sara.example"), key=k),
        lambda k: m.add_payout_method(sara, PayoutMethod.paypal("three@sara.example"), key=k),
    )
    yield Play(
        "remove_payout_method",
        lambda k: m.remove_payout_method(sara, PayoutMethod.paypal("pay@sara.example"), key=k),
        lambda k: m.remove_payout_method(sara, PayoutMethod.paypal("two@sara.example"), key=k),
    )
    yield Play(
        "publish_service",
        lambda k: _service(m, sara, k, "تصميم شعار لمتجرك الإلكتروني", approve=False),
        lambda k: _service(m, sara, k, "تصميم شعار لمتجرك على إنستغرام", approve=False),
    )
    yield Play(
        "moderate_service",
        lambda k: m.moderate_service(ADMIN, s["pending"], key=k),
        lambda k: m.moderate_service(ADMIN, s["pending"], reason="صور مسروقة", key=k),
    )
    yield Play(
        "edit_service",
        lambda k: m.edit_service(sara, s["to-edit"], delivery_days=3, key=k),
        lambda k: m.edit_service(sara, s["to-edit"], delivery_days=4, key=k),
    )
    yield Play(
        "pause_service",
        lambda k: m.pause_service(sara, s["to-pause"], key=k),
        lambda k: m.pause_service(sara, s["logo"], key=k),
    )
    yield Play(
        "resume_service",
        lambda k: m.resume_service(sara, s["paused"], key=k),
        lambda k: m.resume_service(sara, s["to-pause"], key=k),
    )
    yield Play(
        "add_favourite",
        lambda k: m.add_favourite(ahmad, s["card"], key=k),
        lambda k: m.add_favourite(ahmad, s["paused"], key=k),
    )
    yield Play(
        "remove_favourite",
        lambda k: m.remove_favourite(ahmad, s["logo"], key=k),
        lambda k: m.remove_favourite(ahmad, s["card"], key=k),
    )
    yield Play(
        "remove_from_cart",
        lambda k: m.remove_from_cart(mona, s["card"], key=k),
        lambda k: m.remove_from_cart(mona, s["logo"], key=k),
    )
    yield Play(
        "checkout",
        lambda k: m.checkout(mona, key=k),
        lambda k: m.checkout(mona, lg.Gateway.CARD, key=k),
    )
    yield Play(
        "order_now",
        lambda k: m.order_now(ahmad, s["card"], key=k),
        lambda k: m.order_now(ahmad, s["card"], quantity=2, key=k),
    )
    yield Play(
        "add_to_cart",
        lambda k: m.add_to_cart(ahmad, s["card"], quantity=2, key=k),
        lambda k: m.add_to_cart(ahmad, s["card"], quantity=3, key=k),
    )
    yield Play(
        "change_quantity",
        lambda k: m.change_quantity(ahmad, s["card"], 4, key=k),
        lambda k: m.change_quantity(ahmad, s["card"], 5, key=k),
    )
    yield Play(
        "top_up",
        lambda k: m.top_up(ahmad, usd(10), lg.Gateway.CARD, key=k),
        lambda k: m.top_up(ahmad, usd(11), lg.Gateway.CARD, key=k),
    )
    yield Play(
        "send_message",
        lambda k: m.send_message(ahmad, s["to-message"], "هل من جديد؟", key=k),
        lambda k: m.send_message(ahmad, s["to-message"], "متى التسليم؟", key=k),
    )
    yield Play(
        "deliver",
        lambda k: m.deliver(sara, s["to-deliver"], "إليك الشعار", ["logo.png"], key=k),
        lambda k: m.deliver(sara, s["to-deliver"], "إليك الشعار", ["logo.svg"], key=k),
    )
    yield Play(
        "request_modification",
        lambda k: m.request_modification(ahmad, s["to-modify"], "كبّر الخط", key=k),
        lambda k: m.request_modification(ahmad, s["to-modify"], "غيّر اللون", key=k),
    )
    yield Play(
        "accept",
        lambda k: m.accept(ahmad, s["to-accept"], key=k),
        lambda k: m.accept(ahmad, s["to-report"], key=k),
    )
    yield Play(
        "report_problem",
        lambda k: m.report_problem(ahmad, s["to-report"], "الملف لا يفتح", key=k),
        lambda k: m.report_problem(ahmad, s["to-report"], "الألوان خاطئة", key=k),
    )
    yield Play(
        "cancel_late",
        lambda k: m.cancel_late(ahmad, s["late"], key=k),
        lambda k: m.cancel_late(ahmad, s["to-decline"], key=k),
    )
    yield Play(
        "decline",
        lambda k: m.decline(sara, s["to-decline"], "لا أستطيع الآن", key=k),
        lambda k: m.decline(sara, s["to-decline"], "مشغول", key=k),
    )
    yield Play(
        "request_cancellation",
        lambda k: m.request_cancellation(ahmad, s["to-ask-cancel"], "لم أعد أحتاجه", key=k),
        lambda k: m.request_cancellation(ahmad, s["to-ask-cancel"], "وجدت بديلًا", key=k),
    )
    yield Play(
        "answer_cancellation",
        lambda k: m.answer_cancellation(sara, s["to-answer-cancel"], agree=True, key=k),
        lambda k: m.answer_cancellation(sara, s["to-answer-cancel"], agree=False, key=k),
    )
    yield Play(
        "resolve_dispute",
        lambda k: m.resolve_dispute(
            ADMIN, s["disputed"], OrderEvent.RESOLVE_PARTIAL_REFUND, usd(2), key=k
        ),
        lambda k: m.resolve_dispute(ADMIN, s["disputed"], OrderEvent.RESOLVE_FULL_REFUND, key=k),
    )
    yield Play(
        "review",
        lambda k: m.review(ahmad, s["to-review"], stars=4, comment="جيد جدًا", key=k),
        lambda k: m.review(ahmad, s["to-review"], stars=5, comment="جيد جدًا", key=k),
    )
    yield Play(
        "reply",
        lambda k: m.reply(sara, s["review"], "شكرًا لك", key=k),
        lambda k: m.reply(sara, s["review"], "سعدت بالعمل معك", key=k),
    )
    yield Play(
        "request_withdrawal",
        lambda k: m.request_withdrawal(sara, usd(10), key=k),
        lambda k: m.request_withdrawal(sara, usd(20), key=k),
    )
    yield Play(
        "cancel_withdrawal",
        lambda k: m.cancel_withdrawal(sara, s["to-cancel"], key=k),
        lambda k: m.cancel_withdrawal(sara, s["withdrawal"], key=k),
    )
    yield Play(
        "settle_withdrawal",
        lambda k: m.settle_withdrawal(ADMIN, s["withdrawal"], paid=True, key=k),
        lambda k: m.settle_withdrawal(ADMIN, s["withdrawal"], paid=False, key=k),
    )
    yield Play(
        "ask",
        lambda k: m.ask(ahmad, s["card"], "هل تصمم الوجهين؟", key=k),
        lambda k: m.ask(ahmad, s["card"], "كم نموذجًا أولًا؟", key=k),
    )
    yield Play(
        "answer_inquiry",
        lambda k: m.answer_inquiry(sara, s["inquiry"], "نعم، وبصيغة AI أيضًا", key=k),
        lambda k: m.answer_inquiry(sara, s["inquiry"], "لا", key=k),
    )
    yield Play(
        "post_request",
        lambda k: _request(m, ahmad, k, "أحتاج تصميم شعار لناديّ", approve=False),
        lambda k: _request(m, ahmad, k, "أحتاج تصميم شعار لفريقي", approve=False),
    )
    yield Play(
        "moderate_request",
        lambda k: m.moderate_request(ADMIN, s["unmoderated"], key=k),
        lambda k: m.moderate_request(ADMIN, s["unmoderated"], reason="مكرر", key=k),
    )
    yield Play(
        "make_offer",
        lambda k: m.make_offer(
            sara, s["open-request"], "أنجزه في يومين", price=usd(25), delivery_days=2, key=k
        ),
        lambda k: m.make_offer(
            sara, s["open-request"], "أنجزه في يومين", price=usd(30), delivery_days=2, key=k
        ),
    )
    yield Play(
        "accept_offer",
        lambda k: m.accept_offer(ahmad, s["offered"], s["offer"], key=k),
        lambda k: m.accept_offer(ahmad, s["open-request"], s["offer"], key=k),
    )
    yield Play(
        "close_request",
        lambda k: m.close_request(ahmad, s["to-close"], key=k),
        lambda k: m.close_request(ahmad, s["open-request"], key=k),
    )
    yield Play(
        "grant_professional",
        lambda k: m.grant_professional(ADMIN, s["sara"], key=k),
        lambda k: m.grant_professional(ADMIN, s["ahmad"], key=k),
    )
    yield Play(
        "remove_professional",
        lambda k: m.remove_professional(ADMIN, s["sara"], key=k),
        lambda k: m.remove_professional(ADMIN, s["ahmad"], key=k),
    )
    yield Play(
        "suspend_member",
        lambda k: m.suspend_member(ADMIN, s["omar"], "رسائل مزعجة", key=k),
        lambda k: m.suspend_member(ADMIN, s["omar"], "احتيال", key=k),
    )
    yield Play(
        "reinstate_member",
        lambda k: m.reinstate_member(ADMIN, s["huda"], key=k),
        lambda k: m.reinstate_member(ADMIN, s["omar"], key=k),
    )

    yield from _project_plays(m, s, sara, ahmad, mona)


def _project_plays(m, s, sara, ahmad, mona):
    """Project mode's keyed use cases (RULES.md §11)."""
    yield Play(
        "post_project",
        lambda k: _project(m, ahmad, k, "هوية لمتجر هدايا", submit=False),
        lambda k: _project(m, ahmad, k, "هوية لمتجر ألعاب", submit=False),
    )
    yield Play(
        "edit_project",
        lambda k: m.edit_project(ahmad, s["p-draft"], duration_days=12, key=k),
        lambda k: m.edit_project(ahmad, s["p-draft"], duration_days=14, key=k),
    )
    yield Play(
        "submit_project",
        lambda k: m.submit_project(ahmad, s["p-draft2"], key=k),
        lambda k: m.submit_project(ahmad, s["p-draft"], key=k),
    )
    yield Play(
        "moderate_project",
        lambda k: m.moderate_project(ADMIN, s["p-review"], key=k),
        lambda k: m.moderate_project(ADMIN, s["p-review"], reason="غير واضح", key=k),
    )
    yield Play(
        "close_project",
        lambda k: m.close_project(ahmad, s["p-close"], key=k),
        lambda k: m.close_project(ahmad, s["p-open"], key=k),
    )
    yield Play(
        "cancel_project",
        lambda k: m.cancel_project(ahmad, s["p-cancel"], key=k),
        lambda k: m.cancel_project(ahmad, s["p-open"], key=k),
    )
    yield Play(
        "place_bid",
        lambda k: _bid(m, mona, s["p-open"], k),
        lambda k: _bid(m, mona, s["p-open"], k, amount=40),
    )
    yield Play(
        "edit_bid",
        lambda k: m.edit_bid(
            sara, s["p-bids"], s["b-edit"], amount=usd(35), delivery_days=5, text=BID_TEXT, key=k
        ),
        lambda k: m.edit_bid(
            sara, s["p-bids"], s["b-edit"], amount=usd(45), delivery_days=5, text=BID_TEXT, key=k
        ),
    )
    yield Play(
        "withdraw_bid",
        lambda k: m.withdraw_bid(mona, s["p-bids"], s["b-withdraw"], key=k),
        lambda k: m.withdraw_bid(mona, s["p-bids"], s["b-edit"], key=k),
    )
    yield Play(
        "remove_bid",
        lambda k: m.remove_bid(ADMIN, s["p-bids"], s["b-remove"], key=k),
        lambda k: m.remove_bid(ADMIN, s["p-bids"], s["b-edit"], key=k),
    )
    yield Play(
        "hire_bid",
        lambda k: m.hire_bid(ahmad, s["p-hire"], s["b-hire"], key=k),
        lambda k: m.hire_bid(ahmad, s["p-bids"], s["b-edit"], key=k),
    )
    yield Play(
        "send_offer",
        lambda k: m.send_offer(
            ahmad, s["p-offer"], s["mona"], amount=usd(30), delivery_days=5, key=k
        ),
        lambda k: m.send_offer(
            ahmad, s["p-offer"], s["mona"], amount=usd(40), delivery_days=5, key=k
        ),
    )
    yield Play(
        "answer_offer",
        lambda k: m.answer_offer(sara, s["c-answer"], accept=True, key=k),
        lambda k: m.answer_offer(sara, s["c-answer"], accept=False, key=k),
    )
    yield Play(
        "withdraw_offer",
        lambda k: m.withdraw_offer(ahmad, s["c-withdraw"], key=k),
        lambda k: m.withdraw_offer(ahmad, s["c-answer"], key=k),
    )
    yield Play(
        "fund_milestone",
        lambda k: m.fund_milestone(ahmad, s["c-fund"], 1, key=k),
        lambda k: m.fund_milestone(ahmad, s["c-fund"], 1, lg.Gateway.CARD, key=k),
    )
    yield Play(
        "submit_milestone",
        lambda k: m.submit_milestone(sara, s["c-submit"], 1, "الملفات", ["a.zip"], key=k),
        lambda k: m.submit_milestone(sara, s["c-submit"], 1, "الملفات", ["b.zip"], key=k),
    )
    yield Play(
        "request_changes",
        lambda k: m.request_changes(ahmad, s["c-changes"], 1, "كبّر الشعار", key=k),
        lambda k: m.request_changes(ahmad, s["c-changes"], 1, "غيّر اللون", key=k),
    )
    yield Play(
        "approve_milestone",
        lambda k: m.approve_milestone(ahmad, s["c-approve"], 1, key=k),
        lambda k: m.approve_milestone(ahmad, s["c-changes"], 1, key=k),
    )
    yield Play(
        "dispute_milestone",
        lambda k: m.dispute_milestone(ahmad, s["c-dispute"], 1, "لم يسلم شيئًا", key=k),
        lambda k: m.dispute_milestone(ahmad, s["c-dispute"], 1, "تأخر كثيرًا", key=k),
    )
    yield Play(
        "add_dispute_note",
        lambda k: m.add_dispute_note(sara, s["c-note"], 1, "بدأت وأرفقت المسودة", key=k),
        lambda k: m.add_dispute_note(sara, s["c-note"], 1, "أنجزت نصفه", key=k),
    )
    yield Play(
        "resolve_milestone",
        lambda k: m.resolve_milestone(ADMIN, s["c-resolve"], 1, Resolution.SPLIT, usd(10), key=k),
        lambda k: m.resolve_milestone(ADMIN, s["c-resolve"], 1, Resolution.REFUND, key=k),
    )
    yield Play(
        "propose_milestones",
        lambda k: m.propose_milestones(sara, s["c-propose"], [MilestonePlan("أ", usd(30))], key=k),
        lambda k: m.propose_milestones(sara, s["c-propose"], [MilestonePlan("ب", usd(30))], key=k),
    )
    yield Play(
        "answer_proposal",
        lambda k: m.answer_proposal(sara, s["c-proposal"], agree=True, key=k),
        lambda k: m.answer_proposal(sara, s["c-proposal"], agree=False, key=k),
    )
    yield Play(
        "end_contract",
        lambda k: m.end_contract(ahmad, s["c-end"], "لم نعد نحتاجه", key=k),
        lambda k: m.end_contract(ahmad, s["c-end"], "تأخر العمل", key=k),
    )
    yield Play(
        "answer_end",
        lambda k: m.answer_end(sara, s["c-answer-end"], agree=True, key=k),
        lambda k: m.answer_end(sara, s["c-answer-end"], agree=False, reason="سلّمت", key=k),
    )
    yield Play(
        "ask_to_cancel_contract",
        lambda k: m.ask_to_cancel_contract(ahmad, s["c-ask-cancel"], key=k),
        lambda k: m.ask_to_cancel_contract(ahmad, s["c-fund"], key=k),
    )
    yield Play(
        "take_back_cancellation",
        lambda k: m.take_back_cancellation(sara, s["c-take-back"], key=k),
        lambda k: m.take_back_cancellation(sara, s["c-answer-cancel"], key=k),
    )
    yield Play(
        "answer_contract_cancellation",
        lambda k: m.answer_contract_cancellation(ahmad, s["c-answer-cancel"], agree=True, key=k),
        lambda k: m.answer_contract_cancellation(ahmad, s["c-answer-cancel"], agree=False, key=k),
    )
    yield Play(
        "send_contract_message",
        lambda k: m.send_contract_message(ahmad, s["c-fund"], "هل وصلتك الملفات؟", key=k),
        lambda k: m.send_contract_message(ahmad, s["c-fund"], "أرسلت الملفات", key=k),
    )
    yield Play(
        "review_contract",
        lambda k: m.review_contract(
            ahmad, s["c-review"], [AspectRating(a, 5) for a in CLIENT_ASPECTS], "ممتاز", key=k
        ),
        lambda k: m.review_contract(
            ahmad, s["c-review"], [AspectRating(a, 4) for a in CLIENT_ASPECTS], "جيد", key=k
        ),
    )
