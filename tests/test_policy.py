from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest
from dateutil.relativedelta import relativedelta

from microgigs.errors import InvalidPolicy
from microgigs.money import Money
from microgigs.policy import (
    FIVERR_LIKE,
    KHAMSAT,
    ChargeRule,
    LevelCriteria,
    SellerLevel,
)


def usd(amount: int | str) -> Money:
    return Money.of(amount, "USD")


def test_khamsat_preset_holds_the_numbers_of_the_rules():
    catalog, ledger, orders = KHAMSAT.catalog, KHAMSAT.ledger, KHAMSAT.orders
    assert (usd(5), usd(5), usd(255)) == (
        catalog.base_price_min,
        catalog.base_price_step,
        catalog.unit_price_max,
    )
    assert (4, usd(5), usd(50), usd(5), 30) == (
        catalog.max_upgrades,
        catalog.upgrade_price_min,
        catalog.upgrade_price_max,
        catalog.upgrade_price_step,
        catalog.upgrade_extra_days_max,
    )
    assert (1, 30, 10) == (
        catalog.delivery_days_min,
        catalog.delivery_days_max,
        catalog.quantity_max,
    )
    assert (ChargeRule(rate=Decimal("0.20")),) == ledger.commission
    assert () == ledger.buyer_fees
    assert relativedelta(days=14) == ledger.clearance_for(SellerLevel.LEVEL_3)
    assert relativedelta(days=7) == ledger.clearance_for(SellerLevel.PROFESSIONAL)
    assert usd(10) == ledger.withdrawal_minimum
    assert relativedelta(days=3) == orders.auto_accept_after
    assert relativedelta(hours=48) == orders.mutual_cancellation_auto_accept_after
    assert orders.auto_cancel_unstarted_after is None
    assert relativedelta(days=14) == KHAMSAT.reviews.window
    assert (KHAMSAT.reviews.stars_min, KHAMSAT.reviews.stars_max) == (1, 5)
    assert relativedelta(days=180) == KHAMSAT.levels.grace_period
    level_2, level_3 = KHAMSAT.levels.criteria
    assert (SellerLevel.LEVEL_2, 10, Decimal("4.0"), Decimal("0.80"), Decimal("0.15")) == (
        level_2.level,
        level_2.unique_clients,
        level_2.average_rating,
        level_2.completion_rate,
        level_2.conversation_rate,
    )
    assert (SellerLevel.LEVEL_3, 25, Decimal("4.5"), Decimal("0.90"), Decimal("0.33")) == (
        level_3.level,
        level_3.unique_clients,
        level_3.average_rating,
        level_3.completion_rate,
        level_3.conversation_rate,
    )
    assert timedelta(hours=24) == level_2.response_time == level_3.response_time
    assert "FREQ=MONTHLY" in KHAMSAT.levels.evaluation_rule


def test_fiverr_like_preset_charges_the_buyer_a_service_fee():
    percentage, small_order = FIVERR_LIKE.ledger.buyer_fees
    assert Decimal("0.055") == percentage.rate
    assert (usd(3), usd(100)) == (small_order.fixed, small_order.applies_below)
    assert small_order.applies_to(usd("99.99"))
    assert not small_order.applies_to(usd(100))
    assert KHAMSAT != FIVERR_LIKE


@pytest.mark.parametrize(
    ("group", "changes", "setting"),
    [
        ("catalog", {"base_price_min": usd(7)}, "catalog.base_price_min"),
        ("catalog", {"upgrade_price_step": usd(0)}, "catalog.upgrade_price_step"),
        ("catalog", {"upgrade_price_max": usd(4)}, "catalog.upgrade_price_max"),
        ("catalog", {"unit_price_max": usd(1)}, "catalog.unit_price_max"),
        ("catalog", {"delivery_days_min": 0}, "catalog.delivery_days_min"),
        ("catalog", {"delivery_days_max": 0}, "catalog.delivery_days_min"),
        ("catalog", {"quantity_max": 0}, "catalog.quantity_max"),
        ("catalog", {"max_upgrades": -1}, "catalog.max_upgrades"),
        ("catalog", {"title_length": (20, 10)}, "catalog.title_length"),
        ("catalog", {"trending_window": relativedelta()}, "catalog.trending_window"),
        ("catalog", {"request_lifetime": relativedelta(days=-7)}, "catalog.request_lifetime"),
        ("ledger", {"clearance_period": relativedelta(days=0)}, "ledger.clearance_period"),
        (
            "ledger",
            {"fast_clearance_period": relativedelta(days=30)},
            "ledger.fast_clearance_period",
        ),
        ("ledger", {"withdrawal_minimum": usd(0)}, "ledger.withdrawal_minimum"),
        ("ledger", {"commission": (ChargeRule(rate=Decimal("0.6")),) * 2}, "ledger.commission"),
        ("orders", {"auto_accept_after": relativedelta(days=-1)}, "orders.auto_accept_after"),
        ("reviews", {"stars_min": 6}, "reviews.stars_min"),
        ("reviews", {"prior_mean": Decimal(9)}, "reviews.prior_mean"),
        ("levels", {"evaluation_rule": "FREQ=SOMETIMES"}, "levels.evaluation_rule"),
        ("levels", {"criteria": tuple(reversed(KHAMSAT.levels.criteria))}, "levels.criteria"),
        ("levels", {"grace_period": relativedelta()}, "levels.grace_period"),
    ],
)
def test_contradictory_settings_are_refused(group, changes, setting):
    with pytest.raises(InvalidPolicy) as caught:
        attrs.evolve(getattr(KHAMSAT, group), **changes)
    assert setting == caught.value.setting


@pytest.mark.parametrize("rate", [Decimal(1), Decimal(-1), Decimal("NaN"), 0.2])
def test_charge_rates_must_be_decimal_fractions(rate):
    with pytest.raises(InvalidPolicy):
        ChargeRule(rate=rate)


def test_level_rates_must_be_fractions():
    with pytest.raises(InvalidPolicy):
        attrs.evolve(KHAMSAT.levels.criteria[0], completion_rate=Decimal("1.5"))
    with pytest.raises(InvalidPolicy):
        LevelCriteria(
            level=SellerLevel.LEVEL_2,
            unique_clients=-1,
            average_rating=Decimal(4),
            completion_rate=Decimal("0.8"),
            conversation_rate=Decimal("0.1"),
            response_time=timedelta(hours=1),
        )


def test_every_amount_must_be_in_the_policy_currency():
    with pytest.raises(InvalidPolicy) as caught:
        attrs.evolve(KHAMSAT, currency="SAR")
    assert "currency" == caught.value.setting


def test_seller_levels_are_ordered():
    ranks = [level.rank for level in SellerLevel]
    assert [0, 1, 2, 3] == ranks
