from __future__ import annotations

from datetime import timedelta

import pytest

from microgigs import ledger as lg
from microgigs.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidRefund,
    InvalidType,
    MicrogigsError,
    NotPositive,
    UnbalancedTransaction,
    UnknownAccount,
    WithdrawalTooSmall,
)
from microgigs.ids import MemberId, OrderId, TransactionId
from microgigs.money import Money
from microgigs.policy import KHAMSAT
from microgigs.testing.examples import EPOCH

BUYER, SELLER, ORDER = MemberId("M-ahmad"), MemberId("M-sara"), OrderId("O-1")
RULES = KHAMSAT.ledger.commission


def usd(amount):
    return Money.of(amount, "USD")


class Ids:
    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return TransactionId(f"T{self.count:04d}")


@pytest.fixture
def book():
    return lg.Ledger("USD")


@pytest.fixture
def ids():
    return Ids()


def paid_order(book, ids, total):
    book.post(
        lg.top_up(ids(), "topup-1", member_id=BUYER, amount=total, source=lg.Gateway.CARD, at=EPOCH)
    )
    book.post(
        lg.pay_order(
            ids(), "pay-1", order_id=ORDER, buyer_id=BUYER, amount=total, source=None, at=EPOCH
        )
    )


def test_a_205_order_pays_164_to_the_seller_and_41_to_the_platform(book, ids):
    paid_order(book, ids, usd(205))
    assert (usd(0), usd(205)) == (book.balance(lg.wallet(BUYER)), book.balance(lg.escrow(ORDER)))
    book.post(
        lg.release(
            ids(),
            "release-1",
            order_id=ORDER,
            seller_id=SELLER,
            subtotal=usd(205),
            buyer_fee=usd(0),
            commission=RULES,
            at=EPOCH,
        )
    )
    assert (usd(0), usd(164), usd(41)) == (
        book.balance(lg.escrow(ORDER)),
        book.balance(lg.pending(SELLER)),
        book.balance(lg.revenue()),
    )


def test_a_cancelled_order_returns_every_cent_to_the_buyers_balance(book, ids):
    paid_order(book, ids, usd("205"))
    book.post(
        lg.refund(ids(), "refund-1", order_id=ORDER, buyer_id=BUYER, amount=usd(205), at=EPOCH)
    )
    assert (usd(205), usd(0), usd(0)) == (
        book.balance(lg.wallet(BUYER)),
        book.balance(lg.escrow(ORDER)),
        book.balance(lg.revenue()),
    )


def test_a_partial_refund_of_5_on_25_gives_5_16_and_4(book, ids):
    paid_order(book, ids, usd(25))
    book.post(
        lg.partial_refund(
            ids(),
            "partial-1",
            order_id=ORDER,
            buyer_id=BUYER,
            seller_id=SELLER,
            subtotal=usd(25),
            buyer_fee=usd(0),
            refunded=usd(5),
            commission=RULES,
            at=EPOCH,
        )
    )
    assert (usd(5), usd(16), usd(4), usd(0)) == (
        book.balance(lg.wallet(BUYER)),
        book.balance(lg.pending(SELLER)),
        book.balance(lg.revenue()),
        book.balance(lg.escrow(ORDER)),
    )


@pytest.mark.parametrize("refunded", ["0", "25", "30"])
def test_partial_refunds_must_be_partial(ids, refunded):
    with pytest.raises(InvalidRefund):
        lg.partial_refund(
            ids(),
            "k",
            order_id=ORDER,
            buyer_id=BUYER,
            seller_id=SELLER,
            subtotal=usd(25),
            buyer_fee=usd(0),
            refunded=usd(refunded),
            commission=RULES,
            at=EPOCH,
        )


def test_buyer_fees_go_to_the_platform_on_release(book, ids):
    paid_order(book, ids, usd("24.10"))
    book.post(
        lg.release(
            ids(),
            "r",
            order_id=ORDER,
            seller_id=SELLER,
            subtotal=usd(20),
            buyer_fee=usd("4.10"),
            commission=RULES,
            at=EPOCH,
        )
    )
    assert (usd(16), usd("8.10"), usd(0)) == (
        book.balance(lg.pending(SELLER)),
        book.balance(lg.revenue()),
        book.balance(lg.escrow(ORDER)),
    )


def test_clearance_and_withdrawals(book, ids):
    paid_order(book, ids, usd(205))
    book.post(
        lg.release(
            ids(),
            "r",
            order_id=ORDER,
            seller_id=SELLER,
            subtotal=usd(205),
            buyer_fee=usd(0),
            commission=RULES,
            at=EPOCH,
        )
    )
    assert [ORDER] == [r.order_id for r in book.uncleared()]
    book.post(
        lg.clear(
            ids(),
            "c",
            seller_id=SELLER,
            amount=usd(164),
            order_id=ORDER,
            at=EPOCH + timedelta(days=14),
        )
    )
    assert [] == book.uncleared()
    minimum = KHAMSAT.ledger.withdrawal_minimum
    with pytest.raises(WithdrawalTooSmall):
        lg.request_withdrawal(
            ids(), "w0", seller_id=SELLER, amount=usd("9.99"), minimum=minimum, at=EPOCH
        )
    with pytest.raises(InsufficientFunds):
        book.post(
            lg.request_withdrawal(
                ids(), "w1", seller_id=SELLER, amount=usd(165), minimum=minimum, at=EPOCH
            )
        )
    book.post(
        lg.request_withdrawal(
            ids(), "w2", seller_id=SELLER, amount=usd(100), minimum=minimum, at=EPOCH
        )
    )
    book.post(lg.fail_withdrawal(ids(), "w2-failed", seller_id=SELLER, amount=usd(100), at=EPOCH))
    book.post(
        lg.request_withdrawal(
            ids(), "w3", seller_id=SELLER, amount=usd(150), minimum=minimum, at=EPOCH
        )
    )
    book.post(lg.complete_withdrawal(ids(), "w3-paid", seller_id=SELLER, amount=usd(150), at=EPOCH))
    earnings = lg.seller_earnings(book, SELLER)
    assert (usd(0), usd(14), usd(0), usd(150)) == (
        earnings.pending,
        earnings.available,
        earnings.withdrawing,
        earnings.withdrawn,
    )


def test_wallets_never_go_negative_and_a_refusal_changes_nothing(book, ids):
    book.post(
        lg.top_up(ids(), "t", member_id=BUYER, amount=usd(10), source=lg.Gateway.PAYPAL, at=EPOCH)
    )
    before = (book.balances(), len(book))
    with pytest.raises(InsufficientFunds) as caught:
        book.post(
            lg.pay_order(
                ids(),
                "p",
                order_id=ORDER,
                buyer_id=BUYER,
                amount=usd("10.01"),
                source=None,
                at=EPOCH,
            )
        )
    assert (usd(10), usd("10.01")) == (caught.value.balance, caught.value.amount)
    assert before == (book.balances(), len(book))
    assert usd(-10) == book.balance(lg.gateway(lg.Gateway.PAYPAL))


def test_unbalanced_transactions_are_refused():
    with pytest.raises(UnbalancedTransaction) as caught:
        lg.Transaction(
            TransactionId("T"),
            "k",
            lg.PostingKind.TOP_UP,
            (lg.Entry(lg.wallet(BUYER), usd(5)), lg.Entry(lg.gateway(lg.Gateway.CARD), usd(-4))),
            EPOCH,
        )
    assert usd(1) == caught.value.imbalance


def test_unknown_accounts_are_refused():
    with pytest.raises(UnknownAccount):
        lg.Transaction(
            TransactionId("T"),
            "k",
            lg.PostingKind.TOP_UP,
            (lg.Entry(lg.AccountId("bank:me"), usd(5)), lg.Entry(lg.wallet(BUYER), usd(-5))),
            EPOCH,
        )


@pytest.mark.parametrize("amount", [Money.of(0, "USD"), Money.of(-5, "USD")])
def test_amounts_must_be_positive(ids, amount):
    with pytest.raises(NotPositive):
        lg.top_up(ids(), "k", member_id=BUYER, amount=amount, source=lg.Gateway.CARD, at=EPOCH)


def test_floats_are_refused(ids):
    with pytest.raises(InvalidType):
        lg.top_up(ids(), "k", member_id=BUYER, amount=5.0, source=lg.Gateway.CARD, at=EPOCH)
    with pytest.raises(InvalidType):
        lg.request_withdrawal(ids(), "w", seller_id=SELLER, amount=10.0, minimum=usd(10), at=EPOCH)


def test_the_same_key_returns_the_first_result_and_other_content_conflicts(book, ids):
    first = book.post(
        lg.top_up(
            ids(), "topup-42", member_id=BUYER, amount=usd(10), source=lg.Gateway.CARD, at=EPOCH
        )
    )
    again = book.post(
        lg.top_up(
            ids(),
            "topup-42",
            member_id=BUYER,
            amount=usd(10),
            source=lg.Gateway.CARD,
            at=EPOCH + timedelta(seconds=5),
        )
    )
    assert (first, 1, usd(10)) == (again, len(book), book.balance(lg.wallet(BUYER)))
    with pytest.raises(IdempotencyConflict):
        book.post(
            lg.top_up(
                ids(), "topup-42", member_id=BUYER, amount=usd(11), source=lg.Gateway.CARD, at=EPOCH
            )
        )
    assert usd(10) == book.balance(lg.wallet(BUYER))


def test_a_reversal_undoes_a_transaction_without_editing_it(book, ids):
    original = book.post(
        lg.top_up(ids(), "t", member_id=BUYER, amount=usd(10), source=lg.Gateway.CARD, at=EPOCH)
    )
    book.post(lg.reversal(ids(), "t-reversed", original=original, at=EPOCH))
    assert (usd(0), 2, original) == (book.balance(lg.wallet(BUYER)), len(book), next(iter(book)))


def test_statements_are_paginated_with_running_balances(book, ids):
    for n in range(1, 8):
        book.post(
            lg.top_up(
                ids(), f"t{n}", member_id=BUYER, amount=usd(n), source=lg.Gateway.CARD, at=EPOCH
            )
        )
    first = book.statement(lg.wallet(BUYER), limit=3)
    second = book.statement(lg.wallet(BUYER), cursor=first.next_cursor, limit=3)
    last = book.statement(lg.wallet(BUYER), cursor=second.next_cursor, limit=3)
    assert [usd(1), usd(3), usd(6)] == [line.balance for line in first.lines]
    assert [usd(10), usd(15), usd(21)] == [line.balance for line in second.lines]
    assert ([usd(28)], None) == ([line.balance for line in last.lines], last.next_cursor)


def test_audit_finds_every_issue_at_once(book, ids):
    paid_order(book, ids, usd(25))
    assert [] == lg.audit(lg.rows_of(book), book.balances())
    rows = [
        *lg.rows_of(book),
        lg.EntryRow("T-bad", lg.wallet(BUYER), usd(-3)),
        lg.EntryRow("T-bad", "bank:nowhere", usd(1)),
    ]
    balances = dict(book.balances())
    balances[lg.revenue()] = usd(1)
    issues = lg.audit(rows, balances, finished_orders=[ORDER])
    assert {
        (lg.IssueKind.UNBALANCED, "T-bad"),
        (lg.IssueKind.UNKNOWN_ACCOUNT, "bank:nowhere"),
        (lg.IssueKind.BALANCE_MISMATCH, lg.wallet(BUYER)),
        (lg.IssueKind.NEGATIVE_BALANCE, lg.wallet(BUYER)),
        (lg.IssueKind.BALANCE_MISMATCH, lg.revenue()),
        (lg.IssueKind.ESCROW_LEFT, lg.escrow(ORDER)),
    } == {(issue.kind, issue.subject) for issue in issues}


def test_period_report(book, ids):
    paid_order(book, ids, usd(25))
    book.post(
        lg.partial_refund(
            ids(),
            "pr",
            order_id=ORDER,
            buyer_id=BUYER,
            seller_id=SELLER,
            subtotal=usd(25),
            buyer_fee=usd(0),
            refunded=usd(5),
            commission=RULES,
            at=EPOCH,
        )
    )
    report = lg.period_report(book, currency="USD", start=EPOCH, end=EPOCH + timedelta(days=1))
    assert (usd(25), usd(5), usd(4)) == (report.gmv, report.refunded, report.revenue)
    empty = lg.period_report(
        book, currency="USD", start=EPOCH + timedelta(days=1), end=EPOCH + timedelta(days=2)
    )
    assert usd(0) == empty.gmv


# --- what mutation testing showed unpinned (docs/testing.md) ----------------------------


def test_audit_details_each_issue(book, ids):
    paid_order(book, ids, usd(25))
    rows = [
        *lg.rows_of(book),
        lg.EntryRow("T-bad", lg.wallet(BUYER), usd(-3)),
        lg.EntryRow("T-bad", "bank:nowhere", usd(1)),
    ]
    balances = dict(book.balances())
    balances[lg.revenue()] = usd(1)
    Kind = lg.IssueKind  # noqa: N806 (an alias of the enum)
    assert [
        lg.Issue(Kind.UNBALANCED, "T-bad", "-2.00 USD"),
        lg.Issue(Kind.UNKNOWN_ACCOUNT, "bank:nowhere", ""),
        lg.Issue(Kind.BALANCE_MISMATCH, lg.revenue(), "entries {}, cached {'USD': 100}"),
        lg.Issue(Kind.BALANCE_MISMATCH, lg.wallet(BUYER), "entries {'USD': -300}, cached {}"),
        lg.Issue(Kind.NEGATIVE_BALANCE, lg.wallet(BUYER), "-3.00 USD"),
        lg.Issue(Kind.ESCROW_LEFT, lg.escrow(ORDER), "{'USD': 2500}"),
    ] == lg.audit(rows, balances, finished_orders=[ORDER])


def test_an_emptied_escrow_of_a_finished_order_is_clean(book, ids):
    paid_order(book, ids, usd(25))
    book.post(lg.refund(ids(), "back", order_id=ORDER, buyer_id=BUYER, amount=usd(25), at=EPOCH))
    assert [] == lg.audit(lg.rows_of(book), book.balances(), finished_orders=[ORDER])


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (
            lambda: lg.top_up(
                TransactionId("T1"),
                "t",
                member_id=BUYER,
                amount=2.5,
                source=lg.Gateway.CARD,
                at=EPOCH,
            ),
            "amount must be Money, not float.",
        ),
        (
            lambda: lg.top_up(
                TransactionId("T1"),
                "t",
                member_id=BUYER,
                amount=usd(0),
                source=lg.Gateway.CARD,
                at=EPOCH,
            ),
            "amount must be more than zero, not 0.00 USD.",
        ),
        (
            lambda: lg.Account.parse("x" * 81),
            f"{'x' * 80} is not an account of this ledger.",
        ),
        (
            lambda: lg.Ledger("USD").statement(lg.wallet(BUYER), cursor=10**12 + 1),
            "cursor must be between 0 and 1000000000000; 1000000000001 is not.",
        ),
        (
            lambda: lg.Ledger("USD").statement(lg.wallet(BUYER), limit=0),
            "page size must be between 1 and 500; 0 is not.",
        ),
    ],
)
def test_a_refusal_names_what_was_wrong(action, message):
    with pytest.raises(MicrogigsError) as refused:
        action()
    assert message == str(refused.value)


def test_a_statement_page_that_ends_with_the_lines_has_no_next_page(book, ids):
    for n in range(1, 5):
        book.post(
            lg.top_up(
                ids(), f"t{n}", member_id=BUYER, amount=usd(n), source=lg.Gateway.CARD, at=EPOCH
            )
        )
    first = book.statement(lg.wallet(BUYER), limit=1)
    rest = book.statement(lg.wallet(BUYER), cursor=first.next_cursor, limit=3)
    assert (lg.wallet(BUYER), 1, [usd(3), usd(6), usd(10)], None) == (
        first.account,
        first.next_cursor,
        [line.balance for line in rest.lines],
        rest.next_cursor,
    )


def test_a_release_is_due_at_its_clearance_moment_exactly(book, ids):
    paid_order(book, ids, usd(25))
    clears = EPOCH + timedelta(days=14)
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
            clears_at=clears,
        )
    )
    assert [lg.Release(ORDER, SELLER, usd(20), EPOCH, clears)] == book.uncleared(due_by=clears)
    assert [] == book.uncleared(due_by=clears - timedelta(microseconds=1))


def test_a_period_report_holds_its_bounds_and_leaves_out_its_end(book, ids):
    paid_order(book, ids, usd(25))
    end = EPOCH + timedelta(days=1)
    book.post(
        lg.top_up(ids(), "late", member_id=BUYER, amount=usd(9), source=lg.Gateway.CARD, at=end)
    )
    book.post(
        lg.pay_order(
            ids(),
            "pay-late",
            order_id=OrderId("O-2"),
            buyer_id=BUYER,
            amount=usd(9),
            source=None,
            at=end,
        )
    )
    report = lg.period_report(book, currency="USD", start=EPOCH, end=end)
    assert (EPOCH, end, usd(25)) == (report.start, report.end, report.gmv)


def test_earnings_add_up_every_payout_of_the_seller_only(book, ids):
    other = MemberId("M-omar")
    for seller, order in ((SELLER, ORDER), (other, OrderId("O-2"))):
        book.post(
            lg.top_up(
                ids(),
                f"t-{order}",
                member_id=BUYER,
                amount=usd(100),
                source=lg.Gateway.CARD,
                at=EPOCH,
            )
        )
        book.post(
            lg.pay_order(
                ids(),
                f"p-{order}",
                order_id=order,
                buyer_id=BUYER,
                amount=usd(100),
                source=None,
                at=EPOCH,
            )
        )
        book.post(
            lg.release(
                ids(),
                f"r-{order}",
                order_id=order,
                seller_id=seller,
                subtotal=usd(100),
                buyer_fee=usd(0),
                commission=RULES,
                at=EPOCH,
            )
        )
        book.post(
            lg.clear(
                ids(), f"c-{order}", seller_id=seller, amount=usd(80), order_id=order, at=EPOCH
            )
        )
        for n in (1, 2):
            book.post(
                lg.request_withdrawal(
                    ids(),
                    f"w{n}-{order}",
                    seller_id=seller,
                    amount=usd(30),
                    minimum=usd(10),
                    at=EPOCH,
                )
            )
            book.post(
                lg.complete_withdrawal(
                    ids(), f"w{n}-{order}-paid", seller_id=seller, amount=usd(30), at=EPOCH
                )
            )
    earnings = lg.seller_earnings(book, SELLER)
    assert (usd(0), usd(20), usd(0), usd(60)) == (
        earnings.pending,
        earnings.available,
        earnings.withdrawing,
        earnings.withdrawn,
    )


def test_every_posting_records_its_kind_order_member_and_dates(ids):
    clears = EPOCH + timedelta(days=14)
    top = lg.top_up(ids(), "t", member_id=BUYER, amount=usd(30), source=lg.Gateway.CARD, at=EPOCH)
    common = {"order_id": ORDER, "subtotal": usd(25), "buyer_fee": usd(0), "commission": RULES}
    postings = [
        top,
        lg.pay_order(ids(), "p", order_id=ORDER, buyer_id=BUYER, amount=usd(25), source=None,
                     at=EPOCH),
        lg.release(ids(), "r", seller_id=SELLER, at=EPOCH, clears_at=clears, **common),
        lg.refund(ids(), "f", order_id=ORDER, buyer_id=BUYER, amount=usd(25), at=EPOCH),
        lg.partial_refund(ids(), "pr", buyer_id=BUYER, seller_id=SELLER, refunded=usd(5),
                          at=EPOCH, clears_at=clears, **common),
        lg.clear(ids(), "c", seller_id=SELLER, amount=usd(16), order_id=ORDER, at=clears),
        lg.request_withdrawal(ids(), "w", seller_id=SELLER, amount=usd(16), minimum=usd(10),
                              at=clears),
        lg.complete_withdrawal(ids(), "wc", seller_id=SELLER, amount=usd(16), at=clears),
        lg.fail_withdrawal(ids(), "wf", seller_id=SELLER, amount=usd(16), at=clears),
        lg.reversal(ids(), "t-back", original=top, at=clears),
    ]  # fmt: skip
    K = lg.PostingKind  # noqa: N806 (an alias of the enum)
    assert [
        (K.TOP_UP, "t", None, BUYER, None, None),
        (K.PAYMENT, "p", ORDER, BUYER, None, None),
        (K.RELEASE, "r", ORDER, SELLER, None, clears),
        (K.REFUND, "f", ORDER, BUYER, None, None),
        (K.PARTIAL_REFUND, "pr", ORDER, SELLER, None, clears),
        (K.CLEARANCE, "c", ORDER, SELLER, None, None),
        (K.WITHDRAWAL_REQUESTED, "w", None, SELLER, None, None),
        (K.WITHDRAWAL_COMPLETED, "wc", None, SELLER, None, None),
        (K.WITHDRAWAL_FAILED, "wf", None, SELLER, None, None),
        (K.REVERSAL, "t-back", None, BUYER, top.id, None),
    ] == [(t.kind, t.key, t.order_id, t.member_id, t.reverses, t.clears_at) for t in postings]


def test_a_partial_refund_keeps_the_buyer_fee_for_the_platform(ids):
    refund = lg.partial_refund(
        ids(), "pr", order_id=ORDER, buyer_id=BUYER, seller_id=SELLER, subtotal=usd(25),
        buyer_fee=usd(2), refunded=usd(5), commission=RULES, at=EPOCH,
    )  # fmt: skip
    assert [
        (lg.escrow(ORDER), usd(-27)),
        (lg.wallet(BUYER), usd(5)),
        (lg.pending(SELLER), usd(16)),
        (lg.revenue(), usd(6)),
    ] == [(e.account, e.amount) for e in refund.entries]


def test_the_amount_for_an_account_adds_all_its_entries():
    entries = (
        lg.Entry(lg.wallet(BUYER), usd(5)),
        lg.Entry(lg.wallet(BUYER), usd(3)),
        lg.Entry(lg.wallet(BUYER), usd(2)),
        lg.Entry(lg.gateway(lg.Gateway.CARD), usd(-10)),
    )
    moved = lg.Transaction(TransactionId("T1"), "t", lg.PostingKind.TOP_UP, entries, EPOCH)
    assert (usd(10), usd(-10), None) == (
        moved.amount_for(lg.wallet(BUYER)),
        moved.amount_for(lg.gateway(lg.Gateway.CARD)),
        moved.amount_for(lg.revenue()),
    )
