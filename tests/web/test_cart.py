"""The cart shows what each line costs, part by part, before paying (walk-through 3).

Each line: the service's base price, each chosen upgrade with its price and extra days,
the quantity, the line's total and its delivery days; then the total and the balance,
all before "ادفع الآن". Every amount comes from the library's priced cart (each line's
quote), none is computed by the host.
"""

from __future__ import annotations

import re

import pytest
from forms import csrf_of, log_in

from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.l10n import Unit, format_count, format_money
from microgigs.pricing import LineKind
from microgigs.ranking import ListingQuery


def _text(html: str) -> str:
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u200f", "")


def _service_with_upgrades(host):
    for listing in host.market.search(ListingQuery(limit=50)).listings:
        service = host.market.service(None, listing.service_id)
        if len(service.upgrades) >= 2 and any(u.extra_days for u in service.upgrades):
            return service
    pytest.fail("the demo has no service with two upgrades")


@pytest.mark.parametrize(
    ("lang", "email"), [("ar", "hind@example.com"), ("en", "tariq@example.com")]
)
def test_the_cart_shows_each_part_of_the_price_before_paying(app, host, lang, email):
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    log_in(client, email)
    service = _service_with_upgrades(host)
    chosen = service.upgrades[:2]
    page = client.get(f"/services/{service.id}").data
    client.post(
        f"/services/{service.id}/cart",
        data={
            "csrf": csrf_of(page),
            "key": f"cart-parts-{lang}",
            "quantity": "2",
            "upgrade": [u.id for u in chosen],
        },
    )
    html = client.get("/cart").get_data(as_text=True)
    account = host.accounts.check(email, "demo-password")
    view = host.market.cart(Actor.member(MemberId(account.member_id)))
    (line,) = [p for p in view.lines if p.line.service_id == service.id]
    assert line.quote is not None
    text = _text(html)
    pay = text.index("ادفع " if lang == "ar" else "Pay ")

    def shown(money):
        return format_money(money, lang).strip("\u200f\u200e")

    def before_paying(part):
        assert part in text, part
        assert text.index(part) < pay, part

    base = next(i for i in line.quote.lines if i.kind is LineKind.BASE)
    before_paying(shown(base.unit_price))
    for upgrade in chosen:
        item = next(i for i in line.quote.lines if i.upgrade_id == upgrade.id)
        before_paying(upgrade.title)
        before_paying(shown(item.unit_price))
        if upgrade.extra_days:
            before_paying("+" + format_count(upgrade.extra_days, Unit.DAY, lang))
    before_paying(("الكمية: " if lang == "ar" else "Quantity: ") + "2")
    before_paying(shown(line.quote.total))
    before_paying(format_count(line.quote.delivery_days, Unit.DAY, lang))
    before_paying(shown(view.total))
    before_paying(shown(view.balance))


def _cart_of_a_new_member(app, host, lang):
    """A member who just registered (no balance) with one service in the cart."""
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    token = csrf_of(client.get("/register").data)
    client.post("/register", data={
        "csrf": token, "username": f"new_buyer_{lang}", "email": f"new-{lang}@example.com",
        "first_name": "منى", "family_name": "سالم", "password": "long-enough-password",
    })  # fmt: skip
    service = _service_with_upgrades(host)
    page = client.get(f"/services/{service.id}").data
    client.post(f"/services/{service.id}/cart", data={"csrf": csrf_of(page), "key": "c-new"})
    return client


@pytest.mark.parametrize(("lang", "pay"), [("ar", "ادفع {} الآن"), ("en", "Pay {} now")])
def test_the_pay_button_names_the_total_and_a_short_balance_chooses_the_card(app, host, lang,
                                                                               pay):  # fmt: skip
    # "Pay now" said nothing of the amount, and a buyer with no balance had it chosen
    client = _cart_of_a_new_member(app, host, lang)
    html = client.get("/cart").get_data(as_text=True)
    button = re.search(r'<button class="primary" id="pay-now">(.*?)</button>', html, re.DOTALL)
    assert button is not None
    total = re.search(r'<strong id="total">(.*?)</strong>', html, re.DOTALL)
    assert total is not None
    assert pay.format(_text(total.group(1)).strip()) == _text(button.group(1)).strip()
    assert re.search(r'value="card" checked', html)
    assert not re.search(r'value="balance" checked', html)
    assert ("لا يكفي" if lang == "ar" else "not enough") in _text(html)
