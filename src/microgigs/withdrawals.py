"""Withdrawals: earnings a seller takes out, to one of their payout methods.

A seller asks for an amount of their available earnings (at least the policy's minimum) to be
paid to one of their payout methods; the ledger sets it aside (``withdrawing:<seller>``) and
the withdrawal waits in the payout queue. The payout provider's answer, recorded by an admin
or the system, settles it once: paid (the money leaves the platform) or failed (it is
available to the seller again).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.actors import Role
from microgigs.clock import utc
from microgigs.errors import (
    InvalidType,
    NoPayoutMethod,
    NotFound,
    PermissionDenied,
    WithdrawalSettled,
)
from microgigs.ids import MemberId, WithdrawalId
from microgigs.members import Member, PayoutMethod
from microgigs.money import Money

__all__ = ["Withdrawal", "WithdrawalStatus"]


class WithdrawalStatus(LabelledEnum):
    """Where a withdrawal stands: waiting for the payout, paid out, or failed."""

    REQUESTED = "requested"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


label_members(
    {
        WithdrawalStatus.REQUESTED: _("awaiting payout"),
        WithdrawalStatus.PAID: _("paid out"),
        WithdrawalStatus.FAILED: _("failed, back in available earnings"),
        WithdrawalStatus.CANCELLED: _("cancelled, back in available earnings"),
    }
)


@attrs.define(slots=True)
class Withdrawal:
    """An amount of a seller's earnings on its way to one of their payout methods."""

    id: WithdrawalId
    seller_id: MemberId
    amount: Money
    method: PayoutMethod | None
    """Where the money goes; ``None`` for what was being paid out before withdrawals were
    recorded (SQLite schema 16, PostgreSQL schema 15): pay it to the seller's methods."""
    requested_at: datetime
    status: WithdrawalStatus = WithdrawalStatus.REQUESTED
    settled_at: datetime | None = None
    version: int = 0

    @classmethod
    def request(
        cls,
        withdrawal_id: WithdrawalId,
        seller: Member,
        amount: Money,
        method: PayoutMethod | None,
        now: datetime,
    ) -> Withdrawal:
        """A withdrawal to ``method``, one of the seller's payout methods (``None``: the first).

        :class:`~microgigs.errors.NoPayoutMethod` if the seller has none; a method that is
        not one of theirs is :class:`~microgigs.errors.NotFound`. The amount is the ledger's
        to check (the minimum, the available earnings).
        """
        if not seller.payout_methods:
            raise NoPayoutMethod(member_id=seller.id)
        if method is None:
            return cls(withdrawal_id, seller.id, amount, seller.payout_methods[0], utc(now))
        if not isinstance(method, PayoutMethod):
            raise InvalidType(
                field=_("payout method"), expected="PayoutMethod", actual=type(method).__name__
            )
        chosen = method.checked()  # as the seller's own were stored: normalised
        if chosen not in seller.payout_methods:
            raise NotFound(kind=_("payout method"), key=chosen.account)
        return cls(withdrawal_id, seller.id, amount, chosen, utc(now))

    def cancel(self, seller_id: MemberId, now: datetime) -> None:
        """The seller takes it back before the payout (their own only; then it is settled)."""
        if seller_id != self.seller_id:
            raise PermissionDenied(actor=Role.MEMBER.label, action=_("cancel another's withdrawal"))
        if self.status is not WithdrawalStatus.REQUESTED:
            raise WithdrawalSettled(withdrawal_id=self.id, status=self.status)
        self.status = WithdrawalStatus.CANCELLED
        self.settled_at = utc(now)
        self.version += 1

    def settle(self, *, paid: bool, now: datetime) -> None:
        """The payout provider's answer: paid out, or failed (the money is available again).

        A withdrawal is settled once: :class:`~microgigs.errors.WithdrawalSettled` after.
        """
        if self.status is not WithdrawalStatus.REQUESTED:
            raise WithdrawalSettled(withdrawal_id=self.id, status=self.status)
        self.status = WithdrawalStatus.PAID if paid else WithdrawalStatus.FAILED
        self.settled_at = utc(now)
        self.version += 1
