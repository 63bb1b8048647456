"""R1's state machine: the whole façade driven against a plain dict model.

Imported by tests/marketplace/test_stateful.py, which plays each share in a fresh process
(:func:`walk`): hypothesis draws some values from the constants of the modules a process has
loaded, so in the test's own process what it generates, and how many steps it walks, would
depend on which tests ran before.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

from cast import ADMIN, DESCRIPTION, START
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from microgigs import KHAMSAT, ManualClock, UlidGenerator
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import MicrogigsError
from microgigs.ids import CategoryId, OrderId
from microgigs.marketplace import Marketplace, NewUpgrade
from microgigs.members import PayoutMethod
from microgigs.money import Money
from microgigs.orders import OrderEvent, OrderStatus
from microgigs.payments import FakeGateway
from microgigs.storage import MemoryStorage
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

S = OrderStatus
STEPS_PER_RUN = 100
# hypothesis leans towards the first choices: the order's own steps come first
ACTIONS = (
    "message",
    "deliver",
    "modify",
    "accept",
    "dispute",
    "resolve",
    "cancel_late",
    "place",
    "tick",
    "withdraw",
    "top_up",
)
# hypothesis ends some runs before STEPS_PER_RUN: runs average 78 to 90 steps (derandomized,
# so the same every time in a fresh process with the same code; the draws moved when the
# policy module grew its project presets, #19), and a share asks for as many runs as its
# steps need at 75 a run
AVERAGE_STEPS_AT_LEAST = 75
AUTO_ACCEPT = KHAMSAT.orders.auto_accept_after
CLEARANCE = KHAMSAT.ledger.clearance_period
MINIMUM = KHAMSAT.ledger.withdrawal_minimum.minor
BASE, UPGRADES = 500, (1000, 2000)  # minor units: $5 and two upgrades of $10 and $20


def commission_of(minor: int) -> int:
    """20% of an amount; every amount here is a multiple of $5, so it is exact."""
    assert minor % 5 == 0
    return minor // 5


class MarketLife(RuleBasedStateMachine):
    """One marketplace's life; ``open_storage`` is set per adapter by the test."""

    open_storage = staticmethod(lambda: MemoryStorage("USD"))

    def __init__(self):
        super().__init__()
        self.storage = self.open_storage()
        self.clock = ManualClock(START)
        self.market = Marketplace(
            self.storage, self.clock, UlidGenerator(self.clock, seed=1), KHAMSAT, FakeGateway()
        )
        self.keys = iter(range(10**9))
        m = self.market
        self.seller = Actor.member(
            m.register_member(
                username="seller",
                email="s@example.com",
                first_name="سارة",
                family_name="أ",
                key="r-s",
            )
        )
        self.buyers = [
            Actor.member(
                m.register_member(
                    username=f"buyer{n}",
                    email=f"b{n}@example.com",
                    first_name="أحمد",
                    family_name="خ",
                    key=f"r-b{n}",
                )
            )
            for n in range(2)
        ]
        self.service = m.publish_service(
            self.seller,
            category_id=CategoryId("logo-design"),
            title="تصميم شعار احترافي لشركتك",
            description=DESCRIPTION,
            instructions="الاسم",
            base_price=Money(BASE, "USD"),
            delivery_days=2,
            upgrades=[
                NewUpgrade("PNG", Money(UPGRADES[0], "USD"), 1),
                NewUpgrade("PSD", Money(UPGRADES[1], "USD"), 1),
            ],
            key="p",
        ).id
        m.moderate_service(ADMIN, self.service, key="m")
        m.set_payout_methods(self.seller, [PayoutMethod.paypal("s@paypal.com")], key="pm")
        self.upgrade_ids = [u.id for u in m.service(Actor.system(), self.service).upgrades]
        # the model
        self.money: dict[lg.AccountId, int] = defaultdict(int)
        self.status: dict[str, OrderStatus] = {}
        self.total: dict[str, int] = {}
        self.buyer_of: dict[str, Actor] = {}
        self.delivered_at: dict[str, object] = {}
        self.uncleared: list[tuple[object, int]] = []  # (clears at, amount)
        self.steps = 0
        for buyer in self.buyers:  # enough to buy a few orders from the first step
            m.top_up(buyer, Money(50_000, "USD"), lg.Gateway.CARD, key=f"fund-{buyer.member_id}")
            self.money[lg.wallet(buyer.member_id)] += 50_000
            self.money[lg.gateway(lg.Gateway.CARD)] -= 50_000

    def key(self) -> str:
        return f"k{next(self.keys)}"

    def attempt(self, allowed: bool, action) -> bool:
        """Run ``action``; it must succeed exactly when the model allows it."""
        self.steps += 1
        SEEN[sys._getframe(1).f_code.co_name, allowed] += 1
        try:
            action()
        except MicrogigsError:
            assert not allowed, "the store refused what the model allows"
            return False
        assert allowed, "the store did what the model refuses"
        return True

    def release(self, order: str, refunded: int = 0) -> None:
        rest = self.total[order] - refunded
        fee = commission_of(rest)
        buyer = self.buyer_of[order].member_id
        self.money[lg.escrow(order)] -= self.total[order]
        self.money[lg.wallet(buyer)] += refunded
        self.money[lg.pending(self.seller.member_id)] += rest - fee
        self.money[lg.revenue()] += fee
        self.uncleared.append((self.clock.now() + CLEARANCE, rest - fee))
        self.status[order] = S.COMPLETED

    def refund(self, order: str) -> None:
        self.money[lg.escrow(order)] -= self.total[order]
        self.money[lg.wallet(self.buyer_of[order].member_id)] += self.total[order]
        self.status[order] = S.CANCELLED

    # --- the one rule: a uniformly drawn action, so that every path is walked -------------

    @rule(data=st.data())
    def act(self, data):
        def draw(strategy, label):
            return data.draw(strategy, label=label)

        action = draw(st.sampled_from(ACTIONS), "action")
        if action == "top_up":
            self.top_up(draw(st.integers(0, 1), "buyer"), draw(st.integers(1, 120), "dollars"))
        elif action == "place":
            self.place(
                draw(st.integers(0, 1), "buyer"),
                draw(st.sets(st.integers(0, 1)), "upgrades"),
                draw(st.integers(1, 3), "quantity"),
            )
        elif action == "tick":
            self.tick(draw(st.integers(1, 24 * 20), "hours"))
        elif action == "withdraw":
            self.withdraw(draw(st.integers(1, 200), "dollars"), draw(st.booleans(), "paid"))
        elif self.status:
            live = [o for o, status in self.status.items() if not status.is_terminal]
            order = draw(st.sampled_from(sorted(live or self.status)), "order")
            if action == "resolve":
                outcome = draw(st.sampled_from(["complete", "full", "partial"]), "outcome")
                self.resolve(order, outcome, draw(st.integers(1, 9), "tenths refunded"))
            else:
                getattr(self, action)(order)

    # --- the actions --------------------------------------------------------------------------

    def top_up(self, buyer, dollars):
        actor = self.buyers[buyer]
        self.attempt(
            allowed=True,
            action=lambda: self.market.top_up(
                actor, Money(dollars * 100, "USD"), lg.Gateway.CARD, key=self.key()
            ),
        )
        self.money[lg.wallet(actor.member_id)] += dollars * 100
        self.money[lg.gateway(lg.Gateway.CARD)] -= dollars * 100

    def place(self, buyer, chosen, quantity):
        actor = self.buyers[buyer]
        total = (BASE + sum(UPGRADES[c] for c in chosen)) * quantity
        upgrades = [self.upgrade_ids[c] for c in sorted(chosen)]
        self.market.add_to_cart(
            actor, self.service, upgrade_ids=upgrades, quantity=quantity, key=self.key()
        )
        placed = []
        allowed = self.money[lg.wallet(actor.member_id)] >= total
        self.attempt(allowed, lambda: placed.extend(self.market.checkout(actor, key=self.key())))
        if not placed:
            self.market.remove_from_cart(actor, self.service, key=self.key())
            return
        (order,) = placed
        self.money[lg.wallet(actor.member_id)] -= total
        self.money[lg.escrow(order)] += total
        self.status[order], self.total[order], self.buyer_of[order] = (
            S.AWAITING_INSTRUCTIONS,
            total,
            actor,
        )

    def message(self, order):
        """A party may always write; the buyer's first message is the instructions."""
        buyer = self.buyer_of[order]
        self.attempt(
            allowed=True,
            action=lambda: self.market.send_message(buyer, order, "التعليمات", key=self.key()),
        )
        if self.status[order] is S.AWAITING_INSTRUCTIONS:
            self.status[order] = S.IN_PROGRESS

    def deliver(self, order):
        allowed = self.status[order] is S.IN_PROGRESS
        if self.attempt(
            allowed, lambda: self.market.deliver(self.seller, order, "تم", key=self.key())
        ):
            self.status[order] = S.AWAITING_ACCEPTANCE
            self.delivered_at[order] = self.clock.now()

    def modify(self, order):
        allowed = self.status[order] is S.AWAITING_ACCEPTANCE
        buyer = self.buyer_of[order]
        if self.attempt(
            allowed,
            lambda: self.market.request_modification(buyer, order, "عدّل الألوان", key=self.key()),
        ):
            self.status[order] = S.IN_PROGRESS

    def accept(self, order):
        allowed = self.status[order] is S.AWAITING_ACCEPTANCE
        buyer = self.buyer_of[order]
        if self.attempt(allowed, lambda: self.market.accept(buyer, order, key=self.key())):
            self.release(order)

    def dispute(self, order):
        allowed = self.status[order] in {S.IN_PROGRESS, S.AWAITING_ACCEPTANCE}
        buyer = self.buyer_of[order]
        if self.attempt(
            allowed,
            lambda: self.market.report_problem(buyer, order, "لا يطابق الوصف", key=self.key()),
        ):
            self.status[order] = S.DISPUTED

    def resolve(self, order, outcome, share):
        allowed = self.status[order] is S.DISPUTED
        refunded = self.total[order] * share // 10 // 500 * 500 if outcome == "partial" else 0
        if outcome == "partial" and not 0 < refunded < self.total[order]:
            return
        event = {
            "complete": OrderEvent.RESOLVE_COMPLETE,
            "full": OrderEvent.RESOLVE_FULL_REFUND,
            "partial": OrderEvent.RESOLVE_PARTIAL_REFUND,
        }[outcome]
        refund = Money(refunded, "USD") if outcome == "partial" else None
        if self.attempt(
            allowed,
            lambda: self.market.resolve_dispute(ADMIN, order, event, refund, key=self.key()),
        ):
            if outcome == "full":
                self.refund(order)
            else:
                self.release(order, refunded)

    def cancel_late(self, order):
        deadline = self.market.order(Actor.system(), order).deadline
        late = deadline is not None and self.clock.now() > deadline
        allowed = self.status[order] is S.IN_PROGRESS and late
        buyer = self.buyer_of[order]
        if self.attempt(allowed, lambda: self.market.cancel_late(buyer, order, key=self.key())):
            self.refund(order)

    def tick(self, hours):
        self.clock.advance(timedelta(hours=hours))
        now = self.clock.now()
        self.attempt(allowed=True, action=self.market.tick)
        for order, status in self.status.items():
            if status is S.AWAITING_ACCEPTANCE and now >= self.delivered_at[order] + AUTO_ACCEPT:
                self.release(order)
        seller = self.seller.member_id
        due = [amount for at, amount in self.uncleared if at <= now]
        self.uncleared = [(at, amount) for at, amount in self.uncleared if at > now]
        self.money[lg.pending(seller)] -= sum(due)
        self.money[lg.available(seller)] += sum(due)

    def withdraw(self, dollars, paid):
        seller, amount = self.seller.member_id, Money(dollars * 100, "USD")
        allowed = MINIMUM <= dollars * 100 <= self.money[lg.available(seller)]
        if not self.attempt(
            allowed, lambda: self.market.request_withdrawal(self.seller, amount, key=self.key())
        ):
            return
        self.money[lg.available(seller)] -= dollars * 100
        self.money[lg.withdrawing(seller)] += dollars * 100
        self.attempt(
            allowed=True,
            action=lambda: self.market.settle_withdrawal(
                ADMIN, seller, amount, paid=paid, key=self.key()
            ),
        )
        self.money[lg.withdrawing(seller)] -= dollars * 100
        moved_to = lg.payouts() if paid else lg.available(seller)
        self.money[moved_to] += dollars * 100

    # --- what must always hold ---------------------------------------------------------------

    @invariant()
    def the_store_is_the_model(self):
        """Every balance, also those the model never heard of, and every open order's status.

        An order the model holds finished cannot move again (no event leaves a final
        state); teardown compares every order all the same.
        """
        with self.storage.unit_of_work() as uow:
            stored = {a: m.minor for a, m in uow.ledger.balances().items() if m.minor}
            open_orders = [o for o, status in self.status.items() if not status.is_terminal]
            statuses = {o: uow.orders.get(OrderId(o)).status for o in open_orders}
        assert {a: minor for a, minor in self.money.items() if minor} == stored
        assert {o: self.status[o] for o in open_orders} == statuses

    def every_order_is_the_model(self):
        with self.storage.unit_of_work() as uow:
            stored = {
                o.id: o.status
                for buyer in self.buyers
                for o in uow.orders.by_buyer(buyer.member_id, limit=10**6)
            }
        assert self.status == stored

    def teardown(self):
        try:
            self.every_order_is_the_model()
            with self.storage.unit_of_work() as uow:
                issues = lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())
                total = sum(b.minor for b in uow.ledger.balances().values())
            assert ([], 0) == (issues, total)
            STEPS[type(self).__name__] += self.steps
        finally:
            self.storage.close()


STEPS: dict[str, int] = defaultdict(int)
SEEN: Counter[tuple[str, bool]] = Counter()  # (rule, allowed by the model): coverage


def walk(name: str, part: int, wanted: int, where: str, schema: str):
    """Play one share of R1 on adapter ``name``; the steps walked and what was seen.

    ``where`` is the directory of the SQLite files or the PostgreSQL DSN; ``schema`` the
    prefix of the PostgreSQL schemas (each run opens a fresh store).
    """
    files = iter(range(10**9))
    if name == "memory":
        open_storage = lambda: MemoryStorage("USD")  # noqa: E731 (one line per adapter)
    elif name == "sqlite":
        open_storage = lambda: SQLiteStorage(  # noqa: E731
            Path(where) / f"r1-{next(files)}.db", currency="USD"
        )
    else:
        open_storage = lambda: PostgresStorage(  # noqa: E731
            where, currency="USD", schema=f"{schema}_{next(files)}", pool_size=1
        )
    machine = type(
        f"MarketLife_{name}_{part}", (MarketLife,), {"open_storage": staticmethod(open_storage)}
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=-(-wanted // AVERAGE_STEPS_AT_LEAST),
            stateful_step_count=STEPS_PER_RUN + part - 1,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    return STEPS[machine.__name__], SEEN
