from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microgigs.errors import (
    DuplicateUpgrade,
    InvalidType,
    MicrogigsError,
    OutOfRange,
    UnknownUpgrade,
)
from microgigs.ids import ServiceId, UpgradeId
from microgigs.money import Money
from microgigs.policy import FIVERR_LIKE, KHAMSAT, ChargeRule
from microgigs.pricing import LineItem, LineKind, Quote, quote, quote_cart
from microgigs.testing.examples import logo_service, make_service, upgrade


def usd(amount: str | int) -> Money:
    return Money.of(amount, "USD")


ALL_FOUR = [UpgradeId(f"U{n}") for n in range(1, 5)]


def test_the_seed_order_costs_205_and_splits_41_164():
    offer = quote(logo_service(), KHAMSAT, upgrade_ids=ALL_FOUR)
    assert (usd(205), usd(0), usd(205), usd(41), usd(164)) == (
        offer.subtotal,
        offer.buyer_fee,
        offer.total,
        offer.commission,
        offer.seller_net,
    )
    assert [LineKind.BASE] + [LineKind.UPGRADE] * 4 == [line.kind for line in offer.lines]
    assert usd(205) == offer.unit_price


def test_quantity_three_of_five_plus_ten_costs_45():
    service = make_service(
        upgrades=[upgrade(1, price="10", extra_days=2)], delivery_days=3
    ).snapshot()
    offer = quote(service, KHAMSAT, upgrade_ids=[UpgradeId("U1")], quantity=3)
    assert (usd(15), usd(30)) == tuple(line.amount for line in offer.lines)
    assert (usd(45), usd(9), usd(36), 5) == (
        offer.total,
        offer.commission,
        offer.seller_net,
        offer.delivery_days,
    )


def test_fiverr_like_buyer_fees_are_lines_on_top_of_the_subtotal():
    service = make_service(policy=FIVERR_LIKE.catalog, base_price="20").snapshot()
    small = quote(service, FIVERR_LIKE)
    # 5.5% of $20 = $1.10, plus $3 under $100
    assert (usd(20), usd("4.10"), usd("24.10")) == (small.subtotal, small.buyer_fee, small.total)
    assert LineKind.BUYER_FEE == small.lines[-1].kind
    assert (usd(4), usd(16)) == (small.commission, small.seller_net)
    large = quote(service, FIVERR_LIKE, quantity=5)
    assert (usd(100), usd("5.50")) == (large.subtotal, large.buyer_fee)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"quantity": 0}, OutOfRange),
        ({"quantity": 11}, OutOfRange),
        ({"quantity": 1.0}, InvalidType),
        ({"quantity": True}, InvalidType),
        ({"upgrade_ids": [UpgradeId("U9")]}, UnknownUpgrade),
        ({"upgrade_ids": [UpgradeId("U1")] * 2}, DuplicateUpgrade),
        ({"upgrade_ids": "U1"}, InvalidType),
    ],
)
def test_bad_quotes_are_typed_errors(kwargs, error):
    with pytest.raises(error):
        quote(logo_service(), KHAMSAT, **kwargs)


def test_a_snapshot_is_required():
    with pytest.raises(InvalidType):
        quote({"base_price": 5}, KHAMSAT)  # type: ignore[arg-type]


def test_cart_quote_adds_up_one_quote_per_line():
    logo = logo_service()
    cheap = make_service(service_id="S-cheap").snapshot()
    cart = quote_cart([(logo, ALL_FOUR, 1), (cheap, [], 3)], KHAMSAT)
    assert 2 == len(cart.quotes)
    assert (usd(220), usd(44), usd(176)) == (cart.total, cart.commission, cart.seller_net)


@st.composite
def orders(draw):
    policy = draw(st.sampled_from([KHAMSAT, FIVERR_LIKE]))
    catalog = policy.catalog
    step = catalog.upgrade_price_step.minor
    count = draw(st.integers(0, catalog.max_upgrades))
    prices = [
        draw(
            st.integers(
                catalog.upgrade_price_min.minor // step, catalog.upgrade_price_max.minor // step
            )
        )
        * step
        for _ in range(count)
    ]
    base_steps = draw(st.integers(1, 4))
    base = catalog.base_price_min.minor * base_steps
    if base + sum(prices) > catalog.unit_price_max.minor:
        prices = []
    upgrades = [
        upgrade(n + 1, price=str(Money(p, "USD").amount), extra_days=draw(st.integers(0, 5)))
        for n, p in enumerate(prices)
    ]
    service = make_service(
        base_price=str(Money(base, "USD").amount), upgrades=upgrades, policy=catalog
    ).snapshot()
    chosen = (
        draw(st.lists(st.sampled_from([u.id for u in upgrades]), unique=True)) if upgrades else []
    )
    quantity = draw(st.integers(1, catalog.quantity_max))
    return policy, service, chosen, quantity


@given(orders())
def test_every_quote_adds_up_and_splits_exactly(order):
    policy, service, chosen, quantity = order
    offer = quote(service, policy, upgrade_ids=chosen, quantity=quantity)
    assert offer.subtotal == sum(
        (line.amount for line in offer.lines if line.kind is not LineKind.BUYER_FEE), usd(0)
    )
    assert offer.total == offer.subtotal + offer.buyer_fee
    assert offer.subtotal == offer.commission + offer.seller_net
    assert offer.subtotal == offer.unit_price * quantity
    assert offer.delivery_days == service.delivery_days + sum(
        service.upgrade(u).extra_days for u in chosen
    )
    assert not offer.commission.is_negative()
    assert not offer.seller_net.is_negative()


def test_a_changed_policy_is_used_for_the_commission():
    policy = attrs.evolve(
        KHAMSAT,
        ledger=attrs.evolve(KHAMSAT.ledger, commission=(ChargeRule(rate=Decimal("0.15")),)),
    )
    offer = quote(logo_service(), policy, upgrade_ids=ALL_FOUR)
    assert (usd("30.75"), usd("174.25")) == (offer.commission, offer.seller_net)


# --- what mutation testing showed unpinned (docs/testing.md) ----------------------------


def test_a_quote_holds_every_line_in_full():
    service = make_service(
        policy=FIVERR_LIKE.catalog, base_price="20", upgrades=[upgrade(1, price="10", extra_days=2)]
    ).snapshot()
    offer = quote(service, FIVERR_LIKE, upgrade_ids=[UpgradeId("U1")], quantity=2)
    # 5.5% of $60 = $3.30, plus $3 under $100: one fee line of $6.30, once per order
    assert Quote(
        service_id=ServiceId("S-logo"),
        quantity=2,
        upgrade_ids=(UpgradeId("U1"),),
        lines=(
            LineItem(LineKind.BASE, "تصميم شعار احترافي لشركتك", usd(20), 2, usd(40)),
            LineItem(
                LineKind.UPGRADE, "تسليم الملفات بصيغة إضافية رقم 1", usd(10), 2, usd(20),
                upgrade_id=UpgradeId("U1"),
            ),
            LineItem(LineKind.BUYER_FEE, "service fee", usd("6.30"), 1, usd("6.30")),
        ),
        subtotal=usd(60),
        buyer_fee=usd("6.30"),
        total=usd("66.30"),
        commission=usd(12),
        seller_net=usd(48),
        delivery_days=3,
    ) == offer  # fmt: skip


def test_a_cart_quote_sums_every_figure_and_an_empty_cart_is_zero_dollars():
    service = make_service(policy=FIVERR_LIKE.catalog, base_price="20").snapshot()
    cart = quote_cart([(service, [], 2), (service, [], 1)], FIVERR_LIKE)
    # fees per line: 5.5% of $40 + $3 = $5.20 and 5.5% of $20 + $3 = $4.10
    assert (usd(60), usd("9.30"), usd("69.30"), usd(12), usd(48)) == (
        cart.subtotal, cart.buyer_fee, cart.total, cart.commission, cart.seller_net,
    )  # fmt: skip
    empty = quote_cart([], KHAMSAT)
    assert (usd(0),) * 5 == (
        empty.subtotal, empty.buyer_fee, empty.total, empty.commission, empty.seller_net,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda: quote({"base_price": 5}, KHAMSAT), "service must be ServiceSnapshot, not dict."),  # type: ignore[arg-type]
        (
            lambda: quote(logo_service(), KHAMSAT, quantity=0),
            "quantity must be between 1 and 10; 0 is not.",
        ),
    ],
)
def test_a_refused_quote_names_what_was_wrong(action, message):
    with pytest.raises(MicrogigsError) as refused:
        action()
    assert message == str(refused.value)
