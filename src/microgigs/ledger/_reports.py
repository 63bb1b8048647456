"""Reports: platform revenue and GMV over a period, a seller's earnings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from microgigs.clock import utc
from microgigs.errors import CurrencyMismatch
from microgigs.ids import MemberId
from microgigs.ledger._accounts import (
    AccountId,
    available,
    payouts,
    pending,
    revenue,
    withdrawing,
)
from microgigs.ledger._book import Ledger
from microgigs.ledger._transaction import PostingKind, Transaction
from microgigs.money import Money


@attrs.frozen
class PeriodReport:
    """What the platform did from ``start`` (included) to ``end`` (excluded)."""

    start: datetime
    end: datetime
    gmv: Money
    refunded: Money
    revenue: Money


def period_report(
    transactions: Iterable[Transaction], *, currency: str, start: datetime, end: datetime
) -> PeriodReport:
    """GMV (what buyers paid into escrow), refunds to buyers, and platform revenue.

    A transaction of the period in another currency than ``currency`` is
    :class:`~microgigs.errors.CurrencyMismatch`.
    """
    start, end = utc(start), utc(end)  # a naive time is NaiveDatetime, as everywhere
    gmv = refunded = earned = Money.zero(currency)
    for transaction in transactions:
        if not start <= transaction.at < end:
            continue
        for entry in transaction.entries:  # even one that adds to none of the figures
            if entry.amount.currency != currency:
                raise CurrencyMismatch(left=currency, right=entry.amount.currency)
        if transaction.kind is PostingKind.PAYMENT:
            gmv += transaction.entries[-1].amount
        elif transaction.kind in (PostingKind.REFUND, PostingKind.PARTIAL_REFUND):
            back = transaction.amount_for(_wallet_of(transaction))
            refunded += back if back is not None else Money.zero(currency)
        earned += transaction.amount_for(revenue()) or Money.zero(currency)
    return PeriodReport(start, end, gmv, refunded, earned)


def _wallet_of(transaction: Transaction) -> AccountId:
    return next(
        (e.account for e in transaction.entries if e.account.startswith("wallet:")),
        AccountId(""),
    )


@attrs.frozen
class SellerEarnings:
    """A seller's money: pending clearance, available, being withdrawn, withdrawn so far."""

    pending: Money
    available: Money
    withdrawing: Money
    withdrawn: Money


def seller_earnings(ledger: Ledger, seller_id: MemberId) -> SellerEarnings:
    """The seller's balances, and the payouts completed for them."""
    withdrawn = Money.zero(ledger.currency)
    for transaction in ledger:
        if (
            transaction.kind is PostingKind.WITHDRAWAL_COMPLETED
            and transaction.member_id == seller_id
        ):
            withdrawn += transaction.amount_for(payouts()) or Money.zero(ledger.currency)
    return SellerEarnings(
        pending=ledger.balance(pending(seller_id)),
        available=ledger.balance(available(seller_id)),
        withdrawing=ledger.balance(withdrawing(seller_id)),
        withdrawn=withdrawn,
    )
