"""A client's account page says what they paid into contracts, not "no purchases yet".

A walk-through (2026-12-07): a client who had funded a milestone read «لم تشترِ شيئًا بعد»
on /account; only service orders were listed there.
"""

from __future__ import annotations

import re

import pytest
from forms import log_in

from microgigs.actors import Actor
from microgigs.ids import MemberId
from microgigs.l10n import format_money


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u200f", "")


@pytest.mark.parametrize(("lang", "paid"), [("ar", "دفعت"), ("en", "paid")])
def test_the_account_page_lists_what_a_client_paid_into_contracts(app, host, lang, paid):
    client = app.test_client()
    client.get(f"/lang/{lang}?next=/")
    log_in(client, "hind@example.com")
    hind = Actor.member(
        MemberId(host.accounts.check("hind@example.com", "demo-password").member_id)
    )
    contracts = [c for c in host.market.my_contracts(hind) if c.client_id == hind.member_id]
    assert contracts, "the demo's client has a contract"
    html = client.get("/account").get_data(as_text=True)
    text = _text(html)
    for contract in contracts:
        row = re.search(rf'<li id="contract-{contract.id}">(.*?)</li>', html, re.DOTALL)
        assert row is not None, contract.id
        said = _text(row.group(1))
        assert f'href="/contracts/{contract.id}"' in row.group(1)
        amount = _text(format_money(contract.funded() + contract.fees(), lang)).strip("\u200e ")
        assert f"{paid} {amount}" in said, said
    assert "لم تشترِ شيئًا بعد" not in text
    assert "No purchases yet" not in text
