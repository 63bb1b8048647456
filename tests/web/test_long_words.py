"""One long unbroken word never makes a page wider than a phone's screen (walk-through 1).

A 200-letter search pushed the heading to ~3600 pixels and, right to left, everything off
the screen; a 250-letter word in an order's message blanked the order page for both
parties. Every member's text wraps wherever it must.
"""

from __future__ import annotations

import pytest

from microgigs.actors import Actor
from microgigs.orders import OrderStatus

PHONE = {"width": 390, "height": 844}


def _width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def _person(browser, site, lang):
    context = browser.new_context(locale=lang, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/lang/{lang}?next=/")
    return page


def _log_in(page, site, email):
    page.goto(f"{site}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo-password")
    page.click("form.box button.primary")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_long_search_word_fits_a_phone(browser, site, lang):
    page = _person(browser, site, lang)
    page.goto(f"{site}/search?q={'a' * 200}")
    assert 390 >= _width(page)
    page.context.close()


@pytest.mark.browser
def test_a_long_word_in_an_order_message_fits_a_phone_for_both_parties(browser, site, host):
    with host.market.storage.unit_of_work() as uow:
        order = uow.orders.in_status(OrderStatus.IN_PROGRESS, limit=1)[0]
        buyer = uow.members.get(order.buyer_id)
        seller = uow.members.get(order.seller_id)
    word = "ب" * 250
    host.market.send_message(Actor.member(buyer.id), order.id, word, key="long-word")
    for lang, member in (("ar", buyer), ("en", seller)):
        page = _person(browser, site, lang)
        _log_in(page, site, member.email)
        page.goto(f"{site}/orders/{order.id}")
        assert word in page.inner_text(".conversation")
        assert 390 >= _width(page), (lang, member.username)
        page.context.close()
