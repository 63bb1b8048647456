"""The ledger: double-entry accounts, escrow, the commission, clearance, withdrawals, audit.

Every movement of money is a :class:`Transaction` of :class:`Entry` lines that sum to zero in
each currency; nothing is edited or deleted (a correction is a :func:`reversal`). Accounts
follow one naming scheme (:mod:`microgigs.ledger` functions ``wallet``, ``escrow`` …), and
only the outside world's accounts (gateways, payouts) may go below zero.
"""

from microgigs.ledger._accounts import (
    Account,
    AccountId,
    AccountKind,
    Gateway,
    available,
    escrow,
    gateway,
    payouts,
    pending,
    revenue,
    wallet,
    withdrawing,
)
from microgigs.ledger._audit import EntryRow, Issue, IssueKind, audit, rows_of
from microgigs.ledger._book import Ledger, Release, StatementLine, StatementPage, postable
from microgigs.ledger._reports import PeriodReport, SellerEarnings, period_report, seller_earnings
from microgigs.ledger._transaction import (
    Entry,
    PostingKind,
    Transaction,
    cancel_withdrawal,
    clear,
    complete_withdrawal,
    fail_withdrawal,
    partial_refund,
    pay_order,
    refund,
    release,
    request_withdrawal,
    reversal,
    top_up,
)

__all__ = [
    "Account",
    "AccountId",
    "AccountKind",
    "Entry",
    "EntryRow",
    "Gateway",
    "Issue",
    "IssueKind",
    "Ledger",
    "PeriodReport",
    "PostingKind",
    "Release",
    "SellerEarnings",
    "StatementLine",
    "StatementPage",
    "Transaction",
    "audit",
    "available",
    "cancel_withdrawal",
    "clear",
    "complete_withdrawal",
    "escrow",
    "fail_withdrawal",
    "gateway",
    "partial_refund",
    "pay_order",
    "payouts",
    "pending",
    "period_report",
    "postable",
    "refund",
    "release",
    "request_withdrawal",
    "revenue",
    "reversal",
    "rows_of",
    "seller_earnings",
    "top_up",
    "wallet",
    "withdrawing",
]
