"""Refusals read as people write, with no developer text in them (walk-through 6).

A bad ordering listed the options' English values; a bad search cursor said "من النوع a
cursor from a page، لا text"; a message refused for a link said "(link)" in the Arabic
sentence.
"""

from __future__ import annotations

import re

import pytest
from forms import csrf_of, flashed, log_in

from microgigs.actors import Actor
from microgigs.l10n import label
from microgigs.orders import OrderStatus
from microgigs.ranking import ListingQuery, Ordering


def _text(html: bytes) -> str:
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_bad_ordering_names_the_choices_as_the_page_does(app, lang):
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    answer = client.get("/search?ordering=bogus")
    assert 400 == answer.status_code
    [message] = flashed(answer.data, errors=True)
    assert ("«bogus»" if lang == "ar" else "\u201cbogus\u201d") in message  # its own quotes
    for ordering in Ordering:
        assert label(ordering, lang) in message
    if lang == "ar":
        assert "top_rated" not in message
        assert "الترتيب" in message


def test_a_bad_search_cursor_is_said_plainly_and_the_first_page_shown(app):
    client = app.test_client()
    answer = client.get("/search?q=شعار&cursor=x")
    [message] = flashed(answer.data, errors=True)
    assert "من النوع" not in message
    assert "cursor" not in message
    assert "text" not in message
    assert "الصفحة" in message
    assert "شعار" in _text(answer.data)  # the same search, from its first page


def test_a_message_refused_for_a_link_says_link_in_arabic(app, host):
    with host.market.storage.unit_of_work() as uow:
        order = uow.orders.in_status(OrderStatus.IN_PROGRESS, limit=1)[0]
        buyer = uow.members.get(order.buyer_id)
    client = app.test_client()
    log_in(client, buyer.email)
    page = f"/orders/{order.id}"
    token = csrf_of(client.get(page).data)
    client.post(f"{page}/message", data={"csrf": token, "body": "شاهد https://example.com"})
    [message] = flashed(client.get(page).data, errors=True)
    assert "link" not in message
    assert "رابط" in message
    assert 0 == sum(
        "example.com" in m.body for m in host.market.conversation(Actor.system(), order.id)
    )


def test_a_question_to_a_seller_and_its_answer_are_on_the_services_page(app, host):
    # a walk-through (2026-12-08): the answer was on the account page only, and the message
    # after asking did not say where it would come
    reem = _reem(host)
    listing = next(
        found
        for found in host.market.search(ListingQuery(limit=20)).listings
        if found.seller_id != reem.member_id
    )
    service = host.market.service(None, listing.service_id)
    seller = host.market.profile(service.seller_id)
    client = app.test_client()
    log_in(client, "reem_marketing@example.com")
    page = f"/services/{service.id}"
    token = csrf_of(client.get(page).data)
    client.post(f"{page}/ask", data={"csrf": token, "key": "q-1", "body": "هل تقبل التعديل؟"})
    [said] = flashed(client.get(page).data)
    assert "يظهر رده هنا" in said
    host.market.answer_inquiry(
        Actor.member(seller.member_id),
        host.market.inquiry_about(reem, service.id).id,
        "نعم، حتى ثلاث مرات",
    )
    shown = client.get(page).data.decode()
    box = re.search(r'<section id="my-question">.*?</section>', shown, re.DOTALL)
    assert box is not None
    assert "هل تقبل التعديل؟" in box.group(0)
    assert "نعم، حتى ثلاث مرات" in box.group(0)


def _reem(host):
    return Actor.member(host.market.profile_by_username("reem_marketing").member_id)
