"""Project mode: projects, their moderation, bids and bid credits (RULES.md §11)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, TypeVar

import attrs
import orjson

from microgigs._checks import yes_or_no
from microgigs._text import _
from microgigs.actors import Actor
from microgigs.ids import BidId, EventId, MemberId, ProjectId
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, given, handles
from microgigs.projects import Bid, BidCredits, Project, ProjectTerms
from microgigs.storage.ports import OutboxEvent, UnitOfWork

R = TypeVar("R")


def visible_project(
    uow: UnitOfWork, actor: Actor | None, project_id: ProjectId
) -> tuple[Project, bool]:
    """The project if ``actor`` may know it exists (else ``NotFound``), and whether they own it.

    Queries and commands ask alike: a stranger is told a private project is not found
    whatever they try, never that they may not act on it.
    """
    project = uow.projects.get(project_id)
    reader = None if actor is None else actor.member_id
    owner = project.seen_by(
        actor,
        contracted=lambda: any(  # a freelancer offered a contract here directly
            c.freelancer_id == reader for c in uow.contracts.of_project(project.id)
        ),
    )
    return project, owner


def project_for(context: Context, command: c.ProjectCommand[R]) -> Project:
    """The project a command is about, if its actor may know it exists (``NotFound``)."""
    return visible_project(context.uow, command.actor, command.project_id)[0]


def announce(context: Context, name: str, **payload: str) -> None:
    """A project-mode event into the outbox (``project.opened``, ``contract.ended`` …)."""
    context.uow.outbox.record(
        OutboxEvent(context.ids.new(EventId), name, orjson.dumps(payload).decode(), context.now)
    )


def save_project(context: Context, project: Project, event: str) -> None:
    """Stage a project and say what happened to it."""
    context.uow.projects.save(project)
    announce(context, f"project.{event}", project_id=project.id, status=project.status.value)


_TERMS: Final = (
    "title",
    "description",
    "category_id",
    "bracket",
    "duration_days",
    "skills",
    "questions",
    "visibility",
    "invited",
    "hires_allowed",
)
"""The project's terms its commands carry (a new project's attachments besides)."""
_BID: Final = ("amount", "delivery_days", "text", "answers")
"""What a freelancer writes in a bid, placed or edited."""


@handles(c.PostProject)
def post_project(command: c.PostProject, context: Context) -> ProjectId:
    client = context.trader(command.actor)
    context.categories.category(command.category_id)
    project = Project.draft(
        context.ids.new(ProjectId),
        client_id=client.id,
        terms=ProjectTerms(**given(command, _TERMS), attachments=command.attachments),
        now=context.now,
        policy=context.policy.projects,
    )
    _require_members(context, project.terms.invited)
    if yes_or_no(_("submit"), command.submit):
        project.submit(command.actor, context.now)
    context.uow.projects.add(project)
    announce(context, "project.posted", project_id=project.id, status=project.status.value)
    return project.id


@handles(c.EditProject)
def edit_project(command: c.EditProject, context: Context) -> None:
    context.trader(command.actor)
    project = project_for(context, command)
    changes = {name: value for name, value in given(command, _TERMS).items() if value is not None}
    if command.category_id is not None:
        context.categories.category(command.category_id)
    project.edit(
        command.actor, attrs.evolve(project.terms, **changes), context.now, context.policy.projects
    )
    _require_members(context, project.terms.invited)
    save_project(context, project, "edited")


def _require_members(context: Context, member_ids: Iterable[MemberId]) -> None:
    """Every member a private project invites exists (``NotFound`` names the first missing)."""
    for member_id in member_ids:
        context.uow.members.get(member_id)


@handles(c.SubmitProject)
def submit_project(command: c.SubmitProject, context: Context) -> None:
    context.trader(command.actor)
    project = project_for(context, command)
    project.submit(command.actor, context.now)
    save_project(context, project, "submitted")


@handles(c.ModerateProject)
def moderate_project(command: c.ModerateProject, context: Context) -> None:
    project = project_for(context, command)
    if command.reason is None:
        project.approve(command.actor, context.now, context.policy.projects)
        if not context.uow.members.can_trade(project.client_id):
            project.hold(context.now)  # approved while its client is suspended: not listed
        save_project(context, project, "opened")
    else:
        project.reject(command.actor, command.reason, context.now)
        save_project(context, project, "rejected")


@handles(c.CloseProject)
def close_project(command: c.CloseProject, context: Context) -> None:
    project = project_for(context, command)
    project.close(command.actor, context.now)
    save_project(context, project, "closed")


@handles(c.CancelProject)
def cancel_project(command: c.CancelProject, context: Context) -> None:
    project = project_for(context, command)
    refund_credits(context, project.cancel(command.actor, context.now))
    save_project(context, project, "cancelled")


def refund_credits(context: Context, bids: Iterable[Bid]) -> None:
    """Give each bid's credit back to its freelancer."""
    for bid in bids:
        found = context.uow.bid_credits.find(bid.freelancer_id)
        if found is not None:  # every bid spent one: a record exists
            found.refund(bid.placed_at, context.now, context.policy.projects)
            context.uow.bid_credits.save(found)


def spend_credit(context: Context, freelancer_id: MemberId) -> None:
    """One of the freelancer's bids of the month (the month's allowance if it turned)."""
    allowances = context.uow.bid_credits
    found = allowances.find(freelancer_id)
    if found is None:
        fresh = BidCredits.fresh(freelancer_id, context.now, context.policy.projects)
        fresh.spend()
        allowances.add(fresh)
    else:
        found.refill(context.now, context.policy.projects)
        found.spend()
        allowances.save(found)


@handles(c.PlaceBid)
def place_bid(command: c.PlaceBid, context: Context) -> BidId:
    freelancer = context.trader(command.actor)
    project = project_for(context, command)
    # the client's own status decides: one suspended before projects were held has some unflagged
    context.require_party_trading(project.client_id)
    bid = project.place_bid(
        context.ids.new(BidId),
        command.actor,
        attachments=command.attachments,
        now=context.now,
        policy=context.policy.projects,
        **given(command, _BID),
    )
    spend_credit(context, freelancer.id)
    save_project(context, project, "bid_placed")
    return bid.id


@handles(c.EditBid)
def edit_bid(command: c.EditBid, context: Context) -> None:
    context.trader(command.actor)
    project = project_for(context, command)
    project.edit_bid(
        command.actor,
        command.bid_id,
        now=context.now,
        policy=context.policy.projects,
        **given(command, _BID),
    )
    save_project(context, project, "bid_edited")


@handles(c.WithdrawBid)
def withdraw_bid(command: c.WithdrawBid, context: Context) -> None:
    project = project_for(context, command)
    project.withdraw_bid(command.actor, command.bid_id, context.now)
    save_project(context, project, "bid_withdrawn")


@handles(c.RemoveBid)
def remove_bid(command: c.RemoveBid, context: Context) -> None:
    project = project_for(context, command)
    refund_credits(context, [project.remove_bid(command.actor, command.bid_id, context.now)])
    save_project(context, project, "bid_removed")
