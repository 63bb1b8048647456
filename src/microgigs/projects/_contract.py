"""The contract (عقد) and its milestones (دفعات): RULES.md §11.

A contract freezes the terms a client offered a freelancer (the total, the delivery days,
the milestones). The freelancer accepts or declines; until they answer, the client may
withdraw the offer; it lapses after the policy's lifetime. Each milestone is funded by the
client into its own escrow, submitted by the freelancer, approved by the client (or by
itself after the policy's days), and released to the freelancer less the commission.
Disputes are per milestone; an admin releases, refunds or splits. Either side may ask for a
mutual cancellation; the client may end the contract early, and the money held goes back
when the freelancer agrees or after the policy's days unless they dispute.

Every change that moves money returns :class:`Settlement` values: the application posts
them to the ledger in the same unit of work. Per contract, always::

    funded == released + refunded + held
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs

from microgigs._checks import plain_text, short_list, whole_number
from microgigs._contact import message_text
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import later, utc
from microgigs.errors import (
    InvalidRefund,
    InvalidText,
    InvalidType,
    MilestonesMismatch,
    NotFound,
    OutOfRange,
    PermissionDenied,
    ProjectStatusConflict,
    RatingsMismatch,
    RefundNotExpected,
)
from microgigs.ids import BidId, ContractId, MemberId, OrderId, ProjectId
from microgigs.money import _CONTEXT, Money
from microgigs.policy import ChargeRule, ProjectPolicy, ReviewPolicy
from microgigs.pricing import charge

__all__ = [
    "CHANGE_REQUESTS_MAX",
    "CLIENT_ASPECTS",
    "DISPUTE_NOTES_MAX",
    "Aspect",
    "AspectRating",
    "Contract",
    "ContractReview",
    "ContractStatus",
    "Milestone",
    "MilestonePlan",
    "MilestoneStatus",
    "Resolution",
    "Settlement",
    "check_plan",
]

_NOTE: Final = (1, 3000)
_MESSAGE: Final = (1, 5000)  # a message of the conversation, as an order's
_TITLE: Final = (1, 120)
_FILES_MAX: Final = 10
_REFERENCE: Final = (1, 300)
DISPUTE_NOTES_MAX: Final = 10
"""How many notes each side may add to one open dispute of a milestone."""
CHANGE_REQUESTS_MAX: Final = 10
"""How many times the client may ask for changes to one milestone: then its submission is
approved (or approves itself) or disputed. Each round is kept in the milestone's history."""


def _checked_files(files: Sequence[str]) -> tuple[str, ...]:
    """A submission's, a note's or a message's files: at most ``_FILES_MAX``, each named."""
    short_list(_("attachments"), files, _FILES_MAX)
    return tuple(plain_text(_("attachment"), f, *_REFERENCE) for f in files)


class ContractStatus(LabelledEnum):
    """Where a contract stands."""

    OFFERED = "offered"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"
    ACTIVE = "active"
    ENDING = "ending"
    COMPLETED = "completed"
    ENDED = "ended"
    CANCELLED = "cancelled"

    @property
    def is_finished(self) -> bool:
        """Nothing more happens to a contract in this status."""
        return self in (
            ContractStatus.DECLINED,
            ContractStatus.LAPSED,
            ContractStatus.WITHDRAWN,
            ContractStatus.COMPLETED,
            ContractStatus.ENDED,
            ContractStatus.CANCELLED,
        )


label_members(
    {
        ContractStatus.OFFERED: _("offered"),
        ContractStatus.DECLINED: _("declined"),
        ContractStatus.LAPSED: _("lapsed"),
        ContractStatus.WITHDRAWN: _("withdrawn by the client"),
        ContractStatus.ACTIVE: _("in progress"),  # «جارٍ التنفيذ»: a contract is masculine
        ContractStatus.ENDING: _("ending early"),
        ContractStatus.COMPLETED: _("complete"),
        ContractStatus.ENDED: _("ended early"),
        ContractStatus.CANCELLED: _("cancelled"),
    }
)


class MilestoneStatus(LabelledEnum):
    """Where a milestone stands: planned, money held, or settled."""

    PLANNED = "planned"
    FUNDED = "funded"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    DISPUTED = "disputed"
    RELEASED = "released"
    REFUNDED = "refunded"
    SPLIT = "split"

    @property
    def holds_money(self) -> bool:
        """The client's money for this milestone is in its escrow."""
        return self in _HOLDING

    @property
    def is_disputable(self) -> bool:
        """It holds money that no dispute has frozen yet: either side may dispute it."""
        return self in _DISPUTABLE

    @property
    def is_settled(self) -> bool:
        """Its escrow has been paid out for good."""
        return self in (MilestoneStatus.RELEASED, MilestoneStatus.REFUNDED, MilestoneStatus.SPLIT)


_HOLDING: Final = frozenset(
    {
        MilestoneStatus.FUNDED,
        MilestoneStatus.SUBMITTED,
        MilestoneStatus.CHANGES_REQUESTED,
        MilestoneStatus.DISPUTED,
    }
)
_DISPUTABLE: Final = _HOLDING - {MilestoneStatus.DISPUTED}
label_members(
    {
        MilestoneStatus.PLANNED: _("not funded yet"),
        MilestoneStatus.FUNDED: _("funded"),
        MilestoneStatus.SUBMITTED: _("submitted"),
        MilestoneStatus.CHANGES_REQUESTED: _("changes requested"),
        MilestoneStatus.DISPUTED: _("in dispute"),  # «متنازع عليها»: a milestone is feminine
        MilestoneStatus.RELEASED: _("released"),
        MilestoneStatus.REFUNDED: _("refunded"),
        MilestoneStatus.SPLIT: _("split between the two"),  # a status: «قُسِّمت بين الطرفين»
    }
)


class Resolution(LabelledEnum):
    """An admin's decision on a disputed milestone."""

    RELEASE = "release"
    REFUND = "refund"
    SPLIT = "split"


label_members(
    {
        Resolution.RELEASE: _("release to the freelancer"),
        Resolution.REFUND: _("refund the client"),
        Resolution.SPLIT: _("split"),
    }
)


class Aspect(LabelledEnum):
    """What a review rates: the client rates six aspects of the work, the freelancer one."""

    PROFESSIONALISM = "professionalism"
    COMMUNICATION = "communication"
    QUALITY = "quality"
    EXPERTISE = "expertise"
    ON_TIME = "on_time"
    HIRE_AGAIN = "hire_again"
    OVERALL = "overall"


label_members(
    {
        Aspect.PROFESSIONALISM: _("professionalism"),
        Aspect.COMMUNICATION: _("communication"),
        Aspect.QUALITY: _("quality of the work"),
        Aspect.EXPERTISE: _("expertise"),
        Aspect.ON_TIME: _("delivered on time"),
        Aspect.HIRE_AGAIN: _("would hire again"),
        Aspect.OVERALL: _("overall"),
    }
)

CLIENT_ASPECTS: Final = (
    Aspect.PROFESSIONALISM,
    Aspect.COMMUNICATION,
    Aspect.QUALITY,
    Aspect.EXPERTISE,
    Aspect.ON_TIME,
    Aspect.HIRE_AGAIN,
)
"""The aspects a client rates a freelancer on (RULES.md §11); a freelancer rates ``OVERALL``."""


@attrs.frozen
class AspectRating:
    """Stars for one aspect."""

    aspect: Aspect
    stars: int


@attrs.frozen
class ContractReview:
    """One side's review of a finished contract."""

    author_id: MemberId
    ratings: tuple[AspectRating, ...]
    comment: str
    written_at: datetime

    @property
    def stars(self) -> Decimal:
        """The mean of the aspects' stars."""
        return _CONTEXT.divide(sum(r.stars for r in self.ratings), len(self.ratings))


@attrs.frozen
class MilestonePlan:
    """A milestone as offered or proposed: a title and an amount."""

    title: str
    amount: Money


@attrs.frozen
class MilestoneNote:
    """What one side wrote when it moved a milestone: a submission, a request, a dispute."""

    status: MilestoneStatus
    """The status the milestone went to: submitted, changes requested or disputed; or
    released, refunded or split by an admin's decision (whose ``text`` is its reason, or
    empty when none was given)."""
    author_id: MemberId
    text: str
    at: datetime
    files: tuple[str, ...] = ()
    added_to_dispute: bool = False
    """A side's word added to an open dispute (the milestone stayed disputed), not a move:
    the other side's answer, or more from the side that opened it."""


@attrs.frozen
class Milestone:
    """One part of a contract, with its own escrow."""

    number: int
    title: str
    amount: Money
    status: MilestoneStatus = MilestoneStatus.PLANNED
    funded_at: datetime | None = None
    submitted_at: datetime | None = None
    approve_by: datetime | None = None
    """When a submission is approved by itself (``None`` while nothing waits, or disputed)."""
    files: tuple[str, ...] = ()
    note: str | None = None
    """The text of the latest move: a submission, a request for changes or a dispute
    (notes added to a dispute and an admin's decision join only the :attr:`history`)."""
    refunded: Money | None = None
    released: Money | None = None
    disputed_at: datetime | None = None
    """When it was disputed (``None`` unless disputed; a document older than this field
    had none, and reads as disputed when its contract was offered)."""
    fee: Money | None = None
    """The client's fee paid on top of the amount when it was funded, at the policy's
    ``client_fees`` then (``None`` until funded; a document older than this field had none,
    and reads as no fee)."""
    history: tuple[MilestoneNote, ...] = ()
    """Every submission, request for changes and dispute, oldest first, with who wrote it
    (a document older than this field has only its latest :attr:`note`)."""

    @property
    def changes_left(self) -> int:
        """How many more times the client may ask for changes (:data:`CHANGE_REQUESTS_MAX`)."""
        asked = sum(1 for n in self.history if n.status is MilestoneStatus.CHANGES_REQUESTED)
        return max(0, CHANGE_REQUESTS_MAX - asked)

    def approval_due(self, now: datetime) -> bool:
        """Submitted, and its days for an answer are over: it approves itself (``tick``)."""
        return (
            self.status is MilestoneStatus.SUBMITTED
            and self.approve_by is not None
            and utc(now) >= self.approve_by
        )

    def dispute_notes_by(self, member_id: MemberId) -> int:
        """How many notes ``member_id`` added to this milestone's latest dispute."""
        opened = max((i for i, n in enumerate(self.history) if not n.added_to_dispute), default=-1)
        return sum(1 for n in self.history[opened + 1 :] if n.author_id == member_id)

    def noted(self, note: MilestoneNote) -> Milestone:
        """This milestone moved to ``note.status``, the note kept (timers stop)."""
        return attrs.evolve(
            self,
            status=note.status,
            note=note.text,
            history=(*self.history, note),
            approve_by=None,
        )

    @property
    def fee_paid(self) -> Money:
        """The client's fee paid with this milestone (zero if none was, or not yet)."""
        return self.fee if self.fee is not None else Money.zero(self.amount.currency)

    def fee_shares(self) -> tuple[Money, Money]:
        """The fee given back to the client and the fee the platform keeps, once settled.

        The fee follows the amount: all back with a refund, all kept with a release, and
        with a split in proportion to the amount refunded and released (``Money.allocate``:
        the two parts add up to the fee to the cent). Both are zero while the money is held.
        """
        paid = self.fee_paid
        if self.refunded is None or self.released is None or not paid.minor:
            zero = Money.zero(self.amount.currency)
            return zero, zero
        back, kept = paid.allocate([self.refunded.minor, self.released.minor])
        return back, kept


@attrs.frozen
class Settlement:
    """What a milestone's escrow pays out: back to the client, and to the freelancer.

    ``released`` is before the commission; the ledger takes the commission from it. The
    client's fee paid with the milestone goes back (``fee_refunded``) or to the platform
    (``fee_kept``) as :meth:`Milestone.fee_shares` says.
    """

    number: int
    escrow: OrderId
    refunded: Money
    released: Money
    fee_refunded: Money
    fee_kept: Money


def check_plan(
    plans: Sequence[MilestonePlan], total: Money, policy: ProjectPolicy, *, most: int | None = None
) -> tuple[MilestonePlan, ...]:
    """``plans`` if they are 1 to ``most`` (the policy's count), each at least the minimum.

    They must add up to ``total``.
    """
    if not isinstance(plans, list | tuple):
        raise InvalidType(field=_("milestones"), expected=_("a list"), actual=type(plans).__name__)
    count = policy.milestones_max if most is None else most
    mismatch = MilestonesMismatch(total=total, count=count, minimum=policy.milestone_min)
    if not 1 <= len(plans) <= count:
        raise mismatch
    checked = []
    for plan in plans:
        if not isinstance(plan, MilestonePlan):
            raise InvalidType(
                field=_("milestones"), expected="MilestonePlan", actual=type(plan).__name__
            )
        if type(plan.amount) is not Money:  # said of the amount, not of the plan holding it
            raise InvalidType(
                field=_("milestone amount"), expected="Money", actual=type(plan.amount).__name__
            )
        if plan.amount.currency != total.currency or plan.amount < policy.milestone_min:
            raise mismatch
        checked.append(MilestonePlan(message_text(_("milestone"), plan.title, _TITLE), plan.amount))
    given = sum((p.amount for p in checked), Money.zero(total.currency))
    if given != total:
        raise MilestonesMismatch(
            total=total, count=count, minimum=policy.milestone_min, given=given
        )
    return tuple(checked)


_IN_THE_FREELANCERS_HANDS: Final = frozenset(
    {MilestoneStatus.FUNDED, MilestoneStatus.CHANGES_REQUESTED}
)


@attrs.define(slots=True)
class Contract:
    """The frozen terms between a client and a freelancer, and their milestones."""

    id: ContractId
    project_id: ProjectId
    client_id: MemberId
    freelancer_id: MemberId
    total: Money
    delivery_days: int
    milestones: list[Milestone]
    offered_at: datetime
    offer_expires_at: datetime
    bid_id: BidId | None = None
    status: ContractStatus = ContractStatus.OFFERED
    started_at: datetime | None = None
    finished_at: datetime | None = None
    proposal: tuple[MilestonePlan, ...] | None = None
    proposed_by: MemberId | None = None
    cancellation_by: MemberId | None = None
    end_refund_at: datetime | None = None
    """When the money held goes back to a client who ended early (``None``: not ending)."""
    reason: str | None = None
    next_number: int = 1
    client_review: ContractReview | None = None
    """The client's review of the freelancer."""
    freelancer_review: ContractReview | None = None
    """The freelancer's review of the client."""
    version: int = 0

    @classmethod
    def offer(
        cls,
        contract_id: ContractId,
        *,
        project_id: ProjectId,
        client_id: MemberId,
        freelancer_id: MemberId,
        total: Money,
        delivery_days: int,
        plans: Sequence[MilestonePlan],
        now: datetime,
        policy: ProjectPolicy,
        bid_id: BidId | None = None,
    ) -> Contract:
        """An offer to a freelancer: the terms are frozen here."""
        when = utc(now)
        checked = check_plan(plans, total, policy)
        milestones = [
            Milestone(number, plan.title, plan.amount)
            for number, plan in enumerate(checked, start=1)
        ]
        return cls(
            id=contract_id,
            project_id=project_id,
            client_id=client_id,
            freelancer_id=freelancer_id,
            total=total,
            delivery_days=delivery_days,
            milestones=milestones,
            offered_at=when,
            offer_expires_at=later(when, policy.offer_lifetime),
            bid_id=bid_id,
            next_number=len(milestones) + 1,
        )

    # --- reading -------------------------------------------------------------------------

    def milestone(self, number: int) -> Milestone:
        """The milestone ``number`` (a plain ``int``: not ``True``, not ``1.0``)."""
        if type(number) is not int:
            raise InvalidType(
                field=_("milestone number"), expected=_("an int"), actual=type(number).__name__
            )
        for milestone in self.milestones:
            if milestone.number == number:
                return milestone
        raise NotFound(kind=_("milestone"), key=str(number)[:20])

    def escrow_of(self, number: int) -> OrderId:
        """The ledger's key of a milestone: its escrow account and its clearance.

        The ledger keeps a milestone as it keeps an order: money in, then released or
        refunded once, its earnings cleared once.
        """
        return OrderId(f"{self.id}-{number}")

    @staticmethod
    def milestone_of(escrow: OrderId) -> tuple[ContractId, int] | None:
        """The contract and milestone number an escrow key names (:meth:`escrow_of`).

        ``None`` for an order's own id, which holds no ``-`` and a number after it.
        """
        contract_id, dash, number = escrow.rpartition("-")
        if not dash or not number.isdigit() or not contract_id:
            return None
        return ContractId(contract_id), int(number)

    @property
    def conversation_id(self) -> OrderId:
        """The key of the contract's conversation in the store of conversations.

        Kept beside the orders' conversations under the contract's own id, as its escrows
        are named as orders (:meth:`escrow_of`): the two never collide.
        """
        return OrderId(self.id)

    def message(
        self, actor: Actor, body: str, files: Sequence[str] = ()
    ) -> tuple[MemberId, str, tuple[str, ...]]:
        """A message of either party, checked: its author, its text and its files.

        Either side writes at any time (an offer to discuss, the work, after it ends); no one
        else (:class:`~microgigs.errors.PermissionDenied`). A message changes nothing of
        the contract; its text passes the contact-details filter.
        """
        author = self._party(actor, _("write in this contract"))
        sent = _checked_files(files)
        return author, message_text(_("message"), body, _MESSAGE), sent

    def funded(self) -> Money:
        """Everything the client paid into this contract's escrows, fees aside.

        ``funded == released + refunded + held`` always; the client's fees are outside these
        four figures and hold their own: ``fees() == fees_refunded() + fees_kept() +
        fees_held()``.
        """
        return self._sum(m.amount for m in self.milestones if m.funded_at is not None)

    def fees(self) -> Money:
        """The client's fees paid with the funded milestones."""
        return self._sum(m.fee_paid for m in self.milestones if m.funded_at is not None)

    def fees_refunded(self) -> Money:
        """The client's fees given back with refunds."""
        return self._sum(m.fee_shares()[0] for m in self.milestones)

    def fees_kept(self) -> Money:
        """The client's fees the platform kept with releases."""
        return self._sum(m.fee_shares()[1] for m in self.milestones)

    def fees_held(self) -> Money:
        """The client's fees still in escrow with their milestones."""
        return self._sum(m.fee_paid for m in self.milestones if m.status.holds_money)

    def released(self) -> Money:
        """Everything released to the freelancer (before commission)."""
        return self._sum(m.released for m in self.milestones if m.released is not None)

    def refunded(self) -> Money:
        """Everything refunded to the client."""
        return self._sum(m.refunded for m in self.milestones if m.refunded is not None)

    def held(self) -> Money:
        """Everything still in escrow."""
        return self._sum(m.amount for m in self.milestones if m.status.holds_money)

    def _sum(self, amounts: Iterable[Money]) -> Money:
        return sum(amounts, Money.zero(self.total.currency))

    @property
    def expected_by(self) -> datetime | None:
        """When the work was said to be done: the freelancer's days from the start."""
        if self.started_at is None:
            return None
        return self.started_at + timedelta(days=self.delivery_days)

    def late(self, now: datetime) -> bool:
        """Past :attr:`expected_by` with work owed (in the freelancer's hands).

        A milestone funded or sent back for changes is owed; one submitted waits for the
        client, and is not late.
        """
        expected_by = self.expected_by
        return (
            self.status is ContractStatus.ACTIVE
            and expected_by is not None
            and utc(now) > expected_by
            and any(m.status in _IN_THE_FREELANCERS_HANDS for m in self.milestones)
        )

    @property
    def next_due_at(self) -> datetime | None:
        """The soonest automatic step: an offer lapsing, an approval, an early end's refund."""
        if self.status is ContractStatus.OFFERED:
            return self.offer_expires_at
        due = [m.approve_by for m in self.milestones if m.approve_by is not None]
        if self.status is ContractStatus.ENDING and self.end_refund_at is not None:
            due.append(self.end_refund_at)
        return min(due, default=None)

    def end_refund_due(self, now: datetime) -> bool:
        """Ending early and past the days to answer: the money held goes back (``tick``)."""
        refund_at = self.end_refund_at
        return (
            self.status is ContractStatus.ENDING and refund_at is not None and utc(now) >= refund_at
        )

    @property
    def disputed_since(self) -> datetime | None:
        """When its oldest open dispute began (``None``: no milestone is disputed)."""
        return min(
            (
                m.disputed_at or self.offered_at
                for m in self.milestones
                if m.status is MilestoneStatus.DISPUTED
            ),
            default=None,
        )

    # --- the offer -----------------------------------------------------------------------

    def _require(self, action: str, *statuses: ContractStatus) -> None:
        if self.status not in statuses:
            raise ProjectStatusConflict(subject=_("contract"), status=self.status, action=action)

    def offer_lapsed(self, now: datetime) -> bool:
        """The offer is past its lifetime at ``now``: lapsed, even before ``tick`` records it."""
        return utc(now) >= self.offer_expires_at

    def _require_unexpired(self, action: str, now: datetime) -> None:
        if self.offer_lapsed(now):
            raise ProjectStatusConflict(
                subject=_("contract"), status=ContractStatus.LAPSED, action=action
            )

    def _changed(self) -> None:
        self.version += 1

    def accept(self, actor: Actor, now: datetime) -> None:
        """The freelancer accepts the offer: the contract starts."""
        actor.require_member(self.freelancer_id, _("accept this offer"))
        self._require(_("accept"), ContractStatus.OFFERED)
        self._require_unexpired(_("accept"), now)
        self.status = ContractStatus.ACTIVE
        self.started_at = utc(now)
        self._changed()

    def decline(self, actor: Actor, now: datetime) -> None:
        """The freelancer turns the offer down."""
        actor.require_member(self.freelancer_id, _("decline this offer"))
        self._require(_("decline"), ContractStatus.OFFERED)
        self._require_unexpired(_("decline"), now)
        self._close_offer(ContractStatus.DECLINED, now)

    def withdraw(self, actor: Actor, now: datetime) -> None:
        """The client takes back an offer the freelancer has not answered."""
        actor.require_member(self.client_id, _("withdraw this offer"))
        self._require(_("withdraw"), ContractStatus.OFFERED)
        self._require_unexpired(_("withdraw"), now)
        self._close_offer(ContractStatus.WITHDRAWN, now)

    def lapse(self, now: datetime) -> bool:
        """An offer left unanswered past its lifetime lapses (``tick``); True if it did."""
        if self.status is not ContractStatus.OFFERED or not self.offer_lapsed(now):
            return False
        self._close_offer(ContractStatus.LAPSED, now)
        return True

    def _close_offer(self, status: ContractStatus, now: datetime) -> None:
        """The offer ends unanswered (declined, withdrawn, lapsed): no contract began."""
        self.status = status
        self.finished_at = utc(now)
        self._changed()

    # --- milestones --------------------------------------------------------------------------

    def _set(self, milestone: Milestone) -> None:
        self.milestones = [
            milestone if m.number == milestone.number else m for m in self.milestones
        ]

    def _move(self, milestone: Milestone) -> None:
        """A milestone moves on (funded, submitted, sent back, settled).

        As an order's move does, it settles an open request to cancel, made before the work
        went on: no request is agreed to after the work it was about has moved.
        """
        self._set(milestone)
        self.cancellation_by = None

    def _at(self, number: int, action: str, *statuses: MilestoneStatus) -> Milestone:
        milestone = self.milestone(number)
        if milestone.status not in statuses:
            raise ProjectStatusConflict(
                subject=_("milestone"), status=milestone.status, action=action, number=number
            )
        return milestone

    def fund(
        self, actor: Actor, number: int, now: datetime, *, fees: Sequence[ChargeRule] = ()
    ) -> Milestone:
        """The client pays a planned milestone into its escrow (the caller moves the money).

        ``fees`` (the policy's ``client_fees``) make the fee paid on top, recorded on the
        milestone: the escrow holds ``amount + fee_paid``.
        """
        actor.require_member(self.client_id, _("fund a milestone"))
        self._require(_("fund"), ContractStatus.ACTIVE)
        milestone = self._at(number, _("fund"), MilestoneStatus.PLANNED)
        funded = attrs.evolve(
            milestone,
            status=MilestoneStatus.FUNDED,
            funded_at=utc(now),
            fee=charge(milestone.amount, fees),
        )
        self._move(funded)
        self._changed()
        return funded

    def submit(
        self,
        actor: Actor,
        number: int,
        note: str,
        *,
        now: datetime,
        policy: ProjectPolicy,
        files: Sequence[str] = (),
    ) -> None:
        """The freelancer submits a funded milestone's work; approval is due by itself later."""
        actor.require_member(self.freelancer_id, _("submit a milestone"))
        self._require(_("submit work on"), ContractStatus.ACTIVE)
        milestone = self._at(
            number, _("submit"), MilestoneStatus.FUNDED, MilestoneStatus.CHANGES_REQUESTED
        )
        sent = _checked_files(files)
        when = utc(now)
        text = message_text(_("message"), note, _NOTE)
        sent_note = MilestoneNote(MilestoneStatus.SUBMITTED, self.freelancer_id, text, when, sent)
        self._move(
            attrs.evolve(
                milestone.noted(sent_note),
                submitted_at=when,
                approve_by=later(when, policy.auto_approve_after),
                files=sent,
            )
        )
        self._changed()

    def request_changes(self, actor: Actor, number: int, note: str, now: datetime) -> None:
        """The client asks for changes: the approval timer stops until the next submission.

        Before the submission's days for an answer are over (it then approves itself, even
        before ``tick`` records it), at most :data:`CHANGE_REQUESTS_MAX` times a milestone.
        """
        actor.require_member(self.client_id, _("request changes"))
        self._require(_("request changes on"), ContractStatus.ACTIVE)
        milestone = self._at(number, _("request changes on"), MilestoneStatus.SUBMITTED)
        self._require_answer_time(milestone, _("request changes on"), now)
        if not milestone.changes_left:
            raise OutOfRange(
                field=_("requests for changes to one milestone"),
                value=CHANGE_REQUESTS_MAX + 1,
                minimum=1,
                maximum=CHANGE_REQUESTS_MAX,
            )
        text = message_text(_("note"), note, _NOTE)
        asked = MilestoneNote(MilestoneStatus.CHANGES_REQUESTED, self.client_id, text, utc(now))
        self._move(milestone.noted(asked))
        self._changed()

    def approve(self, actor: Actor, number: int, now: datetime) -> list[Settlement]:
        """The client approves a submitted milestone: its escrow is released to the freelancer.

        Only what was submitted is approved (RULES.md §11: funded → submitted → approved);
        a milestone waiting for its first submission, or for changes, is not.
        """
        actor.require_member(self.client_id, _("approve a milestone"))
        self._require(_("approve"), ContractStatus.ACTIVE)
        self._at(number, _("approve"), MilestoneStatus.SUBMITTED)
        return [self._settle(number, Money.zero(self.total.currency), now)]

    def auto_approve(self, now: datetime) -> list[Settlement]:
        """Every submission whose approval is due at ``now`` is approved (``tick``)."""
        if self.status is not ContractStatus.ACTIVE:
            return []
        when = utc(now)
        due = [m.number for m in self.milestones if m.approval_due(when)]
        return [self._settle(n, Money.zero(self.total.currency), when) for n in due]

    def _require_answer_time(self, milestone: Milestone, action: str, now: datetime) -> None:
        """A submission past its days for an answer approves itself: nothing else moves it."""
        if milestone.approval_due(now):
            raise ProjectStatusConflict(
                subject=_("milestone"),
                status=_("past its days for an answer, and approves itself"),
                action=action,
                number=milestone.number,
            )

    def _settle(self, number: int, refunded: Money, now: datetime) -> Settlement:
        """Pay a milestone's escrow out: ``refunded`` to the client, the rest released."""
        milestone = self.milestone(number)
        released = milestone.amount - refunded
        if not refunded.minor:
            status = MilestoneStatus.RELEASED
        elif not released.minor:
            status = MilestoneStatus.REFUNDED
        else:
            status = MilestoneStatus.SPLIT
        settled = attrs.evolve(
            milestone, status=status, approve_by=None, refunded=refunded, released=released
        )
        self._move(settled)
        self._finish_if_done(now)
        self._changed()
        back, kept = settled.fee_shares()
        return Settlement(number, self.escrow_of(number), refunded, released, back, kept)

    def _finish_if_done(self, now: datetime) -> None:
        if any(m.status is MilestoneStatus.DISPUTED for m in self.milestones):
            return
        if self.status is ContractStatus.ACTIVE and all(
            m.status.is_settled for m in self.milestones
        ):
            # all refunded, nothing released (an admin refunded the work whole): cancelled,
            # as a fully refunded order is (RULES.md §6), and no completed project to count
            released = any(m.status is not MilestoneStatus.REFUNDED for m in self.milestones)
            self.status = ContractStatus.COMPLETED if released else ContractStatus.CANCELLED
            self.finished_at = utc(now)
        elif self.status is ContractStatus.ENDING and not any(
            m.status.holds_money for m in self.milestones
        ):
            self.status = ContractStatus.ENDED
            self.end_refund_at = None
            self.finished_at = utc(now)

    # --- disputes ----------------------------------------------------------------------------

    def dispute(self, actor: Actor, number: int, reason: str, now: datetime) -> None:
        """Either side disputes a milestone holding money; its timers stop till an admin decides.

        Not once a submission's days for an answer are over, nor an early end's (the
        milestone then approves itself, or the money held goes back, whenever ``tick`` runs).
        """
        by = self._party(actor, _("dispute a milestone"))
        self._require(_("dispute"), ContractStatus.ACTIVE, ContractStatus.ENDING)
        milestone = self._at(number, _("dispute"), *_DISPUTABLE)
        self._require_answer_time(milestone, _("dispute"), now)
        when = utc(now)
        if self.end_refund_due(when):  # the money held goes back, whenever tick records it
            raise ProjectStatusConflict(
                subject=_("contract"),
                status=_("past the days to answer its early end"),
                action=_("dispute"),
            )
        text = message_text(_("reason"), reason, _NOTE)
        disputed = MilestoneNote(MilestoneStatus.DISPUTED, by, text, when)
        self._set(attrs.evolve(milestone.noted(disputed), disputed_at=when))
        self._changed()

    def add_dispute_note(
        self, actor: Actor, number: int, note: str, now: datetime, files: Sequence[str] = ()
    ) -> None:
        """Either side adds its word, with files, to a disputed milestone for the admin to read.

        The other side's answer, or more from the side that opened it: at most
        :data:`DISPUTE_NOTES_MAX` notes a side in one dispute. The milestone stays disputed.
        """
        by = self._party(actor, _("add a note to a dispute"))
        milestone = self._at(number, _("add a note to the dispute of"), MilestoneStatus.DISPUTED)
        sent = _checked_files(files)
        text = message_text(_("message"), note, _NOTE)
        added = milestone.dispute_notes_by(by)
        if added >= DISPUTE_NOTES_MAX:
            raise OutOfRange(
                field=_("notes in one dispute"),
                value=added + 1,
                minimum=1,
                maximum=DISPUTE_NOTES_MAX,
            )
        word = MilestoneNote(
            MilestoneStatus.DISPUTED, by, text, utc(now), sent, added_to_dispute=True
        )
        # the word joins the history, not the note (on a milestone stored before its history
        # was kept, the note is the dispute's only reason)
        self._set(attrs.evolve(milestone, history=(*milestone.history, word)))
        self._changed()

    def resolve(
        self,
        actor: Actor,
        number: int,
        resolution: Resolution,
        now: datetime,
        refund: Money | None = None,
        *,
        reason: str = "",
    ) -> list[Settlement]:
        """An admin decides a disputed milestone: release it, refund it, or refund ``refund``.

        ``refund`` goes with a split only (``RefundNotExpected`` otherwise). ``reason``, if
        given, is the decision's text in the milestone's history, which both sides read.
        """
        actor.require_admin(_("resolve a dispute"))
        milestone = self._at(number, _("resolve"), MilestoneStatus.DISPUTED)
        if not isinstance(reason, str):
            raise InvalidType(field=_("reason"), expected="str", actual=type(reason).__name__)
        why = message_text(_("reason"), reason, _NOTE) if reason.strip() else ""
        if not isinstance(resolution, Resolution):
            raise InvalidType(
                field=_("resolution"), expected="Resolution", actual=type(resolution).__name__
            )
        if refund is not None and resolution is not Resolution.SPLIT:
            raise RefundNotExpected(amount=refund, decision=resolution)
        zero = Money.zero(self.total.currency)
        if resolution is Resolution.RELEASE:
            refunded = zero
        elif resolution is Resolution.REFUND:
            refunded = milestone.amount
        else:
            if not isinstance(refund, Money):
                raise InvalidType(field=_("refund"), expected="Money", actual=type(refund).__name__)
            if refund.currency != zero.currency or not zero < refund < milestone.amount:
                raise InvalidRefund(amount=refund, maximum=milestone.amount)
            refunded = refund
        settled = self._settle(number, refunded, now)
        decided = self.milestone(number)  # the decision joins the history, not the note
        decision = MilestoneNote(decided.status, actor.member_id or MemberId(""), why, utc(now))
        self._set(attrs.evolve(decided, history=(*decided.history, decision)))
        return [settled]

    # --- changing the plan by agreement --------------------------------------------------------

    def _party(self, actor: Actor, action: str) -> MemberId:
        if actor.is_member(self.client_id):
            return self.client_id
        if actor.is_member(self.freelancer_id):
            return self.freelancer_id
        raise PermissionDenied(actor=actor.role.label, action=action)

    def propose(self, actor: Actor, plans: Sequence[MilestonePlan], policy: ProjectPolicy) -> None:
        """Either side proposes new unfunded milestones (replacing the planned ones)."""
        party = self._party(actor, _("change the milestones"))
        self._require(_("change the milestones of"), ContractStatus.ACTIVE)
        kept = [m for m in self.milestones if m.status is not MilestoneStatus.PLANNED]
        rest = self.total - self._sum(m.amount for m in kept)
        if not rest.is_positive():
            raise ProjectStatusConflict(
                subject=_("contract"),
                status=_("fully funded"),
                action=_("change the milestones of"),
            )
        self.proposal = check_plan(plans, rest, policy, most=policy.milestones_max - len(kept))
        self.proposed_by = party
        self._changed()

    def answer_proposal(self, actor: Actor, *, agree: bool) -> None:
        """The other side agrees to the proposed milestones, or turns them down."""
        party = self._party(actor, _("answer a proposal"))
        if self.proposal is None or self.proposed_by is None:
            raise NotFound(kind=_("proposal"), key=self.id)
        if party == self.proposed_by:
            raise PermissionDenied(actor=actor.role.label, action=_("answer their own proposal"))
        self._require(_("change the milestones of"), ContractStatus.ACTIVE)
        if agree:
            kept = [m for m in self.milestones if m.status is not MilestoneStatus.PLANNED]
            rest = self.total - self._sum(m.amount for m in kept)
            if self._sum(p.amount for p in self.proposal) != rest:  # funded since it was proposed
                raise ProjectStatusConflict(
                    subject=_("proposal"), status=_("out of date"), action=_("accept")
                )
            new = [
                Milestone(self.next_number + i, plan.title, plan.amount)
                for i, plan in enumerate(self.proposal)
            ]
            self.milestones = kept + new
            self.next_number += len(new)
        self.proposal, self.proposed_by = None, None
        self._changed()

    # --- ending --------------------------------------------------------------------------------

    def _refund_held(self, now: datetime) -> list[Settlement]:
        """Every milestone holding money and not disputed goes back to the client."""
        held = [
            m.number
            for m in self.milestones
            if m.status.holds_money and m.status is not MilestoneStatus.DISPUTED
        ]
        return [self._settle(n, self.milestone(n).amount, now) for n in held]

    def end(self, actor: Actor, reason: str, now: datetime, policy: ProjectPolicy) -> None:
        """The client ends the contract early: the money held goes back once settled.

        Not while a submission's days for an answer are over: it approves itself first.
        """
        actor.require_member(self.client_id, _("end this contract"))
        self._require(_("end"), ContractStatus.ACTIVE)
        for milestone in self.milestones:  # what is due to the freelancer is theirs
            self._require_answer_time(milestone, _("end the contract with"), now)
        self.reason = message_text(_("reason"), reason, (1, 1000))
        self.status = ContractStatus.ENDING
        self.cancellation_by = None
        self.milestones = [
            attrs.evolve(m, approve_by=None) if m.approve_by is not None else m
            for m in self.milestones
        ]
        self.end_refund_at = later(utc(now), policy.early_end_answer)
        self._finish_if_done(now)
        self._changed()

    def answer_end(
        self, actor: Actor, now: datetime, *, agree: bool, reason: str | None = None
    ) -> list[Settlement]:
        """The freelancer agrees to the early end (refunds), or disputes what is held.

        A dispute says why: its ``reason`` (1–3,000 characters; none is ``InvalidText``) is
        noted on each milestone it disputes, for the admin who decides.
        """
        actor.require_member(self.freelancer_id, _("answer the end of this contract"))
        self._require(_("answer the end of"), ContractStatus.ENDING)
        if self.end_refund_at is None or self.end_refund_due(now):
            # answered, or past its days (the refund is then due, whenever tick runs)
            raise ProjectStatusConflict(
                subject=_("contract"),
                status=_("no longer waiting for your answer"),
                action=_("answer the end of"),
            )
        if agree:
            self.end_refund_at = None
            settled = self._refund_held(now)
            self._finish_if_done(now)
            self._changed()
            return settled
        when = utc(now)
        if reason is None:  # an admin would decide without knowing what is disputed
            raise InvalidText(field=_("reason"), minimum=_NOTE[0], maximum=_NOTE[1])
        why = message_text(_("reason"), reason, _NOTE)
        note = MilestoneNote(MilestoneStatus.DISPUTED, self.freelancer_id, why, when)
        for milestone in self.milestones:
            if milestone.status.holds_money and milestone.status is not MilestoneStatus.DISPUTED:
                disputed = milestone.noted(note)
                self._set(attrs.evolve(disputed, disputed_at=when))
        self.end_refund_at = None
        self._changed()
        return []

    def end_timeout(self, now: datetime) -> list[Settlement]:
        """The freelancer did not answer an early end in time: the money held goes back."""
        if not self.end_refund_due(now):
            return []
        settled = self._refund_held(now)
        self.end_refund_at = None
        self._finish_if_done(now)
        self._changed()
        return settled

    def ask_cancellation(self, actor: Actor) -> None:
        """Either side asks to cancel by agreement."""
        party = self._party(actor, _("ask to cancel this contract"))
        self._require(_("cancel"), ContractStatus.ACTIVE)
        self._none_disputed(_("cancel"))
        if self.cancellation_by == party:
            raise ProjectStatusConflict(
                subject=_("contract"), status=_("asked to cancel"), action=_("ask again to cancel")
            )
        if self.cancellation_by is not None:  # the other side asked: theirs to answer
            raise ProjectStatusConflict(
                subject=_("contract"),
                status=_("already asked to cancel by the other side"),
                action=_("ask to cancel"),
            )
        self.cancellation_by = party
        self._changed()

    def _none_disputed(self, action: str) -> None:
        """Refuse ``action`` while a milestone waits for an admin's decision."""
        if any(m.status is MilestoneStatus.DISPUTED for m in self.milestones):
            raise ProjectStatusConflict(
                subject=_("contract with a milestone"),
                status=MilestoneStatus.DISPUTED,
                action=action,
            )

    def _asked_to_cancel(self, action: str) -> MemberId:
        """The side whose request to cancel is open; none open is a conflict."""
        if self.cancellation_by is None:
            raise ProjectStatusConflict(
                subject=_("contract"), status=_("not asked to cancel"), action=action
            )
        return self.cancellation_by

    def take_back_cancellation(self, actor: Actor) -> None:
        """The side who asked takes the request back (the other side may not)."""
        party = self._party(actor, _("take back a cancellation"))
        if self._asked_to_cancel(_("take back a request to cancel")) != party:
            raise PermissionDenied(
                actor=actor.role.label, action=_("take back the other side's request to cancel")
            )
        self.cancellation_by = None
        self._changed()

    def answer_cancellation(self, actor: Actor, now: datetime, *, agree: bool) -> list[Settlement]:
        """The other side agrees (the money held goes back) or refuses (the work goes on).

        Agreed, the contract is cancelled, or ended (and reviewed) if work was paid for.
        """
        party = self._party(actor, _("answer a cancellation"))
        self._require(_("cancel"), ContractStatus.ACTIVE)
        if self._asked_to_cancel(_("answer a request to cancel")) == party:
            raise PermissionDenied(
                actor=actor.role.label, action=_("answer their own request to cancel")
            )
        if agree:
            self._none_disputed(_("cancel"))
            for milestone in self.milestones:  # what is due to the freelancer is theirs
                self._require_answer_time(milestone, _("cancel the contract with"), now)
        self.cancellation_by = None
        if not agree:
            self._changed()
            return []
        settled = self._refund_held(now)
        # work already paid for ends the contract early (reviewed, as an early end is);
        # with nothing paid, no work happened: cancelled
        self.status = ContractStatus.ENDED if self.released().minor else ContractStatus.CANCELLED
        self.finished_at = utc(now)
        self._changed()
        return settled

    # --- reviews (both sides, published together) ----------------------------------------------

    def reviews_close_at(self, policy: ProjectPolicy) -> datetime | None:
        """When the reviews' window closes (``None`` until the contract is finished)."""
        if self.finished_at is None or self.status not in _REVIEWABLE:
            return None
        return later(self.finished_at, policy.review_window)

    def review(
        self,
        actor: Actor,
        ratings: Sequence[AspectRating],
        comment: str,
        *,
        now: datetime,
        policy: ProjectPolicy,
        stars: ReviewPolicy,
    ) -> ContractReview:
        """One side reviews the other after the contract, once, within the window.

        The client rates the six :data:`CLIENT_ASPECTS`, the freelancer the client
        ``OVERALL``; each from the policy's lowest to highest star.
        """
        party = self._party(actor, _("review this contract"))
        closes = self.reviews_close_at(policy)
        if closes is None:
            raise ProjectStatusConflict(
                subject=_("contract"), status=self.status, action=_("review")
            )
        if utc(now) >= closes:
            raise ProjectStatusConflict(
                subject=_("contract"), status=_("past its review window"), action=_("review")
            )
        mine = self.client_review if party == self.client_id else self.freelancer_review
        if mine is not None:
            raise ProjectStatusConflict(
                subject=_("contract"), status=_("already reviewed by you"), action=_("review")
            )
        wanted = CLIENT_ASPECTS if party == self.client_id else (Aspect.OVERALL,)
        if not isinstance(ratings, list | tuple) or not all(
            isinstance(r, AspectRating) for r in ratings
        ):
            raise InvalidType(
                field=_("ratings"), expected="AspectRating", actual=type(ratings).__name__
            )
        given = {r.aspect: r.stars for r in ratings}
        if set(given) != set(wanted) or len(ratings) != len(wanted):
            raise RatingsMismatch(aspects=tuple(wanted))
        checked = tuple(
            AspectRating(a, whole_number(a.label, given[a], stars.stars_min, stars.stars_max))
            for a in wanted
        )
        text = message_text(_("comment"), comment, (0, stars.comment_length_max))
        written = ContractReview(party, checked, text, utc(now))
        if party == self.client_id:
            self.client_review = written
        else:
            self.freelancer_review = written
        self._changed()
        return written

    def reviews_published(self, now: datetime, policy: ProjectPolicy) -> bool:
        """Both reviews are shown once both sides have written theirs, or the window closed."""
        closes = self.reviews_close_at(policy)
        if closes is None:
            return False
        both = self.client_review is not None and self.freelancer_review is not None
        return both or utc(now) >= closes


_REVIEWABLE: Final = frozenset({ContractStatus.COMPLETED, ContractStatus.ENDED})
