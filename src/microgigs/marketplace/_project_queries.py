"""The read side of project mode: open projects, a project's page, ranked bids, a contract.

Each query checks who asks: a draft is its client's (and the admins'); a private project is
its client's and its invited freelancers'; a freelancer sees their own bid, the client every
bid; a contract is its two parties' and the admins'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Final

import attrs

from microgigs._checks import page_cursor, whole_number
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.errors import InvalidType, PermissionDenied
from microgigs.ids import CategoryId, ContractId, MemberId, MessageId, ProjectId
from microgigs.l10n import format_money, gettext, label
from microgigs.marketplace._projects import visible_project
from microgigs.marketplace._reading import ReadSide, latest_messages
from microgigs.marketplace.commands import COMMANDS, ContractCommand
from microgigs.money import _CONTEXT, Money
from microgigs.orders import Message
from microgigs.policy import ProjectPolicy, SellerLevel
from microgigs.pricing import split
from microgigs.projects import (
    DISPUTE_NOTES_MAX,
    Bid,
    BidStatus,
    Contract,
    ContractReview,
    ContractStatus,
    MilestoneStatus,
    Project,
    Visibility,
    next_month,
)
from microgigs.ranking import analyze
from microgigs.ranking._search import query_text
from microgigs.storage.ports import UnitOfWork

__all__ = [
    "BidView",
    "ContractPage",
    "Contribution",
    "CreditsLeft",
    "Factor",
    "MyBid",
    "ProjectCard",
    "ProjectPage",
    "ProjectQueries",
    "RankedBid",
]

_SCAN: Final = 500
"""How many of the newest open projects a skills or text filter looks through."""
_PAGE: Final = 100
_FULL: Final = 100
_COMPLETED_FOR_FULL: Final = 10
_ANSWER_IN_SUBSTANCE: Final = 20


@attrs.frozen
class ProjectCard:
    """An open project as the listing shows it: no bids, only how many."""

    id: ProjectId
    title: str
    category_id: CategoryId
    budget: tuple[Money, Money]
    skills: tuple[str, ...]
    duration_days: int
    bids: int
    opened_at: datetime | None
    expires_at: datetime | None


@attrs.frozen
class BidView:
    """A bid and what its freelancer earns from it after the platform's commission."""

    bid: Bid
    net: Money


@attrs.frozen
class MyBid:
    """One of a freelancer's live bids, with the project it is on."""

    project: ProjectCard
    view: BidView


@attrs.frozen
class CreditsLeft:
    """A freelancer's bids left this month, and when the monthly allowance fills them up."""

    left: int
    refills_at: datetime


@attrs.frozen
class ProjectPage:
    """A project as its reader may see it, the bids they may see, their credits left.

    ``hires_left`` is how many more contracts the project may offer, for every reader
    (the project shown to others holds none of its contract ids to count).
    """

    project: Project
    budget: tuple[Money, Money]
    bids: tuple[BidView, ...]
    credits_left: int | None
    contracts: tuple[ContractId, ...]
    hires_left: int


class Factor(LabelledEnum):
    """What a bid's rank is made of (each worth 0 to 100 points, with equal weight)."""

    RATING = "rating"
    COMPLETED = "completed"
    LEVEL = "level"
    AMOUNT = "amount"
    DELIVERY = "delivery"
    ANSWERS = "answers"


label_members(
    {
        Factor.RATING: _("the freelancer's rating"),
        Factor.COMPLETED: _("projects completed"),
        Factor.LEVEL: _("the freelancer's level"),
        Factor.AMOUNT: _("amount within the budget"),
        Factor.DELIVERY: _("delivery days against the expected duration"),
        Factor.ANSWERS: _("answers to the questions (of 20 characters or more)"),
    }
)


_OUT_OF_100: Final = _("{points} of 100")


@attrs.frozen
class Contribution:
    """One factor's points in a bid's rank, and the figure behind them."""

    factor: Factor
    points: int
    figure: str
    amount: Money | None = None
    """The bid's amount, for the budget factor: shown as money in the reader's locale."""
    level: SellerLevel | None = None
    """The freelancer's level, for the level factor: shown by its translated label."""
    note: str | None = None
    """Words instead of the figure (a msgid): a rating without reviews is "no reviews yet"."""

    def explain(self, locale: str) -> str:
        """The contribution in words: ``التقييم: 90 من 100 (4.5)``, amounts and levels localized.

        The points say out of how many (a walk-through: «مستوى المستقل: 0 (المستوى الأول)»
        read as a level 0).
        """
        if self.note is not None:
            shown = gettext(self.note, locale)
        elif self.amount is not None:
            # a left-to-right island (LRI … PDI), so Arabic around it cannot reorder it
            shown = "\u2066" + format_money(self.amount, locale).strip("\u200f\u200e") + "\u2069"
        elif self.level is not None:
            shown = label(self.level, locale)
        else:
            shown = self.figure
        points = gettext(_OUT_OF_100, locale).format(points=self.points)
        return f"{label(self.factor, locale)}: {points} ({shown})"


@attrs.frozen
class RankedBid:
    """A bid, its score (the mean of its contributions) and the contributions themselves."""

    view: BidView
    score: int
    contributions: tuple[Contribution, ...]

    def explain(self, locale: str) -> list[str]:
        """Why this bid ranks where it does, one line per factor, in ``locale``."""
        return [contribution.explain(locale) for contribution in self.contributions]


@attrs.frozen
class ContractPage:
    """A contract, its money, and the commands its reader may send now.

    ``funded == released + refunded + held``: the milestones' amounts. The client's fees
    are beside them: ``fees`` paid, of which ``fees_refunded`` went back and ``fees_kept``
    to the platform (the rest is held with its milestones). Each milestone records its own
    (``Milestone.fee``).
    """

    contract: Contract
    funded: Money
    released: Money
    refunded: Money
    held: Money
    next_commands: tuple[str, ...]
    reviews: tuple[ContractReview, ...] = ()
    """The reviews its reader may see: their own, and both once published."""
    reviews_published: bool = attrs.field(default=False, kw_only=True)
    """Whether both reviews are published (else a reader's own one is theirs alone)."""
    messages: tuple[Message, ...] = attrs.field(default=(), kw_only=True)
    """The contract's conversation, oldest first (``send_contract_message``): its latest
    ``MESSAGES_PAGE`` messages."""
    earlier: MessageId | None = attrs.field(default=None, kw_only=True)
    """The messages before this one come with ``contract_page(…, before=earlier)``;
    ``None`` when there are none."""
    fees: Money = attrs.field(kw_only=True)
    """The client's fees paid with the funded milestones."""
    fees_refunded: Money = attrs.field(kw_only=True)
    fees_kept: Money = attrs.field(kw_only=True)
    offer_acceptable: bool = attrs.field(default=False, kw_only=True)
    """Whether its reader may accept the offer now (``answer_offer`` with ``accept=True``):
    the freelancer of a live offer, neither side suspended. Declining needs only
    ``answer_offer`` in :attr:`next_commands`."""


def _listed(project: Project, skills: set[str], words: set[str]) -> bool:
    """Whether an open project is listed: public, holding the skills' and the text's terms."""
    terms = project.terms
    if terms.visibility is Visibility.PRIVATE:
        return False
    skill_terms = {term for skill in terms.skills for term in analyze(skill)}
    held = set(analyze(f"{terms.title} {terms.description}")) | skill_terms
    return skills <= skill_terms and words <= held


def _reader(actor: Actor | None) -> Actor | None:
    """Who reads a page anyone may see: an :class:`Actor`, or ``None`` for a visitor."""
    return None if actor is None else _acting(actor)


def _acting(actor: Actor) -> Actor:
    """Who reads what only some may see: an :class:`Actor` (``None`` is refused)."""
    if not isinstance(actor, Actor):
        raise InvalidType(field=_("actor"), expected="Actor", actual=type(actor).__name__)
    return actor


def _words(field: str, text: str) -> str:
    """A search text or a skill, read as the catalogue's search box is (:func:`query_text`)."""
    if not isinstance(text, str):
        raise InvalidType(field=field, expected=_("a str"), actual=type(text).__name__)
    return query_text(text, field)


def _two_places(value: Decimal) -> str:
    """``value`` written with two decimals, rounded in the library's context (half to even)."""
    return str(value.quantize(_HUNDREDTH, context=_CONTEXT))


_HUNDREDTH: Final = Decimal("0.01")


def _percent(part: Decimal, whole: Decimal) -> int:
    if whole <= 0:
        return 0
    # the library's own decimal context, never the calling thread's (as for money)
    exact = _CONTEXT.multiply(_CONTEXT.divide(part, whole), _FULL)
    share = exact.quantize(Decimal(1), rounding=ROUND_FLOOR, context=_CONTEXT)
    return max(0, min(_FULL, int(share)))


class ProjectQueries(ReadSide):
    """Project mode's read side (:class:`~microgigs.marketplace.Marketplace` inherits it)."""

    def open_projects(
        self,
        actor: Actor | None,
        *,
        category_id: CategoryId | None = None,
        bracket: int | None = None,
        skills: Sequence[str] = (),
        text: str | None = None,
        limit: int = 20,
    ) -> list[ProjectCard]:
        """Public projects open for bids now, newest first, filtered; Arabic text search.

        Category and bracket are indexed; skills and text (analysed as the catalogue's
        search is: «الشعارات» finds «شعار») filter the newest open projects. A text or a
        skill whose every word is a stop word or a sign («من في», «🙂») finds nothing, as
        in the catalogue; a blank one is no filter. Private projects are never listed: the
        listing reads past them, through at most the newest 500 open projects.
        """
        _reader(actor)
        whole_number(_("page size"), limit, 1, _PAGE)
        if bracket is not None:
            whole_number(_("budget bracket"), bracket, 0, len(self.policy.projects.brackets) - 1)
        if not isinstance(skills, list | tuple):
            raise InvalidType(field=_("skills"), expected=_("a list"), actual=type(skills).__name__)
        skills = [_words(_("skills"), skill) for skill in skills]
        text = None if text is None else _words(_("search"), text)
        asked_skills = [analyze(skill) for skill in skills]
        text_terms = analyze(text) if text else []
        if any(
            said.strip() and not terms
            for said, terms in zip((*skills, text or ""), (*asked_skills, text_terms), strict=True)
        ):
            return []  # an empty set of words would match every project
        wanted = {term for terms in asked_skills for term in terms}
        asked = set(text_terms)
        scan = _SCAN if wanted or asked else limit
        now = self.clock.now()
        while True:  # private projects are read and left out: read further while they hide
            with self._reading() as uow:
                found = uow.projects.open_now(
                    now, category_id=category_id, bracket=bracket, limit=scan
                )
            cards = [self._card(p) for p in found if _listed(p, wanted, asked)]
            if len(cards) >= limit or len(found) < scan or scan >= _SCAN:
                return cards[:limit]
            scan = min(scan * 4, _SCAN)

    def invitations(self, actor: Actor, *, limit: int = 20) -> list[ProjectCard]:
        """Private projects open for bids that invite this freelancer, newest first.

        Private projects are never listed by :meth:`open_projects`; this is how an invited
        freelancer finds them. It looks among the newest 500 open projects, as a listing
        filtered by text does.
        """
        member = _acting(actor).acting_member(_("read your invitations"))
        whole_number(_("page size"), limit, 1, _PAGE)
        with self._reading() as uow:
            found = uow.projects.open_now(self.clock.now(), limit=_SCAN)
        return [
            self._card(p)
            for p in found
            if p.terms.visibility is Visibility.PRIVATE and member in p.terms.invited
        ][:limit]

    def my_bids(self, actor: Actor, *, limit: int = 50) -> list[MyBid]:
        """A freelancer's live bids on open projects (waiting, offered, hired), newest first.

        It looks among the newest 500 open projects, as :meth:`invitations` does: a project
        no longer open has hired or lost its bids, and a hire is a contract
        (:meth:`my_contracts`). Each comes with its project's card and what the bid earns
        after commission.
        """
        member = _acting(actor).acting_member(_("read your bids"))
        whole_number(_("page size"), limit, 1, _PAGE)
        with self._reading() as uow:
            found = uow.projects.open_now(self.clock.now(), limit=_SCAN)
        mine = [
            MyBid(self._card(project), self._bid_view(bid))
            for project in found
            for bid in project.bids
            if bid.freelancer_id == member and bid.status.is_live
        ]
        mine.sort(key=lambda m: (m.view.bid.placed_at, m.view.bid.id), reverse=True)
        return mine[:limit]

    def _card(self, project: Project) -> ProjectCard:
        terms = project.terms
        return ProjectCard(
            project.id,
            terms.title,
            terms.category_id,
            project.bracket(self.policy.projects),
            terms.skills,
            terms.duration_days,
            sum(1 for b in project.bids if b.status.is_live),
            project.opened_at,
            project.expires_at,
        )

    def project_queue(self, actor: Actor, *, limit: int = 50) -> list[Project]:
        """Projects waiting for review, oldest first: admins only."""
        _acting(actor)
        actor.require_admin(_("read the moderation queue"))
        whole_number(_("page size"), limit, 1, _PAGE)
        with self._reading() as uow:
            return uow.projects.awaiting_review(limit=limit)

    def my_projects(
        self, actor: Actor, *, limit: int = 50, starting_after: ProjectId | None = None
    ) -> list[Project]:
        """A client's own projects in every status, newest first.

        The next page: ``starting_after`` the last project of this one.
        """
        _acting(actor)
        client = actor.acting_member(_("read your projects"))
        whole_number(_("page size"), limit, 1, _PAGE)
        after = page_cursor(starting_after)
        with self._reading() as uow:
            return uow.projects.by_client(client, limit=limit, starting_after=after)

    def bid_credits(self, actor: Actor) -> CreditsLeft:
        """A freelancer's bids left this month and when they refill (no project needed)."""
        _acting(actor)
        member = actor.acting_member(_("read your bid credits"))
        with self._reading() as uow:
            uow.members.get(member)  # NotFound: nobody's credits are not a month's allowance
            return self._credits(uow, member)

    def _credits(self, uow: UnitOfWork, member: MemberId) -> CreditsLeft:
        """What ``member`` may bid now: a new month's allowance shows before ``tick``."""
        found = uow.bid_credits.find(member)
        now = self.clock.now()
        if found is None or found.refills_at <= now:  # never bid, or a new month
            return CreditsLeft(self.policy.projects.bid_credits_per_month, next_month(now))
        return CreditsLeft(found.left, found.refills_at)

    def my_contracts(
        self, actor: Actor, *, limit: int = 50, starting_after: ContractId | None = None
    ) -> list[Contract]:
        """The contracts a member is client or freelancer of, offers too, newest first.

        Reviews are left out (:meth:`contract_page` shows those its reader may see). The
        next page: ``starting_after`` the last contract of this one.
        """
        _acting(actor)
        member = actor.acting_member(_("read your contracts"))
        whole_number(_("page size"), limit, 1, _PAGE)
        after = page_cursor(starting_after)
        with self._reading() as uow:
            found = uow.contracts.of_member(member, limit=limit, starting_after=after)
        return [attrs.evolve(c, client_review=None, freelancer_review=None) for c in found]

    def contracts_waiting(self, actor: Actor) -> list[ContractWaiting]:
        """The member's contracts, as client and as freelancer, whose next move is theirs.

        Each with the commands expected of them now: answer an offer, a proposal, an early
        end or a request to cancel; fund the work when nothing is held for it; submit a
        funded milestone; approve a submitted one. Among their 100 newest contracts,
        newest first.
        """
        _acting(actor)
        member = actor.acting_member(_("read your contracts"))
        now, policy = self.clock.now(), self.policy.projects
        found = []
        with self._reading() as uow:
            uow.members.get(member)  # nobody's: NotFound, as orders_waiting says
            for contract in uow.contracts.of_member(member, limit=_WAITING_READ):
                if contract.status.is_finished:
                    continue
                parties = (contract.client_id, contract.freelancer_id)
                suspended = frozenset(p for p in parties if not uow.members.can_trade(p))
                commands = next_commands(contract, actor, now, policy, suspended)
                moves = tuple(
                    c
                    for c in _EXPECTED
                    if c in commands and (c != "fund_milestone" or contract.held().is_zero())
                )
                if moves:
                    found.append(ContractWaiting(contract, moves))
        return found

    def project_page(self, actor: Actor | None, project_id: ProjectId) -> ProjectPage:
        """A project and the bids its reader may see (with the net after commission)."""
        _reader(actor)
        with self._reading() as uow:
            project, owner = visible_project(uow, actor, project_id)
            admin = actor is not None and actor.role is Role.ADMIN
            reader = None if actor is None else actor.member_id
            bids = [
                b
                for b in project.bids
                if b.freelancer_id == reader
                or (owner and (admin or b.status is not BidStatus.REMOVED))  # taken down
            ]
            credits_left = None
            if reader is not None and not owner:
                credits_left = self._credits(uow, reader).left
            contracts: tuple[ContractId, ...] = ()
            if owner:
                contracts = tuple(c.id for c in uow.contracts.of_project(project.id))
                shown = attrs.evolve(project, bids=bids)
            else:  # nobody else reads the guest list or the contracts
                shown = attrs.evolve(
                    project,
                    bids=bids,
                    terms=attrs.evolve(
                        project.terms,
                        invited=tuple(m for m in project.terms.invited if m == reader),
                    ),
                    offered=[],
                    hired=[],
                    finished=[],
                    completed=[],
                )
            return ProjectPage(
                shown,
                project.bracket(self.policy.projects),
                tuple(self._bid_view(b) for b in bids),
                credits_left,
                contracts,
                project.hires_left,
            )

    def _bid_view(self, bid: Bid) -> BidView:
        return BidView(bid, split(bid.amount, self.policy.projects.commission).seller_net)

    def ranked_bids(self, actor: Actor, project_id: ProjectId) -> list[RankedBid]:
        """The project's live bids ranked for its client, each with its contributions."""
        _acting(actor)
        with self._reading() as uow:
            project, owner = visible_project(uow, actor, project_id)
            if not owner:
                raise PermissionDenied(actor=actor.role.label, action=_("rank this project's bids"))
            ranked = [
                self._rank(uow, project, bid)
                for bid in project.bids
                if bid.status in (BidStatus.PENDING, BidStatus.OFFERED)
            ]
        ranked.sort(key=lambda r: (-r.score, r.view.bid.placed_at, r.view.bid.id))
        return ranked

    def _rank(self, uow: UnitOfWork, project: Project, bid: Bid) -> RankedBid:
        rating = uow.reviews.rating_of_seller(bid.freelancer_id)
        total, count = Decimal(rating.total), rating.count
        for stars in client_stars(uow, bid.freelancer_id, self.clock.now(), self.policy.projects):
            total, count = _CONTEXT.add(total, stars), count + 1
        level = uow.members.get(bid.freelancer_id).level
        completed = len(completed_contracts(uow, bid.freelancer_id, limit=_COMPLETED_FOR_FULL))
        low, high = project.bracket(self.policy.projects)
        duration = project.terms.duration_days
        answers = sum(1 for a in bid.answers if len(a) >= _ANSWER_IN_SUBSTANCE)
        questions = len(project.terms.questions)
        average = _CONTEXT.divide(total, count) if count else Decimal(0)
        contributions = (
            Contribution(
                Factor.RATING,
                _percent(average, Decimal(5)),
                _two_places(average),
                note=None if count else _("no reviews yet"),
            ),
            Contribution(
                Factor.COMPLETED,
                _percent(Decimal(completed), Decimal(_COMPLETED_FOR_FULL)),
                str(completed),
            ),
            Contribution(
                Factor.LEVEL, _percent(Decimal(level.rank), Decimal(3)), level.value, level=level
            ),
            Contribution(
                Factor.AMOUNT,
                _percent(Decimal((high - bid.amount).minor), Decimal((high - low).minor)),
                str(bid.amount),
                amount=bid.amount,
            ),
            Contribution(  # on time is half the points; twice the time or more, none
                Factor.DELIVERY,
                _percent(Decimal(2 * duration - bid.delivery_days), Decimal(2 * duration)),
                f"{bid.delivery_days}/{duration}",
            ),
            Contribution(
                Factor.ANSWERS,
                _percent(Decimal(answers), Decimal(questions)) if questions else _FULL,
                f"{answers}/{questions}",
            ),
        )
        score = sum(c.points for c in contributions) // len(contributions)
        return RankedBid(self._bid_view(bid), score, contributions)

    def contract_page(
        self, actor: Actor, contract_id: ContractId, *, before: MessageId | None = None
    ) -> ContractPage:
        """A contract with its milestones, its money, and what its reader may do next.

        Its conversation's latest ``MESSAGES_PAGE`` messages; ``before``: those before that
        message (``ContractPage.earlier`` names the message to read before next).
        """
        _acting(actor)
        with self._reading() as uow:
            contract = uow.contracts.get(contract_id)
            parties = (contract.client_id, contract.freelancer_id)
            actor.require_party(parties, _("read this contract"))
            messages, earlier = latest_messages(uow, contract.conversation_id, before)
            suspended = frozenset(p for p in parties if not uow.members.can_trade(p))
        published = contract.reviews_published(self.clock.now(), self.policy.projects)
        reviews = tuple(
            r
            for r in (contract.client_review, contract.freelancer_review)
            if r is not None and (published or actor.is_member(r.author_id))
        )
        hidden = attrs.evolve(contract, client_review=None, freelancer_review=None)
        commands = next_commands(contract, actor, self.clock.now(), self.policy.projects, suspended)
        return ContractPage(
            hidden,
            contract.funded(),
            contract.released(),
            contract.refunded(),
            contract.held(),
            commands,
            reviews,
            reviews_published=published,
            messages=messages,
            earlier=earlier,
            fees=contract.fees(),
            fees_refunded=contract.fees_refunded(),
            fees_kept=contract.fees_kept(),
            offer_acceptable="answer_offer" in commands and not suspended,
        )


@attrs.frozen
class ContractWaiting:
    """A contract whose next move is its reader's, and the commands expected of them now."""

    contract: Contract
    moves: tuple[str, ...]


_EXPECTED: Final = (
    "answer_offer",
    "fund_milestone",
    "submit_milestone",
    "approve_milestone",
    "answer_proposal",
    "answer_end",
    "answer_contract_cancellation",
)
"""A side's commands a contract waits for (the others, a side may send or not)."""
_WAITING_READ: Final = 100


def completed_contracts(uow: UnitOfWork, freelancer_id: MemberId, *, limit: int) -> list[Contract]:
    """The freelancer's completed contracts, newest first: their record, not what they bought."""
    return uow.contracts.of_member(
        freelancer_id, status=ContractStatus.COMPLETED, as_freelancer=True, limit=limit
    )


def client_stars(
    uow: UnitOfWork, freelancer_id: MemberId, now: datetime, policy: ProjectPolicy
) -> list[Decimal]:
    """The published stars clients gave the freelancer's reviewed contracts (the latest).

    A contract ended early after paid work is reviewed as a completed one is, and its
    review counts as theirs do (a walk-through: published on the contract, it was nowhere
    on the freelancer's page).
    """
    reviewed = [
        contract
        for status in (ContractStatus.COMPLETED, ContractStatus.ENDED)
        for contract in uow.contracts.of_member(
            freelancer_id, status=status, as_freelancer=True, limit=_PAGE
        )
    ]
    # ended early with nothing released: no work was paid for, and its review is no record
    # (a hostile review: a client ended an unfunded contract at once and left one star)
    paid = [c for c in reviewed if c.status is ContractStatus.COMPLETED or c.released().minor]
    paid.sort(key=lambda c: (c.finished_at or now, c.id), reverse=True)
    return [
        c.client_review.stars
        for c in paid[:_PAGE]
        if c.client_review is not None and c.reviews_published(now, policy)
    ]


_MOVING_WORK: Final = frozenset(
    name
    for name, command in COMMANDS.items()
    if issubclass(command, ContractCommand) and command.moves_work
)


def next_commands(
    contract: Contract,
    actor: Actor,
    now: datetime,
    policy: ProjectPolicy,
    suspended: frozenset[MemberId] = frozenset(),
) -> tuple[str, ...]:
    """The commands ``actor`` may send to ``contract`` at ``now``, by name.

    A ``suspended`` party sends only what does not move the work on
    (:attr:`~microgigs.marketplace.commands.ContractCommand.moves_work`), and no milestone
    is funded for a suspended freelancer, as the commands refuse.
    """
    client, freelancer = (
        actor.is_member(contract.client_id),
        actor.is_member(contract.freelancer_id),
    )
    status = contract.status
    held = {m.status for m in contract.milestones}
    found: list[str] = []
    live_offer = status is ContractStatus.OFFERED and not contract.offer_lapsed(now)
    if live_offer and freelancer:
        found.append("answer_offer")
    if live_offer and client:
        found.append("withdraw_offer")
    if status is ContractStatus.ACTIVE:
        found += _active_commands(contract, actor, now, held, client=client, freelancer=freelancer)
    waiting = contract.end_refund_at is not None and not contract.end_refund_due(now)
    if status is ContractStatus.ENDING and freelancer and waiting:
        found.append("answer_end")  # not once answered, nor past its days
    side = contract.client_id if client else contract.freelancer_id
    if (client or freelancer) and any(
        m.status is MilestoneStatus.DISPUTED and m.dispute_notes_by(side) < DISPUTE_NOTES_MAX
        for m in contract.milestones
    ):
        found.append("add_dispute_note")  # while this side has notes left in a dispute
    if actor.role is Role.ADMIN and MilestoneStatus.DISPUTED in held:
        found.append("resolve_milestone")
    closes = contract.reviews_close_at(policy)
    own_review = contract.client_review if client else contract.freelancer_review
    if (client or freelancer) and closes is not None and now < closes and own_review is None:
        found.append("review_contract")
    if actor.member_id in suspended:
        found = [name for name in found if name not in _MOVING_WORK]
    if contract.freelancer_id in suspended and "fund_milestone" in found:
        found.remove("fund_milestone")
    return tuple(found)


def _active_commands(
    contract: Contract,
    actor: Actor,
    now: datetime,
    held: set[MilestoneStatus],
    *,
    client: bool,
    freelancer: bool,
) -> list[str]:
    found: list[str] = []
    # a submission past its days for an answer approves itself: nothing else moves it
    answerable = [m for m in contract.milestones if not m.approval_due(now)]
    if client and MilestoneStatus.PLANNED in held:
        found.append("fund_milestone")
    if freelancer and held & {MilestoneStatus.FUNDED, MilestoneStatus.CHANGES_REQUESTED}:
        found.append("submit_milestone")
    if client and MilestoneStatus.SUBMITTED in held:
        found.append("approve_milestone")
    if client and any(m.status is MilestoneStatus.SUBMITTED and m.changes_left for m in answerable):
        found.append("request_changes")
    if (client or freelancer) and any(m.status.is_disputable for m in answerable):
        found.append("dispute_milestone")
    if (client or freelancer) and MilestoneStatus.PLANNED in held:
        found.append("propose_milestones")  # only unfunded milestones change
    if client or freelancer:
        found += _between_the_sides(contract, actor, held)
    if client and len(answerable) == len(contract.milestones):
        found.append("end_contract")
    return found


def _between_the_sides(contract: Contract, actor: Actor, held: set[MilestoneStatus]) -> list[str]:
    """What a side may do about a proposal or a request to cancel, open or not."""
    found: list[str] = []
    proposer, asked = contract.proposed_by, contract.cancellation_by
    if proposer is not None and not actor.is_member(proposer):
        found.append("answer_proposal")
    if asked is None:
        if MilestoneStatus.DISPUTED not in held:  # an admin decides that milestone first
            found.append("ask_to_cancel_contract")
    elif actor.is_member(asked):
        found.append("take_back_cancellation")
    else:
        found.append("answer_contract_cancellation")
    return found
