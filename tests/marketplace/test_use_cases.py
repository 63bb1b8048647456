"""The façade's use cases, through the seed's journeys, on every adapter."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cast import ADMIN, DAY, DESCRIPTION, START, buy, cast, cheap_order, usd

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.catalog import ServiceStatus
from microgigs.errors import (
    ContactDetailsNotAllowed,
    IdempotencyConflict,
    InsufficientFunds,
    MemberSuspended,
    NoPayoutMethod,
    NotFound,
    OfferExists,
    OwnService,
    PaymentFailed,
    PermissionDenied,
    RequestClosed,
    ReviewNotAllowed,
    ServiceNotAvailable,
    WithdrawalTooSmall,
)
from microgigs.ids import CategoryId, MemberId
from microgigs.members import PayoutMethod
from microgigs.orders import OrderEvent, OrderStatus
from microgigs.ranking import ListingQuery, Ordering, Rating


def test_the_seed_journey_pays_the_seller_80_percent_after_clearance(market):
    seller, buyer, service = cast(market)
    order = buy(market, buyer, service)
    assert (usd(95), usd(105)) == (
        market.balance(lg.wallet(buyer.member_id)),
        market.balance(lg.escrow(order)),
    )
    market.send_message("s-1", buyer, order, "اسم الشركة: نخلة")
    market.clock.advance(DAY)
    market.deliver("d-1", seller, order, "إليك الشعار", ["logo-v1.png"])
    market.request_modification("mod-1", buyer, order, "كبّر الخط")
    market.deliver("d-2", seller, order, "النسخة المعدلة", ["logo-v2.png"])
    market.accept("a-1", buyer, order)
    assert (OrderStatus.COMPLETED, usd(84), usd(21), usd(0)) == (
        market.order(order).status,
        market.balance(lg.pending(seller.member_id)),
        market.balance(lg.revenue()),
        market.balance(lg.escrow(order)),
    )
    assert 0 == market.tick(market.clock.now() + 13 * DAY).cleared
    assert 1 == market.tick(market.clock.now() + 14 * DAY).cleared
    assert 0 == market.tick(market.clock.now() + 15 * DAY).cleared
    assert (usd(0), usd(84)) == (
        market.balance(lg.pending(seller.member_id)),
        market.balance(lg.available(seller.member_id)),
    )
    with market.storage.unit_of_work() as uow:
        assert [] == lg.audit(
            uow.ledger.entry_rows(), uow.ledger.balances(), finished_orders=[order]
        )
        events = uow.outbox.pending(limit=100)
    statuses = [json.loads(e.payload)["transition"]["to_status"] for e in events]
    assert [
        "awaiting_instructions",
        "in_progress",
        "awaiting_acceptance",
        "in_progress",
        "awaiting_acceptance",
        "completed",
    ] == statuses


def test_a_late_seller_lets_the_buyer_cancel_and_get_the_money_back(market):
    _seller, buyer, service = cast(market)
    order = buy(market, buyer, service)
    market.send_message("s-1", buyer, order, "التعليمات")
    market.clock.advance(5 * DAY)  # 2 days + 2 upgrades × 1 day, and then some
    market.cancel_late("x-1", buyer, order)
    assert (OrderStatus.CANCELLED, usd(200), usd(0)) == (
        market.order(order).status,
        market.balance(lg.wallet(buyer.member_id)),
        market.balance(lg.escrow(order)),
    )


def test_an_unanswered_delivery_is_accepted_by_tick_exactly_once(market):
    seller, buyer, service = cast(market)
    order = buy(market, buyer, service)
    market.send_message("s-1", buyer, order, "التعليمات")
    market.deliver("d-1", seller, order, "تم")
    assert 0 == market.tick(market.clock.now() + 3 * DAY - timedelta(seconds=1)).transitions
    assert 1 == market.tick(market.clock.now() + 3 * DAY).transitions
    assert 0 == market.tick(market.clock.now() + 3 * DAY).transitions
    assert (OrderStatus.COMPLETED, usd(84)) == (
        market.order(order).status,
        market.balance(lg.pending(seller.member_id)),
    )


def test_replays_have_one_effect_and_other_payloads_conflict(market):
    _seller, buyer, service = cast(market)
    market.top_up("t-1", buyer, usd(30), lg.Gateway.PAYPAL)
    market.top_up("t-1", buyer, usd(30), lg.Gateway.PAYPAL)
    assert usd(30) == market.balance(lg.wallet(buyer.member_id))
    with pytest.raises(IdempotencyConflict):
        market.top_up("t-1", buyer, usd(31), lg.Gateway.PAYPAL)
    market.add_to_cart("c-1", buyer, service)
    first = market.checkout("k-1", buyer)
    assert first == market.checkout("k-1", buyer)
    assert usd(25) == market.balance(lg.wallet(buyer.member_id))


def test_a_declined_card_writes_nothing_and_the_same_key_can_retry(market):
    _seller, buyer, service = cast(market)
    market.add_to_cart("c-1", buyer, service)
    market.gateway.fail_next("card declined")
    with pytest.raises(PaymentFailed):
        market.checkout("k-1", buyer, lg.Gateway.CARD)
    with market.storage.unit_of_work() as uow:
        assert [] == uow.orders.by_buyer(buyer.member_id)
        assert 1 == len(uow.carts.get(buyer.member_id))
    (order,) = market.checkout("k-1", buyer, lg.Gateway.CARD)
    assert (usd(5), usd(-5), 1) == (
        market.balance(lg.escrow(order)),
        market.balance(lg.gateway(lg.Gateway.CARD)),
        len(market.gateway.receipts),
    )


def test_wrong_actors_and_empty_wallets_are_refused_and_write_nothing(market):
    seller, buyer, service = cast(market)
    market.add_to_cart("c-1", buyer, service)
    with pytest.raises(InsufficientFunds):
        market.checkout("k-1", buyer)
    market.top_up("t-1", buyer, usd(10), lg.Gateway.CARD)
    (order,) = market.checkout("k-2", buyer)
    market.send_message("s-0", buyer, order, "التعليمات")
    before = market.order(order)
    for attempt in (
        lambda: market.deliver("d-1", buyer, order, "أنا المشتري"),
        lambda: market.cancel_late("x-1", seller, order),
        lambda: market.moderate_service("m-2", seller, service),
        lambda: market.send_message("s-1", Actor.member(MemberId("stranger")), order, "مرحبا"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert before == market.order(order)


def test_an_approved_service_is_found_by_arabic_search(market):
    _seller, _buyer, service = cast(market)
    with market.storage.unit_of_work() as uow:
        found = uow.listings.search(ListingQuery(text="الشعارات"))
    assert [service] == [listing.service_id for listing in found.listings]


def test_a_partial_refund_of_5_on_25_gives_the_buyer_5_the_seller_16_the_platform_4(market):
    seller, buyer, order = cheap_order(market)
    market.deliver("d-1", seller, order, "تم")
    market.report_problem("p-1", buyer, order, "الشعار لا يطابق الوصف")
    assert OrderStatus.DISPUTED == market.order(order).status
    market.resolve_dispute("r-1", ADMIN, order, OrderEvent.RESOLVE_PARTIAL_REFUND, usd(5))
    assert (OrderStatus.COMPLETED, usd(80), usd(16), usd(4), usd(0)) == (
        market.order(order).status,
        market.balance(lg.wallet(buyer.member_id)),
        market.balance(lg.pending(seller.member_id)),
        market.balance(lg.revenue()),
        market.balance(lg.escrow(order)),
    )


@pytest.mark.parametrize(
    ("outcome", "wallet", "pending"),
    [(OrderEvent.RESOLVE_FULL_REFUND, "100", "0"), (OrderEvent.RESOLVE_COMPLETE, "75", "20")],
)
def test_an_admin_refunds_or_completes_a_dispute(market, outcome, wallet, pending):
    seller, buyer, order = cheap_order(market)
    market.report_problem("p-1", buyer, order, "البائع لا يرد")
    with pytest.raises(PermissionDenied):
        market.resolve_dispute("r-0", seller, order, outcome)
    market.resolve_dispute("r-1", ADMIN, order, outcome)
    assert (usd(wallet), usd(pending), usd(0)) == (
        market.balance(lg.wallet(buyer.member_id)),
        market.balance(lg.pending(seller.member_id)),
        market.balance(lg.escrow(order)),
    )


def test_a_seller_declines_and_the_buyer_gets_everything_back(market):
    seller, buyer, order = cheap_order(market)
    market.decline("x-1", seller, order, "لا أستطيع تنفيذ هذا الطلب")
    assert (OrderStatus.CANCELLED, usd(100)) == (
        market.order(order).status,
        market.balance(lg.wallet(buyer.member_id)),
    )


def test_mutual_cancellation_answered_or_left_to_tick(market):
    seller, buyer, order = cheap_order(market)
    market.request_cancellation("q-1", seller, order, "ظرف طارئ")
    market.answer_cancellation("a-1", buyer, order, agree=False)
    assert OrderStatus.IN_PROGRESS == market.order(order).status
    market.request_cancellation("q-2", buyer, order, "غيرت رأيي")
    assert 0 == market.tick(market.clock.now() + timedelta(hours=47)).transitions
    assert 1 == market.tick(market.clock.now() + timedelta(hours=48)).transitions
    assert (OrderStatus.CANCELLED, usd(100), usd(0)) == (
        market.order(order).status,
        market.balance(lg.wallet(buyer.member_id)),
        market.balance(lg.escrow(order)),
    )


def test_a_review_and_a_sale_move_the_services_listing(market):
    seller, buyer, order = cheap_order(market, quantity=1)
    service = market.order(order).service.service_id
    market.deliver("d-1", seller, order, "تم")
    market.accept("a-1", buyer, order)
    review = market.review("v-1", buyer, order, stars=5, comment="ممتاز وسريع")
    with pytest.raises(ReviewNotAllowed):
        market.review("v-2", buyer, order, stars=1, comment="مرة أخرى")
    market.reply("y-1", seller, review, "شكرًا لك")
    with market.storage.unit_of_work() as uow:
        listing = uow.listings.get(service)
        stored = uow.reviews.get(review)
    # Bayesian: (4.0 × 5 + 5) ÷ 6 = 4.17
    assert (1, 1, 417, "شكرًا لك") == (
        listing.sales,
        listing.rating_count,
        listing.score,
        stored.reply,
    )
    assert Rating(1, 5) == market.rating(service)


def test_best_selling_lately_forgets_sales_bought_before_the_window(market):
    seller, buyer, order = cheap_order(market, quantity=1)
    service = market.order(order).service.service_id
    market.deliver("d-1", seller, order, "تم")
    market.accept("a-1", buyer, order)
    trending = ListingQuery(ordering=Ordering.TRENDING)

    def counts():
        with market.storage.unit_of_work() as uow:
            listing = uow.listings.get(service)
        return listing.sales, listing.recent_sales

    assert (1, 1) == counts()
    # the same day, a tick finds nothing to drop and a second tick reads one record
    assert 0 == market.tick(START + DAY).trending
    assert 0 == market.tick(START + DAY).trending
    # 30 days after the purchase the sale is still recent; the day after, it is not
    market.clock.set(START + 30 * DAY)
    assert 0 == market.tick().trending
    market.clock.set(START + 31 * DAY)
    assert 1 == market.tick().trending
    assert 0 == market.tick().trending
    assert (1, 0) == counts()
    assert [service] == [listing.service_id for listing in market.search(trending).listings]
    # a listing made again counts its sales from the orders: all time and lately
    market.pause_service("z-1", seller, service)
    market.resume_service("z-2", seller, service)
    assert (1, 0) == counts()


def test_a_seller_withdraws_cleared_earnings_through_a_payout(market):
    seller, buyer, order = cheap_order(market)
    market.deliver("d-1", seller, order, "تم")
    market.accept("a-1", buyer, order)
    market.tick(market.clock.now() + 14 * DAY)
    assert usd(20) == market.balance(lg.available(seller.member_id))
    with pytest.raises(NoPayoutMethod):
        market.request_withdrawal("w-0", seller, usd(10))
    market.set_payout_methods("pm-1", seller, [PayoutMethod.paypal("sara@paypal.com")])
    with pytest.raises(WithdrawalTooSmall):
        market.request_withdrawal("w-1", seller, usd("9.99"))
    with pytest.raises(InsufficientFunds):
        market.request_withdrawal("w-2", seller, usd("20.01"))
    market.request_withdrawal("w-3", seller, usd(15))
    with pytest.raises(PermissionDenied):
        market.settle_withdrawal("settle-0", seller, seller.member_id, usd(15), paid=True)
    market.settle_withdrawal("settle-1", ADMIN, seller.member_id, usd(15), paid=False)
    assert usd(20) == market.balance(lg.available(seller.member_id))
    market.request_withdrawal("w-4", seller, usd(15))
    market.settle_withdrawal("settle-2", Actor.system(), seller.member_id, usd(15), paid=True)
    assert (usd(5), usd(0), usd(15)) == (
        market.balance(lg.available(seller.member_id)),
        market.balance(lg.withdrawing(seller.member_id)),
        market.balance(lg.payouts()),
    )


def test_inquiries_measure_answers_and_become_orders(market):
    seller, buyer, service = cast(market)
    inquiry = market.ask("q-1", buyer, service, "هل تسلم بصيغة PSD؟")
    assert inquiry == market.ask("q-2", buyer, service, "وكم يستغرق التسليم؟")
    with pytest.raises(ContactDetailsNotAllowed):
        market.ask("q-3", buyer, service, "راسلني على sara@gmail.com")
    with pytest.raises(OwnService):
        market.ask("q-4", seller, service, "سؤال لنفسي")
    market.clock.advance(timedelta(hours=3))
    market.answer_inquiry("q-5", seller, inquiry, "نعم، مع تطوير بخمسة دولارات")
    with pytest.raises(PermissionDenied):
        market.answer_inquiry("q-6", Actor.member(MemberId("stranger")), inquiry, "مرحبا")
    market.top_up("t-1", buyer, usd(10), lg.Gateway.CARD)
    market.add_to_cart("c-1", buyer, service)
    (order,) = market.checkout("k-1", buyer)
    with market.storage.unit_of_work() as uow:
        (stored,) = uow.inquiries.to_seller(seller.member_id, START)
    assert (3, timedelta(hours=3), order) == (
        len(stored.messages),
        stored.response_time,
        stored.order_id,
    )


def test_a_request_gets_offers_and_the_accepted_one_becomes_a_paid_order(market):
    seller, buyer, service = cast(market)
    other = Actor.member(
        market.register_member("r-layla", username="layla", email="layla@example.com",
                               first_name="ليلى", family_name="حسن")
    )  # fmt: skip
    request = market.post_request(
        "rq-1", buyer, category_id=CategoryId("logo-design"), title="أحتاج شعارًا متحركًا لقناتي",
        description="شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة.", budget=usd(30),
    )  # fmt: skip
    with pytest.raises(RequestClosed):  # not shown before review
        market.make_offer("o-0", seller, request, "أستطيع تنفيذه باحتراف", service_id=service)
    market.moderate_request("rm-1", ADMIN, request)
    market.make_offer("o-1", seller, request, "خدمتي تناسب طلبك تمامًا", service_id=service)
    with pytest.raises(OfferExists):
        market.make_offer("o-2", seller, request, "عرض آخر مني", price=usd(20), delivery_days=2)
    with pytest.raises(OwnService):
        market.make_offer("o-3", buyer, request, "أعرض على نفسي", price=usd(20), delivery_days=2)
    custom = market.make_offer(
        "o-4", other, request, "شعار متحرك مخصص لك", price=usd(25), delivery_days=4
    )
    market.top_up("t-1", buyer, usd(30), lg.Gateway.CARD)
    order = market.accept_offer("ac-1", buyer, request, custom)
    assert order == market.accept_offer("ac-1", buyer, request, custom)  # replayed
    placed = market.order(order)
    assert (usd(25), 4, other.member_id, usd(5), usd(25)) == (
        placed.quote.total, placed.quote.delivery_days, placed.seller_id,
        market.balance(lg.wallet(buyer.member_id)), market.balance(lg.escrow(order)),
    )  # fmt: skip
    with pytest.raises(RequestClosed):
        market.make_offer("o-5", seller, request, "متأخر قليلًا", price=usd(20), delivery_days=2)


def test_requests_expire_through_tick_and_buyers_can_close_them(market):
    _seller, buyer, _service = cast(market)
    posted = [
        market.post_request(
            f"rq-{n}", buyer, category_id=CategoryId("translation"),
            title="ترجمة كتيب تعريفي للشركة",
            description="كتيب من عشر صفحات من الإنجليزية إلى العربية بأسلوب تسويقي.",
        )
        for n in range(2)
    ]  # fmt: skip
    for n, request in enumerate(posted):
        market.moderate_request(f"rm-{n}", ADMIN, request)
    market.close_request("cl-0", buyer, posted[0])
    with market.storage.unit_of_work() as uow:
        assert [posted[1]] == [r.id for r in uow.requests.open_now(market.clock.now())]
    assert 0 == market.tick(market.clock.now() + 7 * DAY - timedelta(seconds=1)).expired
    assert 1 == market.tick(market.clock.now() + 7 * DAY).expired
    assert 0 == market.tick(market.clock.now() + 8 * DAY).expired
    with market.storage.unit_of_work() as uow:
        assert [] == uow.requests.open_now(market.clock.now())


def in_index(market, service):
    return [listing.service_id for listing in market.search(ListingQuery()).listings] == [service]


def test_a_seller_edits_pauses_and_resumes_a_service_and_the_index_follows(market):
    seller, buyer, service = cast(market)
    cheap = market.service(service).base_price
    market.top_up("t-1", buyer, usd(10), lg.Gateway.CARD)
    market.add_to_cart("c-1", buyer, service)
    (order,) = market.checkout("k-1", buyer)
    market.send_message("s-1", buyer, order, "التعليمات")
    market.deliver("d-1", seller, order, "تم")
    market.accept("a-1", buyer, order)
    market.pause_service("p-1", seller, service)
    assert not in_index(market, service)
    with pytest.raises(ServiceNotAvailable):
        market.add_to_cart("c-2", buyer, service)
    market.resume_service("p-2", seller, service)
    assert in_index(market, service)
    market.edit_service("e-1", seller, service, base_price=usd(10), upgrades=[])
    assert (ServiceStatus.PENDING_REVIEW, False) == (
        market.service(service).status,
        in_index(market, service),
    )
    market.moderate_service("m-2", ADMIN, service)
    (listing,) = market.search(ListingQuery()).listings
    assert (usd(10), 1) == (listing.price, listing.sales)
    assert cheap == market.order(order).quote.subtotal
    with pytest.raises(PermissionDenied):
        market.edit_service("e-2", buyer, service, title="عنوان من شخص آخر تمامًا")


def test_favourites_carts_profiles_and_suspension(market):
    seller, buyer, service = cast(market)
    market.add_favourite("f-1", buyer, service)
    with pytest.raises(OwnService):
        market.add_favourite("f-2", seller, service)
    with market.storage.unit_of_work() as uow:
        assert [service] == list(uow.favourites.get(buyer.member_id))
    market.remove_favourite("f-3", buyer, service)
    market.add_to_cart("c-1", buyer, service)
    market.remove_from_cart("c-2", buyer, service)
    with pytest.raises(NotFound):
        market.checkout("k-1", buyer)
    market.update_profile("u-1", buyer, bio="أحب التصاميم البسيطة", phone="+966501234567")
    market.verify_email("v-1", buyer.member_id)
    profile = market.member(buyer.member_id)
    assert ("أحب التصاميم البسيطة", True) == (profile.bio, profile.email_verified)
    with pytest.raises(PermissionDenied):
        market.suspend_member("x-1", buyer, seller.member_id, "مخالفة")
    market.suspend_member("x-2", ADMIN, seller.member_id, "نشر وسائل تواصل")
    assert not in_index(market, service)
    with pytest.raises(MemberSuspended):
        market.publish_service(
            "p-2", seller, category_id=CategoryId("logo-design"), title="خدمة جديدة للشعارات",
            description=DESCRIPTION, instructions="-", base_price=usd(5), delivery_days=1,
        )  # fmt: skip
    market.reinstate_member("x-3", ADMIN, seller.member_id)
    assert in_index(market, service)


def test_only_the_parties_and_admins_read_an_order_conversation(market):
    _seller, buyer, order = cheap_order(market)
    assert ["التعليمات"] == [m.body for m in market.conversation(buyer, order)]
    assert 1 == len(market.conversation(ADMIN, order))
    with pytest.raises(PermissionDenied):
        market.conversation(Actor.member(MemberId("stranger")), order)
    assert [order] == [o.id for o in market.orders_of(buyer)]
    assert [] == market.orders_of(buyer, as_seller=True)
