"""Audit: pure checks over raw entries and cached balances that return every issue at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import attrs

from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.errors import UnknownAccount
from microgigs.ids import OrderId
from microgigs.ledger._accounts import Account, AccountId, escrow
from microgigs.ledger._transaction import Transaction
from microgigs.money import Money


class IssueKind(LabelledEnum):
    """What an audit found wrong."""

    UNBALANCED = "unbalanced"
    BALANCE_MISMATCH = "balance_mismatch"
    NEGATIVE_BALANCE = "negative_balance"
    ESCROW_LEFT = "escrow_left"
    UNKNOWN_ACCOUNT = "unknown_account"


label_members(
    {
        IssueKind.UNBALANCED: _("a transaction does not sum to zero"),
        IssueKind.BALANCE_MISMATCH: _("a cached balance differs from its entries"),
        IssueKind.NEGATIVE_BALANCE: _("an account that may not go negative did"),
        IssueKind.ESCROW_LEFT: _("money was left in the escrow of a finished order"),
        IssueKind.UNKNOWN_ACCOUNT: _("an entry names an unknown account"),
    }
)


@attrs.frozen
class EntryRow:
    """An entry as stored: what the audit reads, whatever wrote it."""

    transaction_id: str
    account: str
    amount: Money


@attrs.frozen
class Issue:
    """One problem: what kind, where, and the figures."""

    kind: IssueKind
    subject: str
    detail: str


def rows_of(transactions: Iterable[Transaction]) -> Iterable[EntryRow]:
    """The entries of transactions as rows."""
    for transaction in transactions:
        for entry in transaction.entries:
            yield EntryRow(transaction.id, entry.account, entry.amount)


def audit(
    rows: Iterable[EntryRow],
    balances: Mapping[AccountId, Money] | Mapping[str, Money],
    *,
    finished_orders: Iterable[OrderId] = (),
) -> list[Issue]:
    """Every issue of a ledger; an empty list means the ledger is sound.

    Unbalanced transactions, cached balances that differ from their entries, negative
    wallets and earnings, money left in finished orders' escrow, unknown accounts.
    """
    issues: list[Issue] = []
    by_transaction: dict[tuple[str, str], int] = defaultdict(int)
    by_account: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_transaction[row.transaction_id, row.amount.currency] += row.amount.minor
        by_account[row.account][row.amount.currency] += row.amount.minor
    for (transaction_id, currency), total in sorted(by_transaction.items()):
        if total:
            issues.append(Issue(IssueKind.UNBALANCED, transaction_id, str(Money(total, currency))))
    for account in sorted(set(by_account) | set(balances)):
        try:
            kind = Account.parse(account).kind
        except UnknownAccount:
            issues.append(Issue(IssueKind.UNKNOWN_ACCOUNT, account, ""))
            continue
        sums = {c: m for c, m in by_account.get(account, {}).items() if m}
        cached = balances.get(account)  # type: ignore[call-overload]
        cached_sums = {cached.currency: cached.minor} if cached is not None and cached.minor else {}
        if sums != cached_sums:
            issues.append(
                Issue(IssueKind.BALANCE_MISMATCH, account, f"entries {sums}, cached {cached_sums}")
            )
        if not kind.may_go_negative:
            issues += [
                Issue(IssueKind.NEGATIVE_BALANCE, account, str(Money(minor, currency)))
                for currency, minor in sums.items()
                if minor < 0
            ]
    for order_id in sorted(set(finished_orders)):
        left = {c: m for c, m in by_account.get(escrow(order_id), {}).items() if m}
        if left:
            issues.append(Issue(IssueKind.ESCROW_LEFT, escrow(order_id), str(left)))
    return issues
