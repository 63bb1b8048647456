"""The seed's whole journey in Debian's Chromium, a screenshot at each step.

A seller registers, confirms their e-mail and publishes a service with upgrades; an admin
approves it; a buyer registers, tops up, finds it by Arabic search, adds it with two
upgrades to the cart, pays from the balance and sends instructions; the seller delivers,
the buyer asks for a modification, the seller delivers again, the buyer accepts and
reviews; the seller's dashboard then shows 80% of the price pending. Screenshots go to
``test-artifacts/web/`` (and, with ``MICROGIGS_DOCS_SCREENSHOTS`` set, the three of
``docs/screenshots/``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "web"
DOCS = ROOT / "docs" / "screenshots"
TITLE = "تصميم شعار عربي مميز لعلامتك التجارية"
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="9" fill="green"/></svg>'
DESCRIPTION = "أصمم لك شعارًا عربيًا فريدًا بخط يدوي يعبر عن هوية علامتك، مع ثلاثة نماذج أولية."


class Journey:
    def __init__(self, browser, site):
        self.browser, self.site, self.step = browser, site, 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def person(self):
        context = self.browser.new_context(locale="ar", viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def shot(self, page, name, docs=None):
        self.step += 1
        page.screenshot(path=str(SHOTS / f"{self.step:02d}-{name}.png"), full_page=True)
        if docs and os.environ.get("MICROGIGS_DOCS_SCREENSHOTS"):
            DOCS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS / f"{docs}.png"))

    def go(self, page, path):
        page.goto(self.site + path)

    def register(self, page, username, first, family):
        self.go(page, "/register")
        page.fill("input[name=username]", username)
        page.fill("input[name=email]", f"{username}@example.com")
        page.fill("input[name=first_name]", first)
        page.fill("input[name=family_name]", family)
        page.fill("input[name=password]", "a-good-long-password")
        page.click("form.box button.primary")
        page.click("#verify-link")
        assert "تم تأكيد بريدك الإلكتروني" in page.inner_text("main")

    def log_in(self, page, email):
        self.go(page, "/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", "demo-password")
        page.click("form.box button.primary")

    def order_action(self, page, action, text=None):
        form = page.locator(f"form[action$='/{action}']")
        confirm = page.locator("details.confirm", has=form)
        if confirm.count():  # an action that cannot be undone asks first, and says why
            assert not form.is_visible()
            confirm.locator("summary").click()
            assert "لا يمكن التراجع" in confirm.inner_text()
        if text is not None:
            form.locator("textarea").fill(text)
        form.locator("button").click()


@pytest.mark.browser
def test_the_seed_journey_in_the_browser(browser, site):  # noqa: PLR0915 (one journey)
    j = Journey(browser, site)
    home = j.person()
    j.go(home, "/")
    j.shot(home, "home", docs="home")

    seller = j.person()
    j.register(seller, "mariam_art", "مريم", "الحربي")
    assert "مريم" in seller.inner_text("#who")  # who is logged in, on every page
    j.go(seller, "/dashboard")
    form = seller.locator("form.publish")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("select[name=category]").select_option("logo-design")
    form.locator("textarea[name=description]").fill(DESCRIPTION)
    form.locator("textarea[name=instructions]").fill("أرسل اسم علامتك وألوانها المفضلة.")
    form.locator("input[name=price]").fill("10")
    form.locator("input[name=days]").fill("3")
    for n, (title, price) in enumerate([("ملفات المصدر", "5"), ("تسليم عاجل", "10")]):
        form.locator(f"input[name=upgrade_title_{n}]").fill(title)
        form.locator(f"input[name=upgrade_price_{n}]").fill(price)
    form.locator("button.primary").click()
    assert "أُرسلت الخدمة للمراجعة" in seller.inner_text("main")
    j.shot(seller, "published")

    admin = j.person()
    j.log_in(admin, "admin@example.com")
    j.go(admin, "/admin")
    admin.locator(".row", has_text=TITLE).locator("button.primary").click()
    j.shot(admin, "approved")

    buyer = j.person()
    j.register(buyer, "fahad_k", "فهد", "الكعبي")
    j.shot(buyer, "account")  # a new member lands on their own page: balance, top-up
    topup = buyer.locator("form[action='/wallet/top-up']")
    topup.locator("input[name=amount]").fill("100")
    topup.locator("button").click()
    buyer.fill("header input[name=q]", "شعار عربي")
    buyer.press("header input[name=q]", "Enter")
    j.shot(buyer, "search")
    buyer.locator(".card", has_text=TITLE).click()
    j.shot(buyer, "service", docs="service")
    assert "10.00" in buyer.inner_text("#running-total")
    for box in buyer.locator("input[name=upgrade]").all():
        box.check()
    # the running total follows the choices: $10 + $5 + $10, then twice that, in one island
    assert "25.00" in buyer.inner_text("#running-total")
    buyer.fill("form.buy input[name=quantity]", "2")
    assert "50.00" in buyer.inner_text("#running-total")
    buyer.fill("form.buy input[name=quantity]", "1")
    assert "ltr" == buyer.get_attribute("#running-total", "dir")
    buyer.locator("form.buy button", has_text="أضف إلى السلة").click()
    j.shot(buyer, "cart")
    assert "25.00" in buyer.inner_text("main")  # the cart shows the price before paying
    buyer.locator("form[action='/checkout'] button.primary").click()
    assert "تم الدفع" in buyer.inner_text("main")
    order_url = buyer.url
    j.order_action(buyer, "message", "اسم العلامة «نخلة»، والألوان أخضر وذهبي.")
    assert "جارٍ التنفيذ" in buyer.inner_text("#status")

    seller.goto(order_url)
    seller.locator("form[action$='/deliver'] input[type=file]").set_input_files(
        [{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": LOGO}]
    )
    j.order_action(seller, "deliver", "إليك الشعار بالصيغ المطلوبة")
    buyer.goto(order_url)
    delivered = buyer.locator("a.file", has_text="logo.svg").get_attribute("href")
    assert LOGO == buyer.request.get(site + delivered).body()
    j.order_action(buyer, "modify", "أرجو تكبير الخط قليلًا")
    seller.goto(order_url)
    j.order_action(seller, "deliver", "تم التعديل، بانتظار رأيك")
    buyer.goto(order_url)
    j.shot(buyer, "delivered", docs="order")
    j.order_action(buyer, "accept")
    assert "تم التسليم" in buyer.inner_text("#status")  # completed
    assert "اكتمل الطلب وحُوِّل الثمن للبائع" in buyer.inner_text("p.flash")
    timeline = buyer.inner_text("#timeline")
    for step in ("طلب الخدمة", "مريم الحربي", "في انتظار الاستلام", "تم التسليم"):
        assert step in timeline, (step, timeline)
    assert "موعد التسليم" not in buyer.inner_text("p.meta")  # a completed order is not due
    assert "1" == buyer.inner_text("#quantity")
    j.order_action(buyer, "review", "شعار رائع وتعامل راقٍ")
    j.shot(buyer, "reviewed")

    j.go(seller, "/dashboard")
    j.shot(seller, "dashboard")
    pending = seller.inner_text("#pending")
    # $10 + $5 + $10 = $25; the seller's 80% is $20, pending until clearance
    assert "20.00" == re.sub(r"[^0-9.]", "", pending), pending
    for page in (home, seller, admin, buyer):
        page.context.close()
