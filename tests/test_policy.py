from __future__ import annotations

import decimal
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


# --- every limit of every setting, at its boundary (what mutation testing found unpinned) ---

CAT, LED, ORD, REV, LEV = (
    KHAMSAT.catalog,
    KHAMSAT.ledger,
    KHAMSAT.orders,
    KHAMSAT.reviews,
    KHAMSAT.levels,
)
CRITERIA = LEV.criteria[0]
SECOND = relativedelta(seconds=1)
NONE = relativedelta()


def bad(setting, problem):
    return f"The policy setting {setting} is not valid: {problem}."


def crit(**changes):
    return attrs.evolve(CRITERIA, **changes)


# (case, a policy at the edge of what is allowed)
ALLOWED = [
    ("charge below only", lambda: ChargeRule(fixed=usd(3), applies_below=usd(100))),
    ("charge from only", lambda: ChargeRule(rate=Decimal("0.1"), applies_from=usd(100))),
    ("charge from<below", lambda: ChargeRule(applies_from=usd(5), applies_below=usd(6))),
    ("policy renamed", lambda: attrs.evolve(KHAMSAT, name="custom")),
    ("catalog upgrade max=min", lambda: attrs.evolve(CAT, upgrade_price_max=CAT.upgrade_price_min)),
    ("catalog unit max=base", lambda: attrs.evolve(CAT, unit_price_max=CAT.base_price_min)),
    ("catalog max_upgrades 0", lambda: attrs.evolve(CAT, max_upgrades=0)),
    ("catalog extra 0", lambda: attrs.evolve(CAT, upgrade_extra_days_max=0)),
    ("catalog delivery 1..1", lambda: attrs.evolve(CAT, delivery_days_min=1, delivery_days_max=1)),
    ("catalog quantity 1", lambda: attrs.evolve(CAT, quantity_max=1)),
    ("catalog request_lifetime 1s", lambda: attrs.evolve(CAT, request_lifetime=SECOND)),
    ("catalog title (1,1)", lambda: attrs.evolve(CAT, title_length=(1, 1))),
    ("catalog description (1,1)", lambda: attrs.evolve(CAT, description_length=(1, 1))),
    ("charge rate 0", lambda: ChargeRule(rate=Decimal(0))),
    ("charge rate 0.9999", lambda: ChargeRule(rate=Decimal("0.9999"))),
    ("charge fixed 0", lambda: ChargeRule(fixed=Money(0, "USD"))),
    (
        "ledger commission 99%",
        lambda: attrs.evolve(
            LED, commission=(ChargeRule(rate=Decimal("0.5")), ChargeRule(rate=Decimal("0.49")))
        ),
    ),
    (
        "ledger fast = clearance",
        lambda: attrs.evolve(LED, fast_clearance_period=LED.clearance_period),
    ),
    ("ledger withdrawal 1c", lambda: attrs.evolve(LED, withdrawal_minimum=Money(1, "USD"))),
    (
        "orders auto_accept 1s",
        lambda: attrs.evolve(
            ORD,
            auto_accept_after=SECOND,
            mutual_cancellation_auto_accept_after=SECOND,
            auto_cancel_unstarted_after=SECOND,
        ),
    ),
    (
        "reviews stars (1,2)",
        lambda: attrs.evolve(REV, stars_min=1, stars_max=2, prior_mean=Decimal(2)),
    ),
    ("reviews prior at min", lambda: attrs.evolve(REV, prior_mean=Decimal(1))),
    ("reviews weight 0", lambda: attrs.evolve(REV, prior_weight=0)),
    ("criteria clients 0", lambda: crit(unique_clients=0)),
    (
        "criteria completion 1 and 0",
        lambda: crit(completion_rate=Decimal(1), conversation_rate=Decimal(0)),
    ),
    ("criteria response 1s", lambda: crit(response_time=timedelta(seconds=1))),
    ("levels empty", lambda: attrs.evolve(LEV, criteria=())),
]
# (case, a policy just beyond it, the refusal's exact words)
REFUSED = [
    (
        "catalog base_price_step 0",
        lambda: attrs.evolve(CAT, base_price_step=usd(0)),
        bad("catalog.base_price_step", "must be positive"),
    ),
    (
        "catalog base_price_min 0",
        lambda: attrs.evolve(CAT, base_price_min=usd(0)),
        bad("catalog.base_price_min", "must be positive"),
    ),
    (
        "catalog base_price_min 7",
        lambda: attrs.evolve(CAT, base_price_min=usd(7)),
        bad("catalog.base_price_min", "must be a multiple of the step"),
    ),
    (
        "catalog upgrade_price_step 0",
        lambda: attrs.evolve(CAT, upgrade_price_step=usd(0)),
        bad("catalog.upgrade_price_step", "must be positive"),
    ),
    (
        "catalog upgrade max<min",
        lambda: attrs.evolve(CAT, upgrade_price_max=usd(0) + CAT.upgrade_price_min - usd(5)),
        bad("catalog.upgrade_price_max", "must not be below upgrade_price_min"),
    ),
    (
        "catalog unit max<base",
        lambda: attrs.evolve(CAT, unit_price_max=CAT.base_price_min - Money(1, "USD")),
        bad("catalog.unit_price_max", "must allow at least the cheapest service"),
    ),
    (
        "catalog max_upgrades -1",
        lambda: attrs.evolve(CAT, max_upgrades=-1),
        bad("catalog.max_upgrades", "must not be negative"),
    ),
    (
        "catalog extra -1",
        lambda: attrs.evolve(CAT, upgrade_extra_days_max=-1),
        bad("catalog.upgrade_extra_days_max", "must not be negative"),
    ),
    (
        "catalog delivery min 0",
        lambda: attrs.evolve(CAT, delivery_days_min=0),
        bad("catalog.delivery_days_min", "must be at least 1 and at most delivery_days_max"),
    ),
    (
        "catalog delivery min>max",
        lambda: attrs.evolve(CAT, delivery_days_min=31, delivery_days_max=30),
        bad("catalog.delivery_days_min", "must be at least 1 and at most delivery_days_max"),
    ),
    (
        "catalog quantity 0",
        lambda: attrs.evolve(CAT, quantity_max=0),
        bad("catalog.quantity_max", "must be at least 1"),
    ),
    (
        "catalog request_lifetime 0",
        lambda: attrs.evolve(CAT, request_lifetime=NONE),
        bad("catalog.request_lifetime", "must be a positive duration"),
    ),
    (
        "catalog trending 0",
        lambda: attrs.evolve(CAT, trending_window=NONE),
        bad("catalog.trending_window", "must be a positive duration"),
    ),
    (
        "catalog title (0,5)",
        lambda: attrs.evolve(CAT, title_length=(0, 5)),
        bad("catalog.title_length", "must be a range 1 <= min <= max"),
    ),
    (
        "catalog title (5,4)",
        lambda: attrs.evolve(CAT, title_length=(5, 4)),
        bad("catalog.title_length", "must be a range 1 <= min <= max"),
    ),
    (
        "catalog description (0,5)",
        lambda: attrs.evolve(CAT, description_length=(0, 5)),
        bad("catalog.description_length", "must be a range 1 <= min <= max"),
    ),
    (
        "charge rate 1",
        lambda: ChargeRule(rate=Decimal(1)),
        bad("charge.rate", "must be a Decimal rate from 0 up to (not including) 1"),
    ),
    (
        "charge rate -0.01",
        lambda: ChargeRule(rate=Decimal("-0.01")),
        bad("charge.rate", "must be a Decimal rate from 0 up to (not including) 1"),
    ),
    (
        "charge rate 0.2 float",
        lambda: ChargeRule(rate=0.2),
        bad("charge.rate", "must be a Decimal rate from 0 up to (not including) 1"),
    ),
    (
        "charge rate nan",
        lambda: ChargeRule(rate=Decimal("NaN")),
        bad("charge.rate", "must be a Decimal rate from 0 up to (not including) 1"),
    ),
    (
        "charge fixed -1c",
        lambda: ChargeRule(fixed=Money(-1, "USD")),
        bad("charge.fixed", "must not be negative"),
    ),
    (
        "charge from=below",
        lambda: ChargeRule(applies_from=usd(5), applies_below=usd(5)),
        bad("charge.applies_from", "must be below applies_below"),
    ),
    (
        "ledger commission 100%",
        lambda: attrs.evolve(
            LED, commission=(ChargeRule(rate=Decimal("0.5")), ChargeRule(rate=Decimal("0.5")))
        ),
        bad("ledger.commission", "the rates together must stay below 100%"),
    ),
    (
        "ledger clearance 0",
        lambda: attrs.evolve(LED, clearance_period=NONE),
        bad("ledger.clearance_period", "must be a positive duration"),
    ),
    (
        "ledger fast 0",
        lambda: attrs.evolve(LED, fast_clearance_period=NONE),
        bad("ledger.fast_clearance_period", "must be a positive duration"),
    ),
    (
        "ledger fast > clearance",
        lambda: attrs.evolve(LED, fast_clearance_period=LED.clearance_period + SECOND),
        bad("ledger.fast_clearance_period", "must not be longer than clearance_period"),
    ),
    (
        "ledger withdrawal 0",
        lambda: attrs.evolve(LED, withdrawal_minimum=usd(0)),
        bad("ledger.withdrawal_minimum", "must be positive"),
    ),
    (
        "orders auto_accept 0",
        lambda: attrs.evolve(ORD, auto_accept_after=NONE),
        bad("orders.auto_accept_after", "must be a positive duration"),
    ),
    (
        "orders mutual 0",
        lambda: attrs.evolve(ORD, mutual_cancellation_auto_accept_after=NONE),
        bad("orders.mutual_cancellation_auto_accept_after", "must be a positive duration"),
    ),
    (
        "orders auto_cancel 0",
        lambda: attrs.evolve(ORD, auto_cancel_unstarted_after=NONE),
        bad("orders.auto_cancel_unstarted_after", "must be a positive duration"),
    ),
    (
        "reviews window 0",
        lambda: attrs.evolve(REV, window=NONE),
        bad("reviews.window", "must be a positive duration"),
    ),
    (
        "reviews stars (0,5)",
        lambda: attrs.evolve(REV, stars_min=0),
        bad("reviews.stars_min", "must be 1 <= min < max"),
    ),
    (
        "reviews stars (3,3)",
        lambda: attrs.evolve(REV, stars_min=3, stars_max=3, prior_mean=Decimal(3)),
        bad("reviews.stars_min", "must be 1 <= min < max"),
    ),
    (
        "reviews prior below",
        lambda: attrs.evolve(REV, prior_mean=Decimal("0.99")),
        bad("reviews.prior_mean", "must lie between stars_min and stars_max"),
    ),
    (
        "reviews prior above",
        lambda: attrs.evolve(REV, prior_mean=Decimal("5.01")),
        bad("reviews.prior_mean", "must lie between stars_min and stars_max"),
    ),
    (
        "reviews weight -1",
        lambda: attrs.evolve(REV, prior_weight=-1),
        bad("reviews.prior_weight", "must not be negative"),
    ),
    (
        "criteria clients -1",
        lambda: crit(unique_clients=-1),
        bad("levels.level_2.unique_clients", "must not be negative"),
    ),
    (
        "criteria completion 1.01",
        lambda: crit(completion_rate=Decimal("1.01")),
        bad("levels.level_2.completion_rate", "must be a Decimal from 0 to 1"),
    ),
    (
        "criteria conversation -0.01",
        lambda: crit(conversation_rate=Decimal("-0.01")),
        bad("levels.level_2.conversation_rate", "must be a Decimal from 0 to 1"),
    ),
    (
        "criteria response 0",
        lambda: crit(response_time=timedelta(0)),
        bad("levels.level_2.response_time", "must be positive"),
    ),
    (
        "levels order",
        lambda: attrs.evolve(LEV, criteria=tuple(reversed(LEV.criteria))),
        bad("levels.criteria", "must list earned levels (2, 3) once each, lowest first"),
    ),
    (
        "levels twice",
        lambda: attrs.evolve(LEV, criteria=(LEV.criteria[0], LEV.criteria[0])),
        bad("levels.criteria", "must list earned levels (2, 3) once each, lowest first"),
    ),
    (
        "levels level1",
        lambda: attrs.evolve(LEV, criteria=(crit(level=SellerLevel.LEVEL_1),)),
        bad("levels.criteria", "must list earned levels (2, 3) once each, lowest first"),
    ),
    (
        "levels pro",
        lambda: attrs.evolve(LEV, criteria=(crit(level=SellerLevel.PROFESSIONAL),)),
        bad("levels.criteria", "must list earned levels (2, 3) once each, lowest first"),
    ),
    (
        "levels grace 0",
        lambda: attrs.evolve(LEV, grace_period=NONE),
        bad("levels.grace_period", "must be a positive duration"),
    ),
    (
        "levels window 0",
        lambda: attrs.evolve(LEV, metrics_window=NONE),
        bad("levels.metrics_window", "must be a positive duration"),
    ),
    (
        "levels rule bad",
        lambda: attrs.evolve(LEV, evaluation_rule="FREQ=SOMETIMES"),
        bad("levels.evaluation_rule", "invalid 'FREQ': SOMETIMES"),
    ),
    (
        "levels rule never",
        lambda: attrs.evolve(LEV, evaluation_rule="FREQ=DAILY;COUNT=1"),
        bad("levels.evaluation_rule", "never occurs"),
    ),
    (
        "policy currency",
        lambda: attrs.evolve(KHAMSAT, currency="SAR"),
        bad("currency", "every amount must be in SAR, not USD"),
    ),
]


@pytest.mark.parametrize("build", [c[1] for c in ALLOWED], ids=[c[0] for c in ALLOWED])
def test_each_setting_allows_its_boundary(build):
    assert build() is not None


@pytest.mark.parametrize(
    ("build", "refusal"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_each_setting_refuses_just_beyond_its_boundary_and_says_why(build, refusal):
    with pytest.raises(InvalidPolicy) as refused:
        build()
    assert refusal == str(refused.value)


def test_a_charge_applies_from_its_threshold_up_to_below_its_ceiling():
    rule = ChargeRule(fixed=usd(1), applies_from=usd(10), applies_below=usd(20))
    subtotals = [usd("9.99"), usd(10), usd("19.99"), usd(20)]
    assert [False, True, True, False] == [rule.applies_to(s) for s in subtotals]


def test_the_project_presets_hold_the_numbers_of_rules_section_11():
    from microgigs.policy import (  # noqa: PLC0415 (the project presets, together)
        FIVERR_LIKE,
        MOSTAQL,
        UPWORK_LIKE,
    )

    mostaql, upwork, fiverr = MOSTAQL.projects, UPWORK_LIKE.projects, FIVERR_LIKE.projects
    low, high = mostaql.brackets[0]
    assert (str(low), str(high)) == (
        "25.00 USD",
        "50.00 USD",
    )
    assert str(mostaql.brackets[-1][1]) == "10000.00 USD"
    assert (mostaql.milestones_max, mostaql.commission[0].rate) == (1, Decimal("0.20"))
    assert (upwork.auto_approve_after.days, upwork.early_end_answer.days) == (14, 7)
    assert (fiverr.milestones_max, fiverr.auto_approve_after.days) == (6, 8)
    assert {p.offer_lifetime.days for p in (mostaql, upwork, fiverr)} == {30}
    assert str(mostaql.milestone_min) == "5.00 USD"


def test_a_project_policy_refuses_overlapping_brackets():
    with pytest.raises(InvalidPolicy):
        attrs.evolve(
            KHAMSAT.projects,
            brackets=(
                (Money.of(25, "USD"), Money.of(100, "USD")),
                (Money.of(50, "USD"), Money.of(200, "USD")),
            ),
        )


def test_a_hosts_decimal_context_does_not_refuse_a_valid_policy():
    # the rates are added in the library's own context: under prec=2, 0.994 + 0.0059
    # rounded to 1.0 and a 99.99% commission was refused
    rules = (ChargeRule(rate=Decimal("0.994")), ChargeRule(rate=Decimal("0.0059")))
    with decimal.localcontext(prec=2):
        ledger = attrs.evolve(KHAMSAT.ledger, commission=rules)
    assert rules == ledger.commission
