"""The account scheme: one name per account, and which accounts may go below zero."""

from __future__ import annotations

import functools
import re
from typing import Final, NewType

import attrs

from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.errors import InvalidType, UnknownAccount
from microgigs.ids import MemberId, OrderId

AccountId = NewType("AccountId", str)


class AccountKind(LabelledEnum):
    """What an account holds. Only the outside world's accounts may go below zero."""

    GATEWAY = "gateway"
    PAYOUTS = "payouts"
    WALLET = "wallet"
    ESCROW = "escrow"
    PENDING = "pending"
    AVAILABLE = "available"
    WITHDRAWING = "withdrawing"
    REVENUE = "revenue"

    @property
    def may_go_negative(self) -> bool:
        """Gateways and payouts mirror money outside the platform; nothing else is owed."""
        return self in (AccountKind.GATEWAY, AccountKind.PAYOUTS)


label_members(
    {
        AccountKind.GATEWAY: _("payment gateway"),
        AccountKind.PAYOUTS: _("payouts sent"),
        AccountKind.WALLET: _("balance"),
        AccountKind.ESCROW: _("held for an order"),
        AccountKind.PENDING: _("pending earnings"),
        AccountKind.AVAILABLE: _("available earnings"),
        AccountKind.WITHDRAWING: _("withdrawal in progress"),
        AccountKind.REVENUE: _("platform revenue"),
    }
)


class Gateway(LabelledEnum):
    """Where outside money comes from."""

    PAYPAL = "paypal"
    CARD = "card"


label_members({Gateway.PAYPAL: _("PayPal"), Gateway.CARD: _("credit card")})

_LONGEST_NAME: Final = 80
_PATTERNS: Final = (
    (AccountKind.GATEWAY, re.compile(r"gateway:(paypal|card)")),
    (AccountKind.PAYOUTS, re.compile(r"payouts:sent")),
    (AccountKind.WALLET, re.compile(r"wallet:([0-9A-Za-z_-]{1,64})")),
    (AccountKind.ESCROW, re.compile(r"escrow:([0-9A-Za-z_-]{1,64})")),
    (AccountKind.PENDING, re.compile(r"pending:([0-9A-Za-z_-]{1,64})")),
    (AccountKind.AVAILABLE, re.compile(r"available:([0-9A-Za-z_-]{1,64})")),
    (AccountKind.WITHDRAWING, re.compile(r"withdrawing:([0-9A-Za-z_-]{1,64})")),
    (AccountKind.REVENUE, re.compile(r"platform:revenue")),
)


@attrs.frozen
class Account:
    """A parsed account name: its kind and the member, order or gateway it belongs to."""

    id: AccountId
    kind: AccountKind
    owner: str | None

    @classmethod
    def parse(cls, account: str) -> Account:
        """The account named ``account``, or :class:`~microgigs.errors.UnknownAccount`.

        A value that is not text is :class:`~microgigs.errors.InvalidType`.
        """
        if type(account) is not str:
            raise InvalidType(
                field=_("account"), expected=_("an account id"), actual=type(account).__name__
            )
        if len(account) > _LONGEST_NAME:
            raise UnknownAccount(account=str(account)[:_LONGEST_NAME])
        return _parsed(account)


@functools.lru_cache(maxsize=4096)
def _parsed(account: str) -> Account:
    # every posting parses the accounts it touches, and the same few recur: parse each once
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(account)
        if match:
            owner = match.group(1) if match.groups() else None
            return Account(AccountId(account), kind, owner)
    raise UnknownAccount(account=account)


def gateway(which: Gateway) -> AccountId:
    """Money from (or back to) PayPal or cards: mirrors the outside world, may go negative."""
    return AccountId(f"gateway:{Gateway(which).value}")


def payouts() -> AccountId:
    """Money paid out to sellers: mirrors the outside world, may go negative."""
    return AccountId("payouts:sent")


def wallet(member_id: MemberId) -> AccountId:
    """A member's platform balance (رصيد), spent without fees; never negative."""
    return AccountId(f"wallet:{member_id}")


def escrow(order_id: OrderId) -> AccountId:
    """What the platform holds for one order until it completes; never negative."""
    return AccountId(f"escrow:{order_id}")


def pending(seller_id: MemberId) -> AccountId:
    """A seller's earnings in their clearance period; never negative."""
    return AccountId(f"pending:{seller_id}")


def available(seller_id: MemberId) -> AccountId:
    """A seller's earnings they may withdraw; never negative."""
    return AccountId(f"available:{seller_id}")


def withdrawing(seller_id: MemberId) -> AccountId:
    """Withdrawals requested and not yet paid out; never negative."""
    return AccountId(f"withdrawing:{seller_id}")


def revenue() -> AccountId:
    """The platform's commission and fees; never negative."""
    return AccountId("platform:revenue")
