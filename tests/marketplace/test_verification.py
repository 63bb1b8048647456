"""The policy's ``require_verified_email``: no money moves for an unverified member (#18, 6)."""

from __future__ import annotations

import attrs
import pytest
from cast import ADMIN, cast, usd

from microgigs import KHAMSAT
from microgigs import ledger as lg
from microgigs.errors import EmailNotVerified
from microgigs.ids import CategoryId
from microgigs.members import PayoutMethod


def test_an_unverified_member_moves_no_money_when_the_policy_asks(market):
    policy = attrs.evolve(KHAMSAT, ledger=attrs.evolve(KHAMSAT.ledger, require_verified_email=True))
    guarded = attrs.evolve(market, policy=policy)
    seller, buyer, service = cast(guarded)
    guarded.add_to_cart(buyer, service, key="c")  # choosing is not paying
    for pay in (
        lambda: guarded.top_up(buyer, usd(50), lg.Gateway.CARD, key="t"),
        lambda: guarded.checkout(buyer, lg.Gateway.CARD, key="k"),
        lambda: guarded.order_now(buyer, service, method=lg.Gateway.CARD, key="o"),
        lambda: guarded.quote(buyer, service),  # a hostile review: a "pay" page, then refused
    ):
        with pytest.raises(EmailNotVerified) as refused:
            pay()
        assert buyer.member_id == refused.value.member_id
    assert usd(0) == guarded.balances(buyer).wallet
    assert [] == guarded.orders_of(buyer)
    guarded.set_payout_methods(seller, [PayoutMethod.paypal("sara@example.com")], key="p")
    with pytest.raises(EmailNotVerified):
        guarded.request_withdrawal(seller, usd(10), key="w")
    guarded.verify_email(buyer.member_id, key="v")
    guarded.top_up(buyer, usd(50), lg.Gateway.CARD, key="t")
    assert usd(50) == guarded.balances(buyer).wallet


def test_an_unverified_member_accepts_no_offer_when_the_policy_asks(market):
    policy = attrs.evolve(KHAMSAT, ledger=attrs.evolve(KHAMSAT.ledger, require_verified_email=True))
    guarded = attrs.evolve(market, policy=policy)
    seller, buyer, service = cast(guarded)
    request = guarded.post_request(
        buyer,
        category_id=CategoryId("logo-design"),
        title="أحتاج شعارًا متحركًا لقناتي",
        description="شعار متحرك بثلاث ثوانٍ لقناة يوتيوب عن الطبخ، بألوان دافئة.",
        key="rq",
    )
    guarded.moderate_request(ADMIN, request, key="rm")
    offer = guarded.make_offer(seller, request, "خدمتي تناسب طلبك", service_id=service, key="o")
    with pytest.raises(EmailNotVerified):
        guarded.accept_offer(buyer, request, offer, key="a")
    assert [] == guarded.orders_of(buyer)


def test_the_presets_leave_verification_to_the_host(market):
    _seller, buyer, _service = cast(market)
    assert not KHAMSAT.ledger.require_verified_email
    market.top_up(buyer, usd(5), lg.Gateway.CARD, key="t")
    assert usd(5) == market.balances(buyer).wallet
