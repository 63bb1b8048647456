"""The worker's notices: each order's and each contract's people told what moved, once.

A walk-through (2026-12-07): nothing told a seller that an order or a request to cancel
waited for her; a probe of the notices then found contracts told nothing at all.
"""

from __future__ import annotations

from datetime import timedelta

from notices import notify

from microgigs import KHAMSAT, Actor, Money, bootstrap
from microgigs.ids import CategoryId, MemberId
from microgigs.ledger import Gateway
from microgigs.policy import UPWORK_LIKE
from microgigs.projects import MilestonePlan, Resolution

ADMIN = Actor.admin(MemberId("staff"))
TITLE = "هوية بصرية لمتجر عطور"


def member(market, name):
    return Actor.member(market.register_member(
        username=name, email=f"{name}@example.com", first_name="اسم", family_name="عائلة"
    ))  # fmt: skip


def bid_on(policy=KHAMSAT):
    """A marketplace, a client, a freelancer, the client's open project and the bid on it."""
    market = bootstrap(":memory:", policy=policy)
    client, freelancer = member(market, "client"), member(market, "freelancer")
    project = market.post_project(
        client, category_id=CategoryId("logo-design"), title=TITLE,
        description="شعار وألوان وخطوط ودليل استخدام لمتجر عطور جديد.", bracket=5,
        duration_days=30,
    )  # fmt: skip
    market.moderate_project(ADMIN, project)
    bid = market.place_bid(
        freelancer, project, amount=Money.of(1200, "USD"), delivery_days=20,
        text="أنجز الهوية كاملة بإتقان.",
    )  # fmt: skip
    return market, client, freelancer, project, bid


def test_a_contracts_moves_are_mailed_to_the_side_they_wait_for():
    market, client, freelancer, project, bid = bid_on()
    mailed: list[tuple[str, str, str]] = []

    def told() -> list[tuple[str, str]]:
        notify(market, lambda to, subject, body: mailed.append((to, subject, body)), "")
        said = [(to, subject.split(" / ")[0]) for to, subject, _body in mailed]
        mailed.clear()
        return said

    told()  # the project's own events pass untold
    contract = market.hire_bid(client, project, bid)
    assert [("freelancer@example.com", "عرض عمل بانتظار ردك")] == told()
    market.answer_offer(freelancer, contract, accept=True)
    assert [("client@example.com", "قبل المستقل عرضك: موّل دفعة")] == told()
    market.top_up(client, Money.of(1500, "USD"), Gateway.CARD)
    market.fund_milestone(client, contract, 1)
    assert [("freelancer@example.com", "مُوّلت دفعة: ابدأ العمل")] == told()
    market.submit_milestone(freelancer, contract, 1, "تم")
    notify(market, lambda to, subject, body: mailed.append((to, subject, body)), "https://x")
    ((to, _subject, body),) = mailed
    assert "client@example.com" == to
    assert f"سُلّمت دفعة: راجعها: {TITLE}" in body
    assert f"https://x/contracts/{contract}" in body
    market.close()


# A hostile review (2026-12-08): a client's early end was mailed to nobody (the freelancer's
# days to answer ran out unseen), each milestone approved told both sides "the contract
# ended", and a request to cancel went to whoever the contract named when the worker ran.
def hired(plans=(), *, answered=True):
    market, client, freelancer, project, bid = bid_on(UPWORK_LIKE)
    contract = market.hire_bid(client, project, bid, milestones=list(plans))
    if answered:
        market.answer_offer(freelancer, contract, accept=True)
    market.top_up(client, Money.of(1500, "USD"), Gateway.CARD)
    mailed: list[tuple[str, str]] = []

    def told() -> list[tuple[str, str]]:
        notify(market, lambda to, subject, _body: mailed.append((to, subject)), "")
        said = [(to.split("@")[0], subject.split(" / ")[1]) for to, subject in mailed]
        mailed.clear()
        return said

    told()
    return market, client, freelancer, contract, told


def both(words):
    """What both sides of the contract are told, the client first."""
    return [("client", words), ("freelancer", words)]


def test_a_milestone_approved_tells_the_freelancer_it_was_earned_not_that_the_contract_ended():
    plans = [MilestonePlan("أ", Money.of(600, "USD")), MilestonePlan("ب", Money.of(600, "USD"))]
    market, client, freelancer, contract, told = hired(plans)
    market.fund_milestone(client, contract, 1)
    market.submit_milestone(freelancer, contract, 1, "تم")
    told()
    market.approve_milestone(client, contract, 1)
    assert [("freelancer", "A milestone approved: you earned")] == told()
    market.fund_milestone(client, contract, 2)
    market.submit_milestone(freelancer, contract, 2, "تم")
    told()
    market.tick(market.clock.now() + timedelta(days=30))  # approves itself: the last one
    # the contract completed: both are told, the client's money left escrow (a review: the
    # client was told nothing)
    assert both("The contract completed: review the other side") == told()


def test_an_early_end_is_told_to_the_freelancer_and_their_answer_to_the_client():
    market, client, freelancer, contract, told = hired()
    market.fund_milestone(client, contract, 1)
    told()
    market.end_contract(client, contract, "لم أعد بحاجة")
    assert [("freelancer", "The client ended the contract: answer in time")] == told()
    market.answer_end(freelancer, contract, agree=False, reason="سلّمت نصف العمل")
    assert both("The freelancer disputed the end") == told()
    market.resolve_milestone(ADMIN, contract, 1, Resolution.REFUND)
    assert both("An admin decided the dispute") == told()


def test_an_early_end_unanswered_tells_both_that_the_money_went_back():
    market, client, _freelancer, contract, told = hired()
    market.fund_milestone(client, contract, 1)
    market.end_contract(client, contract, "لم أعد بحاجة")
    told()
    market.tick(market.clock.now() + timedelta(days=8))
    assert both("The money held went back to the client") == told()


def test_a_request_to_cancel_is_told_to_the_side_that_did_not_ask_it():
    market, client, freelancer, contract, told = hired()
    market.fund_milestone(client, contract, 1)
    told()
    market.ask_to_cancel_contract(client, contract)
    market.take_back_cancellation(client, contract)
    market.ask_to_cancel_contract(freelancer, contract)
    assert [("freelancer", "A request to cancel"), ("client", "A request to cancel")] == told()
    market.answer_contract_cancellation(client, contract, agree=False)
    assert [("freelancer", "Cancelling was refused")] == told()
    market.ask_to_cancel_contract(client, contract)
    market.answer_contract_cancellation(freelancer, contract, agree=True)
    assert [
        ("freelancer", "A request to cancel"),
        *both("The contract ended by agreement"),
    ] == told()


def test_a_proposal_answered_is_told_to_the_side_that_proposed():
    market, client, freelancer, contract, told = hired()
    plans = [MilestonePlan("أ", Money.of(600, "USD")), MilestonePlan("ب", Money.of(600, "USD"))]
    market.propose_milestones(freelancer, contract, plans)
    assert [("client", "A proposal")] == told()
    market.answer_proposal(client, contract, agree=False)
    assert [("freelancer", "Your proposal was refused")] == told()
    market.propose_milestones(client, contract, plans)
    market.answer_proposal(freelancer, contract, agree=True)
    assert [("freelancer", "A proposal"), ("client", "Your proposal was agreed")] == told()


def test_an_offer_lapsed_is_told_to_the_client():
    market, _client, _freelancer, _contract, told = hired(answered=False)
    market.tick(market.clock.now() + timedelta(days=31))
    assert [("client", "Your offer lapsed unanswered")] == told()


def test_an_admins_release_of_the_last_milestone_tells_both_the_contract_completed():
    # a review (2026-12-08): completed by an admin's decision, the contract said only that an
    # admin decided, and nothing listening for contract.completed heard of it
    market, client, freelancer, contract, told = hired()
    market.fund_milestone(client, contract, 1)
    market.submit_milestone(freelancer, contract, 1, "تم")
    market.dispute_milestone(client, contract, 1, "الشعار لا يطابق الوصف")
    told()
    market.resolve_milestone(ADMIN, contract, 1, Resolution.RELEASE)
    assert [
        *both("An admin decided the dispute"),
        *both("The contract completed: review the other side"),
    ] == told()
