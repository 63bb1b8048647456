"""The ledger's details that its postings tests left unread (``bench/mutation.py ledger``).

Statement lines carry their transaction and time, a statement's default page is 50 lines,
errors name their field and values, a reversal keeps its order, a withdrawal of exactly
the minimum is allowed, and the audit and the book take what a real ledger can hold.
"""

from __future__ import annotations

import pytest

from microgigs import ledger as lg
from microgigs.errors import (
    CurrencyMismatch,
    InvalidRefund,
    InvalidText,
    InvalidType,
    NaiveDatetime,
    NotPositive,
    TransactionExists,
    UnbalancedTransaction,
    UnknownAccount,
    UnknownCurrency,
)
from microgigs.ids import MemberId, OrderId, TransactionId
from microgigs.money import Money
from microgigs.policy import KHAMSAT
from microgigs.testing.examples import EPOCH

from .test_postings import BUYER, ORDER, RULES, SELLER, Ids, paid_order, usd


@pytest.fixture
def book():
    return lg.Ledger("USD")


@pytest.fixture
def ids():
    return Ids()


def test_statement_lines_name_their_transaction_and_moment_and_pages_hold_50(ids):
    book = lg.Ledger("USD")
    posted = [
        book.post(
            lg.top_up(
                ids(),
                f"t{n}",
                member_id=BUYER,
                amount=usd(1),
                source=lg.Gateway.CARD,
                at=EPOCH.replace(minute=n % 60, hour=9 + n // 60),
            )
        )
        for n in range(51)
    ]
    page = book.statement(lg.wallet(BUYER))
    assert 50 == len(page.lines)
    assert 50 == page.next_cursor
    assert [(t.id, t.at) for t in posted[:50]] == [(x.transaction_id, x.at) for x in page.lines]
    # an account that never moved has an empty statement, not an error
    assert ((), None) == (
        book.statement(lg.wallet(MemberId("M-nobody"))).lines,
        book.statement(lg.wallet(MemberId("M-nobody"))).next_cursor,
    )


def test_two_entries_on_one_account_add_up_before_the_check():
    entries = (
        lg.Entry(lg.wallet(BUYER), usd(-3)),
        lg.Entry(lg.wallet(BUYER), usd(-3)),
        lg.Entry(lg.escrow(ORDER), usd(6)),
    )
    transaction = lg.Transaction(TransactionId("T"), "k", lg.PostingKind.PAYMENT, entries, EPOCH)
    assert {lg.wallet(BUYER): usd(4), lg.escrow(ORDER): usd(6)} == lg.postable(
        {lg.wallet(BUYER): usd(10)}, transaction, "USD"
    )


def test_clearing_earnings_of_an_order_never_released_forgets_nothing(book, ids):
    paid_order(book, ids, usd(25))
    book.post(
        lg.release(
            ids(),
            "r",
            order_id=ORDER,
            seller_id=SELLER,
            subtotal=usd(25),
            buyer_fee=usd(0),
            commission=RULES,
            at=EPOCH,
        )
    )
    other = OrderId("O-2")
    book.post(lg.clear(ids(), "c", seller_id=SELLER, amount=usd(5), order_id=other, at=EPOCH))
    assert [ORDER] == [r.order_id for r in book.uncleared()]


def test_the_audit_of_a_finished_order_whose_escrow_never_moved_is_clean():
    assert [] == lg.audit([], {}, finished_orders=[OrderId("O-never-paid")])


def test_errors_name_their_field_and_values(ids):
    with pytest.raises(InvalidText) as bad_key:
        lg.top_up(ids(), "", member_id=BUYER, amount=usd(1), source=lg.Gateway.CARD, at=EPOCH)
    assert "idempotency key" == bad_key.value.context()["field"]
    with pytest.raises(NotPositive) as nothing:
        lg.request_withdrawal(
            ids(), "w", seller_id=SELLER, amount=usd(0), minimum=usd(10), at=EPOCH
        )
    assert "amount" == nothing.value.context()["field"]
    with pytest.raises(InvalidRefund) as refund:
        lg.partial_refund(
            ids(),
            "p",
            order_id=ORDER,
            buyer_id=BUYER,
            seller_id=SELLER,
            subtotal=usd(25),
            buyer_fee=usd(0),
            refunded=usd(25),
            commission=RULES,
            at=EPOCH,
        )
    assert (usd(25), usd(25)) == (refund.value.amount, refund.value.maximum)
    with pytest.raises(UnbalancedTransaction) as unbalanced:
        lg.Transaction(
            TransactionId("T-off"),
            "k",
            lg.PostingKind.TOP_UP,
            (lg.Entry(lg.wallet(BUYER), usd(5)), lg.Entry(lg.gateway(lg.Gateway.CARD), usd(-4))),
            EPOCH,
        )
    assert "T-off" == unbalanced.value.transaction_id


def test_a_withdrawal_of_exactly_the_minimum_is_set_aside(book, ids):
    minimum = KHAMSAT.ledger.withdrawal_minimum
    paid_order(book, ids, usd(25))
    book.post(
        lg.release(
            ids(),
            "r",
            order_id=ORDER,
            seller_id=SELLER,
            subtotal=usd(25),
            buyer_fee=usd(0),
            commission=RULES,
            at=EPOCH,
        )
    )
    book.post(lg.clear(ids(), "c", seller_id=SELLER, amount=usd(20), order_id=ORDER, at=EPOCH))
    book.post(
        lg.request_withdrawal(
            ids(), "w", seller_id=SELLER, amount=minimum, minimum=minimum, at=EPOCH
        )
    )
    earnings = lg.seller_earnings(book, SELLER)
    assert (minimum, usd(20) - minimum) == (earnings.withdrawing, earnings.available)


def test_a_reversal_keeps_the_order_it_undoes(book, ids):
    paid_order(book, ids, usd(25))
    payment = next(t for t in book if t.kind is lg.PostingKind.PAYMENT)
    undone = book.post(lg.reversal(ids(), "pay-1-reversed", original=payment, at=EPOCH))
    assert (ORDER, usd(25)) == (undone.order_id, book.balance(lg.wallet(BUYER)))


def test_money_used_here_is_in_the_books_currency():
    assert Money.zero("USD") == lg.Ledger("USD").balance(lg.wallet(BUYER))


@pytest.mark.parametrize("account", ["nonsense", "wallet:", "escrow", ""])
def test_a_statement_of_what_is_not_an_account_name_is_refused(book, account):
    with pytest.raises(UnknownAccount):
        book.statement(lg.AccountId(account))


def test_a_period_report_in_another_currency_than_its_transactions_is_refused(book, ids):
    # top-ups alone: no amount of the report is added to, yet the currency is still wrong
    book.post(lg.top_up(ids(), "t", member_id=BUYER, amount=usd(9), source="card", at=EPOCH))
    year = {"start": EPOCH, "end": EPOCH.replace(year=EPOCH.year + 1)}
    with pytest.raises(CurrencyMismatch) as caught:
        lg.period_report(book, currency="SAR", **year)
    assert (caught.value.left, caught.value.right) == ("SAR", "USD")
    paid_order(book, ids, usd(25))
    assert usd(25) == lg.period_report(book, currency="USD", **year).gmv


def test_a_ledger_in_no_currency_and_a_report_of_naive_times_are_refused(book):
    for currency, error in (("XYZ", UnknownCurrency), (5, InvalidType)):
        with pytest.raises(error):
            lg.Ledger(currency)
    with pytest.raises(NaiveDatetime):
        lg.period_report(book, currency="USD", start=EPOCH.replace(tzinfo=None), end=EPOCH)


@pytest.mark.parametrize("original", ["T1", None, 5])
def test_a_reversal_of_what_is_not_a_transaction_is_a_typed_error(ids, original):
    with pytest.raises(InvalidType) as caught:
        lg.reversal(ids(), "undo", original=original, at=EPOCH)
    assert caught.value.actual == ("nothing" if original is None else type(original).__name__)


def test_a_second_transaction_with_a_posted_id_is_refused_and_changes_nothing(book):
    # a probe (2026-12-06): the second T1 replaced the first in the record, the balances
    # kept both, and the audit then found them apart
    def top_up(key, dollars):
        return lg.top_up(
            TransactionId("T1"), key, member_id=BUYER, amount=usd(dollars), source="card", at=EPOCH
        )

    first = top_up("k1", 100)
    book.post(first)
    again = top_up("k2", 1)
    with pytest.raises(TransactionExists):
        book.post(again)
    assert ([first], usd(100)) == (list(book), book.balance(lg.wallet(BUYER)))
    assert [] == lg.audit(lg.rows_of(book), book.balances(), finished_orders=[])


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [("subtotal", usd(-1), NotPositive), ("subtotal", 5, InvalidType),
     ("buyer_fee", usd(-1), NotPositive), ("buyer_fee", None, InvalidType),
     ("commission", None, InvalidType), ("commission", "20%", InvalidType)],
)  # fmt: skip
def test_a_release_of_no_amount_or_no_commission_rules_is_refused(ids, field, value, error):
    # a probe (2026-12-06): commission=None paid the seller everything, and a negative
    # subtotal or fee built a transaction
    fields = {"order_id": ORDER, "seller_id": SELLER, "subtotal": usd(25),
              "buyer_fee": usd(0), "commission": RULES, "at": EPOCH}  # fmt: skip
    with pytest.raises(error):
        lg.release(ids(), "release-1", **{**fields, field: value})
