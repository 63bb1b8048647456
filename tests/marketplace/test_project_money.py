"""A property: whatever the parties and the admin do to a contract, and whenever ``tick``
runs, per contract funded = released + refunded + held, the escrows hold exactly what is
held, and the ledger audit stays clean (RULES.md §11)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from cast import ADMIN, START, hired, usd
from hypothesis import given, settings
from hypothesis import strategies as st

from microgigs import ManualClock, UlidGenerator
from microgigs import ledger as lg
from microgigs.errors import InvalidRefund, NotFound, ProjectError
from microgigs.marketplace import Marketplace
from microgigs.payments import FakeGateway
from microgigs.policy import UPWORK_LIKE
from microgigs.projects import MilestonePlan, Resolution
from microgigs.storage import MemoryStorage

ACTIONS = (
    "fund",
    "submit",
    "changes",
    "approve",
    "dispute",
    "release",
    "refund",
    "split",
    "tick",
    "end",
    "agree_end",
    "ask_cancel",
    "agree_cancel",
)


def _contract(market):
    plans = [MilestonePlan(t, usd(a)) for t, a in (("أ", 400), ("ب", 300), ("ج", 500))]
    client, freelancer, contract = hired(market, milestones=plans)
    market.top_up(client, usd(1500), lg.Gateway.CARD)
    return client, freelancer, contract


def _act(market, parties, contract, action, number):
    client, freelancer = parties
    calls = {
        "fund": lambda: market.fund_milestone(client, contract, number),
        "submit": lambda: market.submit_milestone(freelancer, contract, number, "تم"),
        "changes": lambda: market.request_changes(client, contract, number, "عدّل"),
        "approve": lambda: market.approve_milestone(client, contract, number),
        "dispute": lambda: market.dispute_milestone(freelancer, contract, number, "خلاف"),
        "release": lambda: market.resolve_milestone(ADMIN, contract, number, Resolution.RELEASE),
        "refund": lambda: market.resolve_milestone(ADMIN, contract, number, Resolution.REFUND),
        "split": lambda: market.resolve_milestone(
            ADMIN, contract, number, Resolution.SPLIT, usd(number)
        ),
        "tick": lambda: market.tick(market.clock.now()),
        "end": lambda: market.end_contract(client, contract, "انتهى"),
        "agree_end": lambda: market.answer_end(freelancer, contract, agree=True),
        "ask_cancel": lambda: market.ask_to_cancel_contract(freelancer, contract),
        "agree_cancel": lambda: market.answer_contract_cancellation(client, contract, agree=True),
    }
    # refused, and refused whole: the checks below see nothing moved
    with contextlib.suppress(ProjectError, NotFound, InvalidRefund):
        calls[action]()


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(1, 3), st.integers(0, 10)), max_size=30
    )
)
def test_funded_is_released_plus_refunded_plus_held_and_the_audit_is_clean(steps):
    clock = ManualClock(START)
    market = Marketplace(
        MemoryStorage("USD"), clock, UlidGenerator(clock, seed=1), UPWORK_LIKE, FakeGateway()
    )
    client, freelancer, contract = _contract(market)
    for action, number, days in steps:
        clock.set(clock.now() + timedelta(days=days))
        _act(market, (client, freelancer), contract, action, number)
        page = market.contract_page(client, contract)
        escrows = sum(
            (market.balance(lg.escrow(page.contract.escrow_of(n))) for n in (1, 2, 3)), usd(0)
        )
        assert page.funded == page.released + page.refunded + page.held
        assert page.held == escrows
        assert usd(1500) == market.balances(client).wallet + page.funded - page.refunded
    assert [] == market.audit(ADMIN)
