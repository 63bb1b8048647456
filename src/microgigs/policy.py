"""Every number of the marketplace's rules, as settings of one frozen policy.

No business number is a literal in domain code: prices, upgrade limits, timers, the
commission, fees, clearance, the withdrawal minimum, the review window and the seller-level
criteria all come from a :class:`MarketplacePolicy`. Two presets ship: :data:`KHAMSAT` (the
numbers of Khamsat, the default) and :data:`FIVERR_LIKE` (a buyer service fee, other limits),
which proves the rules really are settings. A policy checks itself when built and refuses
contradictions with :class:`~microgigs.errors.InvalidPolicy`.

>>> KHAMSAT.catalog.max_upgrades, str(KHAMSAT.catalog.unit_price_max)
(4, '255.00 USD')

A custom policy is a preset with some settings changed (and checked again):

>>> slower = attrs.evolve(KHAMSAT.orders, auto_accept_after=relativedelta(days=5))
>>> attrs.evolve(KHAMSAT, name="slower", orders=slower).orders.auto_accept_after.days
5
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.errors import InvalidPolicy
from microgigs.money import _CONTEXT, Money

__all__ = [
    "FIVERR_LIKE",
    "FIVERR_LIKE_PROJECTS",
    "KHAMSAT",
    "MOSTAQL",
    "MOSTAQL_PROJECTS",
    "UPWORK_LIKE",
    "UPWORK_LIKE_PROJECTS",
    "CatalogPolicy",
    "ChargeRule",
    "LedgerPolicy",
    "LevelCriteria",
    "LevelPolicy",
    "MarketplacePolicy",
    "OrderPolicy",
    "ProjectPolicy",
    "ReviewPolicy",
    "SellerLevel",
]

_REFERENCE: Final = datetime(2000, 1, 31, tzinfo=UTC)


class SellerLevel(LabelledEnum):
    """A seller's standing, from level 1 (everyone) up to professional (granted by admins)."""

    LEVEL_1 = "level_1"
    LEVEL_2 = "level_2"
    LEVEL_3 = "level_3"
    PROFESSIONAL = "professional"

    @property
    def rank(self) -> int:
        """Position from the bottom: level 1 is 0, professional is 3."""
        return _LEVEL_ORDER.index(self)


_LEVEL_ORDER: Final = tuple(SellerLevel)
label_members(
    {
        SellerLevel.LEVEL_1: _("Level 1"),
        SellerLevel.LEVEL_2: _("Level 2"),
        SellerLevel.LEVEL_3: _("Level 3"),
        SellerLevel.PROFESSIONAL: _("Professional"),
    }
)


def _length(delta: relativedelta) -> timedelta:
    """How long ``delta`` lasts from a fixed reference date: enough to compare settings."""
    return (_REFERENCE + delta) - _REFERENCE


def _require(condition: bool, setting: str, problem: str) -> None:  # noqa: FBT001 (as assert)
    if not condition:
        raise InvalidPolicy(setting=setting, problem=problem)


def _total_rate(rules: Iterable[ChargeRule]) -> Decimal:
    """The rates of ``rules`` added in the library's own decimal context, not the caller's."""
    total = Decimal(0)
    for rule in rules:
        total = _CONTEXT.add(total, rule.rate)
    return total


def _positive_duration(setting: str, delta: relativedelta) -> None:
    _require(_length(delta) > timedelta(0), setting, "must be a positive duration")


def _rate(setting: str, rate: object) -> None:
    _require(
        isinstance(rate, Decimal) and rate.is_finite() and Decimal(0) <= rate < Decimal(1),
        setting,
        "must be a Decimal rate from 0 up to (not including) 1",
    )


def _fraction(setting: str, rate: object) -> None:
    _require(
        isinstance(rate, Decimal) and rate.is_finite() and Decimal(0) <= rate <= Decimal(1),
        setting,
        "must be a Decimal from 0 to 1",
    )


# --- catalogue ---------------------------------------------------------------------------


@attrs.frozen
class CatalogPolicy:
    """What a service may cost and promise, and how it is described.

    ``base_price_min`` is the cheapest service; prices go up in ``base_price_step``. Each of
    at most ``max_upgrades`` upgrades costs from ``upgrade_price_min`` to
    ``upgrade_price_max`` in ``upgrade_price_step`` and may add up to
    ``upgrade_extra_days_max`` days. One unit (base and every chosen upgrade) costs at most
    ``unit_price_max``; an order holds at most ``quantity_max`` units.
    """

    base_price_min: Money
    base_price_step: Money
    unit_price_max: Money
    max_upgrades: int
    upgrade_price_min: Money
    upgrade_price_max: Money
    upgrade_price_step: Money
    upgrade_extra_days_max: int
    delivery_days_min: int
    delivery_days_max: int
    quantity_max: int
    title_length: tuple[int, int] = (10, 100)
    description_length: tuple[int, int] = (50, 5000)
    instructions_length_max: int = 2000
    max_tags: int = 5
    tag_length_max: int = 30
    max_gallery_items: int = 10
    request_lifetime: relativedelta = attrs.field(factory=lambda: relativedelta(days=7))
    """How long a buyer's request for a service that does not exist stays open."""
    trending_window: relativedelta = attrs.field(factory=lambda: relativedelta(days=30))
    """How far back "best selling lately" counts: a sale is dated when it was bought and
    counts once its order completed."""

    def __attrs_post_init__(self) -> None:
        steps = (
            ("base_price", self.base_price_min, self.base_price_step),
            ("upgrade_price", self.upgrade_price_min, self.upgrade_price_step),
        )
        for name, minimum, step in steps:
            _require(step.is_positive(), f"catalog.{name}_step", "must be positive")
            _require(minimum.is_positive(), f"catalog.{name}_min", "must be positive")
            _require(
                minimum.minor % step.minor == 0,
                f"catalog.{name}_min",
                "must be a multiple of the step",
            )
        _require(
            self.upgrade_price_min <= self.upgrade_price_max,
            "catalog.upgrade_price_max",
            "must not be below upgrade_price_min",
        )
        _require(
            self.base_price_min <= self.unit_price_max,
            "catalog.unit_price_max",
            "must allow at least the cheapest service",
        )
        for name, value in (
            ("max_upgrades", self.max_upgrades),
            ("upgrade_extra_days_max", self.upgrade_extra_days_max),
        ):
            _require(value >= 0, f"catalog.{name}", "must not be negative")
        _require(
            1 <= self.delivery_days_min <= self.delivery_days_max,
            "catalog.delivery_days_min",
            "must be at least 1 and at most delivery_days_max",
        )
        _require(self.quantity_max >= 1, "catalog.quantity_max", "must be at least 1")
        _positive_duration("catalog.request_lifetime", self.request_lifetime)
        _positive_duration("catalog.trending_window", self.trending_window)
        for name, (low, high) in (
            ("title_length", self.title_length),
            ("description_length", self.description_length),
        ):
            _require(1 <= low <= high, f"catalog.{name}", "must be a range 1 <= min <= max")

    def money(self) -> tuple[Money, ...]:
        """Every amount of this policy (they must share one currency)."""
        return (
            self.base_price_min,
            self.base_price_step,
            self.unit_price_max,
            self.upgrade_price_min,
            self.upgrade_price_max,
            self.upgrade_price_step,
        )


# --- fees and commission -----------------------------------------------------------------


@attrs.frozen
class ChargeRule:
    """One part of a fee or commission: a rate of the subtotal plus a fixed amount.

    The rule applies only to subtotals of at least ``applies_from`` (when set) and below
    ``applies_below`` (when set): Fiverr's small-order fee is
    ``ChargeRule(fixed=Money.of(3, "USD"), applies_below=Money.of(100, "USD"))``.
    """

    rate: Decimal = Decimal(0)
    fixed: Money | None = None
    applies_from: Money | None = None
    applies_below: Money | None = None

    def __attrs_post_init__(self) -> None:
        _rate("charge.rate", self.rate)
        if self.fixed is not None:
            _require(not self.fixed.is_negative(), "charge.fixed", "must not be negative")
        if self.applies_from is not None and self.applies_below is not None:
            _require(
                self.applies_from < self.applies_below,
                "charge.applies_from",
                "must be below applies_below",
            )

    def money(self) -> tuple[Money, ...]:
        """Every amount of this rule."""
        return tuple(m for m in (self.fixed, self.applies_from, self.applies_below) if m)

    def applies_to(self, subtotal: Money) -> bool:
        """Whether a subtotal falls inside this rule's thresholds."""
        if self.applies_from is not None and subtotal < self.applies_from:
            return False
        return self.applies_below is None or subtotal < self.applies_below


@attrs.frozen
class LedgerPolicy:
    """Who pays what, and when earnings become the seller's to withdraw.

    ``commission`` is what the platform keeps of each completed order's subtotal;
    ``buyer_fees`` is charged to the buyer on top (none at Khamsat). Earnings stay pending
    for ``clearance_period`` (``fast_clearance_period`` for sellers at
    ``fast_clearance_levels``), then may be withdrawn from ``withdrawal_minimum`` up.
    With ``require_verified_email``, a member whose e-mail address the host has not
    verified moves no money: no top-up, checkout, accepted offer or withdrawal (off by
    default: a host without e-mail cannot verify anyone; the web host turns it on). One
    top-up is at most ``top_up_maximum`` (``None``: only the ledger's bound on amounts):
    a gateway's account must not be driven to that bound by one member's top-up, which
    would stop everyone's payments through it.
    """

    commission: tuple[ChargeRule, ...]
    buyer_fees: tuple[ChargeRule, ...]
    clearance_period: relativedelta
    fast_clearance_period: relativedelta
    fast_clearance_levels: frozenset[SellerLevel]
    withdrawal_minimum: Money
    require_verified_email: bool = False
    top_up_maximum: Money | None = None

    def __attrs_post_init__(self) -> None:
        _require(
            _total_rate(self.commission) < 1,
            "ledger.commission",
            "the rates together must stay below 100%",
        )
        _positive_duration("ledger.clearance_period", self.clearance_period)
        _positive_duration("ledger.fast_clearance_period", self.fast_clearance_period)
        _require(
            _length(self.fast_clearance_period) <= _length(self.clearance_period),
            "ledger.fast_clearance_period",
            "must not be longer than clearance_period",
        )
        _require(
            self.withdrawal_minimum.is_positive(), "ledger.withdrawal_minimum", "must be positive"
        )
        _require(
            self.top_up_maximum is None or self.top_up_maximum.is_positive(),
            "ledger.top_up_maximum",
            "must be positive",
        )

    def money(self) -> tuple[Money, ...]:
        """Every amount of this policy."""
        rules = self.commission + self.buyer_fees
        maximum = () if self.top_up_maximum is None else (self.top_up_maximum,)
        return (
            self.withdrawal_minimum,
            *maximum,
            *(m for rule in rules for m in rule.money()),
        )

    def clearance_for(self, level: SellerLevel) -> relativedelta:
        """How long a seller at ``level`` waits before earnings become available."""
        if level in self.fast_clearance_levels:
            return self.fast_clearance_period
        return self.clearance_period


# --- orders --------------------------------------------------------------------------------


@attrs.frozen
class OrderPolicy:
    """The timers of an order and what the buyer may do when the seller is late.

    ``auto_cancel_unstarted_after`` is ``None`` to keep orders awaiting instructions open
    for ever (the default).
    """

    auto_accept_after: relativedelta
    mutual_cancellation_auto_accept_after: relativedelta
    auto_cancel_unstarted_after: relativedelta | None = None
    buyer_may_cancel_late_while_awaiting_acceptance: bool = False
    modification_extends_deadline: bool = False

    def __attrs_post_init__(self) -> None:
        _positive_duration("orders.auto_accept_after", self.auto_accept_after)
        _positive_duration(
            "orders.mutual_cancellation_auto_accept_after",
            self.mutual_cancellation_auto_accept_after,
        )
        if self.auto_cancel_unstarted_after is not None:
            _positive_duration(
                "orders.auto_cancel_unstarted_after", self.auto_cancel_unstarted_after
            )


# --- reviews ----------------------------------------------------------------------------


@attrs.frozen
class ReviewPolicy:
    """Reviews: stars, the window after completion, and the prior of the Bayesian average.

    The Bayesian average counts ``prior_weight`` imaginary ratings of ``prior_mean``, so a
    service with one 5-star review does not outrank one with two hundred 4.9-star reviews.
    """

    window: relativedelta
    stars_min: int = 1
    stars_max: int = 5
    comment_length_max: int = 2000
    prior_mean: Decimal = Decimal("4.0")
    prior_weight: int = 5

    def __attrs_post_init__(self) -> None:
        _positive_duration("reviews.window", self.window)
        _require(
            1 <= self.stars_min < self.stars_max, "reviews.stars_min", "must be 1 <= min < max"
        )
        _require(
            Decimal(self.stars_min) <= self.prior_mean <= Decimal(self.stars_max),
            "reviews.prior_mean",
            "must lie between stars_min and stars_max",
        )
        _require(self.prior_weight >= 0, "reviews.prior_weight", "must not be negative")


# --- seller levels ------------------------------------------------------------------------


@attrs.frozen
class LevelCriteria:
    """What a seller needs, over the metrics window, to reach ``level``."""

    level: SellerLevel
    unique_clients: int
    average_rating: Decimal
    completion_rate: Decimal
    conversation_rate: Decimal
    response_time: timedelta

    def __attrs_post_init__(self) -> None:
        name = f"levels.{self.level.value}"
        _require(self.unique_clients >= 0, f"{name}.unique_clients", "must not be negative")
        for field, rate in (
            ("completion_rate", self.completion_rate),
            ("conversation_rate", self.conversation_rate),
        ):
            _fraction(f"{name}.{field}", rate)
        _require(self.response_time > timedelta(0), f"{name}.response_time", "must be positive")


@attrs.frozen
class LevelPolicy:
    """The criteria of each earned level, the grace period and the evaluation schedule.

    ``criteria`` lists the earned levels from the lowest up (level 1 needs nothing and
    professional is granted by admins, so neither appears). ``evaluation_rule`` is an
    RFC 5545 recurrence rule (dateutil's ``rrulestr``), monthly by default.
    """

    criteria: tuple[LevelCriteria, ...]
    grace_period: relativedelta
    metrics_window: relativedelta
    evaluation_rule: str = "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=0;BYMINUTE=0;BYSECOND=0"

    def __attrs_post_init__(self) -> None:
        levels = [c.level for c in self.criteria]
        _require(
            levels == sorted(levels, key=lambda level: level.rank)
            and len(set(levels)) == len(levels)
            and SellerLevel.LEVEL_1 not in levels
            and SellerLevel.PROFESSIONAL not in levels,
            "levels.criteria",
            "must list earned levels (2, 3) once each, lowest first",
        )
        _positive_duration("levels.grace_period", self.grace_period)
        _positive_duration("levels.metrics_window", self.metrics_window)
        try:
            first = rrulestr(self.evaluation_rule, dtstart=_REFERENCE).after(_REFERENCE)
        except (ValueError, TypeError) as error:
            raise InvalidPolicy(setting="levels.evaluation_rule", problem=str(error)) from None
        _require(first is not None, "levels.evaluation_rule", "never occurs")


# --- project mode ---------------------------------------------------------------------------


@attrs.frozen
class ProjectPolicy:
    """Project mode (RULES.md §11): projects, bids, bid credits, contracts and milestones.

    A project names one of ``brackets`` (each ``(minimum, maximum)``, increasing, touching
    or apart) as its budget; a bid's amount lies inside it. A freelancer has
    ``bid_credits_per_month`` bids a month. A contract holds 1 to ``milestones_max``
    milestones of at least ``milestone_min`` each, summing to its total; the platform keeps
    ``commission`` of each release. A submitted milestone is approved by itself after
    ``auto_approve_after``; an offer lapses after ``offer_lifetime``; money held when a
    client ends a contract early goes back after ``early_end_answer`` unless the freelancer
    disputes. An open project expires after ``project_lifetime``. ``client_fees`` (none by
    default) is charged to the client on top of each milestone when it is funded, as
    ``LedgerPolicy.buyer_fees`` on an order: the platform keeps it with the commission on
    release, gives it back with a refund, and in proportion with a split.
    """

    brackets: tuple[tuple[Money, Money], ...]
    commission: tuple[ChargeRule, ...]
    milestones_max: int
    milestone_min: Money
    auto_approve_after: relativedelta
    offer_lifetime: relativedelta
    early_end_answer: relativedelta
    project_lifetime: relativedelta
    bid_credits_per_month: int
    hires_max: int = 5
    duration_days: tuple[int, int] = (1, 365)
    questions_max: int = 5
    skills_max: int = 10
    title_length: tuple[int, int] = (10, 120)
    description_length: tuple[int, int] = (30, 5000)
    review_window: relativedelta = attrs.field(factory=lambda: relativedelta(days=14))
    """How long after a contract its two sides may review each other; the reviews are
    published when both have written theirs, or when the window closes."""
    client_fees: tuple[ChargeRule, ...] = ()
    """What the client pays on top of each milestone it funds (RULES.md §11's optional
    client fee), computed on the milestone's amount as a buyer fee on an order's subtotal."""

    def __attrs_post_init__(self) -> None:
        _require(bool(self.brackets), "projects.brackets", "must list at least one bracket")
        previous: Money | None = None
        for low, high in self.brackets:
            _require(low.is_positive() and low < high, "projects.brackets", "must be 0 < min < max")
            _require(
                previous is None or previous <= low,
                "projects.brackets",
                "must be in increasing order without overlapping",
            )
            previous = high
        _require(
            _total_rate(self.commission) < 1,
            "projects.commission",
            "the rates together must stay below 100%",
        )
        _require(self.milestones_max >= 1, "projects.milestones_max", "must be at least 1")
        _require(self.milestone_min.is_positive(), "projects.milestone_min", "must be positive")
        for name, delta in (
            ("auto_approve_after", self.auto_approve_after),
            ("offer_lifetime", self.offer_lifetime),
            ("early_end_answer", self.early_end_answer),
            ("project_lifetime", self.project_lifetime),
            ("review_window", self.review_window),
        ):
            _positive_duration(f"projects.{name}", delta)
        for name, value in (
            ("bid_credits_per_month", self.bid_credits_per_month),
            ("hires_max", self.hires_max),
        ):
            _require(value >= 1, f"projects.{name}", "must be at least 1")
        _require(self.questions_max >= 0, "projects.questions_max", "must not be negative")
        _require(self.skills_max >= 1, "projects.skills_max", "must be at least 1")
        for name, (shortest, longest) in (
            ("duration_days", self.duration_days),
            ("title_length", self.title_length),
            ("description_length", self.description_length),
        ):
            _require(
                1 <= shortest <= longest, f"projects.{name}", "must be a range 1 <= min <= max"
            )

    def money(self) -> tuple[Money, ...]:
        """Every amount of this policy."""
        bounds = tuple(m for bracket in self.brackets for m in bracket)
        rules = tuple(m for rule in self.commission + self.client_fees for m in rule.money())
        return (*bounds, self.milestone_min, *rules)


# --- the whole policy -----------------------------------------------------------------------


@attrs.frozen
class MarketplacePolicy:
    """Every setting of one marketplace, grouped by area."""

    name: str
    currency: str
    catalog: CatalogPolicy
    ledger: LedgerPolicy
    orders: OrderPolicy
    reviews: ReviewPolicy
    levels: LevelPolicy
    projects: ProjectPolicy = attrs.field(factory=lambda: MOSTAQL_PROJECTS)
    """Project mode (Mostaql's numbers unless a preset says otherwise)."""

    def __attrs_post_init__(self) -> None:
        for amount in (*self.catalog.money(), *self.ledger.money(), *self.projects.money()):
            _require(
                amount.currency == self.currency,
                "currency",
                f"every amount must be in {self.currency}, not {amount.currency}",
            )


def _usd(amount: int) -> Money:
    return Money.of(amount, "USD")


def _criteria(*rows: tuple[SellerLevel, int, str, str, str, int]) -> tuple[LevelCriteria, ...]:
    """Level criteria from rows of numbers, lowest level first.

    A row: the level, unique clients, average rating, completion rate, conversation rate
    (the three as decimal text) and response time in hours.
    """
    return tuple(
        LevelCriteria(
            level=level,
            unique_clients=clients,
            average_rating=Decimal(rating),
            completion_rate=Decimal(completion),
            conversation_rate=Decimal(conversation),
            response_time=timedelta(hours=hours),
        )
        for level, clients, rating, completion, conversation, hours in rows
    )


_MOSTAQL_BRACKETS: Final = tuple(
    (_usd(low), _usd(high))
    for low, high in (
        (25, 50),
        (50, 100),
        (100, 250),
        (250, 500),
        (500, 1000),
        (1000, 2500),
        (2500, 5000),
        (5000, 10000),
    )
)

MOSTAQL_PROJECTS: Final[ProjectPolicy] = ProjectPolicy(
    brackets=_MOSTAQL_BRACKETS,
    commission=(ChargeRule(rate=Decimal("0.20")),),
    milestones_max=1,
    milestone_min=_usd(5),
    auto_approve_after=relativedelta(days=14),
    offer_lifetime=relativedelta(days=30),
    early_end_answer=relativedelta(days=7),
    project_lifetime=relativedelta(days=30),
    bid_credits_per_month=30,
)
"""Mostaql's project mode (RULES.md §11): its eight budget brackets from $25 to $10,000, the
whole project in one milestone, 20% commission [M], a $5 minimum milestone, 14-day
auto-approval, 30-day offers and a 7-day answer to an early end [U]; reviews published
together or after 14 days [M, ST]; 30-day projects and 30 bids a month [choice]."""

UPWORK_LIKE_PROJECTS: Final = attrs.evolve(
    MOSTAQL_PROJECTS, milestones_max=10, commission=(ChargeRule(rate=Decimal("0.10")),)
)
"""Upwork-like contracts: up to 10 milestones [choice], 14-day auto-approval, 7-day refund
answer, 30-day offers [U], 10% commission [choice]."""

_FIVERR_SERVICE_FEE: Final = (
    ChargeRule(rate=Decimal("0.055")),
    ChargeRule(fixed=_usd(3), applies_below=_usd(100)),
)
"""Fiverr's buyer service fee: 5.5%, plus $3 under $100 (on every order, milestone orders too)."""

FIVERR_LIKE_PROJECTS: Final = attrs.evolve(
    MOSTAQL_PROJECTS,
    milestones_max=6,
    auto_approve_after=relativedelta(days=8),
    client_fees=_FIVERR_SERVICE_FEE,
)
"""Fiverr-like milestone orders: up to 6 milestones, each approved by itself 8 days after
its delivery [Fv], 20% commission; the client pays the same service fee on each milestone
as a buyer on an order (``FIVERR_LIKE.ledger.buyer_fees``: Fiverr charges it on every
order, and a milestone order is one)."""


KHAMSAT: Final = MarketplacePolicy(
    name="khamsat",
    currency="USD",
    catalog=CatalogPolicy(
        base_price_min=_usd(5),
        base_price_step=_usd(5),
        unit_price_max=_usd(255),
        max_upgrades=4,
        upgrade_price_min=_usd(5),
        upgrade_price_max=_usd(50),
        upgrade_price_step=_usd(5),
        upgrade_extra_days_max=30,
        delivery_days_min=1,
        delivery_days_max=30,
        quantity_max=10,
    ),
    ledger=LedgerPolicy(
        commission=(ChargeRule(rate=Decimal("0.20")),),
        buyer_fees=(),
        clearance_period=relativedelta(days=14),
        fast_clearance_period=relativedelta(days=7),
        fast_clearance_levels=frozenset({SellerLevel.PROFESSIONAL}),
        withdrawal_minimum=_usd(10),
        top_up_maximum=_usd(10_000),  # [choice]: one card payment's worth, not the ledger's bound
    ),
    orders=OrderPolicy(
        auto_accept_after=relativedelta(days=3),
        mutual_cancellation_auto_accept_after=relativedelta(hours=48),
    ),
    reviews=ReviewPolicy(window=relativedelta(days=14)),
    levels=LevelPolicy(
        criteria=_criteria(
            # level, unique clients, average rating, completion, conversation, response hours
            (SellerLevel.LEVEL_2, 10, "4.0", "0.80", "0.15", 24),
            (SellerLevel.LEVEL_3, 25, "4.5", "0.90", "0.33", 24),
        ),
        grace_period=relativedelta(days=180),
        metrics_window=relativedelta(days=365),
    ),
)
"""Khamsat's numbers (RULES.md): $5 services in $5 steps, 4 upgrades of $5–$50, a $255 cap
per unit, 20% commission, no buyer fee, 3-day auto-accept, 14/7-day clearance, $10 minimum
withdrawal, 14-day review window, levels 2 and 3 by Khamsat's criteria, 180-day grace."""

FIVERR_LIKE: Final = MarketplacePolicy(
    name="fiverr_like",
    currency="USD",
    catalog=attrs.evolve(
        KHAMSAT.catalog,
        unit_price_max=_usd(10_000),
        max_upgrades=10,
        upgrade_price_max=_usd(995),
        upgrade_extra_days_max=60,
        delivery_days_max=90,
        quantity_max=20,
        title_length=(15, 80),
        description_length=(120, 1200),
    ),
    ledger=attrs.evolve(
        KHAMSAT.ledger,
        buyer_fees=_FIVERR_SERVICE_FEE,
        withdrawal_minimum=_usd(5),
    ),
    orders=attrs.evolve(KHAMSAT.orders, buyer_may_cancel_late_while_awaiting_acceptance=False),
    reviews=ReviewPolicy(window=relativedelta(days=10), prior_mean=Decimal("4.5"), prior_weight=10),
    projects=FIVERR_LIKE_PROJECTS,
    levels=attrs.evolve(
        KHAMSAT.levels,
        criteria=_criteria(
            # level, unique clients, average rating, completion, conversation, response hours
            (SellerLevel.LEVEL_2, 5, "4.4", "0.90", "0", 24),
            (SellerLevel.LEVEL_3, 10, "4.7", "0.90", "0", 12),
        ),
        grace_period=relativedelta(days=60),
        metrics_window=relativedelta(days=60),
    ),
)
"""A Fiverr-like marketplace: a 5.5% buyer service fee plus $3 on orders under $100,
larger catalogues, 20% commission, 3-day auto-accept, 14/7-day clearance, a 10-day review
window and shorter level windows."""

MOSTAQL: Final = attrs.evolve(KHAMSAT, name="mostaql", projects=MOSTAQL_PROJECTS)
"""Mostaql (مستقل), Khamsat's sister platform: the same members and ledger, with project
mode at its numbers (:data:`MOSTAQL_PROJECTS`)."""

UPWORK_LIKE: Final = attrs.evolve(KHAMSAT, name="upwork_like", projects=UPWORK_LIKE_PROJECTS)
"""An Upwork-like project marketplace: milestones, 14-day auto-approval, a 7-day answer to
a refund (:data:`UPWORK_LIKE_PROJECTS`)."""
