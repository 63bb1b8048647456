from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest

from microgigs.actors import Actor
from microgigs.errors import PermissionDenied
from microgigs.ids import MemberId
from microgigs.policy import FIVERR_LIKE, KHAMSAT
from microgigs.ranking import (
    SellerLevel,
    SellerMetrics,
    evaluate,
    grant_professional,
    next_evaluation,
)
from microgigs.testing.examples import EPOCH

SELLER = MemberId("M-sara")
POLICY = KHAMSAT.levels
# Exactly level 3's thresholds (RULES.md §9): 25 clients, 4.5 stars, 90%, 33%, 24 h.
LEVEL_3_EXACTLY = SellerMetrics(
    unique_clients=25,
    average_rating=Decimal("4.5"),
    completion_rate=Decimal("0.90"),
    conversation_rate=Decimal("0.33"),
    response_time=timedelta(hours=24),
)
LEVEL_2_EXACTLY = SellerMetrics(
    unique_clients=10,
    average_rating=Decimal("4.0"),
    completion_rate=Decimal("0.80"),
    conversation_rate=Decimal("0.15"),
    response_time=timedelta(hours=24),
)
JUST_BELOW = {
    "unique clients": {"unique_clients": -1},
    "average rating": {"average_rating": Decimal("-0.01")},
    "order completion rate": {"completion_rate": Decimal("-0.01")},
    "successful conversation rate": {"conversation_rate": Decimal("-0.01")},
    "response time": {"response_time": timedelta(seconds=1)},
}


def shifted(metrics: SellerMetrics, change: dict[str, object]) -> SellerMetrics:
    field, delta = next(iter(change.items()))
    if field == "response_time":
        return attrs.evolve(metrics, response_time=metrics.response_time + delta)
    return attrs.evolve(metrics, **{field: getattr(metrics, field) + delta})


def run(metrics, current=SellerLevel.LEVEL_1, **kwargs):
    return evaluate(SELLER, current=current, metrics=metrics, policy=POLICY, now=EPOCH, **kwargs)


def test_exactly_at_each_boundary_earns_the_level():
    assert SellerLevel.LEVEL_3 == run(LEVEL_3_EXACTLY).level
    assert SellerLevel.LEVEL_2 == run(LEVEL_2_EXACTLY).level


@pytest.mark.parametrize("criterion", list(JUST_BELOW))
@pytest.mark.parametrize(
    ("metrics", "earned", "fallback"),
    [
        (LEVEL_3_EXACTLY, SellerLevel.LEVEL_3, SellerLevel.LEVEL_2),
        (LEVEL_2_EXACTLY, SellerLevel.LEVEL_2, SellerLevel.LEVEL_1),
    ],
)
def test_one_step_below_any_boundary_misses_the_level_and_says_which(
    metrics, earned, fallback, criterion
):
    evaluation = run(shifted(metrics, JUST_BELOW[criterion]))
    # response time has one threshold for both levels: missing it drops below both
    assert evaluation.earned.rank <= fallback.rank
    (level_check,) = [c for c in evaluation.checks if c.level is earned]
    missed = [result.name for result in level_check.criteria if not result.met]
    assert [criterion] == missed


def test_the_explanation_lists_required_actual_and_met_for_every_criterion():
    evaluation = run(LEVEL_2_EXACTLY)
    level_3 = next(c for c in evaluation.checks if c.level is SellerLevel.LEVEL_3)
    assert [
        ("unique clients", 25, 10, False),
        ("average rating", Decimal("4.5"), Decimal("4.0"), False),
        ("order completion rate", Decimal("0.90"), Decimal("0.80"), False),
        ("successful conversation rate", Decimal("0.33"), Decimal("0.15"), False),
        ("response time", timedelta(hours=24), timedelta(hours=24), True),
    ] == [(r.name, r.required, r.actual, r.met) for r in level_3.criteria]


def test_no_data_meets_nothing_above_level_1():
    empty = SellerMetrics(0, None, None, None, None)
    assert SellerLevel.LEVEL_1 == run(empty).level


def test_a_seller_no_one_asked_before_ordering_is_not_held_back_by_the_inquiry_criteria():
    # a probe (2026-12-06): ten clients who all ordered at once, four stars, every order
    # completed, and the seller stayed at level 1 for good: no inquiry, so no conversation
    # rate nor response time, and each counted as missed (its shortfall None)
    direct = attrs.evolve(LEVEL_2_EXACTLY, conversation_rate=None, response_time=None)
    result = run(direct)
    assert SellerLevel.LEVEL_2 == result.level
    level_2 = result.checks[0]
    nothing_to_measure = [(c.actual, c.met, c.shortfall) for c in level_2.criteria[3:]]
    assert [(None, True, None), (None, True, None)] == nothing_to_measure
    # what is measured still counts: one inquiry in ten answered late holds it back
    late = attrs.evolve(
        direct, conversation_rate=Decimal("0.10"), response_time=timedelta(hours=30)
    )
    assert SellerLevel.LEVEL_1 == run(late).level
    # and no reviews at all is still no average rating
    assert SellerLevel.LEVEL_1 == run(attrs.evolve(direct, average_rating=None)).level


def test_demotion_waits_180_days_of_being_below():
    first = run(LEVEL_2_EXACTLY, current=SellerLevel.LEVEL_3)
    assert (SellerLevel.LEVEL_3, EPOCH) == (first.level, first.below_since)
    later_on = evaluate(
        SELLER,
        current=SellerLevel.LEVEL_3,
        metrics=LEVEL_2_EXACTLY,
        policy=POLICY,
        now=EPOCH + timedelta(days=179),
        below_since=first.below_since,
    )
    assert (SellerLevel.LEVEL_3, EPOCH) == (later_on.level, later_on.below_since)
    demoted = evaluate(
        SELLER,
        current=SellerLevel.LEVEL_3,
        metrics=LEVEL_2_EXACTLY,
        policy=POLICY,
        now=EPOCH + timedelta(days=180),
        below_since=first.below_since,
    )
    assert (SellerLevel.LEVEL_2, None, True) == (
        demoted.level,
        demoted.below_since,
        demoted.changed,
    )


def test_recovering_within_the_grace_period_clears_it():
    recovered = run(
        LEVEL_3_EXACTLY, current=SellerLevel.LEVEL_3, below_since=EPOCH - timedelta(days=30)
    )
    assert (SellerLevel.LEVEL_3, None) == (recovered.level, recovered.below_since)


def test_professional_is_granted_and_kept_by_admins_only():
    admin = Actor.admin(MemberId("M-admin"))
    with pytest.raises(PermissionDenied):
        grant_professional(Actor.member(SELLER), SellerLevel.LEVEL_3)
    level = grant_professional(admin, SellerLevel.LEVEL_3)
    empty = SellerMetrics(0, None, None, None, None)
    assert SellerLevel.PROFESSIONAL == run(empty, current=level).level


def test_the_fiverr_like_preset_has_its_own_criteria():
    evaluation = evaluate(
        SELLER,
        current=SellerLevel.LEVEL_1,
        metrics=LEVEL_2_EXACTLY,
        policy=FIVERR_LIKE.levels,
        now=EPOCH,
    )
    assert SellerLevel.LEVEL_1 == evaluation.level  # 4.0 stars is below its 4.4


def test_evaluations_follow_the_monthly_recurrence():
    assert EPOCH.replace(month=2, day=1, hour=0) == next_evaluation(EPOCH, POLICY)
