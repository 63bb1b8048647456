"""The cart shows what each line costs, part by part, before paying (walk-through 3).

Each line: the service's base price, each chosen upgrade with its price and extra days,
the quantity, the line's total and its delivery days; then the total and the balance,
all before "ادفع الآن". Every amount comes from the library's priced cart (each line's
quote), none is computed by the host.
"""

from __future__ import annotations

import re

import pytest
from forms import bearer, csrf_of, log_in

from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.l10n import Unit, format_count, format_money
from microgigs.pricing import LineKind
from microgigs.ranking import ListingQuery


def _text(html: str) -> str:
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u200f", "")


def _a_demo_service(host, wanted, missing):
    """The first listed service of the demo that ``wanted`` says yes to."""
    for listing in host.market.search(ListingQuery(limit=50)).listings:
        service = host.market.service(None, listing.service_id)
        if wanted(service):
            return service
    pytest.fail(missing)


def _service_with_upgrades(host):
    return _a_demo_service(
        host,
        lambda s: len(s.upgrades) >= 2 and any(u.extra_days for u in s.upgrades),
        "the demo has no service with two upgrades",
    )


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
    # where money that comes back goes, said before paying by card (a walk-through)
    note = re.search(r'id="refund-note">(.*?)</p>', html, re.DOTALL)
    assert note is not None
    assert ("رصيدك في الموقع" if lang == "ar" else "your balance on the site") in note.group(1)


def _form(html: str) -> dict[str, str]:
    pay = re.search(r'<form method="post" action="/checkout".*?</form>', html, re.DOTALL)
    assert pay is not None, "no pay form"
    fields = dict(re.findall(r'name="(csrf|key|total)" value="([^"]*)"', pay.group(0)))
    return {**fields, "method": "card"}


def test_a_buyer_pays_the_total_the_page_showed_or_is_told_it_changed(app, host):
    # a hostile review (2026-12-07): a stale cart page's "Pay $10.00 now" charged the new
    # price a seller set meanwhile
    client = app.test_client()
    client.get("/lang/en?next=/")
    log_in(client, "layla@example.com")
    service = _service_with_upgrades(host)
    page = client.get(f"/services/{service.id}").data
    client.post(f"/services/{service.id}/cart", data={"csrf": csrf_of(page), "key": "c-price"})
    stale = _form(client.get("/cart").get_data(as_text=True))
    seller, admin = Actor.member(service.seller_id), Actor.admin(MemberId("staff"))
    new_price = service.base_price * 3
    host.market.edit_service(seller, service.id, base_price=new_price, key="price-up")
    edited = client.get("/cart").get_data(as_text=True)  # in review: not on sale meanwhile
    assert "not on sale now" in _text(edited)
    assert 'action="/checkout"' not in edited  # no "Pay $0.00 now"
    host.market.moderate_service(admin, service.id, key="price-up-ok")
    layla = Actor.member(
        MemberId(host.accounts.check("layla@example.com", "demo-password").member_id)
    )
    orders = len(host.market.orders_of(layla))
    refused = client.post("/checkout", data=stale, follow_redirects=True)
    said = _text(refused.get_data(as_text=True))
    assert "The total is now" in said
    assert "nothing was paid" in said
    assert orders == len(host.market.orders_of(layla))
    fresh = _form(client.get("/cart").get_data(as_text=True))
    assert 303 == client.post("/checkout", data=fresh).status_code
    assert orders + 1 == len(host.market.orders_of(layla))


def test_the_api_checkout_takes_the_total_the_buyer_was_shown(app, host):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, 'hind@example.com')}"}
    service = _service_with_upgrades(host)
    added = client.post("/api/v1/cart/items", json={"service_id": service.id}, headers=headers)
    assert 201 == added.status_code, added.json
    shown = client.get("/api/v1/cart", headers=headers).json["total"]
    seller, admin = Actor.member(service.seller_id), Actor.admin(MemberId("staff"))
    host.market.edit_service(seller, service.id, base_price=service.base_price * 4, key="api-up")
    host.market.moderate_service(admin, service.id, key="api-up-ok")
    refused = client.post(
        "/api/v1/checkout", json={"method": "card", "expected_total": shown}, headers=headers
    )
    assert (409, "conflict.price_changed") == (refused.status_code, refused.json["code"])
    now = client.get("/api/v1/cart", headers=headers).json["total"]
    paid = client.post(
        "/api/v1/checkout", json={"method": "card", "expected_total": now}, headers=headers
    )
    assert 201 == paid.status_code, paid.json


def _quantity_form(html: str, service_id: str) -> tuple[str, dict[str, str]]:
    form = re.search(
        rf'<form method="post" action="(/cart/{service_id}/quantity)".*?</form>', html, re.DOTALL
    )
    assert form is not None, "no quantity form on the cart line"
    fields = dict(re.findall(r'name="(csrf|key)" value="([^"]*)"', form.group(0)))
    return form.group(1), fields


@pytest.mark.parametrize(
    ("lang", "said"), [("ar", "عُدّل عدد مرات الطلب"), ("en", "Quantity changed")]
)
def test_a_buyer_changes_a_lines_quantity_in_the_cart_keeping_its_upgrades(app, host, lang, said):
    # a walk-through (2026-12-07): the cart could only remove a line; a buyer who wanted it
    # twice went back to the service and chose the upgrades again
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    email = "hind@example.com" if lang == "ar" else "tariq@example.com"
    log_in(client, email)
    service = _service_with_upgrades(host)
    chosen = [u.id for u in service.upgrades[:2]]
    page = client.get(f"/services/{service.id}").data
    client.post(f"/services/{service.id}/cart", data={
        "csrf": csrf_of(page), "key": f"q-{lang}", "upgrade": chosen,
    })  # fmt: skip
    html = client.get("/cart").get_data(as_text=True)
    assert 'name="quantity"' in html
    action, fields = _quantity_form(html, service.id)
    changed = client.post(action, data={**fields, "quantity": "3"}, follow_redirects=True)
    assert said in _text(changed.get_data(as_text=True))
    buyer = Actor.member(MemberId(host.accounts.check(email, "demo-password").member_id))
    (line,) = [p.line for p in host.market.cart(buyer).lines if p.line.service_id == service.id]
    assert (3, tuple(chosen)) == (line.quantity, line.upgrade_ids)
    # past the policy's most: the line stays as it was, and the buyer is told why
    most = host.market.policy.catalog.quantity_max
    _, fields = _quantity_form(client.get("/cart").get_data(as_text=True), service.id)
    refused = client.post(action, data={**fields, "quantity": str(most + 1)}, follow_redirects=True)
    assert str(most) in _text(refused.get_data(as_text=True))
    (line,) = [p.line for p in host.market.cart(buyer).lines if p.line.service_id == service.id]
    assert 3 == line.quantity
    # a line no longer in the cart: a 404, and nothing is put back in it
    client.post(f"/cart/remove/{service.id}", data={**fields, "key": f"rm-{lang}"})
    token = csrf_of(client.get("/cart").data)
    missing = client.post(
        action, data={"csrf": token, "key": f"q2-{lang}", "quantity": "2"}, follow_redirects=True
    )
    assert ("لا يوجد ما طلبته" if lang == "ar" else "There is no such") in _text(
        missing.get_data(as_text=True)
    )
    assert not any(p.line.service_id == service.id for p in host.market.cart(buyer).lines)


def _another_service(host, but):
    return _a_demo_service(
        host,
        lambda s: s.id != but.id and s.seller_id != but.seller_id,
        "the demo has no second seller's service",
    )


@pytest.mark.parametrize(
    ("lang", "email"), [("ar", "hind@example.com"), ("en", "tariq@example.com")]
)
def test_order_now_prices_and_pays_that_service_alone_and_leaves_the_cart(app, host, lang, email):
    # a walk-through (2026-12-07): "اطلب الآن" on a $5.00 service paid $10.00, the whole
    # cart, which held another service
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    log_in(client, email)
    service = _service_with_upgrades(host)
    other = _another_service(host, service)
    page = client.get(f"/services/{other.id}").data
    client.post(f"/services/{other.id}/cart", data={"csrf": csrf_of(page), "key": f"o-{lang}"})
    buyer = Actor.member(MemberId(host.accounts.check(email, "demo-password").member_id))
    cart_before = host.market.cart(buyer).lines
    orders_before = len(host.market.orders_of(buyer))
    chosen = [u.id for u in service.upgrades[:1]]
    page = client.get(f"/services/{service.id}").data
    asked = client.post(
        f"/services/{service.id}/cart",
        data={"csrf": csrf_of(page), "upgrade": chosen, "quantity": "2", "now": "1"},
    )
    assert 303 == asked.status_code
    assert asked.headers["Location"].startswith(f"/services/{service.id}/buy?")
    html = client.get(asked.headers["Location"]).get_data(as_text=True)
    quoted = host.market.quote(buyer, service.id, upgrade_ids=chosen, quantity=2).quote
    text = _text(html)
    assert format_money(quoted.total, lang).strip("\u200f\u200e") in text
    assert (
        re.search(r'<strong id="total">.*?</strong>', html, re.DOTALL)
        .group(0)
        .count(format_money(quoted.total, lang).strip("\u200f\u200e"))
    )
    assert ("ما في سلتك يبقى فيها" if lang == "ar" else "what is in your cart stays") in text
    assert cart_before == host.market.cart(buyer).lines  # seeing the price changed nothing
    form = re.search(
        rf'<form method="post" action="/services/{service.id}/buy".*?</form>', html, re.DOTALL
    )
    assert form is not None, "no pay form"
    fields = re.findall(r'name="(csrf|key|total|upgrade|quantity)" value="([^"]*)"', form.group(0))
    data: dict[str, object] = {name: value for name, value in fields if name != "upgrade"}
    data["upgrade"] = [value for name, value in fields if name == "upgrade"]
    assert (chosen, "2", str(quoted.total.minor)) == (
        data["upgrade"],
        data["quantity"],
        data["total"],
    )
    paid = client.post(f"/services/{service.id}/buy", data={**data, "method": "card"})
    assert 303 == paid.status_code
    assert paid.headers["Location"].startswith("/orders/")
    (order,) = host.market.orders_of(buyer)[:1]
    assert (orders_before + 1, quoted, cart_before) == (
        len(host.market.orders_of(buyer)),
        order.quote,
        host.market.cart(buyer).lines,
    )


def test_a_changed_price_on_the_order_now_page_charges_nothing_and_shows_the_new_one(app, host):
    client = app.test_client()
    client.get("/lang/en?next=/")
    log_in(client, "layla@example.com")
    service = _another_service(host, _service_with_upgrades(host))
    html = client.get(f"/services/{service.id}/buy").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf|key|total|quantity)" value="([^"]*)"', html))
    seller, admin = Actor.member(service.seller_id), Actor.admin(MemberId("staff"))
    host.market.edit_service(seller, service.id, base_price=service.base_price * 2, key="now-up")
    host.market.moderate_service(admin, service.id, key="now-up-ok")
    refused = client.post(
        f"/services/{service.id}/buy", data={**fields, "method": "card"}, follow_redirects=True
    )
    said = _text(refused.get_data(as_text=True))
    assert "The total is now" in said
    assert "nothing was paid" in said
    assert format_money(service.base_price * 2, "en") in said  # the page shows the new price


@pytest.mark.parametrize(
    ("lang", "said"),
    [("ar", "كانت الخدمة في سلتك، فعُدّل بندها"), ("en", "already in your cart: its line now has")],
)
def test_adding_a_service_already_in_the_cart_says_its_line_was_replaced(app, host, lang, said):
    # a walk-through: adding again silently replaced the line's upgrades and quantity
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    log_in(client, "hind@example.com" if lang == "ar" else "tariq@example.com")
    service = _service_with_upgrades(host)
    for n in (1, 2):
        page = client.get(f"/services/{service.id}").data
        added = client.post(
            f"/services/{service.id}/cart",
            data={"csrf": csrf_of(page), "key": f"again-{lang}-{n}", "quantity": str(n)},
            follow_redirects=True,
        )
    assert said in _text(added.get_data(as_text=True))
    page = client.get(f"/services/{service.id}").get_data(as_text=True)  # and before adding
    assert 'id="in-cart"' in page


def test_a_seller_opening_the_order_now_page_of_their_own_service_reads_no_id(app, host):
    # a walk-through (2026-12-07): «لا يمكنك شراء خدمتك (01M6VES1XPY1P04PT17Y59M0H2).»
    service = _service_with_upgrades(host)
    seller = host.market.member(Actor.system(), service.seller_id)
    client = app.test_client()
    log_in(client, seller.email)
    answer = client.get(f"/services/{service.id}/buy", follow_redirects=True)
    said = _text(answer.get_data(as_text=True))
    assert "لا يمكنك شراء خدمتك." in said
    assert service.id not in said


def test_paying_for_a_service_sent_back_to_review_says_so_once_and_lands_on_a_page(app, host):
    # a walk-through: the seller edited the price (the service went back to review) while
    # the buyer's page was open; "pay" ended on an error page saying «غير معروضة للبيع»
    # twice and «لا يوجد ما طلبته (الخدمة)»
    client = app.test_client()
    log_in(client, "layla@example.com")
    service = _another_service(host, _service_with_upgrades(host))
    html = client.get(f"/services/{service.id}/buy").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf|key|total|quantity)" value="([^"]*)"', html))
    seller = Actor.member(service.seller_id)
    host.market.edit_service(seller, service.id, base_price=service.base_price * 2, key="rv-up")
    refused = client.post(
        f"/services/{service.id}/buy", data={**fields, "method": "card"}, follow_redirects=True
    )
    assert 200 == refused.status_code
    said = _text(refused.get_data(as_text=True))
    assert 1 == said.count("غير معروضة للبيع")
    assert "لا يوجد ما طلبته" not in said
