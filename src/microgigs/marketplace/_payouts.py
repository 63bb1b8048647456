"""Withdrawals: a seller sets earnings aside, the payout provider's answer settles them."""

from __future__ import annotations

from microgigs import ledger as lg
from microgigs._checks import yes_or_no
from microgigs._text import _
from microgigs.actors import Role
from microgigs.errors import PermissionDenied
from microgigs.ids import WithdrawalId
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import Context, handles
from microgigs.withdrawals import Withdrawal


@handles(c.RequestWithdrawal)
def request_withdrawal(command: c.RequestWithdrawal, context: Context) -> WithdrawalId:
    seller = context.payer(command.actor)
    withdrawal = Withdrawal.request(
        context.ids.new(WithdrawalId), seller, command.amount, command.method, context.now
    )
    context.post(
        lg.request_withdrawal,
        "request",
        seller_id=seller.id,
        amount=command.amount,
        minimum=context.policy.ledger.withdrawal_minimum,
        at=context.now,
    )
    context.uow.withdrawals.add(withdrawal)
    return withdrawal.id


@handles(c.CancelWithdrawal)
def cancel_withdrawal(command: c.CancelWithdrawal, context: Context) -> None:
    seller = command.actor.acting_member(_("cancel a withdrawal"))
    withdrawal = context.uow.withdrawals.get(command.withdrawal_id)
    withdrawal.cancel(seller, context.now)
    context.uow.withdrawals.save(withdrawal)
    context.post(
        lg.cancel_withdrawal,
        "cancel",
        seller_id=withdrawal.seller_id,
        amount=withdrawal.amount,
        at=context.now,
    )


@handles(c.SettleWithdrawal)
def settle_withdrawal(command: c.SettleWithdrawal, context: Context) -> None:
    if command.actor.role is Role.MEMBER:
        raise PermissionDenied(actor=command.actor.role.label, action=_("settle a withdrawal"))
    paid = yes_or_no(_("paid"), command.paid)
    withdrawal = context.uow.withdrawals.get(command.withdrawal_id)
    withdrawal.settle(paid=paid, now=context.now)
    context.uow.withdrawals.save(withdrawal)
    settle = lg.complete_withdrawal if paid else lg.fail_withdrawal
    context.post(
        settle, "settle", seller_id=withdrawal.seller_id, amount=withdrawal.amount, at=context.now
    )
