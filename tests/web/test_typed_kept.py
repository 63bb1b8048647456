"""A refused form comes back with what was typed in it, beside the message (walk 7).

Publishing a service, posting a project or a request, bidding and writing in an order
threw the text away when one field was wrong; the person had to type it all again.
"""

from __future__ import annotations

import html
import re
import sqlite3

from forms import csrf_of, log_in

from microgigs.orders import OrderStatus
from microgigs.ranking import ListingQuery

LONG = "وصف طويل كتبه صاحبه بعناية، فيه تفاصيل كثيرة لا يريد أن يكتبها مرة أخرى."


def _send(client, page, action, **form):
    token = csrf_of(client.get(page).data)
    answer = client.post(
        action, data={"csrf": token, **form}, headers={"Referer": f"http://localhost{page}"}
    )
    assert 303 == answer.status_code
    shown = client.get(answer.headers["Location"]).data.decode()
    # said once: at the page's top, or at the form's own when it is a long one
    assert re.search(r'class="flash error"|class="refused" role="alert"', shown)
    return html.unescape(shown)


def test_a_refused_service_keeps_what_was_typed(app):
    client = app.test_client()
    log_in(client, "reem_marketing@example.com")
    form = {
        "category": "logo-design", "title": "عنوان خدمة محفوظ كما كُتب", "description": LONG,
        "instructions": "تعليمات محفوظة", "price": "abc", "days": "3", "tags": "شعار, هوية",
        "upgrade_title_0": "تطوير محفوظ", "upgrade_price_0": "5", "upgrade_days_0": "1",
    }  # fmt: skip
    page = _send(client, "/dashboard", "/services", **form)
    for value in (form["title"], LONG, "تعليمات محفوظة", "abc", "شعار, هوية", "تطوير محفوظ"):
        assert value in page, value
    assert 'value="logo-design" selected' in page
    assert LONG not in client.get("/dashboard").data.decode()  # once, not for ever


def test_a_refused_project_request_and_bid_keep_what_was_typed(app, host):
    client = app.test_client()
    log_in(client, "tariq@example.com")
    project = {
        "title": "مشروع محفوظ العنوان كما كُتب", "description": LONG, "category": "mobile-apps",
        "bracket": "2", "days": "10", "hires": "abc", "skills": "فلاتر",
    }  # fmt: skip
    page = _send(client, "/projects", "/projects", **project)
    assert project["title"] in page
    assert LONG in page
    assert "فلاتر" in page
    request = {"category": "logo-design", "title": "طلب محفوظ العنوان", "description": LONG,
               "budget": "abc"}  # fmt: skip
    page = _send(client, "/requests", "/requests", **request)
    assert "طلب محفوظ العنوان" in page
    assert LONG in page
    listed = host.market.open_projects(None, limit=1)[0]
    path = f"/projects/{listed.id}"
    page = _send(client, path, f"{path}/bids", amount="abc", days="5", text=LONG)
    assert LONG in page


def test_a_refused_message_keeps_what_was_written(app, host):
    with host.market.storage.unit_of_work() as uow:
        order = uow.orders.in_status(OrderStatus.IN_PROGRESS, limit=1)[0]
        buyer = uow.members.get(order.buyer_id)
    client = app.test_client()
    log_in(client, buyer.email)
    path = f"/orders/{order.id}"
    page = _send(client, path, f"{path}/message", body=LONG + " https://example.com")
    assert LONG + " https://example.com" in page
    assert host.market.search(ListingQuery(limit=1))  # the site still answers


def test_a_form_larger_than_any_of_the_sites_keeps_nothing(app, host):
    # hostile review: 900 fields of 10,000 characters from a visitor made a 9 MB session row
    visitor = app.test_client()
    token = csrf_of(visitor.get("/login").data)
    stuffed = {f"f{n}": "a" * 10_000 for n in range(900)}
    answer = visitor.post("/services", data={"csrf": token, "price": "abc", **stuffed})
    assert 413 == answer.status_code  # more than a form takes (MAX_FORM): not read at all
    stuffed = {f"f{n}": "a" * 10_000 for n in range(90)}  # under it: read, and not kept
    answer = visitor.post("/services", data={"csrf": token, "price": "abc", **stuffed})
    assert answer.status_code in (302, 303)
    with sqlite3.connect(host.accounts._target) as db:  # the host's own file
        (largest,) = db.execute("SELECT max(length(data)) FROM web_sessions").fetchone()
    assert largest is None or largest < 50_000  # a member's rows, if any: no copy of a form
    # a visitor's session is their cookie (no row): it holds no copy of the form either
    assert len(visitor.get_cookie("session").value) <= 3_100


def test_a_refused_top_up_keeps_its_amount_and_a_failed_log_in_its_e_mail(app):
    # a walk-through: 1000000 refused came back as 50, the form's default, so a second tap
    # would have charged $50; after a wrong password the e-mail had to be typed again
    client = app.test_client()
    log_in(client, "layla@example.com")
    page = _send(client, "/account", "/wallet/top-up", amount="1000000", method="card")
    assert 'name="amount" inputmode="decimal" value="1000000"' in page
    stranger = app.test_client()
    token = csrf_of(stranger.get("/login").data)
    wrong = stranger.post(
        "/login", data={"csrf": token, "email": "layla@example.com", "password": "not-hers-at-all"}
    )
    assert 401 == wrong.status_code
    assert 'value="layla@example.com"' in wrong.get_data(as_text=True)


def test_a_long_forms_refusal_is_said_once_at_the_form_and_announced(app):
    # a walk-through: the same refusal stood at the page's top and again at the form's
    client = app.test_client()
    log_in(client, "reem_marketing@example.com")
    form = {"category": "logo-design", "title": "عنوان خدمة محفوظ كما كُتب", "description": LONG,
            "instructions": "تعليمات", "price": "abc", "days": "3", "tags": "شعار"}  # fmt: skip
    page = _send(client, "/dashboard", "/services", **form)
    said = re.search(r'<p class="refused" role="alert">([^<]+)</p>', page)
    assert said is not None
    assert 1 == page.count(said.group(1))
    assert 'class="flash error"' not in page
    # a form that does not say it at its own top keeps the page's message
    client.post("/logout", data={"csrf": csrf_of(client.get("/").data)})
    log_in(client, "tariq@example.com")
    page = _send(client, "/account", "/wallet/top-up", amount="abc", method="card")
    assert 'class="flash error"' in page


def test_a_question_to_a_seller_refused_keeps_what_was_typed_and_a_visitor_is_sent_to_log_in(
    app, host
):
    # a walk-through: a question over 2,000 characters came back as an empty box, and a
    # visitor typed a question, was sent to log in, and came back to an empty box
    listing = host.market.search(ListingQuery(text="شعار")).listings[0]
    path = f"/services/{listing.service_id}"
    visitor = app.test_client().get(path).data.decode()
    assert f'action="{path}/ask"' not in visitor
    assert "/login?next=" in visitor.split('id="ask"')[1].split("</p>")[0]
    buyer = app.test_client()
    log_in(buyer, "tariq@example.com")
    page = buyer.get(path).data
    assert b'maxlength="2000"' in page.split(b'id="ask"')[1].split(b"</form>")[0]
    long_question = "هل " + "تسلم بصيغة PSD؟ " * 200
    buyer.post(f"{path}/ask", data={"csrf": csrf_of(page), "key": "long-q", "body": long_question})
    again = buyer.get(path).data.decode()
    assert long_question.strip() in again.split('id="ask"')[1]
