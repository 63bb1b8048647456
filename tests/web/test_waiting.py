"""The dashboard and the account page say what waits for the member's move.

A walk-through (2026-12-07): nothing told a seller that an order, a contract's offer or a
request to cancel waited for her; a buyer's request to cancel went through unanswered.
"""

from __future__ import annotations

import re

from forms import log_in

from microgigs.actors import Actor
from microgigs.l10n import format_datetime
from microgigs.orders import OrderEvent


def _line_on_the_dashboard(app, username, href):
    """The seller's dashboard, and its line of what waits that links to ``href``."""
    seller = app.test_client()
    log_in(seller, f"{username}@example.com")
    page = seller.get("/dashboard").data.decode()
    line = re.search(rf'<li><a href="{re.escape(href)}">.*?</li>', page, re.DOTALL)
    assert line is not None, href
    return page, line.group(0)


def test_the_sellers_dashboard_lists_what_waits_for_her(app, host):
    sara = app.test_client()
    log_in(sara, "sara_designs@example.com")
    seller = Actor.member(host.market.profile_by_username("sara_designs").member_id)
    waiting = host.market.orders_waiting(seller)
    assert waiting  # the demo leaves her orders to deliver
    page = sara.get("/dashboard").data.decode()
    box = re.search(r'<section class="box waiting" id="waiting">(.*?)</section>', page, re.DOTALL)
    assert box is not None
    for item in waiting:
        assert f'href="/orders/{item.order.id}#actions"' in box.group(1)  # the forms
    assert f"({len(waiting) + len(host.market.contracts_waiting(seller))})" in box.group(1)


def test_a_request_to_cancel_waits_on_the_sellers_dashboard(app, host):
    seller = Actor.member(host.market.profile_by_username("noura_writes").member_id)
    order = next(
        w.order for w in host.market.orders_waiting(seller) if w.moves == (OrderEvent.DELIVER,)
    )
    host.market.request_cancellation(Actor.member(order.buyer_id), order.id, "تغيرت خطتي")
    _page, line = _line_on_the_dashboard(app, "noura_writes", f"/orders/{order.id}#actions")
    assert "طلب إلغاء بانتظار ردك" in line


def test_a_late_order_says_since_when_it_is_late_in_the_sites_time(app, host):
    # a later walk-through (2026-12-07): "Deliver the work by Dec 5" on Dec 8, and every
    # time in UTC, three hours early for a Saudi seller, with nothing saying so
    seller = Actor.member(host.market.profile_by_username("noura_writes").member_id)
    now = host.market.clock.now()
    late = [w.order for w in host.market.orders_waiting(seller) if w.order.deadline < now]
    assert late  # the demo leaves noura an order past its days
    page, line = _line_on_the_dashboard(app, "noura_writes", f"/orders/{late[0].id}#actions")
    riyadh = format_datetime(late[0].deadline, "ar", time_format="short", timezone="Asia/Riyadh")
    assert f'<small class="late">متأخر منذ {riyadh}</small>' in line
    assert "الأوقات كلها بتوقيت المملكة العربية السعودية." in page


def test_a_contracts_line_says_when_and_stands_among_the_orders_by_urgency(app, host):
    # a probe (2026-12-07): a submission to approve said no time, and contracts came last
    client = Actor.member(host.market.profile_by_username("hind").member_id)
    (waiting,) = host.market.contracts_waiting(client)
    due = waiting.contract.next_due_at
    assert due is not None
    hind = app.test_client()
    log_in(hind, "hind@example.com")
    page = hind.get("/account").data.decode()
    box = re.search(r'id="waiting">(.*?)</section>', page, re.DOTALL).group(1)
    line = re.search(rf'<li><a href="/contracts/{waiting.contract.id}">.*?</li>', box, re.DOTALL)
    riyadh = format_datetime(due, "ar", time_format="short", timezone="Asia/Riyadh")
    assert riyadh in line.group(0)
    orders = {w.order.id: w.order for w in host.market.orders_waiting(client)}
    dues = []
    for href in re.findall(r'<li><a href="/(orders|contracts)/([0-9A-Z]+)', box):
        kind, key = href
        if kind == "contracts":
            dues.append(due)
        else:
            order = orders[key]
            dues.append(order.deadline if order.next_due is None else order.next_due.at)
    timed = [d for d in dues if d is not None]
    assert timed == sorted(timed)
    assert dues[: len(timed)] == timed  # the untimed last


def test_a_buyers_question_waits_on_the_sellers_dashboard(app, host):
    # a walk-through (2026-12-08): «بانتظارك (2)» listed noura's late orders, not the
    # buyer's question waiting for her answer, which her response time counts
    seller = Actor.member(host.market.profile_by_username("noura_writes").member_id)
    service = host.market.dashboard(seller).services[0]
    buyer = Actor.member(host.market.profile_by_username("tariq").member_id)
    inquiry = host.market.ask(buyer, service.id, "هل تكتب بلهجة خليجية؟")
    page, line = _line_on_the_dashboard(app, "noura_writes", f"/dashboard#inquiry-{inquiry}")
    assert "سؤال مشترٍ بانتظار ردك" in line
    waiting = len(host.market.orders_waiting(seller)) + len(host.market.contracts_waiting(seller))
    asked = [q for q in host.market.dashboard(seller).inquiries if q.awaits_answer]
    assert f"({waiting + len(asked)})" in page
