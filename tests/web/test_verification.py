"""Item 6: e-mail verification links are mailed, expire, work once; no money moves before.

On a site (not a demo) the link goes only to the outbox (``Host.mail``), never onto the
page of whoever registered. Each test here failed on the host as it was (the link shown
on the page, working forever and any number of times, an unverified member topping up).
"""

from __future__ import annotations

import re
import time

import pytest
from app import bootstrap, create_app
from forms import csrf_of

from microgigs.actors import Actor
from microgigs.ids import CategoryId, MemberId
from microgigs.money import Money


@pytest.fixture
def site(tmp_path):
    """A fresh site (no demo) whose outbox the test reads."""
    host = bootstrap(str(tmp_path / "site.sqlite3"))
    sent = []
    host.mail = lambda to, subject, body: sent.append((to, subject, body))
    app = create_app(host, secret_key="verification-test", testing=True)  # noqa: S106
    yield app, host, sent
    host.close()


def register(client, name="rana"):
    token = csrf_of(client.get("/register").data)
    form = {"csrf": token, "username": name, "email": f"{name}@example.com",
            "first_name": "رنا", "family_name": "سالم", "password": "a-good-password"}  # fmt: skip
    answer = client.post("/register", data=form, follow_redirects=True)
    assert 200 == answer.status_code, answer.data[:300]
    return answer.data.decode()


def link_in(sent):
    (_to, _subject, body), *_ = sent[-1:]
    return re.search(r"https?://\S+/verify/\S+", body).group(0)


def test_the_link_is_mailed_and_never_shown_to_whoever_registers(site):
    app, _host, sent = site
    page = register(app.test_client())
    assert "rana@example.com" == sent[-1][0]
    token = link_in(sent).rsplit("/", 1)[1]
    assert token not in page
    assert 'id="verify-link"' not in page


def test_a_link_works_once(site):
    app, _host, sent = site
    client = app.test_client()
    register(client)
    path = link_in(sent).split("://", 1)[1].split("/", 1)[1]
    assert 303 == client.get(f"/{path}").status_code
    again = app.test_client().get(f"/{path}")  # its member, logged in, is told it is done
    assert 404 == again.status_code
    assert "استُخدم أو انتهت مدته" in again.data.decode()


def test_a_link_expires(site):
    app, host, sent = site
    client = app.test_client()
    register(client)
    path = "/" + link_in(sent).split("://", 1)[1].split("/", 1)[1]
    host.accounts.clock = lambda: time.time() + 49 * 3600
    assert 404 == app.test_client().get(path).status_code  # (the client's session ended)
    host.accounts.clock = time.time
    assert "/verify/again" in client.get("/account").data.decode()  # still unverified
    client.post("/verify/again", data={"csrf": csrf_of(client.get("/account").data)})
    fresh = "/" + link_in(sent).split("://", 1)[1].split("/", 1)[1]
    assert fresh != path
    assert 303 == client.get(fresh).status_code
    assert "/verify/again" not in client.get("/account").data.decode()


def test_no_money_moves_before_verification(site):
    app, _host, sent = site
    client = app.test_client()
    made = client.post("/api/v1/members", json={
        "username": "omar", "email": "omar@example.com", "first_name": "عمر",
        "family_name": "زيد", "password": "a-good-password"})  # fmt: skip
    assert 201 == made.status_code
    token = client.post(
        "/api/v1/tokens", json={"email": "omar@example.com", "password": "a-good-password"}
    ).json["token"]
    bearer = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    top_up = {"amount": "50", "method": "card"}
    refused = client.post("/api/v1/wallet/top-ups", json=top_up, headers=bearer)
    assert 422 == refused.status_code
    assert "members.email_not_verified" == refused.json["code"]
    assert "0.00" == client.get("/api/v1/me", headers=bearer).json["balances"]["wallet"]
    path = "/" + link_in(sent).split("://", 1)[1].split("/", 1)[1]
    assert 303 == client.get(path).status_code
    assert 201 == client.post("/api/v1/wallet/top-ups", json=top_up, headers=bearer).status_code


def test_a_forged_host_header_never_reaches_a_mailed_link(site):
    # hostile review: registering with "Host: evil.example" mailed the victim a link to
    # evil.example, whose token the attacker then used on the real site
    app, _host, sent = site
    client = app.test_client()
    forged = client.get("/register", headers={"Host": "evil.example"})
    assert 400 == forged.status_code  # not a host this site answers for
    token = csrf_of(client.get("/register").data)
    answer = client.post(
        "/register",
        data={"csrf": token, "username": "victim", "email": "victim@example.com",
              "first_name": "رنا", "family_name": "سالم", "password": "a-good-password"},
        headers={"Host": "evil.example"},
    )  # fmt: skip
    assert 400 == answer.status_code
    assert [] == sent


def test_links_are_built_from_the_sites_own_address(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROGIGS_BASE_URL", "https://souq.example")
    monkeypatch.setenv("MICROGIGS_HOSTS", "souq.example")
    host = bootstrap(str(tmp_path / "site.sqlite3"))
    sent = []
    host.mail = lambda to, subject, body: sent.append((to, subject, body))
    app = create_app(host, secret_key="verification-test", testing=True)  # noqa: S106
    client = app.test_client()
    page = client.get("/register", base_url="https://souq.example")
    form = {"csrf": csrf_of(page.data), "username": "rana", "email": "rana@example.com",
            "first_name": "رنا", "family_name": "سالم", "password": "a-good-password"}  # fmt: skip
    client.post("/register", data=form, base_url="https://souq.example")
    assert link_in(sent).startswith("https://souq.example/verify/")
    assert 400 == client.get("/register").status_code  # localhost is not this site
    host.close()


def test_a_link_used_again_after_confirming_says_the_address_is_confirmed(site):
    # it said "invalid link … ask for a new one from your dashboard" above an empty red box
    app, _host, sent = site
    client = app.test_client()
    register(client, "salma")
    path = "/" + link_in(sent).split("://", 1)[1].split("/", 1)[1]
    client.get(path)
    again = client.get(path, follow_redirects=True).data.decode()
    assert "بريدك الإلكتروني مؤكَّد من قبل" in again
    assert "لوحتك" not in again
    assert '<p class="flash error"></p>' not in again
    stranger = app.test_client().get(path).data.decode()  # not logged in: the account page
    assert "صفحة حسابك" in stranger
    assert "لوحتك" not in stranger
    assert '<p class="flash error"></p>' not in stranger


def test_an_unverified_member_is_told_to_confirm_their_address_in_plain_words(site):
    # a walk-through (2026-12-07): «أكِّد البريد الإلكتروني للحساب 01M9… قبل…», an id that
    # means nothing to the member reading it
    app, host, _sent = site
    client = app.test_client()
    register(client)
    token = csrf_of(client.get("/account").data)
    answer = client.post(
        "/wallet/top-up",
        data={"csrf": token, "amount": "50", "method": "card"},
        follow_redirects=True,
    )
    (said,) = re.findall(r'class="flash error"[^>]*>(.*?)<', answer.data.decode(), re.DOTALL)
    assert said.startswith("أكِّد بريدك الإلكتروني أولًا بالرابط الذي أرسلناه إليك")
    assert host.accounts.holder("rana@example.com").member_id not in said


# A walk-through (2026-12-08): a new member learnt only at the pay button that they had to
# confirm their address, and the link then landed on their account, not back at the cart.
def test_the_cart_says_to_confirm_before_paying_and_the_link_brings_the_buyer_back(site):
    app, host, sent = site
    seller = Actor.member(
        host.market.register_member(
            username="sara", email="sara@example.com", first_name="سارة", family_name="علي"
        )
    )
    service = host.market.publish_service(
        seller, category_id=CategoryId("logo-design"), title="تصميم شعار احترافي لشركتك",
        description="أصمم لك شعارًا احترافيًا فريدًا يعبر عن هوية شركتك، مع نماذج أولية.",
        instructions="أرسل اسم شركتك.", base_price=Money.of("5", "USD"), delivery_days=2,
    )  # fmt: skip
    host.market.moderate_service(Actor.admin(MemberId("staff")), service.id)
    client = app.test_client()
    register(client)
    page = client.get(f"/services/{service.id}").data
    client.post(f"/services/{service.id}/cart", data={"csrf": csrf_of(page), "key": "c-1"})
    cart = client.get("/cart").data.decode()
    note = re.search(r'<form method="post" action="/verify/again"[^>]*id="unverified">.*?</form>',
                     cart, re.DOTALL)  # fmt: skip
    assert note is not None
    assert cart.index('id="unverified"') < cart.index('id="pay-now"')
    assert 'name="next" value="/cart"' in note.group(0)
    assert ("<th>البند</th><th>السعر</th><th>المبلغ</th>") in cart  # the quote's columns
    again = client.post("/verify/again", data={"csrf": csrf_of(cart.encode()), "next": "/cart"})
    assert "/cart" == again.headers["Location"]
    path = "/" + link_in(sent).split("://", 1)[1].split("/", 1)[1]
    followed = client.get(path)
    assert "/cart" == followed.headers["Location"]  # back where paying waits
    assert 'id="unverified"' not in client.get("/cart").data.decode()
