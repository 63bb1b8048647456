"""The ledger book: transactions, cached balances, idempotency keys and statements."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Final

import attrs

from microgigs._checks import whole_number
from microgigs._text import _
from microgigs.errors import (
    CurrencyMismatch,
    IdempotencyConflict,
    InsufficientFunds,
    TransactionExists,
)
from microgigs.ids import MemberId, OrderId, TransactionId
from microgigs.ledger._accounts import Account, AccountId, pending
from microgigs.ledger._transaction import Entry, PostingKind, Transaction
from microgigs.money import Money

_PAGE_MAX: Final = 500


def postable(
    balances: Mapping[AccountId, Money], transaction: Transaction, currency: str
) -> dict[AccountId, Money]:
    """The new balance of every account ``transaction`` touches, if none goes wrongly negative.

    ``balances`` holds the current balance of those accounts (absent means zero), all in the
    ledger's one ``currency``. Raises :class:`~microgigs.errors.CurrencyMismatch` for an
    entry in another currency, :class:`~microgigs.errors.InsufficientFunds` for a wallet,
    escrow or earnings account that would fall below zero; changes nothing.
    """
    for entry in transaction.entries:
        if entry.amount.currency != currency:
            raise CurrencyMismatch(left=currency, right=entry.amount.currency)
    after: dict[AccountId, Money] = {}
    for entry in transaction.entries:
        current = after.get(entry.account) or balances.get(entry.account)
        after[entry.account] = entry.amount if current is None else current + entry.amount
    for account, balance in after.items():
        if not balance.is_negative():
            continue  # the account is parsed only when it would go below zero
        kind = Account.parse(account).kind
        if not kind.may_go_negative:
            before = balances.get(account) or Money.zero(balance.currency)
            raise InsufficientFunds(kind=kind, balance=before, amount=before - balance)
    return after


def _money_in(currency: str) -> None:
    """Refuse a currency no amount can be in: ``UnknownCurrency``, or ``InvalidType``."""
    Money.zero(currency)


@attrs.frozen
class StatementLine:
    """One transaction as seen from one account, with the balance right after it."""

    transaction_id: TransactionId
    at: datetime
    kind: PostingKind
    amount: Money
    balance: Money


_Line = tuple[TransactionId, datetime, str, int, int, str]


@attrs.frozen
class StatementPage:
    """Lines of a statement, oldest first; ``next_cursor`` fetches the following page."""

    account: AccountId
    lines: tuple[StatementLine, ...]
    next_cursor: int | None


@attrs.frozen
class Release:
    """Earnings released to a seller and not yet cleared."""

    order_id: OrderId
    seller_id: MemberId
    amount: Money
    released_at: datetime
    clears_at: datetime


_Row = tuple[
    TransactionId,
    str,
    str,
    tuple[tuple[AccountId, int, str], ...],
    datetime,
    OrderId | None,
    MemberId | None,
    TransactionId | None,
    datetime | None,
]
"""A transaction as plain values: id, key, kind's value, entries (account, minor units,
currency), time, order, member, the transaction it reverses, when it clears."""


def _transaction(row: _Row) -> Transaction:
    id_, key, kind, entries, at, order_id, member_id, reverses, clears_at = row
    return Transaction(
        id=id_,
        key=key,
        kind=PostingKind(kind),
        entries=tuple(
            Entry(account, Money(minor, currency)) for account, minor, currency in entries
        ),
        at=at,
        order_id=order_id,
        member_id=member_id,
        reverses=reverses,
        clears_at=clears_at,
    )


@attrs.define(slots=True)
class Ledger:
    """A double-entry book kept in memory: the reference for every storage adapter.

    Balances are cached per account and changed in the same step as the entries, so
    reading one costs the same whatever the number of entries.
    """

    currency: str = attrs.field(validator=lambda _book, _field, currency: _money_in(currency))
    _balances: dict[AccountId, Money] = attrs.Factory(dict)
    # each transaction as plain values too (see _Row), made a Transaction when read: most
    # are never read again, and the collector's passes walk each kept object every time
    _transactions: dict[TransactionId, _Row] = attrs.Factory(dict)
    _by_key: dict[str, TransactionId] = attrs.Factory(dict)
    # each account's lines as plain values (transaction id, time, kind's value, amount and
    # balance in minor units, currency), made into StatementLines only when a statement is
    # read: a tuple of plain values is left alone by the garbage collector's passes, a kept
    # object is walked by every one of them
    _lines: dict[AccountId, list[_Line]] = attrs.Factory(dict)
    _uncleared: dict[OrderId, Release] = attrs.Factory(dict)

    def balance(self, account: AccountId) -> Money:
        """The cached balance of ``account`` (zero if it never moved).

        A value that is no account's name is :class:`~microgigs.errors.UnknownAccount`.
        """
        Account.parse(account)
        return self._balances.get(account) or Money.zero(self.currency)

    def balances(self) -> Mapping[AccountId, Money]:
        """Every cached balance."""
        return dict(self._balances)

    def __iter__(self) -> Iterator[Transaction]:
        return map(_transaction, self._transactions.values())

    def __len__(self) -> int:
        return len(self._transactions)

    def by_key(self, key: str) -> Transaction | None:
        """The transaction posted under an idempotency key, if any."""
        found = self._by_key.get(key)
        return None if found is None else _transaction(self._transactions[found])

    def post(self, transaction: Transaction) -> Transaction:
        """Record ``transaction`` and update balances together, or refuse and change nothing.

        The same key with the same content returns the transaction posted first; the same
        key with other content is :class:`~microgigs.errors.IdempotencyConflict`, and another
        key with an id already posted :class:`~microgigs.errors.TransactionExists`.
        """
        earlier = self.by_key(transaction.key)
        if earlier is not None:
            if earlier.content() != transaction.content():
                raise IdempotencyConflict(key=transaction.key)
            return earlier
        if transaction.id in self._transactions:
            raise TransactionExists(transaction_id=transaction.id)
        self.record(transaction, postable(self._balances, transaction, self.currency))
        return transaction

    def record(self, transaction: Transaction, after: Mapping[AccountId, Money]) -> None:
        """Write ``transaction`` whose new balances ``after`` the caller has checked.

        For a storage that ran :func:`postable` over these balances, and refused a key
        already posted, under the lock it still holds: :meth:`post` without checking twice.
        """
        self._balances.update(after)
        identity, at, kind = transaction.id, transaction.at, transaction.kind.value
        entries = []
        lines = self._lines
        for entry in transaction.entries:
            account, amount = entry.account, entry.amount
            minor, currency = amount.minor, amount.currency
            entries.append((account, minor, currency))
            lines.setdefault(account, []).append(
                (identity, at, kind, minor, after[account].minor, currency)
            )
        self._transactions[identity] = (
            identity,
            transaction.key,
            kind,
            tuple(entries),
            at,
            transaction.order_id,
            transaction.member_id,
            transaction.reverses,
            transaction.clears_at,
        )
        self._by_key[transaction.key] = identity
        self._track_releases(transaction)

    def _track_releases(self, transaction: Transaction) -> None:
        order_id, seller_id = transaction.order_id, transaction.member_id
        if order_id is None or seller_id is None:
            return
        if transaction.kind in (PostingKind.RELEASE, PostingKind.PARTIAL_REFUND):
            amount = transaction.amount_for(pending(seller_id))
            if amount is not None and amount.is_positive():
                clears_at = transaction.clears_at or transaction.at
                self._uncleared[order_id] = Release(
                    order_id, seller_id, amount, transaction.at, clears_at
                )
        elif transaction.kind is PostingKind.CLEARANCE:
            self._uncleared.pop(order_id, None)

    def uncleared(
        self, due_by: datetime | None = None, seller_id: MemberId | None = None
    ) -> list[Release]:
        """Releases still pending, soonest first: clearing by ``due_by``, of ``seller_id``."""
        releases = [
            r
            for r in self._uncleared.values()
            if (due_by is None or r.clears_at <= due_by)
            and (seller_id is None or r.seller_id == seller_id)
        ]
        return sorted(releases, key=lambda r: (r.clears_at, r.order_id))

    def statement(self, account: AccountId, *, cursor: int = 0, limit: int = 50) -> StatementPage:
        """A page of ``account``'s lines with running balances, oldest first.

        An account that never moved has an empty page; a value that is no account's name is
        :class:`~microgigs.errors.UnknownAccount`.
        """
        Account.parse(account)
        start = whole_number(_("cursor"), cursor, 0, 10**12)
        size = whole_number(_("page size"), limit, 1, _PAGE_MAX)
        lines = self._lines.get(account, [])
        page = tuple(
            StatementLine(
                transaction_id,
                at,
                PostingKind(kind),
                Money(amount, currency),
                Money(balance, currency),
            )
            for transaction_id, at, kind, amount, balance, currency in lines[start : start + size]
        )
        following = start + size if start + size < len(lines) else None
        return StatementPage(account, page, following)
