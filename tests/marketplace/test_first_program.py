"""What a first program written from the docs tripped on: each call answers as documented.

Found by a new user's walk-through: an admin's dashboard said "No member with the key
staff", an offer of another seller's service said it did not exist, an unknown seller had
an empty level history, and Arabic messages carried English words ("both", "one of …").
Each refusal changes nothing.
"""

from __future__ import annotations

import re

import pytest
from cast import ADMIN, another, cast, open_request, usd

from microgigs import KHAMSAT, Money
from microgigs import ledger as lg
from microgigs.catalog import service_refusals
from microgigs.errors import (
    InvalidAmount,
    InvalidType,
    MemberNotSuspended,
    MemberSuspended,
    NotFound,
    PermissionDenied,
    RefundNotExpected,
    UnknownChoice,
)
from microgigs.ids import CategoryId, MemberId
from microgigs.l10n import translate_error
from microgigs.members import MemberStatus
from microgigs.orders import REASON_LENGTH, OrderEvent
from microgigs.projects import ProjectTerms
from microgigs.requests import request_refusals

LATIN_WORD = re.compile(r"\b(both|one of|or|other)\b")


def test_an_admin_has_no_dashboard_nor_profile_of_their_own(market):
    # docs/marketplace.md: a member's own pages are refused to an admin (PermissionDenied)
    cast(market)
    with pytest.raises(PermissionDenied):
        market.dashboard(ADMIN)
    with pytest.raises(PermissionDenied):
        market.update_profile(ADMIN, bio="نبذة")


def test_an_offer_of_another_sellers_service_is_refused_as_not_theirs(market):
    seller, buyer, service = cast(market)
    rival = another(market, "omar", "عمر", "سعيد")
    request = open_request(market, buyer)
    with pytest.raises(PermissionDenied) as refused:
        market.make_offer(rival, request, "خدمة سارة تناسب طلبك", service_id=service, key="of")
    assert "offer another seller's service" == refused.value.action
    assert () == tuple(market.requests_page(buyer).mine[0].offers)
    # a service and custom terms at once: said in the reader's language, "both" too
    with pytest.raises(InvalidType) as both:
        market.make_offer(
            seller, request, "خدمتي تناسب طلبك", service_id=service, price=usd(10), key="of2"
        )
    arabic = translate_error(both.value, "ar")
    assert "الأمرين معًا" in arabic
    assert not LATIN_WORD.search(arabic), arabic


def test_the_level_history_of_nobody_is_not_found_not_empty(market):
    seller, _buyer, _service = cast(market)
    assert [] == market.level_history(seller.member_id)  # a new seller: none yet
    with pytest.raises(NotFound):
        market.level_history(MemberId("ghost"))


def test_payout_methods_given_as_text_say_what_was_given(market):
    seller, _buyer, _service = cast(market)
    with pytest.raises(InvalidType) as wrong:
        market.set_payout_methods(seller, ["sara@paypal.example"])
    assert "payout methods must be PayoutMethod, not str." == str(wrong.value)
    assert () == market.member(seller).payout_methods


def test_money_with_a_number_that_is_not_money_is_a_typed_error():
    five = Money.of(5, "USD")
    for wrong in (lambda: five + 5, lambda: 5 + five, lambda: five - 5, lambda: 5 - five):
        with pytest.raises(InvalidType) as refused:
            wrong()
        assert "the other amount must be Money, not int." == str(refused.value)
    assert Money.of(10, "USD") == sum([five, five])


@pytest.mark.parametrize("typed", ["abc", "NaN", "1,000", "true"])
def test_an_amount_that_is_no_number_is_not_told_about_decimals(typed):
    with pytest.raises(InvalidAmount) as refused:
        Money.of(typed, "USD")
    said = str(refused.value)
    assert f"{typed} is not a valid amount of USD: a number with at most 2 decimals." == said
    assert "رقمًا" in translate_error(refused.value, "ar")


def test_a_dispute_outcome_given_as_text_or_as_another_event_says_which_are_taken(market):
    _seller, buyer, service = cast(market)
    market.top_up(buyer, usd(100), lg.Gateway.CARD, key="t")
    market.add_to_cart(buyer, service, key="c")
    (order,) = market.checkout(buyer, key="k")
    market.send_message(buyer, order, "التعليمات", key="s")
    market.report_problem(buyer, order, "لم يصلني شيء", key="p")
    with pytest.raises(InvalidType) as text:
        market.resolve_dispute(ADMIN, order, "resolve_complete")
    assert "outcome must be OrderEvent, not str." == str(text.value)
    with pytest.raises(UnknownChoice) as other:
        market.resolve_dispute(ADMIN, order, OrderEvent.DELIVER)
    assert OrderEvent.RESOLVE_COMPLETE in other.value.choices
    assert "close the dispute as completed" in str(other.value)
    with pytest.raises(RefundNotExpected) as refund:
        market.resolve_dispute(ADMIN, order, OrderEvent.RESOLVE_COMPLETE, usd(2))
    assert str(refund.value).endswith("not with «close the dispute as completed».")
    assert "disputed" == market.order(ADMIN, order).status.value


def test_suspending_twice_or_reinstating_a_member_in_good_standing_is_refused(market):
    seller, _buyer, _service = cast(market)
    with pytest.raises(MemberNotSuspended):
        market.reinstate_member(ADMIN, seller.member_id)
    market.suspend_member(ADMIN, seller.member_id, "احتيال", key="s1")
    with pytest.raises(MemberSuspended):
        market.suspend_member(ADMIN, seller.member_id, "سبب آخر", key="s2")
    member = market.member(ADMIN, seller.member_id)
    assert (MemberStatus.SUSPENDED, "احتيال") == (member.status, member.suspension_reason)
    assert "الحساب" in translate_error(MemberNotSuspended(member_id="x"), "ar")


# A new user (2026-12-08) passed the marketplace's policy where a form's refusals take the
# policy of their part, as one line of the docs wrote it: a bare AttributeError.
@pytest.mark.parametrize(
    "refusals",
    [
        lambda policy: ProjectTerms(
            category_id=CategoryId("logo-design"),
            title="قصير",
            description="قصير",
            bracket=9,
            duration_days=0,
        ).refusals(policy, MemberId("client")),
        lambda policy: service_refusals(
            policy,
            title="",
            description="قصير",
            instructions="",
            base_price=usd(5),
            delivery_days=1,
        ),
        lambda policy: request_refusals(policy, title="شعار", description="قصير"),
    ],
    ids=["project", "service", "request"],
)
def test_a_forms_refusals_given_the_whole_policy_say_which_policy_they_take(refusals):
    with pytest.raises(InvalidType) as wrong:
        refusals(KHAMSAT)
    assert "policy" in translate_error(wrong.value, "en")


def test_an_orders_reason_length_is_public():
    assert (1, 2000) == REASON_LENGTH
