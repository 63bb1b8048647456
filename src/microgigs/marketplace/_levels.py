"""Seller levels: the monthly evaluation (a system step of ``tick``) and the professional level.

A member's project work as a freelancer counts with their orders (RULES.md §11): their
contracts, read newest first (at most 500 offered up to the round), feed the same criteria.
"""

from __future__ import annotations

import json
from datetime import datetime

import attrs

from microgigs.ids import EventId, MemberId
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, SystemStep, handles
from microgigs.members import Member
from microgigs.ranking import (
    SellerLevel,
    evaluate,
    grant_professional,
    remove_professional,
    seller_metrics,
)
from microgigs.storage.ports import OutboxEvent


@attrs.frozen
class EvaluateLevel(SystemStep[None]):
    """The system evaluates one seller in one round (keyed by both: once each)."""

    seller_id: MemberId
    round_at: datetime


@handles(EvaluateLevel)
def evaluate_level(command: EvaluateLevel, context: Context) -> None:
    uow, levels, seller_id = context.uow, context.policy.levels, command.seller_id
    seller = uow.members.get(seller_id)
    since = command.round_at - levels.metrics_window
    metrics = seller_metrics(
        seller_id,
        orders=uow.orders.of_seller_since(seller_id, since),
        reviews=uow.reviews.of_seller_since(seller_id, since),
        inquiries=uow.inquiries.to_seller(seller_id, since),
        at=command.round_at,
        policy=levels,
        contracts=uow.contracts.of_freelancer(seller_id, until=command.round_at),
        projects=context.policy.projects,
    )
    previous = uow.levels.latest(seller_id)
    evaluation = evaluate(
        seller_id,
        current=seller.level,
        metrics=metrics,
        policy=levels,
        now=command.round_at,
        below_since=None if previous is None else previous.below_since,
    )
    uow.levels.add(evaluation)
    if evaluation.changed:
        set_level(context, seller, evaluation.level, command.round_at)


def set_level(context: Context, seller: Member, level: SellerLevel, at: datetime) -> None:
    """Move a seller to ``level``: the member, their listings, and an event."""
    uow = context.uow
    before = seller.level
    seller.set_level(level)
    uow.members.save(seller)
    for service in uow.services.by_seller(seller.id):
        uow.listings.change(service.id, lambda listing: attrs.evolve(listing, seller_level=level))
    payload = json.dumps({"seller_id": seller.id, "from": before.value, "to": level.value})
    uow.outbox.record(OutboxEvent(context.ids.new(EventId), "member.level_changed", payload, at))


@handles(c.GrantProfessional)
def grant(command: c.GrantProfessional, context: Context) -> None:
    seller = context.uow.members.get(command.seller_id)
    level = grant_professional(command.actor, seller.level)
    if level is not seller.level:
        set_level(context, seller, level, context.now)


@handles(c.RemoveProfessional)
def remove(command: c.RemoveProfessional, context: Context) -> None:
    seller = context.uow.members.get(command.seller_id)
    latest = context.uow.levels.latest(command.seller_id)
    earned = SellerLevel.LEVEL_1 if latest is None else latest.earned
    level = remove_professional(command.actor, earned)
    if seller.level is SellerLevel.PROFESSIONAL:
        set_level(context, seller, level, context.now)
