"""The project (مشروع) and the bids (عروض) on it: RULES.md §11.

A client drafts a project, sends it to review, an admin opens it (or rejects it with a
reason: the client edits and sends it again); freelancers bid while it is open; the client
offers a contract to a bid (or privately to a freelancer); each accepted offer is a hire.
The project is in progress once it has hired all it said it would, and completed when
every contract it hired is finished. An open project closes (by its client), is cancelled
or expires.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Final, cast

import attrs

from microgigs._checks import (
    checked_fields,
    of_kind,
    one_with_id,
    plain_text,
    refusals,
    short_list,
    whole_number,
)
from microgigs._contact import message_text
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.clock import later, utc
from microgigs.errors import (
    BidExists,
    InvalidType,
    MemberSuspended,
    MicrogigsError,
    NotFound,
    OutOfRange,
    OutsideBracket,
    PermissionDenied,
    ProjectStatusConflict,
)
from microgigs.ids import BidId, CategoryId, ContractId, MemberId, ProjectId
from microgigs.money import Money
from microgigs.policy import ProjectPolicy

__all__ = [
    "INVITED_MAX",
    "Bid",
    "BidStatus",
    "Project",
    "ProjectStatus",
    "ProjectTerms",
    "Visibility",
]

_BID_TEXT: Final = (10, 3000)
_ANSWER: Final = (1, 1000)
_QUESTION: Final = (5, 300)
_SKILL: Final = (1, 40)
_REFERENCE: Final = (1, 300)
_ATTACHMENTS_MAX: Final = 10
INVITED_MAX: Final = 50
"""How many freelancers a private project may invite."""


class ProjectStatus(LabelledEnum):
    """Where a project stands."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    REJECTED = "rejected"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


label_members(
    {
        ProjectStatus.DRAFT: _("draft"),
        ProjectStatus.PENDING_REVIEW: _("pending review"),
        ProjectStatus.REJECTED: _("rejected"),
        ProjectStatus.OPEN: _("open"),
        ProjectStatus.IN_PROGRESS: _("in progress"),
        ProjectStatus.COMPLETED: _("complete"),  # «مكتمل»: an order's is «تم التسليم»
        ProjectStatus.CLOSED: _("closed"),
        ProjectStatus.CANCELLED: _("cancelled"),
        ProjectStatus.EXPIRED: _("expired"),
    }
)


class Visibility(LabelledEnum):
    """Who may bid: everyone, or only the freelancers the client invited."""

    PUBLIC = "public"
    PRIVATE = "private"


label_members({Visibility.PUBLIC: _("public"), Visibility.PRIVATE: _("private")})


class BidStatus(LabelledEnum):
    """Where a bid stands."""

    PENDING = "pending"
    OFFERED = "offered"
    HIRED = "hired"
    COMPLETED = "completed"
    ENDED = "ended"
    LOST = "lost"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"

    @property
    def is_live(self) -> bool:
        """Still in the running or hired: the freelancer's one bid on the project."""
        return self in (BidStatus.PENDING, BidStatus.OFFERED, BidStatus.HIRED)


label_members(
    {
        BidStatus.PENDING: _("pending"),
        BidStatus.OFFERED: _("offered a contract"),
        BidStatus.HIRED: _("hired"),
        BidStatus.COMPLETED: _("complete"),
        BidStatus.ENDED: _("ended before completion"),
        BidStatus.LOST: _("excluded"),
        BidStatus.WITHDRAWN: _("withdrawn"),
        BidStatus.REMOVED: _("removed by moderation"),
    }
)


@attrs.frozen
class Bid:
    """A freelancer's bid: amount, delivery days, text, answers to the project's questions."""

    id: BidId
    freelancer_id: MemberId
    amount: Money
    delivery_days: int
    text: str
    answers: tuple[str, ...]
    placed_at: datetime
    attachments: tuple[str, ...] = ()
    status: BidStatus = BidStatus.PENDING
    contract_id: ContractId | None = None
    edited_at: datetime | None = None


def _texts(
    field: str, values: Sequence[str], most: int, bounds: tuple[int, int]
) -> tuple[str, ...]:
    return tuple(plain_text(field, value, *bounds) for value in short_list(field, values, most))


def _once_each(skills: Sequence[str]) -> tuple[str, ...]:
    """Each skill once, as first written ("Firebase" and "firebase" are one: the first)."""
    kept: dict[str, str] = {}
    for skill in skills:
        kept.setdefault(skill.casefold(), skill)
    return tuple(kept.values())


def _public_texts(
    field: str, values: Sequence[str], most: int, bounds: tuple[int, int]
) -> tuple[str, ...]:
    """Short texts every bidder reads (questions, skills): no contact details either."""
    listed = short_list(field, values, most)
    return tuple(message_text(field, value, bounds, multiline=False) for value in listed)


@attrs.frozen
class ProjectTerms:
    """What a client writes about a project: checked when drafted and on each edit."""

    category_id: CategoryId
    title: str
    description: str
    bracket: int
    """The index of the budget bracket in the policy's ``projects.brackets``."""
    duration_days: int
    skills: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    visibility: Visibility = Visibility.PUBLIC
    invited: tuple[MemberId, ...] = ()
    hires_allowed: int = 1
    attachments: tuple[str, ...] = ()

    def refusals(self, policy: ProjectPolicy, client_id: MemberId) -> dict[str, MicrogigsError]:
        """Every term the rules refuse, by field name, in a form's order (empty: all pass).

        :meth:`checked` (``post_project``, ``edit_project``) raises the first, by the same
        checks; a host's form names them all at once.
        """
        return refusals(self._checks(policy, client_id))

    def _checks(
        self, policy: ProjectPolicy, client_id: MemberId
    ) -> tuple[tuple[str, Callable[[], object]], ...]:
        """Each term's check, in a form's order: each returns the term normalised."""
        policy = of_kind(_("policy"), policy, ProjectPolicy)  # not the marketplace's whole
        return (
            (
                "title",
                lambda: message_text(
                    _("project title"), self.title, policy.title_length, multiline=False
                ),
            ),
            (
                "description",
                lambda: message_text(
                    _("project description"), self.description, policy.description_length
                ),
            ),
            (
                "bracket",
                lambda: whole_number(
                    _("budget bracket"), self.bracket, 0, len(policy.brackets) - 1
                ),
            ),
            (
                "duration_days",
                lambda: whole_number(
                    _("expected duration"), self.duration_days, *policy.duration_days
                ),
            ),
            (
                "skills",
                lambda: _public_texts(_("skills"), self.skills, policy.skills_max, _SKILL),
            ),
            (
                "questions",
                lambda: _public_texts(
                    _("questions"), self.questions, policy.questions_max, _QUESTION
                ),
            ),
            ("visibility", self._check_visibility),
            ("invited", lambda: self._check_invited(client_id)),
            (
                "hires_allowed",
                lambda: whole_number(
                    _("freelancers to hire"), self.hires_allowed, 1, policy.hires_max
                ),
            ),
            (
                "attachments",
                lambda: _texts(_("attachments"), self.attachments, _ATTACHMENTS_MAX, _REFERENCE),
            ),
        )

    def _check_visibility(self) -> Visibility:
        if not isinstance(self.visibility, Visibility):
            raise InvalidType(
                field=_("visibility"), expected="Visibility", actual=type(self.visibility).__name__
            )
        return self.visibility

    def _check_invited(self, client_id: MemberId) -> tuple[str, ...]:
        """The freelancers invited; never the client (they may not bid on their own)."""
        invited = _texts(_("invited freelancers"), self.invited, INVITED_MAX, (1, 64))
        if client_id in invited:
            raise PermissionDenied(
                actor=Role.MEMBER.label, action=_("invite themselves to their own project")
            )
        return invited

    def checked(self, policy: ProjectPolicy, client_id: MemberId) -> ProjectTerms:
        """These terms with their texts normalised, or the first of :meth:`refusals`."""
        values, refused = checked_fields(self._checks(policy, client_id))
        if refused:  # the first, in a form's order: the title before the budget
            raise next(iter(refused.values()))
        texts = cast("dict[str, str]", values)  # each term as its check returned it
        lists = cast("dict[str, tuple[str, ...]]", values)
        return attrs.evolve(
            self,
            title=texts["title"],
            description=texts["description"],
            skills=_once_each(lists["skills"]),
            questions=lists["questions"],
            invited=tuple(MemberId(m) for m in dict.fromkeys(lists["invited"])),
            attachments=lists["attachments"],
        )


@attrs.define(slots=True)
class Project:
    """A client's project, with every bid made on it."""

    id: ProjectId
    client_id: MemberId
    terms: ProjectTerms
    created_at: datetime
    updated_at: datetime
    status: ProjectStatus = ProjectStatus.DRAFT
    opened_at: datetime | None = None
    expires_at: datetime | None = None
    rejection_reason: str | None = None
    bids: list[Bid] = attrs.Factory(list)
    offered: list[ContractId] = attrs.Factory(list)
    hired: list[ContractId] = attrs.Factory(list)
    finished: list[ContractId] = attrs.Factory(list)
    completed: list[ContractId] = attrs.Factory(list)
    """The finished contracts that completed (a hired bid's or a private offer's)."""
    client_suspended: bool = False
    """Open while its client is suspended: not listed and taking no bids until reinstated."""
    version: int = 0

    @classmethod
    def draft(
        cls,
        project_id: ProjectId,
        *,
        client_id: MemberId,
        terms: ProjectTerms,
        now: datetime,
        policy: ProjectPolicy,
    ) -> Project:
        """A new project in draft: only its client sees it."""
        when = utc(now)
        return cls(project_id, client_id, terms.checked(policy, client_id), when, when)

    # --- the client and moderation ---------------------------------------------------------

    def _require(self, action: str, *statuses: ProjectStatus) -> None:
        if self.status not in statuses:
            raise ProjectStatusConflict(subject=_("project"), status=self.status, action=action)

    def _changed(self, now: datetime) -> None:
        self.updated_at = utc(now)
        self.version += 1

    def edit(self, actor: Actor, terms: ProjectTerms, now: datetime, policy: ProjectPolicy) -> None:
        """The client rewrites a draft or a rejected project (then sends it to review)."""
        actor.require_member(self.client_id, _("edit this project"))
        self._require(_("edit"), ProjectStatus.DRAFT, ProjectStatus.REJECTED)
        self.terms = terms.checked(policy, self.client_id)
        self._changed(now)

    def submit(self, actor: Actor, now: datetime) -> None:
        """The client sends a draft (or a rejected project, edited) to review."""
        actor.require_member(self.client_id, _("submit this project"))
        self._require(_("submit"), ProjectStatus.DRAFT, ProjectStatus.REJECTED)
        self.status = ProjectStatus.PENDING_REVIEW
        self.rejection_reason = None
        self._changed(now)

    def approve(self, actor: Actor, now: datetime, policy: ProjectPolicy) -> None:
        """An admin opens the project for bids, until the policy's lifetime runs out."""
        actor.require_admin(_("approve a project"))
        self._require(_("approve"), ProjectStatus.PENDING_REVIEW)
        self.status = ProjectStatus.OPEN
        self.opened_at = utc(now)
        self.expires_at = later(self.opened_at, policy.project_lifetime)
        self._changed(now)

    def reject(self, actor: Actor, reason: str, now: datetime) -> None:
        """An admin sends the project back with a reason; its client may edit and resubmit."""
        actor.require_admin(_("reject a project"))
        self._require(_("reject"), ProjectStatus.PENDING_REVIEW)
        self.rejection_reason = plain_text(_("reason"), reason, 1, 1000)
        self.status = ProjectStatus.REJECTED
        self._changed(now)

    @property
    def hires_left(self) -> int:
        """How many more contracts it may offer: its hires less the offers waiting and hires.

        0 once it takes no more bids (in progress, closed, expired …).
        """
        if self.status is not ProjectStatus.OPEN:
            return 0
        return self.terms.hires_allowed - len(self.offered) - len(self.hired)

    def is_open(self, now: datetime) -> bool:
        """Open for bids at ``now``: approved, not closed or expired."""
        return (
            self.status is ProjectStatus.OPEN
            and self.expires_at is not None
            and utc(now) < self.expires_at
        )

    def _require_open(self, action: str, now: datetime) -> None:
        # a status alone is not enough (see _require): an open project's time may be up
        if not self.is_open(now):
            # an open project whose time is up is expired, even before tick records it
            status = ProjectStatus.EXPIRED if self.status is ProjectStatus.OPEN else self.status
            raise ProjectStatusConflict(subject=_("project"), status=status, action=action)

    def _require_client_trading(self) -> None:
        if self.client_suspended:
            raise MemberSuspended(member_id=self.client_id)

    def hold(self, now: datetime) -> bool:
        """Its client was suspended: an open project leaves the listing; True if it did."""
        if self.status is not ProjectStatus.OPEN or self.client_suspended:
            return False
        self.client_suspended = True
        self._changed(now)
        return True

    def unhold(self, now: datetime) -> bool:
        """Its client was reinstated: the project is listed again; True if it was held."""
        if not self.client_suspended:
            return False
        self.client_suspended = False
        self._changed(now)
        return True

    def _finish_bidding(self, status: ProjectStatus, now: datetime) -> list[Bid]:
        """No more bids: pending ones are lost; ``status``, or in progress if it hired."""
        lost = [b for b in self.bids if b.status is BidStatus.PENDING]
        self.bids = [
            attrs.evolve(b, status=BidStatus.LOST) if b.status is BidStatus.PENDING else b
            for b in self.bids
        ]
        self.status = self._after_hiring(status) if self.hired else status
        self.client_suspended = False  # only an open project is held
        self._changed(now)
        return lost

    def close(self, actor: Actor, now: datetime) -> list[Bid]:
        """The client stops taking bids; returns the bids that lost."""
        actor.require_member(self.client_id, _("close this project"))
        self._require(_("close"), ProjectStatus.OPEN)
        self._no_offer_waiting(_("close"))
        return self._finish_bidding(ProjectStatus.CLOSED, now)

    def cancel(self, actor: Actor, now: datetime) -> list[Bid]:
        """The client gives the project up before hiring; returns the bids to refund."""
        actor.require_member(self.client_id, _("cancel this project"))
        self._require(
            _("cancel"),
            ProjectStatus.DRAFT,
            ProjectStatus.PENDING_REVIEW,
            ProjectStatus.REJECTED,
            ProjectStatus.OPEN,
        )
        if self.hired:
            raise ProjectStatusConflict(
                subject=_("project"), status=self.status, action=_("cancel after hiring")
            )
        self._no_offer_waiting(_("cancel"))
        return self._finish_bidding(ProjectStatus.CANCELLED, now)

    def _no_offer_waiting(self, action: str) -> None:
        if self.offered:
            raise ProjectStatusConflict(
                subject=_("project"), status=_("waiting for an answer to an offer"), action=action
            )

    def seen_by(self, actor: Actor | None, contracted: Callable[[], bool]) -> bool:
        """Refuse a reader who may not know the project exists (``NotFound``, as if absent).

        True for its owners (its client, the admins, the system), who see all of it. Anyone
        else sees an approved public project; a private one is also its invited
        freelancers' and those who bid or were offered a contract on it (``contracted``,
        asked last). A command about a project one may not see is refused the same way.
        """
        if actor is not None and (actor.role is not Role.MEMBER or actor.is_member(self.client_id)):
            return True
        reader = None if actor is None else actor.member_id
        hidden = self.status in (
            ProjectStatus.DRAFT,
            ProjectStatus.PENDING_REVIEW,
            ProjectStatus.REJECTED,
        )
        private = self.terms.visibility is Visibility.PRIVATE and (
            reader is None
            or (
                reader not in self.terms.invited
                and self.live_bid_of(reader) is None
                and not contracted()
            )
        )
        if hidden or private:
            raise NotFound(kind=_("project"), key=self.id)
        return False

    def expire(self, now: datetime) -> bool:
        """An open project whose time is up stops taking bids (``tick``); True if it did."""
        if self.status is not ProjectStatus.OPEN or self.expires_at is None:
            return False
        if utc(now) < self.expires_at or self.offered:
            return False
        self._finish_bidding(ProjectStatus.EXPIRED, now)
        return True

    # --- bids ------------------------------------------------------------------------------

    def bid(self, bid_id: BidId) -> Bid:
        """One bid of this project."""
        return one_with_id(_("bid"), self.bids, bid_id)

    def live_bid_of(self, freelancer_id: MemberId) -> Bid | None:
        """The freelancer's live bid on this project, if any."""
        for bid in self.bids:
            if bid.freelancer_id == freelancer_id and bid.status.is_live:
                return bid
        return None

    def _replace(self, bid: Bid) -> None:
        self.bids = [bid if b.id == bid.id else b for b in self.bids]

    def bracket(self, policy: ProjectPolicy) -> tuple[Money, Money]:
        """The project's budget: from, to."""
        return policy.brackets[self.terms.bracket]

    def check_amount(self, amount: Money, policy: ProjectPolicy) -> Money:
        """``amount`` if it lies in the project's budget bracket."""
        if not isinstance(amount, Money):
            raise InvalidType(field=_("amount"), expected="Money", actual=type(amount).__name__)
        low, high = self.bracket(policy)
        if amount.currency != low.currency or not low <= amount <= high:
            raise OutsideBracket(amount=amount, minimum=low, maximum=high)
        return amount

    def _bid_terms(
        self,
        amount: Money,
        delivery_days: int,
        text: str,
        answers: Sequence[str],
        policy: ProjectPolicy,
    ) -> tuple[Money, int, str, tuple[str, ...]]:
        checked = self.check_amount(amount, policy)
        days = whole_number(_("delivery days"), delivery_days, *policy.duration_days)
        body = message_text(_("bid"), text, _BID_TEXT)
        count = len(self.terms.questions)
        if isinstance(answers, str) or not isinstance(answers, Sequence):
            raise InvalidType(
                field=_("answers"), expected=_("a list"), actual=type(answers).__name__
            )
        if len(answers) != count:
            raise OutOfRange(field=_("answers"), value=len(answers), minimum=count, maximum=count)
        replies = tuple(message_text(_("answer"), answer, _ANSWER) for answer in answers)
        return checked, days, body, replies

    def place_bid(
        self,
        bid_id: BidId,
        actor: Actor,
        *,
        amount: Money,
        delivery_days: int,
        text: str,
        answers: Sequence[str],
        now: datetime,
        policy: ProjectPolicy,
        attachments: Sequence[str] = (),
    ) -> Bid:
        """A freelancer's bid (their one live bid on this project); the caller spends a credit."""
        freelancer = actor.acting_member(_("bid on a project"))
        if freelancer == self.client_id:
            raise PermissionDenied(actor=actor.role.label, action=_("bid on their own project"))
        self._require_open(_("bid on"), now)
        self._require_client_trading()
        if self.terms.visibility is Visibility.PRIVATE and freelancer not in self.terms.invited:
            raise NotFound(kind=_("project"), key=self.id)  # as its page: as if absent
        if self.live_bid_of(freelancer) is not None:
            raise BidExists(project_id=self.id)
        checked, days, body, replies = self._bid_terms(amount, delivery_days, text, answers, policy)
        files = _texts(_("attachments"), attachments, _ATTACHMENTS_MAX, _REFERENCE)
        bid = Bid(bid_id, freelancer, checked, days, body, replies, utc(now), files)
        self.bids.append(bid)
        self._changed(now)
        return bid

    def _own_pending(self, actor: Actor, bid_id: BidId, doing: str, action: str) -> Bid:
        """The actor's own bid, still pending: ``doing`` names it, ``action`` the verb."""
        bid = self.bid(bid_id)
        actor.require_member(bid.freelancer_id, doing)
        if bid.status is not BidStatus.PENDING:
            raise ProjectStatusConflict(subject=_("bid"), status=bid.status, action=action)
        return bid

    def edit_bid(
        self,
        actor: Actor,
        bid_id: BidId,
        *,
        amount: Money,
        delivery_days: int,
        text: str,
        answers: Sequence[str],
        now: datetime,
        policy: ProjectPolicy,
    ) -> None:
        """The freelancer rewrites a pending bid while the project is open."""
        bid = self._own_pending(actor, bid_id, _("edit this bid"), _("edit"))
        self._require_open(_("bid on"), now)
        self._require_client_trading()
        checked, days, body, replies = self._bid_terms(amount, delivery_days, text, answers, policy)
        self._replace(
            attrs.evolve(
                bid,
                amount=checked,
                delivery_days=days,
                text=body,
                answers=replies,
                edited_at=utc(now),
            )
        )
        self._changed(now)

    def withdraw_bid(self, actor: Actor, bid_id: BidId, now: datetime) -> None:
        """The freelancer takes a pending bid back (the credit is spent)."""
        bid = self._own_pending(actor, bid_id, _("withdraw this bid"), _("withdraw"))
        self._replace(attrs.evolve(bid, status=BidStatus.WITHDRAWN))
        self._changed(now)

    def remove_bid(self, actor: Actor, bid_id: BidId, now: datetime) -> Bid:
        """Moderation removes a pending bid; the caller refunds its credit."""
        actor.require_admin(_("remove a bid"))
        bid = self.bid(bid_id)
        if bid.status is not BidStatus.PENDING:
            raise ProjectStatusConflict(subject=_("bid"), status=bid.status, action=_("remove"))
        self._replace(attrs.evolve(bid, status=BidStatus.REMOVED))
        self._changed(now)
        return bid

    # --- hiring ----------------------------------------------------------------------------

    def offer(
        self,
        actor: Actor,
        contract_id: ContractId,
        now: datetime,
        *,
        bid_id: BidId | None = None,
        freelancer_id: MemberId | None = None,
    ) -> MemberId:
        """The client offers a contract to a bid, or privately to a freelancer.

        Returns the freelancer. Offers waiting and hires together stay within the number
        of freelancers the project hires.
        """
        actor.require_member(self.client_id, _("hire for this project"))
        self._require_open(_("hire"), now)
        if self.hires_left <= 0:
            raise ProjectStatusConflict(
                subject=_("project"), status=_("fully hired"), action=_("hire")
            )
        if bid_id is not None:
            bid = self.bid(bid_id)
            if bid.status is not BidStatus.PENDING:
                raise ProjectStatusConflict(subject=_("bid"), status=bid.status, action=_("hire"))
            self._replace(attrs.evolve(bid, status=BidStatus.OFFERED, contract_id=contract_id))
            chosen = bid.freelancer_id
        elif freelancer_id is None or freelancer_id == self.client_id:
            raise PermissionDenied(actor=actor.role.label, action=_("hire themselves"))
        else:
            chosen = freelancer_id
        self.offered.append(contract_id)
        self._changed(now)
        return chosen

    def offer_answered(self, contract_id: ContractId, *, accepted: bool, now: datetime) -> bool:
        """A contract offered here was accepted, declined, withdrawn or lapsed.

        True when the project's time was up, kept open only by this offer: it stops taking
        bids now (expired, or in progress with the hires it made), as ``tick`` would have.
        """
        if contract_id not in self.offered:
            raise NotFound(kind=_("offer"), key=str(contract_id)[:100])
        self.offered.remove(contract_id)
        for bid in self.bids:
            if bid.contract_id == contract_id and bid.status is BidStatus.OFFERED:
                if accepted:
                    self._replace(attrs.evolve(bid, status=BidStatus.HIRED))
                else:
                    self._replace(attrs.evolve(bid, status=BidStatus.PENDING, contract_id=None))
        if accepted:
            self.hired.append(contract_id)
        if accepted and len(self.hired) >= self.terms.hires_allowed:
            self._finish_bidding(ProjectStatus.IN_PROGRESS, now)
            return False
        if self.expire(now):  # the offer that kept it open past its time is gone
            return True
        self._changed(now)
        return False

    def contract_finished(self, contract_id: ContractId, *, completed: bool, now: datetime) -> None:
        """A hired contract ended; the project completes when all of them have."""
        if contract_id not in self.hired or contract_id in self.finished:
            raise NotFound(kind=_("contract"), key=str(contract_id)[:100])
        self.finished.append(contract_id)
        if completed:
            self.completed.append(contract_id)
        outcome = BidStatus.COMPLETED if completed else BidStatus.ENDED
        for bid in self.bids:
            if bid.contract_id == contract_id:
                self._replace(attrs.evolve(bid, status=outcome))
        if self.status is ProjectStatus.IN_PROGRESS:
            self.status = self._after_hiring(ProjectStatus.CLOSED)
        self._changed(now)

    def _after_hiring(self, otherwise: ProjectStatus) -> ProjectStatus:
        """The status of a project that hired and takes no more bids.

        In progress while a contract runs; then completed if one of them was, else
        ``otherwise`` (all were cancelled or ended early).
        """
        if len(self.finished) < len(self.hired):
            return ProjectStatus.IN_PROGRESS
        # a hired bid completed says so too: a project stored before ``completed`` was kept
        # holds its completed contracts only there
        if self.completed or any(b.status is BidStatus.COMPLETED for b in self.bids):
            return ProjectStatus.COMPLETED
        return otherwise
