"""A member's orders and withdrawals come a page at a time, on the site and in the API.

Before: only the newest 50 could be read (the API) or were shown (the site), so a buyer's
51st order was nowhere.
"""

from __future__ import annotations

import re

import app as site_module
from forms import bearer, log_in

from microgigs.actors import Actor
from microgigs.ids import MemberId


def _walk(client, path, headers, field):
    """Every page of a list, following next_starting_after: the pages' ids."""
    pages, after = [], ""
    while True:
        answer = client.get(f"{path}?limit=2{after}", headers=headers)
        assert 200 == answer.status_code, answer.json
        pages.append([item["id"] for item in answer.json[field]])
        following = answer.json["next_starting_after"]
        if following is None:
            return pages
        assert following == pages[-1][-1]
        after = f"&starting_after={following}"


def test_the_api_pages_a_buyers_orders_past_the_last_one_read(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, 'ahmad@example.com')}"}
    whole = client.get("/api/v1/orders?limit=100", headers=headers).json["orders"]
    assert len(whole) > 2  # the demo's buyer has several
    pages = _walk(client, "/api/v1/orders", headers, "orders")
    assert [o["id"] for o in whole] == [i for page in pages for i in page]
    assert all(len(page) == 2 for page in pages[:-1])


def test_a_page_cursor_of_someone_elses_order_or_a_bad_limit_is_refused(app, host):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, 'layla@example.com')}"}
    ahmad = host.market.profile_by_username("ahmad").member_id
    theirs = host.market.orders_of(Actor.member(MemberId(ahmad)))[0].id
    foreign = client.get(f"/api/v1/orders?starting_after={theirs}", headers=headers)
    assert (404, "not_found") == (foreign.status_code, foreign.json["code"])
    assert 400 == client.get("/api/v1/orders?limit=abc", headers=headers).status_code
    zero = client.get("/api/v1/orders?limit=0", headers=headers)
    assert (422, "validation.out_of_range") == (zero.status_code, zero.json["code"])


def test_the_api_pages_a_sellers_withdrawals(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {bearer(client, 'omar_voice@example.com')}"}
    whole = client.get("/api/v1/withdrawals?limit=100", headers=headers).json["withdrawals"]
    pages = _walk(client, "/api/v1/withdrawals", headers, "withdrawals")
    assert [w["id"] for w in whole] == [i for page in pages for i in page]


def test_the_orders_page_links_to_older_orders_when_it_is_full(app, host, monkeypatch):
    monkeypatch.setattr(site_module, "ORDERS_PAGE", 2)
    client = app.test_client()
    log_in(client, "ahmad@example.com")
    seen, path = [], "/orders"
    while path:
        html = client.get(path).data.decode()
        seen += re.findall(r'href="/orders/([0-9A-Z]{26})"', html)
        older = re.search(r'id="older-orders" href="([^"]+)"', html)
        path = older.group(1).replace("&amp;", "&") if older else None
    ahmad = host.market.profile_by_username("ahmad").member_id
    every = host.market.orders_of(Actor.member(MemberId(ahmad)), limit=100)
    assert [o.id for o in every] == seen
    second = client.get(f"/orders?starting_after={seen[1]}").data.decode()
    assert f'href="/orders/{seen[2]}"' in second
    assert f'href="/orders/{seen[1]}"' not in second


def test_my_projects_page_links_to_older_projects_when_its_list_is_full(app, host, monkeypatch):
    # the library pages a client's projects; the page showed the newest 50 and no more
    monkeypatch.setattr(site_module, "MINE_PAGE", 1)
    hind = host.market.profile_by_username("hind").member_id
    older = host.market.my_projects(Actor.member(MemberId(hind)))[0]
    host.market.post_project(
        Actor.member(MemberId(hind)),
        category_id=older.terms.category_id,
        title="تصميم هوية بصرية لمقهى جديد في جدة",
        description="هوية كاملة: شعار وألوان وخطوط وتطبيقات على الأكواب والقوائم واللافتات.",
        bracket=2,
        duration_days=10,
        key="pages-second-project",
    )
    client = app.test_client()
    log_in(client, "hind@example.com")
    first = client.get("/projects/mine").data.decode()
    link = re.search(r'id="older-projects" href="([^"]+)"', first)
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&")).data.decode()
    assert f'href="/projects/{older.id}"' in second
    assert f'href="/projects/{older.id}"' not in first
    following = re.search(r'id="older-projects" href="([^"]+)"', second)
    assert following is not None  # a full page of one: there may be more
    last = client.get(following.group(1).replace("&amp;", "&")).data.decode()
    assert "لا مشاريع أقدم." in last
    assert 'id="older-projects"' not in last


def test_sorting_a_section_keeps_the_section(app, host):
    # a walk-through (2026-12-07): "top rated" applied to the design section gave twenty
    # services of every section, and nothing on the page said which section was shown
    client = app.test_client()
    client.get("/lang/en?next=/")
    page = client.get("/search?section=design").get_data(as_text=True)
    assert "<h1>Design</h1>" in page
    assert '<input type="hidden" name="section" value="design">' in page
    sorted_page = client.get("/search?q=&section=design&category=&ordering=top_rated")
    shown = re.findall(r'href="/services/([0-9A-Z]{26})"', sorted_page.get_data(as_text=True))
    tree = host.market.categories
    sections = {
        tree.category(host.market.service(None, sid).category_id).section_id for sid in shown
    }
    assert {"design"} == sections
    logos = client.get("/search?section=writing-translation&category=logo-design").get_data(
        as_text=True
    )
    assert "Nothing found." not in logos  # a category elsewhere: the category is the search
