"""A whole marketplace simulated from a seed: members, services, orders over days.

Every step is a use case of :class:`~microgigs.marketplace.Marketplace`, with the clock
moved by the simulation; the same seed gives the same marketplace, order for order. Project
mode plays beside the services with members and a random generator of its own (so the
services' run is the same with or without it): clients post projects, freelancers bid, the
best-ranked bid is hired, milestones are funded, submitted, approved, disputed and split.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from importlib import resources

import attrs

from microgigs import ManualClock, MicrogigsError, Money
from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.catalog import Service, default_categories
from microgigs.ids import (
    ContractId,
    InquiryId,
    MemberId,
    OrderId,
    ProjectId,
    ServiceId,
    WithdrawalId,
)
from microgigs.marketplace import Marketplace, NewUpgrade
from microgigs.members import PayoutMethod
from microgigs.orders import OrderEvent, OrderStatus
from microgigs.projects import (
    CLIENT_ASPECTS,
    AspectRating,
    Bid,
    Contract,
    ContractStatus,
    MilestonePlan,
    MilestoneStatus,
    ProjectStatus,
    Resolution,
)

ADMIN = Actor.admin(MemberId("staff"))
WITHDRAW_CHANCE, PAYOUT_SUCCESS = 0.3, 0.9  # a seller's daily chance; a payout's
ANSWERED = 0.9  # a buyer's question the seller answers at once (the rest wait unanswered)
DESCRIPTION = "خدمة احترافية بجودة عالية وتسليم في الموعد، مع تعديلات مجانية حتى ترضى تمامًا."
NAMES = ["سارة", "أحمد", "ليلى", "خالد", "نورة", "عمر", "ريم", "يوسف", "هند", "طارق"]
FAMILIES = ["الأحمد", "خالد", "حسن", "العلي", "السيد", "الزهراني", "القحطاني", "يوسف"]


def titles() -> list[str]:
    """Realistic Arabic service titles (the search evaluation set)."""
    text = resources.files("microgigs.ranking").joinpath("search_eval.json").read_text("utf-8")
    return [title for group in json.loads(text)["groups"].values() for title in group]


@attrs.define
class Simulation:
    """The simulated marketplace's cast and what happened to it."""

    market: Marketplace
    clock: ManualClock
    rng: random.Random
    sellers: list[Actor] = attrs.Factory(list)
    buyers: list[Actor] = attrs.Factory(list)
    services: list[ServiceId] = attrs.Factory(list)
    orders: list[OrderId] = attrs.Factory(list)
    refused: Counter[str] = attrs.Factory(Counter)
    steps: int = 0
    projects: Projects | None = None

    def key(self) -> str:
        """A new idempotency key (one per use case called)."""
        self.steps += 1
        return f"sim-{self.steps}"

    def usd(self, dollars: int) -> Money:
        """Whole dollars in the policy's currency."""
        return Money(dollars * 100, self.market.policy.currency)

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run a use case; a refusal (a typed error) is counted, not fatal."""
        try:
            action()
        except MicrogigsError as error:
            self.refused[error.code] += 1
            return False
        return True

    # --- the cast ------------------------------------------------------------------------

    def populate(self, members: int) -> None:
        """Register members: one in five sells 1-3 approved services, the rest top up."""
        m, rng = self.market, self.rng
        categories = [c.id for c in default_categories()]
        pool = titles()
        for number in range(members):
            member = Actor.member(
                m.register_member(
                    username=f"member{number}",
                    email=f"member{number}@example.com",
                    first_name=rng.choice(NAMES),
                    family_name=rng.choice(FAMILIES),
                    key=self.key(),
                )
            )
            if number % 5 == 0:
                self.sellers.append(member)
                m.set_payout_methods(
                    member, [PayoutMethod.paypal(f"member{number}@paypal.com")], key=self.key()
                )
                for _ in range(rng.randint(1, 3)):
                    upgrades = [
                        NewUpgrade(f"تطوير {n + 1}", self.usd(rng.choice([5, 10, 20])), n % 2)
                        for n in range(rng.randint(0, 3))
                    ]
                    service = m.publish_service(
                        member,
                        category_id=rng.choice(categories),
                        title=rng.choice(pool),
                        description=DESCRIPTION,
                        instructions="أرسل التفاصيل.",
                        base_price=self.usd(rng.choice([5, 5, 10, 25])),
                        delivery_days=rng.randint(1, 5),
                        upgrades=upgrades,
                        key=self.key(),
                    ).id
                    m.moderate_service(ADMIN, service, key=self.key())
                    self.services.append(service)
            else:
                self.buyers.append(member)
                m.top_up(
                    member, self.usd(rng.choice([20, 50, 100])), lg.Gateway.CARD, key=self.key()
                )

    # --- one day -------------------------------------------------------------------------

    def day(self) -> None:
        """One day: some buyers buy, every open order moves on, sellers withdraw, tick."""
        rng = self.rng
        for buyer in rng.sample(self.buyers, k=max(1, len(self.buyers) // 20)):
            self.buy(buyer)
        for order_id in list(self.orders):
            self.advance(self.market.order(Actor.system(), order_id))
        for seller in self.sellers:
            available = self.market.balance(lg.available(seller.member_id))
            wants = available >= self.market.policy.ledger.withdrawal_minimum
            if not wants or rng.random() >= WITHDRAW_CHANCE:
                continue
            requested: list[WithdrawalId] = []
            if self.attempt(
                lambda s=seller, a=available, r=requested: r.append(
                    self.market.request_withdrawal(s, a, key=self.key())
                )
            ):
                paid = rng.random() < PAYOUT_SUCCESS
                self.attempt(
                    lambda w=requested[0], p=paid: self.market.settle_withdrawal(
                        ADMIN, w, paid=p, key=self.key()
                    )
                )
        if self.projects is not None:
            self.projects.day()
        self.clock.advance(timedelta(days=1))
        self.market.tick()

    def buy(self, buyer: Actor) -> None:
        """A buyer (who may ask first) buys a random service with random upgrades."""
        m, rng = self.market, self.rng
        service_id = rng.choice(self.services)
        service = m.service(Actor.system(), service_id)
        if rng.random() < 0.3:  # noqa: PLR2004 (some ask first)
            self.ask_first(buyer, service)
        chosen = [u.id for u in service.upgrades if rng.random() < 0.4]  # noqa: PLR2004
        if not self.attempt(
            lambda: m.add_to_cart(buyer, service_id, upgrade_ids=chosen, key=self.key())
        ):
            return
        placed: list[OrderId] = []
        if not self.attempt(lambda: placed.extend(m.checkout(buyer, key=self.key()))):
            m.top_up(buyer, self.usd(100), lg.Gateway.PAYPAL, key=self.key())
            self.attempt(lambda: placed.extend(m.checkout(buyer, key=self.key())))
        self.orders.extend(placed)

    def ask_first(self, buyer: Actor, service: Service) -> None:
        """A buyer's question before buying: its seller answers most at once, not all."""
        m, asked = self.market, list[InquiryId]()
        question = "هل يمكن التسليم أسرع؟"
        if not self.attempt(
            lambda: asked.append(m.ask(buyer, service.id, question, key=self.key()))
        ):
            return
        if self.rng.random() < ANSWERED:
            seller = Actor.member(service.seller_id)
            self.attempt(
                lambda: m.answer_inquiry(seller, asked[0], "نعم، يمكنني ذلك.", key=self.key())
            )

    def advance(self, order) -> None:  # noqa: ANN001, C901, PLR0912 (one order's next step)
        """Take an order one step along a randomly chosen path of the state machine."""
        m, rng, roll = self.market, self.rng, self.rng.random()
        buyer, seller = Actor.member(order.buyer_id), Actor.member(order.seller_id)
        status = order.status
        if status is OrderStatus.AWAITING_INSTRUCTIONS:
            if roll < 0.05:  # noqa: PLR2004
                self.attempt(lambda: m.decline(seller, order.id, "لا أستطيع الآن", key=self.key()))
            elif roll < 0.08:  # noqa: PLR2004
                self.attempt(lambda: m.request_cancellation(buyer, order.id, key=self.key()))
            else:
                self.attempt(
                    lambda: m.send_message(buyer, order.id, "التفاصيل مرفقة", key=self.key())
                )
        elif status is OrderStatus.IN_PROGRESS:
            if order.is_late(self.clock.now()) and roll < 0.5:  # noqa: PLR2004
                self.attempt(lambda: m.cancel_late(buyer, order.id, key=self.key()))
            elif roll < 0.6:  # noqa: PLR2004
                self.attempt(lambda: m.deliver(seller, order.id, "تم التسليم", key=self.key()))
        elif status is OrderStatus.AWAITING_ACCEPTANCE:
            if roll < 0.6:  # noqa: PLR2004
                if self.attempt(lambda: m.accept(buyer, order.id, key=self.key())):
                    stars = rng.choice([3, 4, 5, 5, 5])
                    self.attempt(
                        lambda: m.review(
                            buyer, order.id, stars=stars, comment="شكرًا", key=self.key()
                        )
                    )
            elif roll < 0.7:  # noqa: PLR2004
                self.attempt(lambda: m.request_modification(buyer, order.id, "عدّل", key=self.key()))
            elif roll < 0.75:  # noqa: PLR2004
                self.attempt(lambda: m.report_problem(buyer, order.id, "لا يطابق", key=self.key()))
            # otherwise left to tick's auto-acceptance
        elif status is OrderStatus.DISPUTED:
            outcome = rng.choice(list(OUTCOMES))
            refund = None
            if outcome is OrderEvent.RESOLVE_PARTIAL_REFUND:
                refund = order.quote.total.allocate([1, 4])[0]
            self.attempt(
                lambda: m.resolve_dispute(ADMIN, order.id, outcome, refund, key=self.key())
            )
        if order.status.is_terminal or m.order(Actor.system(), order.id).status.is_terminal:
            self.orders.remove(order.id)


OUTCOMES = (
    OrderEvent.RESOLVE_COMPLETE,
    OrderEvent.RESOLVE_FULL_REFUND,
    OrderEvent.RESOLVE_PARTIAL_REFUND,
)


def simulate(
    market: Marketplace, clock: ManualClock, *, members: int, days: int, seed: int
) -> Simulation:
    """Run the simulation, drawing a progress bar on stderr."""
    sim = Simulation(market, clock, random.Random(seed))  # noqa: S311 (a simulation)
    sim.populate(members)
    sim.projects = Projects(sim, random.Random(seed + 1))  # noqa: S311 (a simulation)
    sim.projects.populate(max(2, members // 10))
    for number in range(days):
        sim.day()
        done = (number + 1) * 30 // days
        sys.stderr.write(f"\r[{'#' * done}{'.' * (30 - done)}] {number + 1}/{days}")
        sys.stderr.flush()
    sys.stderr.write("\n")
    return sim


PROJECT_TITLES = [
    "هوية بصرية كاملة لمتجر عطور",
    "تطبيق جوال لحجز مواعيد العيادات",
    "ترجمة دليل مستخدم من الإنجليزية إلى العربية",
    "متجر إلكتروني على ووردبريس",
    "كتابة محتوى لموقع شركة ناشئة",
]
PROJECT_TEXT = "نبحث عن مستقل محترف لإنجاز المشروع كاملًا مع تسليمات واضحة وتواصل مستمر."


@attrs.define
class Projects:
    """Project mode in the simulation: its own clients, freelancers and random generator."""

    sim: Simulation
    rng: random.Random
    clients: list[Actor] = attrs.Factory(list)
    freelancers: list[Actor] = attrs.Factory(list)
    open: list[ProjectId] = attrs.Factory(list)
    contracts: list[ContractId] = attrs.Factory(list)

    def populate(self, each: int) -> None:
        """``each`` clients (who top up) and ``each`` freelancers."""
        m = self.sim.market
        for number in range(2 * each):
            member = Actor.member(
                m.register_member(
                    username=f"pro{number}",
                    email=f"pro{number}@example.com",
                    first_name=self.rng.choice(NAMES),
                    family_name=self.rng.choice(FAMILIES),
                    key=self.sim.key(),
                )
            )
            if number % 2:
                self.freelancers.append(member)
            else:
                self.clients.append(member)
                m.top_up(member, self.sim.usd(1000), lg.Gateway.CARD, key=self.sim.key())

    def day(self) -> None:
        """A client may post; freelancers bid; the best bid is hired; contracts move on."""
        sim, m, rng = self.sim, self.sim.market, self.rng
        if rng.random() < 0.5:  # noqa: PLR2004 (a project every other day)
            self.post(rng.choice(self.clients))
        for project_id in list(self.open):
            page = m.project_page(ADMIN, project_id)
            if page.project.status is not ProjectStatus.OPEN:
                self.open.remove(project_id)
                continue
            low, high = page.budget
            for freelancer in rng.sample(self.freelancers, k=min(2, len(self.freelancers))):
                amount = Money(rng.randint(low.minor // 100, high.minor // 100) * 100, low.currency)
                sim.attempt(
                    lambda f=freelancer, a=amount, p=project_id: m.place_bid(
                        f, p, amount=a, delivery_days=rng.randint(3, 20),
                        text="أنجز المشروع كاملًا بجودة عالية وفي الموعد.",
                        answers=["نعم، أنجزت مشاريع مماثلة كثيرة."], key=sim.key(),
                    )
                )  # fmt: skip
            client = Actor.member(page.project.client_id)
            ranked = m.ranked_bids(client, project_id)
            if ranked and rng.random() < 0.5:  # noqa: PLR2004
                self.hire(client, project_id, ranked[0].view.bid)
        for contract_id in list(self.contracts):
            self.advance(m.contract_page(ADMIN, contract_id).contract)

    def post(self, client: Actor) -> None:
        """A new project, approved by an admin at once (or, one in ten, rejected)."""
        sim, m, rng = self.sim, self.sim.market, self.rng
        project = m.post_project(
            client,
            category_id=rng.choice([c.id for c in default_categories()]),
            title=rng.choice(PROJECT_TITLES),
            description=PROJECT_TEXT,
            bracket=rng.randint(1, 4),
            duration_days=30,
            skills=["تصميم"],
            questions=["هل أنجزت مشاريع مماثلة؟"],
            key=sim.key(),
        )
        if rng.random() < 0.1:  # noqa: PLR2004
            m.moderate_project(ADMIN, project, reason="الوصف غير كافٍ", key=sim.key())
            return
        m.moderate_project(ADMIN, project, key=sim.key())
        self.open.append(project)

    def hire(self, client: Actor, project_id: ProjectId, bid: Bid) -> None:
        """The best-ranked bid, in one milestone or two."""
        sim, m = self.sim, self.sim.market
        amount = bid.amount
        halves = amount.allocate([1, 1])
        plans: list[MilestonePlan] = []
        if self.rng.random() < 0.5 and m.policy.projects.milestones_max > 1:  # noqa: PLR2004
            plans = [
                MilestonePlan("الجزء الأول", halves[0]),
                MilestonePlan("الجزء الثاني", halves[1]),
            ]
        hired: list[ContractId] = []
        if sim.attempt(
            lambda: hired.append(
                m.hire_bid(client, project_id, bid.id, milestones=plans, key=sim.key())
            )
        ):
            self.contracts.extend(hired)

    def advance(self, contract: Contract) -> None:  # noqa: C901, PLR0912 (one contract's next step)
        """Take a contract one step along a random path."""
        sim, m, roll = self.sim, self.sim.market, self.rng.random()
        client, freelancer = Actor.member(contract.client_id), Actor.member(contract.freelancer_id)
        if contract.status.is_finished:
            if contract.status is ContractStatus.COMPLETED and roll < 0.7:  # noqa: PLR2004
                ratings = [AspectRating(a, self.rng.choice([4, 5])) for a in CLIENT_ASPECTS]
                sim.attempt(lambda: m.review_contract(client, contract.id, ratings, key=sim.key()))
            self.contracts.remove(contract.id)
            return
        if contract.status is ContractStatus.OFFERED:
            accept = roll < 0.9  # noqa: PLR2004
            sim.attempt(
                lambda: m.answer_offer(freelancer, contract.id, accept=accept, key=sim.key())
            )
            return
        for milestone in contract.milestones:
            status, number = milestone.status, milestone.number
            if status is MilestoneStatus.PLANNED:
                if not sim.attempt(
                    lambda n=number: m.fund_milestone(client, contract.id, n, key=sim.key())
                ):
                    m.top_up(client, milestone.amount, lg.Gateway.CARD, key=sim.key())
                return
            if status in (MilestoneStatus.FUNDED, MilestoneStatus.CHANGES_REQUESTED):
                if roll < 0.6:  # noqa: PLR2004
                    sim.attempt(
                        lambda n=number: m.submit_milestone(
                            freelancer, contract.id, n, "تم التسليم", key=sim.key()
                        )
                    )
                return
            if status is MilestoneStatus.SUBMITTED:
                if roll < 0.5:  # noqa: PLR2004
                    sim.attempt(
                        lambda n=number: m.approve_milestone(client, contract.id, n, key=sim.key())
                    )
                elif roll < 0.6:  # noqa: PLR2004
                    sim.attempt(
                        lambda n=number: m.request_changes(
                            client, contract.id, n, "عدّل", key=sim.key()
                        )
                    )
                elif roll < 0.7:  # noqa: PLR2004
                    sim.attempt(
                        lambda n=number: m.dispute_milestone(
                            client, contract.id, n, "لا يطابق الوصف", key=sim.key()
                        )
                    )
                return  # otherwise left to tick's auto-approval
            if status is MilestoneStatus.DISPUTED:
                refund = milestone.amount.allocate([1, 3])[0]
                sim.attempt(
                    lambda n=number, r=refund: m.resolve_milestone(
                        ADMIN, contract.id, n, Resolution.SPLIT, r, key=sim.key()
                    )
                )
                return
