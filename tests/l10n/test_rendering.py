"""What the formatting functions produce reads correctly in a real browser (Chromium)."""

from __future__ import annotations

import html

import pytest

from microgigs.errors import ContactDetailsNotAllowed, CurrencyMismatch, PriceNotAllowed
from microgigs.l10n import format_money, translate_error
from microgigs.money import Money


@pytest.mark.browser
def test_arabic_money_and_messages_render_right_to_left(browser):
    # The page sets no direction: each paragraph takes it from its own text (dir="auto", the
    # first strong character), so only what the library wrote can make it right to left.
    texts = {
        "price": format_money(Money.of("205", "USD"), "ar"),
        "message": translate_error(CurrencyMismatch(left="USD", right="SAR"), "ar"),
        "english": format_money(Money.of("205", "USD"), "en"),
    }
    page = browser.new_page()
    try:
        page.set_content(
            '<!doctype html><html><meta charset="utf-8">'
            + "".join(f'<p id="{k}" dir="auto">{html.escape(v)}</p>' for k, v in texts.items())
        )
        shown = {
            key: (
                page.eval_on_selector(f"#{key}", "e => getComputedStyle(e).direction"),
                page.inner_text(f"#{key}"),
            )
            for key in texts
        }
    finally:
        page.close()
    assert {
        "price": ("rtl", texts["price"].strip()),
        "message": ("rtl", texts["message"]),
        "english": ("ltr", "$205.00"),
    } == shown


@pytest.mark.parametrize(
    ("found", "arabic"),
    [
        ("phone", "رقم الجوال"),
        ("link", "رابط"),
        ("phone, email", "رقم الجوال، البريد الإلكتروني"),
        ("phone, link", "رقم الجوال، رابط"),
        ("handle", "حساب تواصل اجتماعي"),
        ("phone, handle", "رقم الجوال، حساب تواصل اجتماعي"),
    ],
)
def test_the_contact_details_found_are_named_in_arabic(found, arabic):
    # the kinds were joined in English before translation: «(phone, link)» in an Arabic page
    said = translate_error(ContactDetailsNotAllowed(found=found), "ar")
    assert f"({arabic})" in said


def test_a_price_off_its_step_is_not_called_out_of_range_in_arabic():
    # a walk-through (2026-12-07): $5.50 read «خارج المسموح (من 5 إلى 255)», inside it
    usd = {"minimum": Money(500, "USD"), "maximum": Money(25500, "USD"), "step": Money(500, "USD")}
    said = translate_error(
        PriceNotAllowed(field="base price", price=Money(550, "USD"), **usd), "ar"
    )
    assert "خارج" not in said
    assert "بمضاعفات" in said
