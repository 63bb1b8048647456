"""Withdrawals: a seller sets earnings aside, the payout provider's answer settles them."""

from __future__ import annotations

from microgigs import ledger as lg
from microgigs._checks import yes_or_no
from microgigs._text import _
from microgigs.actors import Role
from microgigs.errors import NoPayoutMethod, PermissionDenied
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, handles


@handles(c.RequestWithdrawal)
def request_withdrawal(command: c.RequestWithdrawal, context: Context) -> None:
    seller = context.payer(command.actor)
    if not seller.payout_methods:
        raise NoPayoutMethod(member_id=seller.id)
    context.post(
        lg.request_withdrawal,
        "request",
        seller_id=seller.id,
        amount=command.amount,
        minimum=context.policy.ledger.withdrawal_minimum,
        at=context.now,
    )


@handles(c.SettleWithdrawal)
def settle_withdrawal(command: c.SettleWithdrawal, context: Context) -> None:
    if command.actor.role is Role.MEMBER:
        raise PermissionDenied(actor=command.actor.role.label, action=_("settle a withdrawal"))
    settle = lg.complete_withdrawal if yes_or_no(_("paid"), command.paid) else lg.fail_withdrawal
    context.uow.members.get(command.seller_id)  # NotFound: no account of nobody to settle
    context.post(
        settle, "settle", seller_id=command.seller_id, amount=command.amount, at=context.now
    )
