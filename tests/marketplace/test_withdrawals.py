"""Withdrawals: to a payout method the seller chooses, queued, settled once (every adapter)."""

from __future__ import annotations

import threading

import pytest

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.errors import (
    InvalidType,
    MemberSuspended,
    NotFound,
    PermissionDenied,
    StaleWrite,
    WithdrawalSettled,
)
from microgigs.ids import WithdrawalId
from microgigs.members import PayoutKind, PayoutMethod
from microgigs.withdrawals import WithdrawalStatus

from .cast import ADMIN, DAY, cheap_order, usd

PAYPAL = PayoutMethod.paypal("sara@paypal.com")
BANK = PayoutMethod.bank_transfer("SA03 8000 0000 6080 1016 7519")


def earning(market):
    """A seller with $20 of cleared earnings and two payout methods."""
    seller, buyer, order = cheap_order(market)
    market.deliver(seller, order, "تم", key="d")
    market.accept(buyer, order, key="a")
    market.tick(market.clock.now() + 14 * DAY)
    market.set_payout_methods(seller, [PAYPAL, BANK], key="pm")
    return seller, buyer


def money_of(market, seller):
    member = seller.member_id
    return (
        market.balance(lg.available(member)),
        market.balance(lg.withdrawing(member)),
        market.balance(lg.payouts()),
    )


def test_a_withdrawal_goes_to_the_method_the_seller_chose_and_waits_in_the_queue(market):
    seller, _buyer = earning(market)
    to_bank = market.request_withdrawal(seller, usd(10), method=BANK, key="w-1")
    market.clock.advance(DAY)
    to_paypal = market.request_withdrawal(seller, usd(10), key="w-2")  # the first method
    mine = market.withdrawals(seller)
    assert [to_paypal, to_bank] == [w.id for w in mine]  # newest first
    assert [PAYPAL, BANK] == [w.method for w in mine]
    assert [usd(10), usd(10)] == [w.amount for w in mine]
    assert {WithdrawalStatus.REQUESTED} == {w.status for w in mine}
    assert [to_bank, to_paypal] == [w.id for w in market.payout_queue(ADMIN)]  # oldest first
    assert (usd(0), usd(20), usd(0)) == money_of(market, seller)


def test_a_method_given_as_typed_is_matched_as_stored(market):
    seller, _buyer = earning(market)
    typed = PayoutMethod(PayoutKind.PAYPAL, "Sara@PayPal.com")  # not normalised by a factory
    withdrawal = market.request_withdrawal(seller, usd(10), method=typed, key="w")
    assert PAYPAL == market.withdrawals(seller)[0].method
    assert withdrawal == market.withdrawals(seller)[0].id


def test_a_method_that_is_not_the_sellers_changes_nothing(market):
    seller, _buyer = earning(market)
    before = money_of(market, seller)
    with pytest.raises(NotFound) as refused:
        market.request_withdrawal(
            seller, usd(10), method=PayoutMethod.paypal("thief@example.com"), key="w"
        )
    assert "thief@example.com" in str(refused.value)
    with pytest.raises(InvalidType):
        market.request_withdrawal(seller, usd(10), method="sara@paypal.com", key="w2")  # type: ignore[arg-type]
    with pytest.raises(InvalidType):  # a kind given as text, in a withdrawal or a method list
        market.request_withdrawal(
            seller,
            usd(10),
            method=PayoutMethod("paypal", "sara@paypal.com"),
            key="w3",  # type: ignore[arg-type]
        )
    with pytest.raises(InvalidType):
        market.set_payout_methods(seller, [PayoutMethod("paypal", "a@b.co")], key="pm-text")  # type: ignore[arg-type]
    assert before == money_of(market, seller)
    assert [] == market.withdrawals(seller)


def test_paid_leaves_the_platform_failed_comes_back_each_settled_once(market):
    seller, _buyer = earning(market)
    paid = market.request_withdrawal(seller, usd(10), key="w-1")
    failed = market.request_withdrawal(seller, usd(10), key="w-2")
    market.settle_withdrawal(ADMIN, paid, paid=True, key="s-1")
    market.settle_withdrawal(Actor.system(), failed, paid=False, key="s-2")
    assert (usd(10), usd(0), usd(10)) == money_of(market, seller)
    statuses = {w.id: w.status for w in market.withdrawals(seller)}
    assert {paid: WithdrawalStatus.PAID, failed: WithdrawalStatus.FAILED} == statuses
    assert [] == market.payout_queue(ADMIN)
    for withdrawal, answer in ((paid, False), (failed, True)):
        with pytest.raises(WithdrawalSettled):
            market.settle_withdrawal(ADMIN, withdrawal, paid=answer, key=f"again-{withdrawal}")
    assert (usd(10), usd(0), usd(10)) == money_of(market, seller)
    # the same answer under the same key is a replay: it changes nothing either
    market.settle_withdrawal(ADMIN, paid, paid=True, key="s-1")
    assert (usd(10), usd(0), usd(10)) == money_of(market, seller)


def test_who_may_read_and_settle_withdrawals(market):
    seller, buyer = earning(market)
    withdrawal = market.request_withdrawal(seller, usd(10), key="w")
    with pytest.raises(PermissionDenied):
        market.withdrawals(buyer, seller.member_id)
    with pytest.raises(PermissionDenied):
        market.payout_queue(seller)
    with pytest.raises(PermissionDenied):
        market.settle_withdrawal(seller, withdrawal, paid=True, key="s")
    assert [withdrawal] == [w.id for w in market.withdrawals(ADMIN, seller.member_id)]
    assert [] == market.withdrawals(buyer)
    with pytest.raises(NotFound):
        market.withdrawals(ADMIN, WithdrawalId("nobody"))  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        market.settle_withdrawal(ADMIN, WithdrawalId("nobody"), paid=True, key="s-none")


def test_a_suspended_sellers_requested_withdrawal_is_still_paid_out(market):
    # the money was set aside before the suspension: the provider's answer still lands
    seller, _buyer = earning(market)
    withdrawal = market.request_withdrawal(seller, usd(10), key="w")
    market.suspend_member(ADMIN, seller.member_id, "مخالفة الشروط", key="sus")
    with pytest.raises(MemberSuspended):
        market.request_withdrawal(seller, usd(10), key="w-2")
    market.settle_withdrawal(ADMIN, withdrawal, paid=True, key="s")
    assert (usd(10), usd(0), usd(10)) == money_of(market, seller)


def test_two_answers_at_once_settle_once_and_the_other_is_told_so(market):
    # a hostile review (2026-12-06): on SQLite the loser of "paid" against "failed" was told
    # InsufficientFunds, what its posting found, not that the withdrawal moved on
    seller, _buyer = earning(market)
    for trial in range(2):  # $20 earned: two withdrawals of $10, whatever the answers
        withdrawal = market.request_withdrawal(seller, usd(10), key=f"race-{trial}")
        barrier, told = threading.Barrier(2), []
        threads = [
            threading.Thread(
                target=_answer,
                kwargs={
                    "market": market,
                    "withdrawal": withdrawal,
                    "actor": actor,
                    "paid": paid,
                    "barrier": barrier,
                    "told": told,
                },
            )
            for actor, paid in ((ADMIN, True), (Actor.system(), False))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # one answer took, the other was told so (another error leaves `told` one short)
        assert (2, 1) == (len(told), told.count(None)), told
        (settled,) = [w for w in market.withdrawals(seller) if w.id == withdrawal]
        assert settled.status is not WithdrawalStatus.REQUESTED
    assert [] == market.audit(ADMIN)


def _answer(*, market, withdrawal, actor, paid, barrier, told):
    barrier.wait()
    try:
        market.settle_withdrawal(actor, withdrawal, paid=paid, key=f"answer-{withdrawal}-{paid}")
        told.append(None)
    except (WithdrawalSettled, StaleWrite) as error:
        told.append(type(error))


def test_a_seller_cancels_a_withdrawal_not_yet_paid_out_and_the_money_is_back(market):
    # a hostile review (2026-12-06): a seller who removed a compromised payout account could
    # not stop a withdrawal on its way to it
    seller, buyer = earning(market)
    withdrawal = market.request_withdrawal(seller, usd(10), key="w")
    market.set_payout_methods(seller, [BANK], key="pm-2")  # the PayPal account is gone
    with pytest.raises(PermissionDenied):
        market.cancel_withdrawal(buyer, withdrawal, key="c-other")
    with pytest.raises(PermissionDenied):
        market.cancel_withdrawal(ADMIN, withdrawal, key="c-admin")
    market.cancel_withdrawal(seller, withdrawal, key="c")
    market.cancel_withdrawal(seller, withdrawal, key="c")  # a replay: nothing more
    assert (usd(20), usd(0), usd(0)) == money_of(market, seller)
    assert WithdrawalStatus.CANCELLED is market.withdrawals(seller)[0].status
    assert [] == market.payout_queue(ADMIN)
    with pytest.raises(WithdrawalSettled):  # answered: nothing to pay any more
        market.settle_withdrawal(ADMIN, withdrawal, paid=True, key="s")
    paid = market.request_withdrawal(seller, usd(10), key="w-2")
    market.settle_withdrawal(ADMIN, paid, paid=True, key="s-2")
    with pytest.raises(WithdrawalSettled):  # paid out: too late to cancel
        market.cancel_withdrawal(seller, paid, key="c-2")
    assert (usd(10), usd(0), usd(10)) == money_of(market, seller)
    assert [] == market.audit(ADMIN)
