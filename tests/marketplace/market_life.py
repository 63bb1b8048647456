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
from microgigs.projects import Resolution, next_month
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
PROJECT_ACTIONS = ("project", *ACTIONS)
"""ProjectLife's: project mode (#19) first (a client hires the seller, or a contract's
milestone moves on), then the same. A machine of its own, so the services' walk stays the
same."""
LIVE_CONTRACTS = 1
MILESTONE_ACTIONS = ("fund", "submit", "approve", "mdispute", "mresolve")
PROJECT_STEPS = ("hire", *MILESTONE_ACTIONS)
"""What "project" does; each must be walked too (test_stateful)."""
AUTO_APPROVE = KHAMSAT.projects.auto_approve_after
CREDITS = KHAMSAT.projects.bid_credits_per_month
# hypothesis ends some runs before STEPS_PER_RUN: runs average 78 to 90 steps (derandomized,
# so the same every time in a fresh process with the same code; hypothesis also draws from
# the constants of the modules loaded, so the library's constants move the draws, as the
# project presets of #19 did), and a share asks for as many runs as its steps need at 75
# a run
AVERAGE_STEPS_AT_LEAST = 75
PROJECT_STEPS_AT_LEAST = 60  # ProjectLife's runs are shorter: a hire is one rule, five calls
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
    actions = ACTIONS

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
        # late: the deadline passed with no delivery standing, one not sent back before it
        self.standing: dict[str, bool] = {}
        self.uncleared: list[tuple[object, int]] = []  # (clears at, amount)
        self.steps = 0
        # project mode: each contract's one milestone (Mostaql's numbers: the whole project)
        self.milestone: dict[str, str] = {}  # planned, funded, submitted, changes, disputed…
        self.client_of: dict[str, Actor] = {}
        self.amount: dict[str, int] = {}
        self.submitted_at: dict[str, object] = {}
        self.credits, self.refills_at = CREDITS, next_month(START)
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

        action = draw(st.sampled_from(self.actions), "action")
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
        elif action == "project":
            self.project_step(draw)
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
            deadline = self.market.order(Actor.system(), order).deadline
            in_time = deadline is not None and self.clock.now() <= deadline
            self.standing[order] = self.standing.get(order, False) or in_time

    def modify(self, order):
        allowed = self.status[order] is S.AWAITING_ACCEPTANCE
        buyer = self.buyer_of[order]
        if self.attempt(
            allowed,
            lambda: self.market.request_modification(buyer, order, "عدّل الألوان", key=self.key()),
        ):
            self.status[order] = S.IN_PROGRESS
            deadline = self.market.order(Actor.system(), order).deadline
            if deadline is not None and self.clock.now() <= deadline:
                self.standing[order] = False  # sent back in time: it meets nothing

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
        met = self.standing.get(order, False)  # a delivery standing at the deadline (RULES §6)
        late = deadline is not None and self.clock.now() > deadline and not met
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
        for contract, status in self.milestone.items():
            if status == "submitted" and now >= self.submitted_at[contract] + AUTO_APPROVE:
                self.settle(contract)
        seller = self.seller.member_id
        due = [amount for at, amount in self.uncleared if at <= now]
        self.uncleared = [(at, amount) for at, amount in self.uncleared if at > now]
        self.money[lg.pending(seller)] -= sum(due)
        self.money[lg.available(seller)] += sum(due)

    # --- project mode ------------------------------------------------------------------------

    def project_step(self, draw):
        """A hire while few contracts are live (so each goes all the way), or a milestone."""
        live = [c for c, status in self.milestone.items() if status != "settled"]
        if len(live) < LIVE_CONTRACTS and draw(st.booleans(), "hires"):
            self.hire(draw(st.integers(0, 1), "client"), draw(st.integers(5, 10), "fives"))
        else:
            self.milestone_step(draw)

    def milestone_step(self, draw):
        """A drawn live contract's milestone: mostly its natural next step, sometimes another
        (mostly refused: the model must say so too)."""
        live = sorted(c for c, status in self.milestone.items() if status != "settled")
        if not live:
            return
        contract = draw(st.sampled_from(live), "contract")
        natural = {
            "planned": "fund",
            "funded": "submit",
            "submitted": "approve",
            "disputed": "mresolve",
        }[self.milestone[contract]]
        if natural == "approve" and self.amount[contract] // 500 % 2:
            natural = "mdispute"  # every other amount is disputed: each path is walked
        elif natural == "approve" and draw(st.booleans(), "left to tick"):
            return
        action = natural
        if draw(st.integers(0, 4), "a wrong step instead") == 0:
            action = draw(st.sampled_from(MILESTONE_ACTIONS), "wrong step")
        if action == "mresolve":
            outcome = draw(st.sampled_from(["release", "refund", "split"]), "outcome")
            self.mresolve(contract, outcome, draw(st.integers(1, 9), "tenths refunded"))
        else:
            getattr(self, action)(contract)

    def hire(self, client_number, fives):
        """A client posts a project, the seller bids (a credit), the client hires the bid."""
        m, client = self.market, self.buyers[client_number]
        project = []
        self.attempt(
            allowed=True,
            action=lambda: project.append(
                m.post_project(
                    client,
                    category_id=CategoryId("logo-design"),
                    title="هوية بصرية لمتجر عطور",
                    description="شعار وألوان وخطوط ودليل استخدام لمتجر عطور جديد.",
                    bracket=0,
                    duration_days=10,
                    key=self.key(),
                )
            ),
        )
        self.attempt(
            allowed=True, action=lambda: m.moderate_project(ADMIN, project[0], key=self.key())
        )
        now = self.clock.now()
        if now >= self.refills_at:
            self.credits, self.refills_at = CREDITS, next_month(now)
        amount, bid = fives * 500, []
        if not self.attempt(
            self.credits > 0,
            lambda: bid.append(
                m.place_bid(
                    self.seller,
                    project[0],
                    amount=Money(amount, "USD"),
                    delivery_days=5,
                    text="أنجز الهوية كاملة خلال أسبوع.",
                    key=self.key(),
                )
            ),
        ):
            return
        self.credits -= 1
        hired = []
        self.attempt(
            allowed=True,
            action=lambda: hired.append(m.hire_bid(client, project[0], bid[0], key=self.key())),
        )
        self.attempt(
            allowed=True,
            action=lambda: m.answer_offer(self.seller, hired[0], accept=True, key=self.key()),
        )
        contract = str(hired[0])
        self.milestone[contract], self.client_of[contract] = "planned", client
        self.amount[contract] = amount

    def escrow_of(self, contract):
        return lg.escrow(f"{contract}-1")

    def fund(self, contract):
        client, amount = self.client_of[contract], self.amount[contract]
        wallet = lg.wallet(client.member_id)
        allowed = self.milestone[contract] == "planned" and self.money[wallet] >= amount
        if self.attempt(
            allowed, lambda: self.market.fund_milestone(client, contract, 1, key=self.key())
        ):
            self.money[wallet] -= amount
            self.money[self.escrow_of(contract)] += amount
            self.milestone[contract] = "funded"

    def submit(self, contract):
        allowed = self.milestone[contract] in {"funded", "changes"}
        if self.attempt(
            allowed,
            lambda: self.market.submit_milestone(self.seller, contract, 1, "تم", key=self.key()),
        ):
            self.milestone[contract] = "submitted"
            self.submitted_at[contract] = self.clock.now()

    def approve(self, contract):
        allowed = self.milestone[contract] == "submitted"
        client = self.client_of[contract]
        if self.attempt(
            allowed, lambda: self.market.approve_milestone(client, contract, 1, key=self.key())
        ):
            self.settle(contract)

    def mdispute(self, contract):
        allowed = self.milestone[contract] in {"funded", "submitted", "changes"}
        client = self.client_of[contract]
        if self.attempt(
            allowed,
            lambda: self.market.dispute_milestone(client, contract, 1, "خلاف", key=self.key()),
        ):
            self.milestone[contract] = "disputed"

    def mresolve(self, contract, outcome, share):
        amount = self.amount[contract]
        refunded = {"release": 0, "refund": amount, "split": amount * share // 10 // 500 * 500}
        if outcome == "split" and not 0 < refunded["split"] < amount:
            return
        refund = Money(refunded["split"], "USD") if outcome == "split" else None
        resolution = Resolution(outcome)
        if self.attempt(
            self.milestone[contract] == "disputed",
            lambda: self.market.resolve_milestone(
                ADMIN, contract, 1, resolution, refund, key=self.key()
            ),
        ):
            self.settle(contract, refunded[outcome])

    def settle(self, contract, refunded=0):
        """The milestone's escrow out: ``refunded`` back to the client, the rest released."""
        amount, rest = self.amount[contract], self.amount[contract] - refunded
        fee = commission_of(rest)
        self.money[self.escrow_of(contract)] -= amount
        self.money[lg.wallet(self.client_of[contract].member_id)] += refunded
        self.money[lg.pending(self.seller.member_id)] += rest - fee
        self.money[lg.revenue()] += fee
        if rest:
            self.uncleared.append((self.clock.now() + CLEARANCE, rest - fee))
        self.milestone[contract] = "settled"

    def withdraw(self, dollars, paid):
        seller, amount = self.seller.member_id, Money(dollars * 100, "USD")
        allowed = MINIMUM <= dollars * 100 <= self.money[lg.available(seller)]
        requested = []
        if not self.attempt(
            allowed,
            lambda: requested.append(
                self.market.request_withdrawal(self.seller, amount, key=self.key())
            ),
        ):
            return
        self.money[lg.available(seller)] -= dollars * 100
        self.money[lg.withdrawing(seller)] += dollars * 100
        self.attempt(
            allowed=True,
            action=lambda: self.market.settle_withdrawal(
                ADMIN, requested[0], paid=paid, key=self.key()
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
        stored = {}
        with self.storage.unit_of_work() as uow:
            for buyer in self.buyers:  # every page of each buyer's orders
                page = uow.orders.by_buyer(buyer.member_id, limit=1000)
                while page:
                    stored.update((o.id, o.status) for o in page)
                    page = uow.orders.by_buyer(
                        buyer.member_id, limit=1000, starting_after=page[-1].id
                    )
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


class ProjectLife(MarketLife):
    """The marketplace's life with project mode in it too."""

    actions = PROJECT_ACTIONS


def walk(name: str, part: int, wanted: int, where: str, schema: str, *, projects: bool = False):
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
    base = ProjectLife if projects else MarketLife
    machine = type(
        f"{base.__name__}_{name}_{part}", (base,), {"open_storage": staticmethod(open_storage)}
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=-(
                -wanted // (PROJECT_STEPS_AT_LEAST if projects else AVERAGE_STEPS_AT_LEAST)
            ),
            stateful_step_count=STEPS_PER_RUN + part - 1,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    return STEPS[machine.__name__], SEEN
