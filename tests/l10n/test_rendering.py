"""What the formatting functions produce reads correctly in a real browser (Chromium)."""

from __future__ import annotations

import html

import pytest

from microgigs.errors import CurrencyMismatch
from microgigs.l10n import format_money, translate_error
from microgigs.money import Money


@pytest.mark.browser
def test_arabic_money_and_messages_render_right_to_left(browser):
    price = format_money(Money.of("205", "USD"), "ar")
    message = translate_error(CurrencyMismatch(left="USD", right="SAR"), "ar")
    page = browser.new_page()
    try:
        page.set_content(
            '<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8">'
            f'<p id="price">{html.escape(price)}</p><p id="message">{html.escape(message)}</p>'
        )
        direction = page.eval_on_selector("#price", "e => getComputedStyle(e).direction")
        shown_price = page.inner_text("#price")
        shown_message = page.inner_text("#message")
    finally:
        page.close()
    assert ("rtl", price.strip(), message) == (direction, shown_price, shown_message)
