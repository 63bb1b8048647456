"""Project mode: hiring, contracts, milestones and the money they move (RULES.md §11).

A milestone's money goes through the ledger as an order's does: paid into its own escrow
(``escrow:<contract>-<number>``) with the client's fee if the policy charges one, then
released to the freelancer's pending earnings less the commission (cleared by ``tick``
after the clearance period; the platform keeps the commission and the fee), refunded to
the client's balance with the fee, or split between them (the fee in proportion).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from microgigs import ledger as lg
from microgigs._checks import whole_number, yes_or_no
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.clock import later
from microgigs.errors import BidChanged, ContractExists, InvalidType
from microgigs.ids import ContractId, MemberId, MessageId
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, handles
from microgigs.marketplace._projects import announce, project_for, save_project
from microgigs.money import Money
from microgigs.orders import Message, MessageKind
from microgigs.projects import Bid, Contract, ContractStatus, MilestonePlan, Project, Settlement

_FINISHED: Final = frozenset(
    {ContractStatus.COMPLETED, ContractStatus.ENDED, ContractStatus.CANCELLED}
)


def save_contract(
    context: Context, contract: Contract, *events: str, by: Actor | None = None
) -> None:
    """Stage a contract and say what happened to it, and which member did it (``by``)."""
    context.uow.contracts.save(contract)
    said = {"contract_id": contract.id, "status": contract.status.value}
    if by is not None and by.member_id is not None:
        said["by"] = by.member_id
    for event in events:
        announce(context, f"contract.{event}", **said)


def _plans(plans: Sequence[MilestonePlan], title: str, total: Money) -> Sequence[MilestonePlan]:
    """The milestones asked for, or (none) one milestone: the whole project."""
    return plans or (MilestonePlan(title, total),)


@handles(c.HireBid)
def hire_bid(command: c.HireBid, context: Context) -> ContractId:
    context.trader(command.actor)
    project = project_for(context, command)
    command.actor.require_member(project.client_id, _("hire for this project"))
    bid = project.bid(command.bid_id)
    _require_terms_shown(bid, command.expected_amount, command.expected_days)
    context.require_party_trading(bid.freelancer_id)  # could never accept
    _require_no_contract_yet(context, project, bid.freelancer_id)
    contract_id = context.ids.new(ContractId)
    contract = Contract.offer(
        contract_id,
        project_id=project.id,
        client_id=project.client_id,
        freelancer_id=bid.freelancer_id,
        total=bid.amount,
        delivery_days=bid.delivery_days,
        plans=_plans(command.milestones, project.terms.title, bid.amount),
        now=context.now,
        policy=context.policy.projects,
        bid_id=bid.id,
    )
    project.offer(command.actor, contract_id, context.now, bid_id=bid.id)
    return _offered(context, project, contract)


def _require_terms_shown(bid: Bid, amount: Money | None, days: int | None) -> None:
    """The bid's amount and days are those the client was shown (when the caller says)."""
    if amount is not None and not isinstance(amount, Money):
        raise InvalidType(
            field=_("expected amount"), expected="Money", actual=type(amount).__name__
        )
    if days is not None and (type(days) is not int):
        raise InvalidType(field=_("expected days"), expected="int", actual=type(days).__name__)
    if (amount is not None and amount != bid.amount) or (
        days is not None and days != bid.delivery_days
    ):
        raise BidChanged(
            amount=bid.amount,
            days=bid.delivery_days,
            expected_amount=bid.amount if amount is None else amount,
            expected_days=bid.delivery_days if days is None else days,
        )


@handles(c.SendOffer)
def send_offer(command: c.SendOffer, context: Context) -> ContractId:
    context.trader(command.actor)
    context.require_party_trading(command.freelancer_id)  # could never accept
    project = project_for(context, command)
    command.actor.require_member(project.client_id, _("hire for this project"))  # first: the
    _require_no_contract_yet(context, project, command.freelancer_id)  # contracts are theirs
    policy = context.policy.projects
    amount = project.check_amount(command.amount, policy)
    days = whole_number(_("delivery days"), command.delivery_days, *policy.duration_days)
    contract_id = context.ids.new(ContractId)
    freelancer = project.offer(
        command.actor, contract_id, context.now, freelancer_id=command.freelancer_id
    )
    contract = Contract.offer(
        contract_id,
        project_id=project.id,
        client_id=project.client_id,
        freelancer_id=freelancer,
        total=amount,
        delivery_days=days,
        plans=_plans(command.milestones, project.terms.title, amount),
        now=context.now,
        policy=policy,
    )
    return _offered(context, project, contract)


def _require_no_contract_yet(context: Context, project: Project, freelancer_id: MemberId) -> None:
    """One live contract per freelancer and project: an offer waiting, or a hire going on."""
    going = [*project.offered, *(c for c in project.hired if c not in project.finished)]
    if any(context.uow.contracts.get(c).freelancer_id == freelancer_id for c in going):
        raise ContractExists(freelancer_id=freelancer_id, project_id=project.id)


def _offered(context: Context, project: Project, contract: Contract) -> ContractId:
    context.uow.projects.save(project)
    context.uow.contracts.add(contract)
    announce(
        context,
        "contract.offered",
        contract_id=contract.id,
        status=contract.status.value,
        by=contract.client_id,
    )
    return contract.id


@handles(c.AnswerOffer)
def answer_offer(command: c.AnswerOffer, context: Context) -> None:
    contract = _contract_for(context, command)
    if yes_or_no(_("accept"), command.accept):
        context.trader(command.actor)
        # a held project's offer waits too: its suspended client could never fund it
        context.require_party_trading(contract.client_id)
        contract.accept(command.actor, context.now)
    else:
        contract.decline(command.actor, context.now)
    offer_answered(context, contract, accepted=command.accept)
    save_contract(context, contract, "accepted" if command.accept else "declined", by=command.actor)


@handles(c.WithdrawOffer)
def withdraw_offer(command: c.WithdrawOffer, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.withdraw(command.actor, context.now)
    offer_answered(context, contract, accepted=False)
    save_contract(context, contract, "withdrawn", by=command.actor)


def offer_answered(context: Context, contract: Contract, *, accepted: bool) -> None:
    """The project learns that its offer was accepted, declined, withdrawn or lapsed."""
    project = context.uow.projects.get(contract.project_id)
    if project.offer_answered(contract.id, accepted=accepted, now=context.now):
        # the offer was what kept it open past its time: it expires now, not at a later tick
        save_project(context, project, "expired")
    else:
        context.uow.projects.save(project)


def _contract_for(context: Context, command: c.ContractCommand[None]) -> Contract:
    """The contract; a command that moves the work on needs a sender who may trade.

    The domain refuses the wrong party; admins and the system pass to it.
    """
    if command.moves_work:
        context.require_trading(command.actor)
    return context.uow.contracts.get(command.contract_id)


@handles(c.FundMilestone)
def fund_milestone(command: c.FundMilestone, context: Context) -> None:
    contract = _contract_for(context, command)
    if command.actor.member_id == contract.client_id:  # others are the domain's to refuse
        context.payer(command.actor)  # money moves: verified if the policy asks
        context.require_party_trading(contract.freelancer_id)  # who could not work for it
    milestone = contract.fund(
        command.actor, command.number, context.now, fees=context.policy.projects.client_fees
    )
    paid = milestone.amount + milestone.fee_paid
    if command.method is not None:
        context.charge(contract.client_id, paid, command.method)
    escrow = contract.escrow_of(milestone.number)
    context.post(
        lg.pay_order,
        f"{escrow}:fund",
        order_id=escrow,
        buyer_id=contract.client_id,
        amount=paid,
        source=command.method,
        at=context.now,
    )
    save_contract(context, contract, "milestone_funded", by=command.actor)


@handles(c.SubmitMilestone)
def submit_milestone(command: c.SubmitMilestone, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.submit(
        command.actor,
        command.number,
        command.note,
        now=context.now,
        policy=context.policy.projects,
        files=command.attachments,
    )
    save_contract(context, contract, "milestone_submitted", by=command.actor)


@handles(c.RequestChanges)
def request_changes(command: c.RequestChanges, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.request_changes(command.actor, command.number, command.note, context.now)
    save_contract(context, contract, "changes_requested", by=command.actor)


@handles(c.ApproveMilestone)
def approve_milestone(command: c.ApproveMilestone, context: Context) -> None:
    contract = _contract_for(context, command)
    settled = contract.approve(command.actor, command.number, context.now)
    settle(context, contract, settled, "milestone_approved", by=command.actor)


@handles(c.DisputeMilestone)
def dispute_milestone(command: c.DisputeMilestone, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.dispute(command.actor, command.number, command.reason, context.now)
    save_contract(context, contract, "milestone_disputed", by=command.actor)


@handles(c.AddDisputeNote)
def add_dispute_note(command: c.AddDisputeNote, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.add_dispute_note(
        command.actor, command.number, command.note, context.now, command.attachments
    )
    save_contract(context, contract, "dispute_note_added", by=command.actor)


@handles(c.ResolveMilestone)
def resolve_milestone(command: c.ResolveMilestone, context: Context) -> None:
    contract = _contract_for(context, command)
    settled = contract.resolve(
        command.actor,
        command.number,
        command.resolution,
        context.now,
        command.refund,
        reason=command.reason,
    )
    settle(context, contract, settled, "milestone_resolved", by=command.actor)


@handles(c.ProposeMilestones)
def propose_milestones(command: c.ProposeMilestones, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.propose(command.actor, command.milestones, context.policy.projects)
    save_contract(context, contract, "milestones_proposed", by=command.actor)


@handles(c.AnswerProposal)
def answer_proposal(command: c.AnswerProposal, context: Context) -> None:
    contract = _contract_for(context, command)
    agree = yes_or_no(_("agree"), command.agree)
    contract.answer_proposal(command.actor, agree=agree)
    event = "proposal_agreed" if agree else "proposal_refused"
    save_contract(context, contract, event, by=command.actor)


@handles(c.EndContract)
def end_contract(command: c.EndContract, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.end(command.actor, command.reason, context.now, context.policy.projects)
    # with nothing held it ends now; else the freelancer has days to answer
    event = "ended_early" if contract.status is ContractStatus.ENDING else "ended"
    settle(context, contract, [], event, by=command.actor)


@handles(c.AnswerEnd)
def answer_end(command: c.AnswerEnd, context: Context) -> None:
    contract = _contract_for(context, command)
    agree = yes_or_no(_("agree"), command.agree)
    settled = contract.answer_end(command.actor, context.now, agree=agree, reason=command.reason)
    settle(context, contract, settled, "end_agreed" if agree else "end_disputed", by=command.actor)


@handles(c.AskToCancelContract)
def ask_to_cancel(command: c.AskToCancelContract, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.ask_cancellation(command.actor)
    save_contract(context, contract, "cancellation_asked", by=command.actor)


@handles(c.TakeBackCancellation)
def take_back_cancellation(command: c.TakeBackCancellation, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.take_back_cancellation(command.actor)
    save_contract(context, contract, "cancellation_taken_back", by=command.actor)


@handles(c.AnswerContractCancellation)
def answer_cancellation(command: c.AnswerContractCancellation, context: Context) -> None:
    contract = _contract_for(context, command)
    agree = yes_or_no(_("agree"), command.agree)
    settled = contract.answer_cancellation(command.actor, context.now, agree=agree)
    event = "ended_by_agreement" if agree else "cancellation_refused"
    settle(context, contract, settled, event, by=command.actor)


@handles(c.SendContractMessage)
def send_contract_message(command: c.SendContractMessage, context: Context) -> None:
    contract = _contract_for(context, command)
    author, text, files = contract.message(command.actor, command.body, command.attachments)
    context.uow.orders.add_message(
        Message(
            context.ids.new(MessageId),
            contract.conversation_id,
            author,
            MessageKind.MESSAGE,
            text,
            files,
            context.now,
        )
    )


@handles(c.ReviewContract)
def review_contract(command: c.ReviewContract, context: Context) -> None:
    contract = _contract_for(context, command)
    contract.review(
        command.actor,
        command.ratings,
        command.comment,
        now=context.now,
        policy=context.policy.projects,
        stars=context.policy.reviews,
    )
    save_contract(context, contract, "reviewed", by=command.actor)


def settle(
    context: Context,
    contract: Contract,
    settled: Sequence[Settlement],
    event: str,
    *,
    by: Actor | None = None,
) -> None:
    """Post what the contract's escrows pay out; a finished contract tells its project.

    ``event`` names the move (``milestone_approved``, ``ended_early`` …), as
    :func:`save_contract` says it; a contract it completes says ``completed`` once (in place
    of the last approval, after an admin's decision).
    """
    uow, now, policy = context.uow, context.now, context.policy
    clears_at = None
    if any(s.released.is_positive() for s in settled):
        level = uow.members.get(contract.freelancer_id).level
        clears_at = later(now, policy.ledger.clearance_for(level))
    for part in settled:
        if not part.released.is_positive():
            context.post(
                lg.refund,
                f"{part.escrow}:refund",
                order_id=part.escrow,
                buyer_id=contract.client_id,
                amount=part.refunded + part.fee_refunded,
                at=now,
            )
        elif not part.refunded.is_positive():
            context.post(
                lg.release,
                f"{part.escrow}:release",
                order_id=part.escrow,
                seller_id=contract.freelancer_id,
                subtotal=part.released,
                buyer_fee=part.fee_kept,
                commission=policy.projects.commission,
                at=now,
                clears_at=clears_at,
            )
        else:
            context.post(
                lg.partial_refund,
                f"{part.escrow}:split",
                order_id=part.escrow,
                buyer_id=contract.client_id,
                seller_id=contract.freelancer_id,
                subtotal=part.refunded + part.released,
                buyer_fee=part.fee_kept,
                refunded=part.refunded,
                commission=policy.projects.commission,
                at=now,
                clears_at=clears_at,
                fee_refunded=part.fee_refunded,
            )
    if contract.status in _FINISHED:
        project = uow.projects.get(contract.project_id)
        if contract.id not in project.finished:
            project.contract_finished(
                contract.id, completed=contract.status is ContractStatus.COMPLETED, now=now
            )
            uow.projects.save(project)
    # a completion is said once: instead of the last approval, after an admin's decision
    events: tuple[str, ...] = (event,)
    if contract.status is ContractStatus.COMPLETED:
        events = ("completed",) if event == "milestone_approved" else (event, "completed")
    save_contract(context, contract, *events, by=by)
