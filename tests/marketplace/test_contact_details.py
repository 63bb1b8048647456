"""No contact details in anything one member writes to another (RULES.md §4), on every adapter.

An offer's message, a request's description, a reason given in an order, a review and its
reply are read by another member, as a message is: each refuses a phone number, an e-mail
address or a link, and changes nothing. And what a refusal of such a text says, in Arabic.
"""

from __future__ import annotations

import pytest
from cast import ADMIN, buy, cast, cheap_order, usd

from microgigs.errors import ContactDetailsNotAllowed, InvalidText, NotPositive
from microgigs.ids import CategoryId
from microgigs.l10n import translate_error
from microgigs.ledger import Gateway
from microgigs.orders import OrderStatus

CONTACT = "تواصل معي على 0501234567 أو sara@gmail.com"


def test_an_offer_and_a_request_carry_no_contact_details(market):
    seller, buyer, service = cast(market)
    with pytest.raises(ContactDetailsNotAllowed):
        market.post_request(
            buyer,
            category_id=CategoryId("logo-design"),
            title="أحتاج شعارًا متحركًا لقناتي",
            description=f"شعار متحرك لقناة يوتيوب، {CONTACT}",
            key="rq-contact",
        )
    request = market.post_request(
        buyer,
        category_id=CategoryId("logo-design"),
        title="أحتاج شعارًا متحركًا لقناتي",
        description="شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة.",
        key="rq-1",
    )
    market.moderate_request(ADMIN, request, key="rm-1")
    with pytest.raises(ContactDetailsNotAllowed):
        market.make_offer(seller, request, f"عرض مخصص، {CONTACT}", price=usd(10), delivery_days=2)
    with pytest.raises(ContactDetailsNotAllowed):
        market.make_offer(seller, request, CONTACT, service_id=service)
    (mine,) = market.requests_page(buyer).mine
    assert (request, ()) == (mine.id, tuple(mine.offers))
    market.make_offer(seller, request, "خدمتي تناسب طلبك تمامًا", service_id=service, key="o-1")


def test_a_reason_given_in_an_order_carries_no_contact_details(market):
    seller, buyer, order = cheap_order(market)
    with pytest.raises(ContactDetailsNotAllowed):
        market.request_cancellation(buyer, order, CONTACT)
    with pytest.raises(ContactDetailsNotAllowed):
        market.decline(seller, order, CONTACT)
    placed = market.order(buyer, order)
    assert (OrderStatus.IN_PROGRESS, None) == (placed.status, placed.cancellation)
    market.decline(seller, order, "لا أستطيع تنفيذه الآن", key="decline")


def test_a_modification_request_and_a_problem_report_carry_no_contact_details(market):
    seller, buyer, order = cheap_order(market)
    market.deliver(seller, order, "إليك العمل", key="d")
    for refused in (market.request_modification, market.report_problem):
        with pytest.raises(ContactDetailsNotAllowed):
            refused(buyer, order, CONTACT)
    assert OrderStatus.AWAITING_ACCEPTANCE == market.order(buyer, order).status
    market.request_modification(buyer, order, "غيّر الألوان إلى الأزرق", key="m")


def test_a_review_and_its_reply_carry_no_contact_details(market):
    seller, buyer, service = cast(market)
    order = buy(market, buyer, service)
    market.send_message(buyer, order, "التعليمات", key="s-1")
    market.deliver(seller, order, "تم", key="d-1")
    market.accept(buyer, order, key="a-1")
    with pytest.raises(ContactDetailsNotAllowed):
        market.review(buyer, order, stars=5, comment=f"ممتاز، {CONTACT}")
    review = market.review(buyer, order, stars=5, comment="عمل ممتاز", key="rv")
    with pytest.raises(ContactDetailsNotAllowed):
        market.reply(seller, review, f"شكرًا، {CONTACT}")
    market.reply(seller, review, "شكرًا لك", key="rp")
    (written,) = market.service_page(None, service).reviews
    assert ("عمل ممتاز", "شكرًا لك") == (written.comment, written.reply)


def test_an_arabic_refusal_names_what_was_written_and_agrees_with_it(market):
    # a request's title was called «عنوان الخدمة» (the service's), and «يجب أن يكون الرسالة»
    # did not agree with a feminine field
    _seller, buyer, _service = cast(market)
    with pytest.raises(InvalidText) as refused:
        market.post_request(
            buyer,
            category_id=CategoryId("logo-design"),
            title="قصير",
            description="شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة.",
        )
    said = translate_error(refused.value, "ar")
    assert said.startswith("عنوان الطلب: يجب أن يكون عدد حروفه من")
    with pytest.raises(NotPositive) as refused_amount:
        market.top_up(buyer, usd(0), Gateway.CARD)
    assert translate_error(refused_amount.value, "ar").startswith("يجب أن تكون قيمة المبلغ")


def test_a_profiles_bio_carries_no_contact_details(market):
    # a hostile review: a bio is on every member's public page, and a phone number or an
    # address in it took buyers off the platform as a message's would
    seller, _buyer, _service = cast(market)
    before = market.profile(seller.member_id)
    with pytest.raises(ContactDetailsNotAllowed) as refused:
        market.update_profile(seller, bio=f"مصممة هويات بصرية، {CONTACT}", key="bio-contact")
    assert "bio" == refused.value.field
    assert before == market.profile(seller.member_id)
    market.update_profile(seller, bio="مصممة هويات بصرية منذ عشر سنوات.", key="bio-ok")
