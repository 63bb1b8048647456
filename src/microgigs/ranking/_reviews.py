"""Reviews of completed orders, the seller's one reply, and rating aggregates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs

from microgigs._checks import whole_number
from microgigs._contact import message_text
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import later, utc
from microgigs.errors import AlreadyReplied, ReviewNotAllowed
from microgigs.ids import MemberId, OrderId, ReviewId, ServiceId
from microgigs.money import _CONTEXT
from microgigs.orders import Order, OrderStatus
from microgigs.policy import ReviewPolicy

_PLACES: Final = Decimal("0.01")
_HUNDREDTHS: Final = 100


@attrs.define(slots=True)
class Review:
    """A buyer's stars and comment on a completed order, and the seller's reply."""

    id: ReviewId
    order_id: OrderId
    service_id: ServiceId
    buyer_id: MemberId
    seller_id: MemberId
    stars: int
    comment: str
    created_at: datetime
    reply: str | None = None
    replied_at: datetime | None = None
    version: int = 0

    @classmethod
    def write(
        cls,
        review_id: ReviewId,
        *,
        order: Order,
        actor: Actor,
        stars: int,
        comment: str,
        now: datetime,
        policy: ReviewPolicy,
        reviewed: bool = False,
    ) -> Review:
        """The buyer's review of a completed order, within the policy's window.

        Stars and a comment (RULES §8), neither left out. One review per order:
        ``reviewed``, whether the order has one already, is told only to its buyer (anyone
        else is refused first).
        """
        actor.require_member(order.buyer_id, _("review this order"))
        if reviewed:
            raise ReviewNotAllowed(order_id=order.id, reason=_("it has a review already"))
        when = utc(now)
        if order.status is OrderStatus.CANCELLED:
            raise ReviewNotAllowed(order_id=order.id, reason=_("it was cancelled"))
        if order.status is not OrderStatus.COMPLETED or order.completed_at is None:
            raise ReviewNotAllowed(order_id=order.id, reason=_("it is not completed"))
        if when > later(order.completed_at, policy.window):
            raise ReviewNotAllowed(order_id=order.id, reason=_("the review window has closed"))
        return cls(
            id=review_id,
            order_id=order.id,
            service_id=order.service.service_id,
            buyer_id=order.buyer_id,
            seller_id=order.seller_id,
            stars=whole_number(_("stars"), stars, policy.stars_min, policy.stars_max),
            comment=message_text(_("comment"), comment, (1, policy.comment_length_max)),
            created_at=when,
        )

    def answer(self, actor: Actor, text: str, now: datetime, policy: ReviewPolicy) -> None:
        """The seller's one reply."""
        actor.require_member(self.seller_id, _("reply to this review"))
        if self.reply is not None:
            raise AlreadyReplied(review_id=self.id)
        self.reply = message_text(_("reply"), text, (1, policy.comment_length_max))
        self.replied_at = utc(now)
        self.version += 1


@attrs.frozen
class Rating:
    """How many ratings, their sum, and the averages built from them."""

    count: int
    total: int

    @classmethod
    def of(cls, stars: Iterable[int]) -> Rating:
        """The rating of these stars."""
        values = list(stars)
        return cls(len(values), sum(values))

    @property
    def average(self) -> Decimal | None:
        """The plain average, to two places (``None`` without ratings)."""
        if not self.count:
            return None
        # the library's own decimal context, never the calling thread's (as for money)
        return _CONTEXT.divide(self.total, self.count).quantize(_PLACES, context=_CONTEXT)

    def bayesian(self, policy: ReviewPolicy) -> Decimal:
        """The average with ``prior_weight`` imaginary ratings of ``prior_mean`` added.

        A new service with one 5-star review does not outrank one with two hundred reviews
        averaging 4.9:

        >>> from microgigs.policy import KHAMSAT
        >>> Rating.of([5]).bayesian(KHAMSAT.reviews), Rating(200, 980).bayesian(KHAMSAT.reviews)
        (Decimal('4.17'), Decimal('4.88'))
        """
        weight = policy.prior_weight
        prior = _CONTEXT.multiply(policy.prior_mean, weight)
        mean = _CONTEXT.divide(_CONTEXT.add(prior, self.total), weight + self.count)
        return mean.quantize(_PLACES, context=_CONTEXT)

    def score(self, policy: ReviewPolicy) -> int:
        """The Bayesian average in hundredths of a star: a listing's stored ``score``.

        >>> from microgigs.policy import KHAMSAT
        >>> Rating.of([5, 4, 4]).score(KHAMSAT.reviews)
        412
        """
        return int(_CONTEXT.multiply(self.bayesian(policy), _HUNDREDTHS))
