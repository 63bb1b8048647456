"""Members: registration, profiles, verification, suspension, payout methods."""

from __future__ import annotations

from typing import Final

from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.catalog import ServiceStatus
from microgigs.errors import PermissionDenied
from microgigs.ids import MemberId
from microgigs.marketplace import commands as c
from microgigs.marketplace._catalog import list_service
from microgigs.marketplace._context import Context, given, handles
from microgigs.marketplace._projects import save_project
from microgigs.members import Member

_REGISTERED: Final = ("username", "email", "first_name", "family_name", "phone")
"""What the host registers a member with: the same names in the command and the domain."""
_PROFILE: Final = ("first_name", "family_name", "bio", "avatar", "phone")
"""What a member writes of their profile: the same names in the command and the domain."""


@handles(c.RegisterMember)
def register_member(command: c.RegisterMember, context: Context) -> MemberId:
    require_host(command.actor, _("register a member"))
    member = Member.register(
        context.ids.new(MemberId), joined_at=context.now, **given(command, _REGISTERED)
    )
    context.uow.members.add(member)
    return member.id


@handles(c.UpdateProfile)
def update_profile(command: c.UpdateProfile, context: Context) -> None:
    member = context.uow.members.get(own_id(command))
    member.update_profile(**given(command, _PROFILE))
    context.uow.members.save(member)


def require_host(actor: Actor, action: str) -> None:
    """Refuse a member: only the host (the system) or an admin registers and verifies."""
    if actor.role is Role.MEMBER:
        raise PermissionDenied(actor=actor.role.label, action=action)


def own_id(command: c.UpdateProfile) -> MemberId:
    """The member editing their own profile (an admin or the system has none)."""
    if command.actor.role is not Role.MEMBER or command.actor.member_id is None:
        raise PermissionDenied(actor=command.actor.role.label, action=_("edit a profile"))
    return command.actor.member_id


@handles(c.VerifyEmail)
def verify_email(command: c.VerifyEmail, context: Context) -> None:
    require_host(command.actor, _("verify an e-mail address"))
    member = context.uow.members.get(command.member_id)
    member.verify_email()
    context.uow.members.save(member)


@handles(c.SuspendMember)
def suspend_member(command: c.SuspendMember, context: Context) -> None:
    uow = context.uow
    member = uow.members.get(command.member_id)
    member.suspend(command.actor, command.reason)
    uow.members.save(member)
    for service in uow.services.by_seller(command.member_id):
        uow.listings.remove(service.id)
    for found in uow.projects.open_of_client(member.id, held=False):
        project = uow.projects.get(found.id)  # read for the write
        if project.hold(context.now):  # a client who can neither hire nor fund
            save_project(context, project, "held")


@handles(c.ReinstateMember)
def reinstate_member(command: c.ReinstateMember, context: Context) -> None:
    uow = context.uow
    member = uow.members.get(command.member_id)
    member.reinstate(command.actor)
    uow.members.save(member)
    for service in uow.services.by_seller(command.member_id):
        if service.status is ServiceStatus.ACTIVE:
            list_service(context, service, member)
    for found in uow.projects.open_of_client(member.id, held=True):
        project = uow.projects.get(found.id)  # read for the write
        if project.unhold(context.now):
            save_project(context, project, "listed")


@handles(c.SetPayoutMethods)
def set_payout_methods(command: c.SetPayoutMethods, context: Context) -> None:
    member = context.trader(command.actor)
    member.set_payout_methods(command.methods)  # a tuple already (its converter), or refused
    context.uow.members.save(member)


@handles(c.AddPayoutMethod)
def add_payout_method(command: c.AddPayoutMethod, context: Context) -> None:
    member = context.trader(command.actor)
    member.add_payout_method(command.method)
    context.uow.members.save(member)


@handles(c.RemovePayoutMethod)
def remove_payout_method(command: c.RemovePayoutMethod, context: Context) -> None:
    member = context.trader(command.actor)
    member.remove_payout_method(command.method)
    context.uow.members.save(member)
