"""The demo month: every story ends in its status, the money adds up, on every adapter."""

from __future__ import annotations

from datetime import timedelta

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.orders import OrderStatus
from microgigs.projects import MilestoneStatus, ProjectStatus
from microgigs.ranking import ListingQuery
from microgigs.testing.demo import ADMIN_ID, DEMO_DAYS, load_demo

ENDS = {
    "reviewed": OrderStatus.COMPLETED,
    "auto_accepted": OrderStatus.COMPLETED,
    "modified": OrderStatus.COMPLETED,
    "resolved": OrderStatus.COMPLETED,
    "cancelled_late": OrderStatus.CANCELLED,
    "declined": OrderStatus.CANCELLED,
    "cancelled_by_agreement": OrderStatus.CANCELLED,
    "late": OrderStatus.IN_PROGRESS,
    "delivered": OrderStatus.AWAITING_ACCEPTANCE,
    "modification_asked": OrderStatus.IN_PROGRESS,
    "disputed": OrderStatus.DISPUTED,
    "asking_cancellation": OrderStatus.IN_PROGRESS,
    "in_progress": OrderStatus.IN_PROGRESS,
    "awaiting_instructions": OrderStatus.AWAITING_INSTRUCTIONS,
}


def test_the_demo_month_tells_every_story_and_the_ledger_balances(market):
    start = market.clock.now()
    demo = load_demo(market, market.clock)
    statuses = demo.statuses()
    assert {order: ENDS[story] for order, story in demo.orders.items()} == statuses
    assert start + timedelta(days=DEMO_DAYS) == market.clock.now()
    late = [o for o, story in demo.orders.items() if story == "late"]
    assert all(market.order(Actor.system(), o).is_late(market.clock.now()) for o in late)
    with market.storage.unit_of_work() as uow:
        issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
    sara = demo.sellers["sara_designs"]
    # sara was paid out what had cleared by day 21, and has earned more since
    assert ([], True) == (issues, market.balance(lg.pending(sara)).is_positive())
    listed = market.search(ListingQuery(limit=100)).listings
    assert 22 == len(listed)  # 24 published, one paused, one waiting for review
    found = market.search(ListingQuery(text="شعار")).listings
    assert [demo.services[0]] == [listing.service_id for listing in found]


def test_the_demo_month_shows_project_mode(market):
    demo = load_demo(market, market.clock)
    ends = {
        "open": ProjectStatus.OPEN,
        "awaiting_review": ProjectStatus.PENDING_REVIEW,
        "hired": ProjectStatus.IN_PROGRESS,
    }
    assert {p: ends[story] for p, story in demo.projects.items()} == demo.project_statuses()
    listed = market.open_projects(None)
    assert 2 == len(listed)
    assert [2, 1] == sorted((card.bids for card in listed), reverse=True)
    [contract] = demo.contracts
    page = market.contract_page(Actor.admin(ADMIN_ID), contract)
    assert [MilestoneStatus.SUBMITTED] == [m.status for m in page.contract.milestones]
    assert page.held == page.funded  # funded by card, in escrow, waiting for approval
    assert [] == market.audit(Actor.admin(ADMIN_ID))
