"""Helpers of the web tests: CSRF tokens from pages, logging in."""

from __future__ import annotations

import re

from microgigs.ranking import ListingQuery


def flashed(html: bytes, *, errors: bool = False) -> list[str]:
    """What a page says of the last post: its flashed messages (only the refusals with
    ``errors``), and a long form's refusal said at the form's own top instead."""
    kinds = rb"flash error" if errors else rb"flash[^\"]*"
    # a form refused for several fields says each on its own line (<br>)
    pattern = rb'<p class="(?:' + kinds + rb'|refused)"[^>]*>((?:[^<]|<br>)*)</p>'
    return [m.decode().replace("<br>", "\n").strip() for m in re.findall(pattern, html)]


def csrf_of(html: bytes) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(rb'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1).decode()


def log_in(client, email, password="demo-password"):  # noqa: S107 (the demo's password)
    token = csrf_of(client.get("/login").data)
    answer = client.post("/login", data={"csrf": token, "email": email, "password": password})
    assert 303 == answer.status_code, answer.data[:300]
    return answer


def bearer(client, email, password="demo-password"):  # noqa: S107 (the demo's password)
    """A bearer token for the JSON API."""
    answer = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert 201 == answer.status_code, answer.json
    return answer.json["token"]


def ask_a_logo_seller(app, host, body, key):
    """Layla asks the seller of the first logo service ``body``; that seller, logged in, and
    the listing."""
    buyer, seller = app.test_client(), app.test_client()
    log_in(buyer, "layla@example.com")
    listing = host.market.search(ListingQuery(text="شعار")).listings[0]
    page = buyer.get(f"/services/{listing.service_id}").data
    buyer.post(
        f"/services/{listing.service_id}/ask",
        data={"csrf": csrf_of(page), "key": key, "body": body},
    )
    log_in(seller, f"{host.market.profile(listing.seller_id).username}@example.com")
    return seller, listing
