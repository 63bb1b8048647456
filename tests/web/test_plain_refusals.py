"""Refusals said on a page name nothing a reader cannot use: no internal id, no hidden key.

A walk-through and a hostile review (2026-12-07) read «لم نعثر على مشروع بالمعرّف 01M9…»,
"The key stale-key-1 was already used for a different request" (a form's hidden key),
"The account 01M6… is suspended" of the reader's own account, and «غيّر شخص آخر سلة
مشتريات 01M6…». Each is said in words the reader can act on, in Arabic and in English.
"""

from __future__ import annotations

import re

import pytest
from forms import csrf_of, log_in

from microgigs.ranking import ListingQuery

ULID = re.compile(r"[0-9A-Z]{26}")


def _flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<p class="flash[^"]*"[^>]*>([^<]*)</p>', html)]


@pytest.mark.parametrize(("lang", "said"), [("ar", "لا يوجد"), ("en", "There is no such")])
def test_a_missing_thing_is_said_without_its_id(app, lang, said):
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    log_in(client, "hind@example.com")
    page = client.get("/projects/01M979J0SS3DZ966E20MTZ1B2C")
    text = re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))  # the words, not the links
    assert 404 == page.status_code
    assert said in text
    assert "01M979J0SS3DZ966E20MTZ1B2C" not in text
    # a cart line removed meanwhile: said on the cart, nothing put back
    listing = app.extensions["host"].market.search(ListingQuery(limit=1)).listings[0]
    token = csrf_of(client.get("/cart").data)
    answer = client.post(
        f"/cart/{listing.service_id}/quantity",
        data={"csrf": token, "key": f"gone-{lang}", "quantity": "2"},
        follow_redirects=True,
    )
    (flash,) = _flashes(answer.get_data(as_text=True))
    assert said in flash
    assert not ULID.search(flash)


@pytest.mark.parametrize(("lang", "said"), [("ar", "أُرسل من قبل"), ("en", "was sent before")])
def test_a_forms_key_used_for_other_content_is_not_named(app, lang, said):
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    log_in(client, "tariq@example.com")
    token = csrf_of(client.get("/account").data)
    client.post("/wallet/top-up", data={"csrf": token, "key": f"same-{lang}", "amount": "10",
                                 "method": "card"})  # fmt: skip
    again = client.post(
        "/wallet/top-up",
        data={"csrf": token, "key": f"same-{lang}", "amount": "20", "method": "card"},
        follow_redirects=True,
    )
    flash = _flashes(again.get_data(as_text=True))[-1]  # after the first top-up's
    assert said in flash
    assert f"same-{lang}" not in flash
