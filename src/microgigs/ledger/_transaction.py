"""Immutable entries and transactions, and one posting builder per business operation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

import attrs

from microgigs._checks import plain_text
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.clock import utc
from microgigs.errors import (
    InvalidRefund,
    InvalidType,
    NotPositive,
    UnbalancedTransaction,
    WithdrawalTooSmall,
)
from microgigs.ids import MemberId, OrderId, TransactionId
from microgigs.ledger._accounts import (
    Account,
    AccountId,
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
from microgigs.money import Money
from microgigs.policy import ChargeRule
from microgigs.pricing import split

_KEY_LENGTH: Final = (1, 400)
"""A transaction's key: a marketplace's is a caller's key of up to 200 characters in its
actor's namespace (``member:<id>:``) and the step that posts it (``:<escrow>:split``)."""


class PostingKind(LabelledEnum):
    """The business operation a transaction records."""

    TOP_UP = "top_up"
    PAYMENT = "payment"
    RELEASE = "release"
    CLEARANCE = "clearance"
    WITHDRAWAL_REQUESTED = "withdrawal_requested"
    WITHDRAWAL_COMPLETED = "withdrawal_completed"
    WITHDRAWAL_FAILED = "withdrawal_failed"
    WITHDRAWAL_CANCELLED = "withdrawal_cancelled"
    REFUND = "refund"
    PARTIAL_REFUND = "partial_refund"
    REVERSAL = "reversal"


label_members(
    {
        PostingKind.TOP_UP: _("balance top-up"),
        PostingKind.PAYMENT: _("order payment"),
        PostingKind.RELEASE: _("earnings released"),
        PostingKind.CLEARANCE: _("earnings cleared"),
        PostingKind.WITHDRAWAL_REQUESTED: _("withdrawal requested"),
        PostingKind.WITHDRAWAL_COMPLETED: _("withdrawal paid out"),
        PostingKind.WITHDRAWAL_FAILED: _("withdrawal failed"),
        PostingKind.WITHDRAWAL_CANCELLED: _("withdrawal cancelled"),
        PostingKind.REFUND: _("refund"),
        PostingKind.PARTIAL_REFUND: _("partial refund"),
        PostingKind.REVERSAL: _("reversal"),
    }
)


@attrs.frozen
class Entry:
    """One line of a transaction: ``amount`` added to ``account`` (negative takes away)."""

    account: AccountId
    amount: Money


@attrs.frozen
class Transaction:
    """Entries that sum to zero in each currency, posted together or not at all.

    ``key`` is the idempotency key: posting the same key again with the same content
    returns the first transaction; with other content it is a conflict. Nothing is ever
    edited or deleted: a correction is a :func:`reversal`.
    """

    id: TransactionId
    key: str
    kind: PostingKind
    entries: tuple[Entry, ...]
    at: datetime
    order_id: OrderId | None = None
    member_id: MemberId | None = None
    reverses: TransactionId | None = None
    clears_at: datetime | None = None
    """For a release: when the seller's pending earnings become available."""

    def __attrs_post_init__(self) -> None:
        totals: dict[str, int] = {}
        for entry in self.entries:
            Account.parse(entry.account)
            amount = entry.amount
            totals[amount.currency] = totals.get(amount.currency, 0) + amount.minor
        for currency, total in totals.items():
            if total:
                raise UnbalancedTransaction(
                    transaction_id=self.id, imbalance=Money(total, currency)
                )

    def content(self) -> tuple[object, ...]:
        """What idempotency compares: everything but the id and the time of posting."""
        return attrs.astuple(self, recurse=False, filter=attrs.filters.exclude("id", "at"))

    def amount_for(self, account: AccountId) -> Money | None:
        """The net amount this transaction adds to ``account`` (``None`` if untouched)."""
        amounts = [e.amount for e in self.entries if e.account == account]
        return sum(amounts[1:], amounts[0]) if amounts else None


def _transaction(
    transaction_id: TransactionId,
    key: str,
    kind: PostingKind,
    entries: Sequence[tuple[AccountId, Money]],
    at: datetime,
    *,
    order_id: OrderId | None = None,
    member_id: MemberId | None = None,
    reverses: TransactionId | None = None,
    clears_at: datetime | None = None,
) -> Transaction:
    return Transaction(
        id=transaction_id,
        key=plain_text(_("idempotency key"), key, *_KEY_LENGTH),
        kind=kind,
        entries=tuple(Entry(account, amount) for account, amount in entries if amount.minor),
        at=utc(at),
        order_id=order_id,
        member_id=member_id,
        reverses=reverses,
        clears_at=None if clears_at is None else utc(clears_at),
    )


def _positive(field: str, amount: Money) -> Money:
    if not isinstance(amount, Money):
        raise InvalidType(field=field, expected="Money", actual=type(amount).__name__)
    if not amount.is_positive():
        raise NotPositive(field=field, value=amount)
    return amount


def _transfer(
    transaction_id: TransactionId,
    key: str,
    kind: PostingKind,
    *,
    source: AccountId,
    target: AccountId,
    amount: Money,
    at: datetime,
    member_id: MemberId,
    order_id: OrderId | None = None,
) -> Transaction:
    """A positive ``amount`` moved from ``source`` to ``target``, for ``member_id``."""
    moved = _positive(_("amount"), amount)
    return _transaction(
        transaction_id,
        key,
        kind,
        [(source, -moved), (target, moved)],
        at,
        order_id=order_id,
        member_id=member_id,
    )


def _settlement(
    transaction_id: TransactionId,
    key: str,
    kind: PostingKind,
    *,
    order_id: OrderId,
    seller_id: MemberId,
    subtotal: Money,
    buyer_fee: Money,
    commission: Sequence[ChargeRule],
    at: datetime,
    clears_at: datetime | None,
    refund: Entry | None = None,
    fee_refunded: Money | None = None,
) -> Transaction:
    """An order's escrow emptied: ``refund`` back first, the rest to the seller and platform.

    The commission is taken on what the seller keeps; the platform also gets the buyer fee.
    ``fee_refunded`` is a part of the fee given back with ``refund`` (beside ``buyer_fee``,
    the part kept): the escrow held both.
    """
    _positive(_("subtotal"), subtotal)
    if not isinstance(buyer_fee, Money):
        raise InvalidType(field=_("buyer fee"), expected="Money", actual=type(buyer_fee).__name__)
    if buyer_fee.is_negative():
        raise NotPositive(field=_("buyer fee"), value=buyer_fee)
    back = Money.zero(subtotal.currency) if fee_refunded is None else fee_refunded
    refunds = [] if refund is None else [(refund.account, refund.amount + back)]
    parts = split(subtotal if refund is None else subtotal - refund.amount, commission)
    return _transaction(
        transaction_id,
        key,
        kind,
        [
            (escrow(order_id), -(subtotal + buyer_fee + back)),
            *refunds,
            (pending(seller_id), parts.seller_net),
            (revenue(), parts.commission + buyer_fee),
        ],
        at,
        order_id=order_id,
        member_id=seller_id,
        clears_at=clears_at,
    )


# --- the builders ----------------------------------------------------------------------------


def top_up(
    transaction_id: TransactionId,
    key: str,
    *,
    member_id: MemberId,
    amount: Money,
    source: Gateway,
    at: datetime,
) -> Transaction:
    """Money paid in from PayPal or a card onto a member's balance."""
    return _transfer(
        transaction_id,
        key,
        PostingKind.TOP_UP,
        source=gateway(source),
        target=wallet(member_id),
        amount=amount,
        at=at,
        member_id=member_id,
    )


def pay_order(
    transaction_id: TransactionId,
    key: str,
    *,
    order_id: OrderId,
    buyer_id: MemberId,
    amount: Money,
    source: Gateway | None,
    at: datetime,
) -> Transaction:
    """An order's total into its escrow, from the buyer's balance or a gateway.

    ``source=None`` pays from the balance. The platform holds the money until the order
    completes or is cancelled.
    """
    payer = wallet(buyer_id) if source is None else gateway(source)
    return _transfer(
        transaction_id,
        key,
        PostingKind.PAYMENT,
        source=payer,
        target=escrow(order_id),
        amount=amount,
        at=at,
        order_id=order_id,
        member_id=buyer_id,
    )


def release(
    transaction_id: TransactionId,
    key: str,
    *,
    order_id: OrderId,
    seller_id: MemberId,
    subtotal: Money,
    buyer_fee: Money,
    commission: Sequence[ChargeRule],
    at: datetime,
    clears_at: datetime | None = None,
) -> Transaction:
    """A completed order's escrow to the seller's pending earnings and the platform.

    The seller gets the subtotal less the commission; the platform the commission and any
    buyer fee (see :func:`microgigs.pricing.split`): the escrow empties to the cent. The
    earnings become available at ``clears_at`` (the end of the seller's clearance period).
    """
    return _settlement(
        transaction_id,
        key,
        PostingKind.RELEASE,
        order_id=order_id,
        seller_id=seller_id,
        subtotal=subtotal,
        buyer_fee=buyer_fee,
        commission=commission,
        at=at,
        clears_at=clears_at,
    )


def refund(
    transaction_id: TransactionId,
    key: str,
    *,
    order_id: OrderId,
    buyer_id: MemberId,
    amount: Money,
    at: datetime,
) -> Transaction:
    """A cancelled order's whole escrow back to the buyer's balance."""
    return _transfer(
        transaction_id,
        key,
        PostingKind.REFUND,
        source=escrow(order_id),
        target=wallet(buyer_id),
        amount=amount,
        at=at,
        order_id=order_id,
        member_id=buyer_id,
    )


def partial_refund(
    transaction_id: TransactionId,
    key: str,
    *,
    order_id: OrderId,
    buyer_id: MemberId,
    seller_id: MemberId,
    subtotal: Money,
    buyer_fee: Money,
    refunded: Money,
    commission: Sequence[ChargeRule],
    at: datetime,
    clears_at: datetime | None = None,
    fee_refunded: Money | None = None,
) -> Transaction:
    """Part of an order back to the buyer; the rest released, with commission on the rest.

    A $5 refund of a $25 order: the buyer gets $5, the seller $16, the platform $4.
    ``buyer_fee`` is the fee the platform keeps (an order's, whole); ``fee_refunded`` a
    part of the fee that goes back with ``refunded`` (a milestone's split gives the
    client's fee back in proportion to the amount refunded).
    """
    if not (refunded.is_positive() and refunded < subtotal):
        raise InvalidRefund(amount=refunded, maximum=subtotal)
    return _settlement(
        transaction_id,
        key,
        PostingKind.PARTIAL_REFUND,
        order_id=order_id,
        seller_id=seller_id,
        subtotal=subtotal,
        buyer_fee=buyer_fee,
        commission=commission,
        at=at,
        clears_at=clears_at,
        refund=Entry(wallet(buyer_id), refunded),
        fee_refunded=fee_refunded,
    )


def clear(
    transaction_id: TransactionId,
    key: str,
    *,
    seller_id: MemberId,
    amount: Money,
    order_id: OrderId | None,
    at: datetime,
) -> Transaction:
    """Earnings whose clearance period ended, from pending to available."""
    return _transfer(
        transaction_id,
        key,
        PostingKind.CLEARANCE,
        source=pending(seller_id),
        target=available(seller_id),
        amount=amount,
        at=at,
        order_id=order_id,
        member_id=seller_id,
    )


def request_withdrawal(
    transaction_id: TransactionId,
    key: str,
    *,
    seller_id: MemberId,
    amount: Money,
    minimum: Money,
    at: datetime,
) -> Transaction:
    """Available earnings set aside for a payout (at least the policy's minimum)."""
    if _positive(_("amount"), amount) < minimum:
        raise WithdrawalTooSmall(amount=amount, minimum=minimum)
    return _transfer(
        transaction_id,
        key,
        PostingKind.WITHDRAWAL_REQUESTED,
        source=available(seller_id),
        target=withdrawing(seller_id),
        amount=amount,
        at=at,
        member_id=seller_id,
    )


def complete_withdrawal(
    transaction_id: TransactionId,
    key: str,
    *,
    seller_id: MemberId,
    amount: Money,
    at: datetime,
) -> Transaction:
    """The payout provider sent the money: it leaves the platform."""
    return _transfer(
        transaction_id,
        key,
        PostingKind.WITHDRAWAL_COMPLETED,
        source=withdrawing(seller_id),
        target=payouts(),
        amount=amount,
        at=at,
        member_id=seller_id,
    )


def fail_withdrawal(
    transaction_id: TransactionId,
    key: str,
    *,
    seller_id: MemberId,
    amount: Money,
    at: datetime,
) -> Transaction:
    """The payout failed: the money is available to the seller again."""
    return _back_to_available(
        transaction_id,
        key,
        PostingKind.WITHDRAWAL_FAILED,
        seller_id=seller_id,
        amount=amount,
        at=at,
    )


def cancel_withdrawal(
    transaction_id: TransactionId,
    key: str,
    *,
    seller_id: MemberId,
    amount: Money,
    at: datetime,
) -> Transaction:
    """The seller took back a withdrawal not yet paid out: the money is available again."""
    return _back_to_available(
        transaction_id,
        key,
        PostingKind.WITHDRAWAL_CANCELLED,
        seller_id=seller_id,
        amount=amount,
        at=at,
    )


def _back_to_available(
    transaction_id: TransactionId,
    key: str,
    kind: PostingKind,
    *,
    seller_id: MemberId,
    amount: Money,
    at: datetime,
) -> Transaction:
    return _transfer(
        transaction_id,
        key,
        kind,
        source=withdrawing(seller_id),
        target=available(seller_id),
        amount=amount,
        at=at,
        member_id=seller_id,
    )


def reversal(
    transaction_id: TransactionId,
    key: str,
    *,
    original: Transaction,
    at: datetime,
) -> Transaction:
    """The correction of a transaction: the same entries with opposite signs."""
    if not isinstance(original, Transaction):
        raise InvalidType(
            field=_("original"), expected=_("a Transaction"), actual=type(original).__name__
        )
    return _transaction(
        transaction_id,
        key,
        PostingKind.REVERSAL,
        [(entry.account, -entry.amount) for entry in original.entries],
        at,
        order_id=original.order_id,
        member_id=original.member_id,
        reverses=original.id,
    )
