"""Shared pieces of the project-mode domain tests."""

from __future__ import annotations

from datetime import UTC, datetime

from microgigs.actors import Actor
from microgigs.ids import BidId, CategoryId, ContractId, MemberId, ProjectId
from microgigs.money import Money
from microgigs.policy import MOSTAQL_PROJECTS, ProjectPolicy
from microgigs.projects import Contract, MilestonePlan, Project, ProjectTerms

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CLIENT = MemberId("client")
FREELANCER = MemberId("freelancer")
OTHER = MemberId("other")
ADMIN = Actor.admin(MemberId("staff"))


def usd(amount: str | int) -> Money:
    """Dollars."""
    return Money.of(amount, "USD")


def terms(**changes: object) -> ProjectTerms:
    """A project's terms: a logo and identity, $1,000–2,500, two questions."""
    values: dict[str, object] = {
        "category_id": CategoryId("design"),
        "title": "هوية بصرية كاملة لمتجر إلكتروني",
        "description": "نحتاج شعارًا وألوانًا وخطوطًا ودليل استخدام لمتجر عطور جديد.",
        "bracket": 5,
        "duration_days": 30,
        "skills": ("Logo", "branding"),
        "questions": ("ما أعمالك السابقة في الهويات؟", "كم مراجعة تشمل؟"),
    }
    values.update(changes)
    return ProjectTerms(**values)  # type: ignore[arg-type]


def open_project(policy: ProjectPolicy = MOSTAQL_PROJECTS, **changes: object) -> Project:
    """A project approved and open for bids at ``NOW``."""
    project = Project.draft(
        ProjectId("p1"), client_id=CLIENT, terms=terms(**changes), now=NOW, policy=policy
    )
    project.submit(Actor.member(CLIENT), NOW)
    project.approve(ADMIN, NOW, policy)
    return project


def bid(project: Project, freelancer: MemberId = FREELANCER, amount: str = "1200") -> BidId:
    """A bid of ``freelancer`` on ``project``."""
    placed = project.place_bid(
        BidId(f"b-{freelancer}"),
        Actor.member(freelancer),
        amount=usd(amount),
        delivery_days=20,
        text="أصمم هوية متكاملة مع دليل استخدام واضح خلال عشرين يومًا.",
        answers=("عشرات الهويات لمتاجر", "ثلاث مراجعات"),
        now=NOW,
        policy=MOSTAQL_PROJECTS,
    )
    return placed.id


def active_contract(
    plans: tuple[MilestonePlan, ...] = (MilestonePlan("كل المشروع", usd(1200)),),
    policy: ProjectPolicy = MOSTAQL_PROJECTS,
) -> Contract:
    """A contract the freelancer accepted at ``NOW``."""
    total = sum((p.amount for p in plans), usd(0))
    contract = Contract.offer(
        ContractId("c1"),
        project_id=ProjectId("p1"),
        client_id=CLIENT,
        freelancer_id=FREELANCER,
        total=total,
        delivery_days=20,
        plans=plans,
        now=NOW,
        policy=policy,
    )
    contract.accept(Actor.member(FREELANCER), NOW)
    return contract
