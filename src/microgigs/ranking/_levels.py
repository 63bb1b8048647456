"""Seller levels: metrics over a window, an evaluation that explains itself, the grace period."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Final

import attrs
from dateutil.rrule import rrule, rruleset, rrulestr

from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import earlier, later, utc
from microgigs.ids import MemberId
from microgigs.inquiries import Inquiry
from microgigs.money import _CONTEXT
from microgigs.orders import Order, OrderStatus
from microgigs.policy import LevelCriteria, LevelPolicy, ProjectPolicy, SellerLevel
from microgigs.projects import Contract, ContractStatus
from microgigs.ranking._reviews import Review

_PLACES: Final = Decimal("0.001")

Measure = Decimal | int | timedelta
"""What a criterion counts: clients (int), a rate or an average (Decimal), a time."""


@attrs.frozen
class SellerMetrics:
    """What a seller did over the metrics window (``None``: nothing to measure yet)."""

    unique_clients: int
    average_rating: Decimal | None
    completion_rate: Decimal | None
    conversation_rate: Decimal | None
    response_time: timedelta | None
    on_time_rate: Decimal | None = None


def _three_places(value: Decimal) -> Decimal:
    """``value`` to three places, rounded down, in the library's own decimal context.

    Down, so no average or rate reaches a threshold (of at most three places) it does not
    reach: 14.95% is 0.149, not the 0.150 that would meet "at least 15%".
    """
    return value.quantize(_PLACES, rounding=ROUND_FLOOR, context=_CONTEXT)


def _share(part: int, whole: int) -> Decimal | None:
    # the library's own decimal context, never the calling thread's (as for money)
    return _three_places(_CONTEXT.divide(part, whole)) if whole else None


def _mean(stars: list[Decimal]) -> Decimal | None:
    if not stars:
        return None
    total = Decimal(0)
    for given in stars:
        total = _CONTEXT.add(total, given)
    return _three_places(_CONTEXT.divide(total, len(stars)))  # 3.9995 stars: not 4.0


@attrs.frozen
class ProjectWork:
    """What a freelancer's contracts add to their level metrics over a window (RULES.md §11).

    ``clients``: the clients of contracts completed in the window. ``completed`` and
    ``unfinished`` (ended early or cancelled): contracts finished in the window. ``stars``:
    the mean of the six aspects of each client review written in the window and published
    by its end. ``offers`` and ``accepted``: offers made in the window and answered (or
    lapsed) by its end, and those accepted. ``response_times``: how long each of those
    offers waited for its answer (a lapsed one, its whole lifetime).
    """

    clients: frozenset[MemberId] = frozenset()
    completed: int = 0
    unfinished: int = 0
    stars: tuple[Decimal, ...] = ()
    offers: int = 0
    accepted: int = 0
    response_times: tuple[timedelta, ...] = ()


_UNFINISHED: Final = frozenset({ContractStatus.ENDED, ContractStatus.CANCELLED})
_REFUSED: Final = frozenset({ContractStatus.DECLINED, ContractStatus.LAPSED})


def project_work(
    contracts: Iterable[Contract],
    *,
    freelancer_id: MemberId,
    since: datetime,
    at: datetime,
    policy: ProjectPolicy,
) -> ProjectWork:
    """A freelancer's project work in the window from ``since`` to ``at``.

    A contract counts where it ends (finished in the window), not where it started: a
    project may run longer than the window. See ``docs/decisions.md``.
    """
    start, end = utc(since), utc(at)
    mine = [c for c in contracts if c.freelancer_id == freelancer_id]
    finished = [c for c in mine if c.finished_at is not None and start <= c.finished_at <= end]
    completed = [c for c in finished if c.status is ContractStatus.COMPLETED]
    stars = tuple(
        review.stars
        for c in mine
        if (review := c.client_review) is not None
        and start <= review.written_at <= end
        and c.reviews_published(end, policy)
    )
    waits: list[timedelta] = []
    accepted = 0
    for c in mine:
        if not start <= c.offered_at <= end:
            continue
        if c.started_at is not None and c.started_at <= end:
            accepted += 1
            waits.append(c.started_at - c.offered_at)
        elif c.status in _REFUSED and c.finished_at is not None and c.finished_at <= end:
            waits.append(c.finished_at - c.offered_at)
    return ProjectWork(
        clients=frozenset(c.client_id for c in completed),
        completed=len(completed),
        unfinished=sum(1 for c in finished if c.status in _UNFINISHED),
        stars=stars,
        offers=len(waits),
        accepted=accepted,
        response_times=tuple(waits),
    )


def measure(
    orders: Iterable[Order],
    *,
    seller_id: MemberId,
    stars: Iterable[int | Decimal],
    inquiries: int,
    inquiries_ordered: int,
    response_times: Iterable[timedelta],
    since: datetime,
    work: ProjectWork | None = None,
) -> SellerMetrics:
    """The seller's metrics from their orders placed since ``since`` and the other facts.

    Completion counts finished orders only: completed ÷ (completed + cancelled). ``work``,
    the member's project work as a freelancer, counts with the orders: its clients among
    the unique clients, its client reviews among the stars, completed contracts against
    those ended early or cancelled, offers accepted against offers answered (as inquiries
    that became orders against inquiries), and how long offers waited among response times.
    """
    work = ProjectWork() if work is None else work
    mine = [o for o in orders if o.seller_id == seller_id and o.placed_at >= since]
    completed = [o for o in mine if o.status is OrderStatus.COMPLETED]
    cancelled = [o for o in mine if o.status is OrderStatus.CANCELLED]
    on_time = [o for o in completed if o.met_deadline]  # what late is not (RULES §6)
    given = [Decimal(s) for s in stars] + list(work.stars)
    waits = sorted([*response_times, *work.response_times])
    done = len(completed) + work.completed
    return SellerMetrics(
        unique_clients=len({o.buyer_id for o in completed} | work.clients),
        average_rating=_mean(given),
        completion_rate=_share(done, done + len(cancelled) + work.unfinished),
        conversation_rate=_share(inquiries_ordered + work.accepted, inquiries + work.offers),
        response_time=waits[len(waits) // 2] if waits else None,
        on_time_rate=_share(len(on_time), len(completed)),
    )


@attrs.frozen
class CriterionResult:
    """One criterion of one level: what it needs, what the seller has, and whether it is met.

    ``at_most`` marks a ceiling (response time); every other criterion is a floor.
    ``actual`` is ``None`` when there is nothing to measure yet (no reviews, no inquiries):
    the inquiries' two criteria are then met, the others not.
    """

    name: str
    required: Measure
    actual: Measure | None
    met: bool
    at_most: bool = False

    @property
    def shortfall(self) -> Measure | None:
        """By how much the criterion is missed (``None`` when met or not yet measurable).

        >>> CriterionResult("unique clients", 10, 7, met=False).shortfall
        3
        >>> CriterionResult("response time", timedelta(hours=24), timedelta(hours=30),
        ...                 met=False, at_most=True).shortfall
        datetime.timedelta(seconds=21600)
        """
        required, actual = self.required, self.actual
        if self.met or actual is None:
            return None
        if isinstance(required, timedelta) and isinstance(actual, timedelta):
            return actual - required if self.at_most else required - actual
        if isinstance(required, timedelta) or isinstance(actual, timedelta):
            return None
        return required - actual


@attrs.frozen
class LevelCheck:
    """Every criterion of one level."""

    level: SellerLevel
    criteria: tuple[CriterionResult, ...]

    @property
    def met(self) -> bool:
        """All criteria met."""
        return all(c.met for c in self.criteria)


def check(criteria: LevelCriteria, metrics: SellerMetrics) -> LevelCheck:
    """How ``metrics`` stand against one level's ``criteria``."""

    def at_least(
        name: str, required: Decimal | int, actual: Decimal | int | None
    ) -> CriterionResult:
        return CriterionResult(
            name, required, actual, met=actual is not None and actual >= required
        )

    # The two criteria of inquiries hold nothing against a seller no one asked before
    # ordering (docs/decisions.md): with nothing to measure, each is met, its actual None.
    # The others need what they measure: no reviews is no average rating.
    rate, time = metrics.conversation_rate, metrics.response_time
    return LevelCheck(
        criteria.level,
        (
            at_least(_("unique clients"), criteria.unique_clients, metrics.unique_clients),
            at_least(_("average rating"), criteria.average_rating, metrics.average_rating),
            at_least(_("order completion rate"), criteria.completion_rate, metrics.completion_rate),
            CriterionResult(
                _("successful conversation rate"),
                criteria.conversation_rate,
                rate,
                met=rate is None or rate >= criteria.conversation_rate,
            ),
            CriterionResult(
                _("response time"),
                criteria.response_time,
                time,
                met=time is None or time <= criteria.response_time,
                at_most=True,
            ),
        ),
    )


@attrs.frozen
class Evaluation:
    """The outcome of one evaluation, with the reasons for it.

    ``earned`` is the highest level whose criteria are all met; ``level`` is the seller's
    level after the evaluation (a seller below their level keeps it through the grace
    period, counted from ``below_since``).
    """

    seller_id: MemberId
    at: datetime
    previous: SellerLevel
    earned: SellerLevel
    level: SellerLevel
    below_since: datetime | None
    checks: tuple[LevelCheck, ...]

    @property
    def changed(self) -> bool:
        """Whether the level moved."""
        return self.level is not self.previous


def evaluate(
    seller_id: MemberId,
    *,
    current: SellerLevel,
    metrics: SellerMetrics,
    policy: LevelPolicy,
    now: datetime,
    below_since: datetime | None = None,
) -> Evaluation:
    """The seller's level after this evaluation.

    Promotion is at once; demotion only once the seller has been below their level for the
    whole grace period; "professional" is granted and removed by admins only.
    """
    when = utc(now)
    checks = tuple(check(criteria, metrics) for criteria in policy.criteria)
    earned = SellerLevel.LEVEL_1
    for level_check in checks:
        if level_check.met:
            earned = level_check.level
    level, since = current, None
    if current is SellerLevel.PROFESSIONAL:
        pass
    elif earned.rank >= current.rank:
        level = earned
    else:
        since = below_since or when
        if when >= later(since, policy.grace_period):
            level, since = earned, None
    return Evaluation(seller_id, when, current, earned, level, since, checks)


def grant_professional(actor: Actor, current: SellerLevel) -> SellerLevel:
    """An admin grants the professional level (returns it)."""
    actor.require_admin(_("grant the professional level"))
    return SellerLevel.PROFESSIONAL if current is not SellerLevel.PROFESSIONAL else current


def remove_professional(actor: Actor, earned: SellerLevel) -> SellerLevel:
    """An admin removes the professional level: the seller falls to what they earn."""
    actor.require_admin(_("remove the professional level"))
    return earned


def next_evaluation(after: datetime, policy: LevelPolicy) -> datetime:
    """When the next scheduled evaluation falls (the policy's recurrence rule)."""
    start = utc(after)
    found = rrulestr(policy.evaluation_rule, dtstart=start).after(start)
    if not isinstance(found, datetime):
        return later(start, policy.metrics_window)
    return found


_ROUNDS_FROM: Final = datetime(2000, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=8)
def _rounds(rule: str) -> rrule | rruleset:
    return rrulestr(rule, dtstart=_ROUNDS_FROM, cache=True)


def evaluation_round(now: datetime, policy: LevelPolicy) -> datetime:
    """The scheduled evaluation round in force at ``now``.

    That is the last occurrence of the policy's rule at or before ``now`` (rounds count
    from 2000-01-01 UTC).

    >>> from microgigs.policy import KHAMSAT
    >>> evaluation_round(datetime(2026, 11, 23, 9, tzinfo=UTC), KHAMSAT.levels).isoformat()
    '2026-11-01T00:00:00+00:00'
    """
    when = utc(now)
    known = _LATEST_ROUND.get(policy.evaluation_rule)
    if known is not None and known[0] <= when < known[1]:
        return known[0]  # tick asks every minute: most asks fall in the round seen last
    rounds = _rounds(policy.evaluation_rule)
    found = rounds.before(when, inc=True)
    current = found if isinstance(found, datetime) else _ROUNDS_FROM
    following = rounds.after(when)
    if isinstance(following, datetime):
        _LATEST_ROUND[policy.evaluation_rule] = (current, following)
    return current


_LATEST_ROUND: dict[str, tuple[datetime, datetime]] = {}
"""Per rule, the round found last and the start of the next: ``tick`` runs often."""


def seller_metrics(
    seller_id: MemberId,
    *,
    orders: Iterable[Order],
    reviews: Iterable[Review],
    inquiries: Iterable[Inquiry],
    at: datetime,
    policy: LevelPolicy,
    contracts: Iterable[Contract] = (),
    projects: ProjectPolicy | None = None,
) -> SellerMetrics:
    """The metrics of a seller's window ending at ``at`` from what the storage holds.

    Only facts from ``at - metrics_window`` up to ``at`` count, so an evaluation run late
    measures what it would have measured on time. ``contracts`` (read with ``projects``,
    the policy whose review window publishes their reviews) add the member's project work.
    """
    since = earlier(utc(at), policy.metrics_window)
    work = (
        None
        if projects is None
        else project_work(contracts, freelancer_id=seller_id, since=since, at=at, policy=projects)
    )
    asked = [i for i in inquiries if since <= i.opened_at <= at]
    return measure(
        [o for o in orders if o.placed_at <= at],
        seller_id=seller_id,
        stars=[r.stars for r in reviews if since <= r.created_at <= at],
        inquiries=len(asked),
        inquiries_ordered=sum(1 for i in asked if i.order_id is not None),
        # a question never answered has waited from its asking to ``at`` (and still waits):
        # left out, ten unanswered questions measured no time at all, which met "≤ 24 h"
        response_times=[
            utc(at) - i.opened_at if (t := i.response_time) is None else t for i in asked
        ],
        since=since,
        work=work,
    )
