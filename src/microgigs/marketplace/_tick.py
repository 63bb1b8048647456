"""The system's steps, run by ``tick``: timers, clearance, expiry, "best selling lately".

Project mode adds its own: projects expire, contracts' timers fire (offers lapse,
submissions approve themselves, an early end refunds), bid credits refill.

Each is a command under a key naming what it changes, so running ``tick`` twice, or from
two processes, does each once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import attrs

from microgigs import ledger as lg
from microgigs.ids import (
    ContractId,
    MemberId,
    OrderId,
    ProjectId,
    RequestId,
    ServiceId,
    TransactionId,
)
from microgigs.marketplace._catalog import trending_since
from microgigs.marketplace._context import Context, SystemStep, handles
from microgigs.marketplace._contracts import offer_answered, save_contract, settle
from microgigs.marketplace._orders import settle_order
from microgigs.marketplace._projects import save_project
from microgigs.money import Money
from microgigs.orders import OrderEvent, OrderStatus
from microgigs.ranking import Listing


@attrs.frozen
class FireTimer(SystemStep[None]):
    """An order's due automatic transition (auto-accept, auto-cancel, …)."""

    order_id: OrderId
    event: OrderEvent


@handles(FireTimer)
def fire_timer(command: FireTimer, context: Context) -> None:
    order = context.uow.orders.get(command.order_id)
    if order.due_event(context.now, context.policy.orders) is not command.event:
        return  # a party moved the order since tick read it: nothing is due of it now
    order.apply(command.event, command.actor, context.now, context.policy.orders)
    settle_order(context, order)


@attrs.frozen
class ClearRelease(SystemStep[None]):
    """A seller's pending earnings from one order become available."""

    order_id: OrderId
    seller_id: MemberId
    amount: Money


@handles(ClearRelease)
def clear_release(command: ClearRelease, context: Context) -> None:
    context.uow.ledger.post(
        lg.clear(
            context.ids.new(TransactionId),
            f"clear:{command.order_id}",
            seller_id=command.seller_id,
            amount=command.amount,
            order_id=command.order_id,
            at=context.now,
        )
    )


@attrs.frozen
class ExpireRequest(SystemStep[None]):
    """A request whose time ran out closes."""

    request_id: RequestId


@handles(ExpireRequest)
def expire_request(command: ExpireRequest, context: Context) -> None:
    request = context.uow.requests.get(command.request_id)
    if request.expire(context.now):
        context.uow.requests.save(request)


@attrs.frozen
class RecountTrending(SystemStep[int]):
    """A seller's listings' "best selling lately" counts, recounted for one day."""

    seller_id: MemberId
    service_ids: tuple[ServiceId, ...]
    day: str


@handles(RecountTrending)
def recount_trending(command: RecountTrending, context: Context) -> int:
    uow = context.uow
    lately = Counter(
        order.service.service_id
        for order in uow.orders.of_seller_since(
            command.seller_id, trending_since(context, context.now)
        )
        if order.status is OrderStatus.COMPLETED
    )
    changed = 0
    for service_id in command.service_ids:
        listing = uow.listings.get(service_id)
        recent = lately[service_id]
        if listing is not None and listing.recent_sales != recent:
            uow.listings.change(service_id, _recently_sold(recent))
            changed += 1
    return changed


def _recently_sold(recent: int) -> Callable[[Listing], Listing]:
    """A listing's change: its recent sales, as recounted."""
    return lambda listing: attrs.evolve(listing, recent_sales=recent)


@attrs.frozen
class TrendingCounted(SystemStep[None]):
    """The day's recount is done: later ticks that day skip it."""

    day: str


@handles(TrendingCounted)
def trending_counted(_command: TrendingCounted, _context: Context) -> None:
    return None


@attrs.frozen
class ExpireProject(SystemStep[bool]):
    """An open project whose time ran out stops taking bids (not while an offer waits)."""

    project_id: ProjectId


@handles(ExpireProject)
def expire_project(command: ExpireProject, context: Context) -> bool:
    project = context.uow.projects.get(command.project_id)
    if project.expire(context.now):
        save_project(context, project, "expired")
        return True
    return False


@attrs.frozen
class FireContractTimer(SystemStep[None]):
    """A contract's due steps: an offer lapses, submissions approve themselves, refunds.

    The refunds are those of an early end the freelancer did not answer; what they disputed
    waits for an admin.
    """

    contract_id: ContractId


@handles(FireContractTimer)
def fire_contract_timer(command: FireContractTimer, context: Context) -> None:
    contract = context.uow.contracts.get(command.contract_id)
    if contract.lapse(context.now):
        offer_answered(context, contract, accepted=False)
        save_contract(context, contract, "lapsed")
        return
    # saved even when nothing is paid out: an early end whose held money is all disputed
    # stops its timer, and the contract leaves the due index
    if approved := contract.auto_approve(context.now):  # an active contract's
        settle(context, contract, approved, "milestone_approved")
    else:  # an ending one's
        refunded = contract.end_timeout(context.now)
        settle(context, contract, refunded, "end_refunded" if refunded else "end_timer_stopped")


@attrs.frozen
class RefillCredits(SystemStep[None]):
    """A freelancer's bids of the new month."""

    member_id: MemberId


@handles(RefillCredits)
def refill_credits(command: RefillCredits, context: Context) -> None:
    found = context.uow.bid_credits.find(command.member_id)
    if found is not None and found.refill(context.now, context.policy.projects):
        context.uow.bid_credits.save(found)
