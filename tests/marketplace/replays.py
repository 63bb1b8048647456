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
        key, username=username, email=f"{username}@example.com", first_name=first_name,
        family_name="الخالدي",
    )  # fmt: skip


def _service(market, seller, key, title, *, approve=True):
    service = market.publish_service(
        key, seller, category_id=LOGOS, title=title, description=DESCRIPTION,
        instructions="أرسل التفاصيل.", base_price=usd(5), delivery_days=2,
    )  # fmt: skip
    if approve:
        market.moderate_service(f"{key}-ok", ADMIN, service)
    return service


def _order(market, buyer, service, key, quantity=1):
    market.add_to_cart(f"{key}-cart", buyer, service, quantity=quantity)
    (order,) = market.checkout(f"{key}-pay", buyer)
    market.send_message(f"{key}-brief", buyer, order, "التعليمات")
    return order


def _request(market, buyer, key, title, *, approve=True):
    request = market.post_request(
        key, buyer, category_id=LOGOS, title=title, description=REQUEST_TEXT, budget=usd(30)
    )
    if approve:
        market.moderate_request(f"{key}-ok", ADMIN, request)
    return request


def scene(market):
    """Build the marketplace the plays act on; return its ids as plain strings."""
    sara = Actor.member(_member(market, "m-sara", "sara", "سارة"))
    ahmad = Actor.member(_member(market, "m-ahmad", "ahmad", "أحمد"))
    mona = Actor.member(_member(market, "m-mona", "mona", "منى"))
    omar = _member(market, "m-omar", "omar", "عمر")
    huda = _member(market, "m-huda", "huda", "هدى")
    market.suspend_member("m-huda-out", ADMIN, huda, "مخالفة الشروط")
    market.set_payout_methods("pm", sara, [PayoutMethod.paypal("sara@paypal.com")])
    logo = _service(market, sara, "s-logo", "تصميم شعار احترافي لشركتك")
    card = _service(market, sara, "s-card", "تصميم بطاقة أعمال أنيقة")
    pending = _service(market, sara, "s-pending", "تصميم غلاف لكتابك", approve=False)
    paused = _service(market, sara, "s-paused", "تصميم ملصق لمتجرك")
    market.pause_service("s-paused-off", sara, paused)
    to_edit = _service(market, sara, "s-edit", "تصميم هوية بصرية كاملة")
    to_pause = _service(market, sara, "s-pause", "تصميم شعار متحرك لقناتك")
    market.top_up("t-ahmad", ahmad, usd(500), lg.Gateway.CARD)
    market.top_up("t-mona", mona, usd(50), lg.Gateway.PAYPAL)
    market.add_favourite("f-logo", ahmad, logo)
    # a completed and reviewed order (its review gets a reply) whose $40 clear; $10 of
    # them are set aside for a payout; then a completed order to review
    reviewed = _order(market, ahmad, logo, "o-reviewed", quantity=10)
    market.deliver("o-reviewed-d", sara, reviewed, "تم التسليم")
    market.accept("o-reviewed-a", ahmad, reviewed)
    review = market.review("v", ahmad, reviewed, stars=5, comment="ممتاز")
    market.clock.set(market.clock.now() + 20 * DAY)
    market.tick()
    market.request_withdrawal("w-1", sara, usd(10))
    to_review = _order(market, ahmad, logo, "o-to-review")
    market.deliver("o-to-review-d", sara, to_review, "تم التسليم")
    market.accept("o-to-review-a", ahmad, to_review)
    orders = {
        name: _order(market, ahmad, logo, f"o-{name}")
        for name in (
            "to-message", "to-deliver", "to-modify", "to-accept", "to-report", "late",
            "to-decline", "to-ask-cancel", "to-answer-cancel", "disputed",
        )
    }  # fmt: skip
    for name in ("to-modify", "to-accept", "to-report", "disputed"):
        market.deliver(f"{name}-d", sara, orders[name], "تم التسليم")
    market.report_problem("dispute", ahmad, orders["disputed"], "لا يطابق الوصف")
    market.request_cancellation("ask-cancel", ahmad, orders["to-answer-cancel"], "تغيرت خطتي")
    market.add_to_cart("mona-1", mona, logo)
    market.add_to_cart("mona-2", mona, card)
    inquiry = market.ask("q", ahmad, logo, "هل تسلم بصيغة PSD؟")
    open_request = _request(market, ahmad, "rq-open", "أحتاج شعارًا متحركًا لقناتي")
    offered = _request(market, ahmad, "rq-offered", "أحتاج شعارًا لمطعمي الجديد")
    offer = market.make_offer("of", sara, offered, "خدمتي تناسب طلبك", service_id=logo)
    to_close = _request(market, ahmad, "rq-close", "أحتاج تصميم قائمة طعام")
    unmoderated = _request(market, ahmad, "rq-new", "أحتاج تصميم شعار لمدونتي", approve=False)
    # the undelivered orders are now late (2 days promised), none is due for auto-accept
    market.clock.set(market.clock.now() + 2 * DAY + timedelta(hours=1))
    return {
        "sara": sara.member_id, "ahmad": ahmad.member_id, "mona": mona.member_id,
        "omar": omar, "huda": huda, "logo": logo, "card": card, "pending": pending,
        "paused": paused, "to-edit": to_edit, "to-pause": to_pause, "to-review": to_review,
        "review": review, "inquiry": inquiry, "open-request": open_request,
        "offered": offered, "offer": offer, "to-close": to_close, "unmoderated": unmoderated,
    } | orders  # fmt: skip


def plays(m, s):
    """Every keyed use case, called by the right actor on the scene ``s`` of ``m``."""
    sara, ahmad, mona = (Actor.member(MemberId(s[name])) for name in ("sara", "ahmad", "mona"))

    yield Play(
        "register_member",
        lambda k: _member(m, k, "layla", "ليلى"),
        lambda k: _member(m, k, "layla2", "ليلى"),
    )
    yield Play(
        "verify_email",
        lambda k: m.verify_email(k, s["ahmad"]),
        lambda k: m.verify_email(k, s["mona"]),
    )
    yield Play(
        "update_profile",
        lambda k: m.update_profile(k, ahmad, bio="أحب التصميم البسيط"),
        lambda k: m.update_profile(k, ahmad, bio="أحب الألوان"),
    )
    yield Play(
        "set_payout_methods",
        lambda k: m.set_payout_methods(k, sara, [PayoutMethod.paypal("pay@sara.example")]),
        lambda k: m.set_payout_methods(k, sara, [PayoutMethod.paypal("new@sara.example")]),
    )
    yield Play(
        "publish_service",
        lambda k: _service(m, sara, k, "تصميم شعار لمتجرك الإلكتروني", approve=False),
        lambda k: _service(m, sara, k, "تصميم شعار لمتجرك على إنستغرام", approve=False),
    )
    yield Play(
        "moderate_service",
        lambda k: m.moderate_service(k, ADMIN, s["pending"]),
        lambda k: m.moderate_service(k, ADMIN, s["pending"], reason="صور مسروقة"),
    )
    yield Play(
        "edit_service",
        lambda k: m.edit_service(k, sara, s["to-edit"], delivery_days=3),
        lambda k: m.edit_service(k, sara, s["to-edit"], delivery_days=4),
    )
    yield Play(
        "pause_service",
        lambda k: m.pause_service(k, sara, s["to-pause"]),
        lambda k: m.pause_service(k, sara, s["logo"]),
    )
    yield Play(
        "resume_service",
        lambda k: m.resume_service(k, sara, s["paused"]),
        lambda k: m.resume_service(k, sara, s["to-pause"]),
    )
    yield Play(
        "add_favourite",
        lambda k: m.add_favourite(k, ahmad, s["card"]),
        lambda k: m.add_favourite(k, ahmad, s["paused"]),
    )
    yield Play(
        "remove_favourite",
        lambda k: m.remove_favourite(k, ahmad, s["logo"]),
        lambda k: m.remove_favourite(k, ahmad, s["card"]),
    )
    yield Play(
        "remove_from_cart",
        lambda k: m.remove_from_cart(k, mona, s["card"]),
        lambda k: m.remove_from_cart(k, mona, s["logo"]),
    )
    yield Play(
        "checkout",
        lambda k: m.checkout(k, mona),
        lambda k: m.checkout(k, mona, lg.Gateway.CARD),
    )
    yield Play(
        "add_to_cart",
        lambda k: m.add_to_cart(k, ahmad, s["card"], quantity=2),
        lambda k: m.add_to_cart(k, ahmad, s["card"], quantity=3),
    )
    yield Play(
        "top_up",
        lambda k: m.top_up(k, ahmad, usd(10), lg.Gateway.CARD),
        lambda k: m.top_up(k, ahmad, usd(11), lg.Gateway.CARD),
    )
    yield Play(
        "send_message",
        lambda k: m.send_message(k, ahmad, s["to-message"], "هل من جديد؟"),
        lambda k: m.send_message(k, ahmad, s["to-message"], "متى التسليم؟"),
    )
    yield Play(
        "deliver",
        lambda k: m.deliver(k, sara, s["to-deliver"], "إليك الشعار", ["logo.png"]),
        lambda k: m.deliver(k, sara, s["to-deliver"], "إليك الشعار", ["logo.svg"]),
    )
    yield Play(
        "request_modification",
        lambda k: m.request_modification(k, ahmad, s["to-modify"], "كبّر الخط"),
        lambda k: m.request_modification(k, ahmad, s["to-modify"], "غيّر اللون"),
    )
    yield Play(
        "accept",
        lambda k: m.accept(k, ahmad, s["to-accept"]),
        lambda k: m.accept(k, ahmad, s["to-report"]),
    )
    yield Play(
        "report_problem",
        lambda k: m.report_problem(k, ahmad, s["to-report"], "الملف لا يفتح"),
        lambda k: m.report_problem(k, ahmad, s["to-report"], "الألوان خاطئة"),
    )
    yield Play(
        "cancel_late",
        lambda k: m.cancel_late(k, ahmad, s["late"]),
        lambda k: m.cancel_late(k, ahmad, s["to-decline"]),
    )
    yield Play(
        "decline",
        lambda k: m.decline(k, sara, s["to-decline"], "لا أستطيع الآن"),
        lambda k: m.decline(k, sara, s["to-decline"], "مشغول"),
    )
    yield Play(
        "request_cancellation",
        lambda k: m.request_cancellation(k, ahmad, s["to-ask-cancel"], "لم أعد أحتاجه"),
        lambda k: m.request_cancellation(k, ahmad, s["to-ask-cancel"], "وجدت بديلًا"),
    )
    yield Play(
        "answer_cancellation",
        lambda k: m.answer_cancellation(k, sara, s["to-answer-cancel"], agree=True),
        lambda k: m.answer_cancellation(k, sara, s["to-answer-cancel"], agree=False),
    )
    yield Play(
        "resolve_dispute",
        lambda k: m.resolve_dispute(k, ADMIN, s["disputed"], OrderEvent.RESOLVE_PARTIAL_REFUND,
                                    usd(2)),
        lambda k: m.resolve_dispute(k, ADMIN, s["disputed"], OrderEvent.RESOLVE_FULL_REFUND),
    )  # fmt: skip
    yield Play(
        "review",
        lambda k: m.review(k, ahmad, s["to-review"], stars=4, comment="جيد جدًا"),
        lambda k: m.review(k, ahmad, s["to-review"], stars=5, comment="جيد جدًا"),
    )
    yield Play(
        "reply",
        lambda k: m.reply(k, sara, s["review"], "شكرًا لك"),
        lambda k: m.reply(k, sara, s["review"], "سعدت بالعمل معك"),
    )
    yield Play(
        "request_withdrawal",
        lambda k: m.request_withdrawal(k, sara, usd(10)),
        lambda k: m.request_withdrawal(k, sara, usd(20)),
    )
    yield Play(
        "settle_withdrawal",
        lambda k: m.settle_withdrawal(k, ADMIN, s["sara"], usd(10), paid=True),
        lambda k: m.settle_withdrawal(k, ADMIN, s["sara"], usd(10), paid=False),
    )
    yield Play(
        "ask",
        lambda k: m.ask(k, ahmad, s["card"], "هل تصمم الوجهين؟"),
        lambda k: m.ask(k, ahmad, s["card"], "كم نموذجًا أولًا؟"),
    )
    yield Play(
        "answer_inquiry",
        lambda k: m.answer_inquiry(k, sara, s["inquiry"], "نعم، وبصيغة AI أيضًا"),
        lambda k: m.answer_inquiry(k, sara, s["inquiry"], "لا"),
    )
    yield Play(
        "post_request",
        lambda k: _request(m, ahmad, k, "أحتاج تصميم شعار لناديّ", approve=False),
        lambda k: _request(m, ahmad, k, "أحتاج تصميم شعار لفريقي", approve=False),
    )
    yield Play(
        "moderate_request",
        lambda k: m.moderate_request(k, ADMIN, s["unmoderated"]),
        lambda k: m.moderate_request(k, ADMIN, s["unmoderated"], reason="مكرر"),
    )
    yield Play(
        "make_offer",
        lambda k: m.make_offer(k, sara, s["open-request"], "أنجزه في يومين", price=usd(25),
                               delivery_days=2),
        lambda k: m.make_offer(k, sara, s["open-request"], "أنجزه في يومين", price=usd(30),
                               delivery_days=2),
    )  # fmt: skip
    yield Play(
        "accept_offer",
        lambda k: m.accept_offer(k, ahmad, s["offered"], s["offer"]),
        lambda k: m.accept_offer(k, ahmad, s["open-request"], s["offer"]),
    )
    yield Play(
        "close_request",
        lambda k: m.close_request(k, ahmad, s["to-close"]),
        lambda k: m.close_request(k, ahmad, s["open-request"]),
    )
    yield Play(
        "grant_professional",
        lambda k: m.grant_professional(k, ADMIN, s["sara"]),
        lambda k: m.grant_professional(k, ADMIN, s["ahmad"]),
    )
    yield Play(
        "remove_professional",
        lambda k: m.remove_professional(k, ADMIN, s["sara"]),
        lambda k: m.remove_professional(k, ADMIN, s["ahmad"]),
    )
    yield Play(
        "suspend_member",
        lambda k: m.suspend_member(k, ADMIN, s["omar"], "رسائل مزعجة"),
        lambda k: m.suspend_member(k, ADMIN, s["omar"], "احتيال"),
    )
    yield Play(
        "reinstate_member",
        lambda k: m.reinstate_member(k, ADMIN, s["huda"]),
        lambda k: m.reinstate_member(k, ADMIN, s["omar"]),
    )
