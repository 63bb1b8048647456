"""Reviews of completed orders and the sellers' replies."""

from __future__ import annotations

import attrs

from microgigs.ids import ReviewId
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, handles
from microgigs.ranking import Listing, Rating
from microgigs.ranking import Review as ReviewOfOrder


@handles(c.Review)
def review(command: c.Review, context: Context) -> ReviewId:
    context.require_trading(command.actor)
    uow = context.uow
    order = uow.orders.get(command.order_id)
    written = ReviewOfOrder.write(
        context.ids.new(ReviewId),
        order=order,
        actor=command.actor,
        stars=command.stars,
        comment=command.comment,
        now=context.now,
        policy=context.policy.reviews,
        reviewed=uow.reviews.for_order(command.order_id) is not None,
    )
    uow.reviews.add(written)
    policy, stars = context.policy.reviews, written.stars
    read = uow.reviews.rating_of_service(written.service_id)  # for a listing kept without a total

    def rated(listing: Listing) -> Listing:
        if listing.rating_total is None:
            rating = Rating(read.count + 1, read.total + stars)
        else:
            rating = Rating(listing.rating_count + 1, listing.rating_total + stars)
        return attrs.evolve(
            listing,
            rating_count=rating.count,
            rating_total=rating.total,
            score=rating.score(policy),
        )

    uow.listings.change(written.service_id, rated)
    return written.id


@handles(c.Reply)
def reply(command: c.Reply, context: Context) -> None:
    context.require_trading(command.actor)
    found = context.uow.reviews.get(command.review_id)
    found.answer(command.actor, command.text, context.now, context.policy.reviews)
    context.uow.reviews.save(found)
