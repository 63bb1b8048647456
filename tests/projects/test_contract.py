"""The contract and its milestones (RULES.md §11): escrow, approval, disputes, ending early."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microgigs.actors import Actor
from microgigs.errors import (
    InvalidRefund,
    InvalidType,
    MilestonesMismatch,
    OutOfRange,
    PermissionDenied,
    ProjectStatusConflict,
    RatingsMismatch,
)
from microgigs.ids import ContractId, ProjectId
from microgigs.l10n import translate_error
from microgigs.money import Money
from microgigs.policy import (
    FIVERR_LIKE_PROJECTS,
    KHAMSAT,
    MOSTAQL_PROJECTS,
    UPWORK_LIKE_PROJECTS,
)
from microgigs.projects import (
    CHANGE_REQUESTS_MAX,
    CLIENT_ASPECTS,
    Aspect,
    AspectRating,
    Contract,
    ContractStatus,
    MilestonePlan,
    MilestoneStatus,
    Resolution,
    Settlement,
)

from .conftest import ADMIN, CLIENT, FREELANCER, NOW, OTHER, active_contract, usd

C, F = Actor.member(CLIENT), Actor.member(FREELANCER)
THREE = (
    MilestonePlan("الشعار", usd(400)),
    MilestonePlan("الألوان والخطوط", usd(300)),
    MilestonePlan("دليل الاستخدام", usd(500)),
)


def offer(plans: tuple[MilestonePlan, ...], total: Money, policy=MOSTAQL_PROJECTS) -> Contract:  # type: ignore[no-untyped-def]
    return Contract.offer(
        ContractId("c1"),
        project_id=ProjectId("p1"),
        client_id=CLIENT,
        freelancer_id=FREELANCER,
        total=total,
        delivery_days=20,
        plans=plans,
        now=NOW,
        policy=policy,
    )


def test_mostaql_holds_the_whole_project_in_one_milestone() -> None:
    with pytest.raises(MilestonesMismatch):
        offer(THREE, usd(1200))
    assert [m.amount for m in offer(THREE[:1], usd(400)).milestones] == [usd(400)]


@pytest.mark.parametrize(
    "plans",
    [
        (MilestonePlan("أ", usd(600)), MilestonePlan("ب", usd(599))),  # short of the total
        (MilestonePlan("أ", usd(1196)), MilestonePlan("ب", usd("4.00"))),  # below $5
        tuple(MilestonePlan(str(n), usd(100)) for n in range(12)),  # more than 10
    ],
)
def test_milestones_sum_to_the_total_each_at_least_the_minimum(
    plans: tuple[MilestonePlan, ...],
) -> None:
    with pytest.raises(MilestonesMismatch):
        offer(plans, usd(1200), UPWORK_LIKE_PROJECTS)


def test_milestones_short_of_the_total_say_what_they_add_up_to() -> None:
    # a walk-through: the refusal named the total needed, not the sum typed, so the client
    # had to add the amounts up again to find the difference
    plans = (MilestonePlan("أ", usd(600)), MilestonePlan("ب", usd(580)))
    with pytest.raises(MilestonesMismatch) as short:
        offer(plans, usd(1200), UPWORK_LIKE_PROJECTS)
    assert usd(1180) == short.value.given
    english = translate_error(short.value, "en")
    assert english.startswith("The milestones add up to $1,180.00; they must add up to $1,200.00")
    arabic = translate_error(short.value, "ar")
    assert arabic.startswith("مجموع الدفعات \u200f1,180.00\xa0US$، ويجب أن يساوي"), arabic
    with pytest.raises(MilestonesMismatch) as few:  # not a question of the sum: said as before
        offer(tuple(MilestonePlan(str(n), usd(100)) for n in range(12)), usd(1200),
              UPWORK_LIKE_PROJECTS)  # fmt: skip
    assert few.value.given is None


def test_a_milestone_of_the_wrong_type_or_amount_says_which() -> None:
    # a probe (2026-12-06): "milestones must be MilestonePlan, not MilestonePlan."
    with pytest.raises(InvalidType) as amount:
        offer((MilestonePlan("أ", "1200"),), usd(1200))  # type: ignore[arg-type]
    assert "milestone amount must be Money, not str." == str(amount.value)
    with pytest.raises(InvalidType) as plan:
        offer(("أ",), usd(1200))  # type: ignore[arg-type]
    assert "milestones must be MilestonePlan, not str." == str(plan.value)


def test_fiverr_like_takes_up_to_six_milestones() -> None:
    six = tuple(MilestonePlan(str(n), usd(200)) for n in range(6))
    assert len(offer(six, usd(1200), FIVERR_LIKE_PROJECTS).milestones) == 6
    with pytest.raises(MilestonesMismatch):
        offer((*six, MilestonePlan("7", usd(200))), usd(1400), FIVERR_LIKE_PROJECTS)


def test_an_offer_is_accepted_declined_or_lapses_after_30_days() -> None:
    declined = offer(THREE[:1], usd(400))
    with pytest.raises(PermissionDenied):
        declined.accept(C, NOW)
    declined.decline(F, NOW)
    assert declined.status is ContractStatus.DECLINED
    lapsing = offer(THREE[:1], usd(400))
    assert lapsing.next_due_at == NOW + timedelta(days=30)
    assert not lapsing.lapse(NOW + timedelta(days=29))
    assert lapsing.lapse(NOW + timedelta(days=30))
    with pytest.raises(ProjectStatusConflict):
        lapsing.accept(F, NOW + timedelta(days=30))
    assert not lapsing.lapse(NOW + timedelta(days=31))


def test_work_goes_funded_submitted_changes_submitted_approved() -> None:
    contract = active_contract()
    with pytest.raises(ProjectStatusConflict):  # not funded yet: no work
        contract.submit(F, 1, "التسليم الأول", now=NOW, policy=MOSTAQL_PROJECTS)
    contract.fund(C, 1, NOW)
    contract.submit(F, 1, "التسليم الأول", now=NOW, policy=MOSTAQL_PROJECTS, files=("logo.png",))
    assert contract.milestone(1).approve_by == NOW + timedelta(days=14)
    contract.request_changes(C, 1, "غيّر اللون الأساسي", NOW)
    assert (contract.milestone(1).status, contract.next_due_at) == (
        MilestoneStatus.CHANGES_REQUESTED,
        None,
    )
    # the submission's message is kept beside the request, each with who wrote it
    assert [
        (MilestoneStatus.SUBMITTED, F.member_id, "التسليم الأول", ("logo.png",)),
        (MilestoneStatus.CHANGES_REQUESTED, C.member_id, "غيّر اللون الأساسي", ()),
    ] == [(n.status, n.author_id, n.text, n.files) for n in contract.milestone(1).history]
    assert "غيّر اللون الأساسي" == contract.milestone(1).note  # the latest
    with pytest.raises(PermissionDenied):  # the freelancer cannot complete alone
        contract.approve(F, 1, NOW)
    contract.submit(F, 1, "التسليم الثاني", now=NOW, policy=MOSTAQL_PROJECTS)
    settled = contract.approve(C, 1, NOW)
    assert settled == [Settlement(1, contract.escrow_of(1), usd(0), usd(1200), usd(0), usd(0))]
    assert contract.status is ContractStatus.COMPLETED


def test_auto_approval_after_the_policy_days_exactly_once() -> None:
    contract = active_contract(policy=FIVERR_LIKE_PROJECTS)
    contract.fund(C, 1, NOW)
    contract.submit(F, 1, "تم", now=NOW, policy=FIVERR_LIKE_PROJECTS)
    assert contract.auto_approve(NOW + timedelta(days=8) - timedelta(seconds=1)) == []
    due = NOW + timedelta(days=8)
    assert contract.next_due_at == due
    assert [s.released for s in contract.auto_approve(due)] == [usd(1200)]
    assert contract.auto_approve(due + timedelta(days=1)) == []
    assert (contract.status, contract.next_due_at) == (ContractStatus.COMPLETED, None)


def test_a_dispute_is_per_milestone_and_freezes_its_timer() -> None:
    contract = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    for number in (1, 2):
        contract.fund(C, number, NOW)
        contract.submit(F, number, "تم", now=NOW, policy=UPWORK_LIKE_PROJECTS)
    contract.dispute(C, 2, "الألوان لا تطابق الوصف", NOW + timedelta(hours=1))
    assert contract.milestone(2).approve_by is None
    assert NOW + timedelta(hours=1) == contract.disputed_since
    later = NOW + timedelta(days=14)
    assert [s.number for s in contract.auto_approve(later)] == [1]  # undisputed still releases
    with pytest.raises(PermissionDenied):
        contract.resolve(C, 2, Resolution.RELEASE, later)
    with pytest.raises(InvalidRefund):
        contract.resolve(ADMIN, 2, Resolution.SPLIT, later, usd(300))
    [split] = contract.resolve(ADMIN, 2, Resolution.SPLIT, later, usd(100))
    assert (split.refunded, split.released) == (usd(100), usd(200))
    assert contract.milestone(2).status is MilestoneStatus.SPLIT


def test_a_note_added_to_a_dispute_keeps_the_milestones_own_note() -> None:
    # a hostile review: on a milestone stored before its history was kept, the note was
    # the dispute's only reason, and the first note added to the dispute replaced it
    contract = active_contract()
    contract.fund(C, 1, NOW)
    contract.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS, files=("logo.pdf",))
    contract.dispute(C, 1, "الشعار لا يطابق الوصف", NOW)
    older = attrs.evolve(contract.milestone(1), history=())  # as a document before the field
    contract.milestones = [older]
    contract.add_dispute_note(F, 1, "طابقته بندًا بندًا", NOW, ("draft.pdf",))
    kept = contract.milestone(1)
    assert ("الشعار لا يطابق الوصف", ("logo.pdf",)) == (kept.note, kept.files)
    assert [("طابقته بندًا بندًا", True)] == [(n.text, n.added_to_dispute) for n in kept.history]


def test_a_submission_past_its_days_for_an_answer_approves_itself_and_nothing_else() -> None:
    # a hostile review: before tick ran, the client could still ask for changes, dispute or
    # end the contract on a submission whose days had passed, and the release due to the
    # freelancer never came
    contract = active_contract()
    contract.fund(C, 1, NOW)
    contract.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS)
    due = contract.milestone(1).approve_by
    assert due is not None
    for refused in (
        lambda: contract.request_changes(C, 1, "غيّر اللون الأساسي", due),
        lambda: contract.dispute(C, 1, "الشعار لا يطابق الوصف", due),
        lambda: contract.dispute(F, 1, "الشعار يطابق الوصف", due),
        lambda: contract.end(C, "تغيرت خطتنا", due, MOSTAQL_PROJECTS),
    ):
        before = attrs.asdict(contract)
        with pytest.raises(ProjectStatusConflict) as refused_as:
            refused()
        assert before == attrs.asdict(contract)
        assert "milestone 1: it is past its days for an answer, and approves itself" in (
            translate_error(refused_as.value, "en")
        )
        assert "تجاوزت" in translate_error(refused_as.value, "ar")
    assert [s.released for s in contract.auto_approve(due)] == [usd(1200)]
    in_time = active_contract()
    in_time.fund(C, 1, NOW)
    in_time.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS)
    in_time.request_changes(C, 1, "غيّر اللون الأساسي", due - timedelta(seconds=1))
    assert MilestoneStatus.CHANGES_REQUESTED is in_time.milestone(1).status


def test_a_dispute_past_the_days_to_answer_an_early_end_is_refused() -> None:
    # a hostile review: the freelancer disputed after the days to answer an early end, and
    # the refund due to the client was held by a dispute that came too late
    contract = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    contract.fund(C, 1, NOW)
    contract.end(C, "تغيرت خطتنا", NOW, UPWORK_LIKE_PROJECTS)
    past = contract.end_refund_at
    assert past is not None
    before = attrs.asdict(contract)
    with pytest.raises(ProjectStatusConflict) as refused:
        contract.dispute(F, 1, "العمل سُلّم", past)
    assert before == attrs.asdict(contract)
    assert "past the days to answer its early end" in translate_error(refused.value, "en")
    assert [s.refunded for s in contract.end_timeout(past)] == [usd(400)]
    heard = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    heard.fund(C, 1, NOW)
    heard.end(C, "تغيرت خطتنا", NOW, UPWORK_LIKE_PROJECTS)
    heard.dispute(F, 1, "العمل سُلّم", past - timedelta(seconds=1))
    assert MilestoneStatus.DISPUTED is heard.milestone(1).status


def test_changes_are_asked_for_at_most_ten_times_a_milestone() -> None:
    # a hostile review: submissions and requests for changes grew a contract's history
    # without end (5 MB after 600 rounds), each command writing it whole
    contract = active_contract()
    contract.fund(C, 1, NOW)
    for _ in range(CHANGE_REQUESTS_MAX):
        assert contract.milestone(1).changes_left
        contract.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS)
        contract.request_changes(C, 1, "عدّل الألوان", NOW)
    contract.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS)
    assert 0 == contract.milestone(1).changes_left
    before = attrs.asdict(contract)
    with pytest.raises(OutOfRange) as refused:
        contract.request_changes(C, 1, "عدّل الألوان", NOW)
    assert before == attrs.asdict(contract)
    assert "requests for changes to one milestone must be between 1 and 10; 11 is not." == (
        translate_error(refused.value, "en")
    )
    contract.dispute(C, 1, "ما زالت الألوان خاطئة", NOW)  # then approved or disputed
    assert 2 * CHANGE_REQUESTS_MAX + 2 == len(contract.milestone(1).history)


def test_ending_early_refunds_after_the_freelancer_agrees() -> None:
    contract = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    contract.fund(C, 1, NOW)
    contract.end(C, "تغيرت خطتنا", NOW, UPWORK_LIKE_PROJECTS)
    assert contract.status is ContractStatus.ENDING
    [back] = contract.answer_end(F, NOW, agree=True)
    assert (back.refunded, contract.status) == (usd(400), ContractStatus.ENDED)


def test_ending_early_refunds_by_itself_after_7_days_unless_disputed() -> None:
    quiet = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    quiet.fund(C, 1, NOW)
    quiet.end(C, "تغيرت خطتنا", NOW, UPWORK_LIKE_PROJECTS)
    assert quiet.next_due_at == NOW + timedelta(days=7)
    assert quiet.end_timeout(NOW + timedelta(days=6)) == []
    assert [s.refunded for s in quiet.end_timeout(NOW + timedelta(days=7))] == [usd(400)]
    assert quiet.status is ContractStatus.ENDED
    disputed = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    disputed.fund(C, 1, NOW)
    disputed.end(C, "تغيرت خطتنا", NOW, UPWORK_LIKE_PROJECTS)
    assert disputed.answer_end(F, NOW, agree=False, reason="العمل سُلّم") == []
    assert disputed.end_timeout(NOW + timedelta(days=8)) == []
    assert disputed.milestone(1).status is MilestoneStatus.DISPUTED
    disputed.resolve(ADMIN, 1, Resolution.RELEASE, NOW)
    assert disputed.status is ContractStatus.ENDED


def test_mutual_cancellation_asked_taken_back_and_agreed() -> None:
    contract = active_contract()
    contract.fund(C, 1, NOW)
    with pytest.raises(ProjectStatusConflict):  # none open
        contract.take_back_cancellation(F)
    with pytest.raises(ProjectStatusConflict):
        contract.answer_cancellation(C, NOW, agree=True)
    contract.ask_cancellation(F)
    with pytest.raises(PermissionDenied):
        contract.answer_cancellation(F, NOW, agree=True)  # not their own request
    with pytest.raises(PermissionDenied):
        contract.take_back_cancellation(C)  # nor the other side's to take back
    contract.take_back_cancellation(F)
    assert contract.cancellation_by is None
    contract.ask_cancellation(F)
    [back] = contract.answer_cancellation(C, NOW, agree=True)
    assert (back.refunded, contract.status) == (usd(1200), ContractStatus.CANCELLED)


def test_a_cancellation_agreed_after_paid_work_ends_the_contract_and_takes_reviews() -> None:
    # a new user's probe: $600 released, then both agreed to cancel: the contract was
    # "cancelled", as if nothing was paid, and the paid work could not be reviewed
    contract = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    contract.fund(C, 1, NOW)
    contract.submit(F, 1, "الشعار", now=NOW, policy=UPWORK_LIKE_PROJECTS)
    contract.approve(C, 1, NOW)
    contract.fund(C, 2, NOW)
    contract.ask_cancellation(F)
    [back] = contract.answer_cancellation(C, NOW, agree=True)
    assert (back.number, back.refunded, contract.status) == (2, usd(300), ContractStatus.ENDED)
    assert contract.reviews_close_at(UPWORK_LIKE_PROJECTS) == NOW + timedelta(days=14)
    review = contract.review(
        F,
        [AspectRating(Aspect.OVERALL, 5)],
        "عميل واضح",
        now=NOW,
        policy=UPWORK_LIKE_PROJECTS,
        stars=KHAMSAT.reviews,
    )
    assert review.ratings == (AspectRating(Aspect.OVERALL, 5),)


def test_unfunded_milestones_change_only_by_agreement() -> None:
    contract = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    contract.fund(C, 1, NOW)
    new = (MilestonePlan("كل الباقي", usd(800)),)
    with pytest.raises(MilestonesMismatch):
        contract.propose(F, (MilestonePlan("ناقص", usd(700)),), UPWORK_LIKE_PROJECTS)
    contract.propose(F, new, UPWORK_LIKE_PROJECTS)
    with pytest.raises(PermissionDenied):
        contract.answer_proposal(F, agree=True)
    with pytest.raises(PermissionDenied):
        contract.answer_proposal(Actor.member(OTHER), agree=True)
    contract.answer_proposal(C, agree=True)
    assert [(m.number, m.amount, m.status) for m in contract.milestones] == [
        (1, usd(400), MilestoneStatus.FUNDED),
        (4, usd(800), MilestoneStatus.PLANNED),
    ]


_STEP = st.sampled_from(
    ["fund", "submit", "changes", "approve", "dispute", "release", "refund", "split", "tick"]
)


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(st.tuples(_STEP, st.integers(1, 3)), max_size=40), end=st.booleans())
def test_funded_is_always_released_plus_refunded_plus_held(
    steps: list[tuple[str, int]], end: bool
) -> None:
    contract = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    moment = NOW
    paid_out = usd(0)
    for action, number in steps:
        moment += timedelta(days=3)
        try:
            settled = _act(contract, action, number, moment)
        except (ProjectStatusConflict, InvalidRefund):
            settled = []
        paid_out += sum((s.refunded + s.released for s in settled), usd(0))
        for part in settled:  # the fee paid goes back or is kept, to the cent
            assert part.fee_refunded + part.fee_kept == contract.milestone(part.number).fee_paid
        assert contract.funded() == contract.released() + contract.refunded() + contract.held()
        assert contract.fees() == (
            contract.fees_refunded() + contract.fees_kept() + contract.fees_held()
        )
    if end:
        contract.auto_approve(moment)  # what is due to the freelancer first: end refuses it
    if end and contract.status is ContractStatus.ACTIVE:
        contract.end(C, "انتهى", moment, UPWORK_LIKE_PROJECTS)
        contract.end_timeout(moment + timedelta(days=7))
    assert contract.funded() == contract.released() + contract.refunded() + contract.held()
    assert contract.fees() == contract.fees_refunded() + contract.fees_kept() + contract.fees_held()
    assert contract.funded() <= contract.total


def test_a_split_gives_the_fee_back_in_proportion_to_the_cent() -> None:
    contract = active_contract(THREE, UPWORK_LIKE_PROJECTS)
    fees = FIVERR_LIKE_PROJECTS.client_fees
    assert usd("16.50") == contract.fund(C, 2, NOW, fees=fees).fee
    contract.dispute(C, 2, "خلاف", NOW)
    [settled] = contract.resolve(ADMIN, 2, Resolution.SPLIT, NOW, usd("100.01"))
    # $16.50 × 100.01 / 300 = 5.5005…: the allocation rounds, the parts add up
    assert (usd("5.50"), usd("11.00")) == (settled.fee_refunded, settled.fee_kept)
    assert usd(0) == contract.fund(C, 1, NOW).fee  # no rules: no fee


def _act(contract: Contract, action: str, number: int, moment) -> list[Settlement]:  # type: ignore[no-untyped-def]
    policy = UPWORK_LIKE_PROJECTS
    if action == "fund":  # with a fee: Fiverr's 5.5%, and $3 under $100
        contract.fund(C, number, moment, fees=FIVERR_LIKE_PROJECTS.client_fees)
    elif action == "submit":
        contract.submit(F, number, "تم", now=moment, policy=policy)
    elif action == "changes":
        contract.request_changes(C, number, "عدّل", moment)
    elif action == "approve":
        return contract.approve(C, number, moment)
    elif action == "dispute":
        contract.dispute(F, number, "خلاف", moment)
    elif action in ("release", "refund"):
        return contract.resolve(ADMIN, number, Resolution(action), moment)
    elif action == "split":
        return contract.resolve(ADMIN, number, Resolution.SPLIT, moment, usd(1))
    else:
        return contract.auto_approve(moment)
    return []


def _six(stars: int = 5) -> tuple[AspectRating, ...]:
    return tuple(AspectRating(aspect, stars) for aspect in CLIENT_ASPECTS)


def test_both_sides_review_once_and_the_reviews_are_published_together() -> None:
    contract = active_contract()
    contract.fund(C, 1, NOW)
    with pytest.raises(ProjectStatusConflict):  # not finished yet
        contract.review(C, _six(), "", now=NOW, policy=MOSTAQL_PROJECTS, stars=KHAMSAT.reviews)
    contract.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS)
    contract.approve(C, 1, NOW)
    contract.review(C, _six(4), "عمل متقن", now=NOW, policy=MOSTAQL_PROJECTS, stars=KHAMSAT.reviews)
    assert contract.client_review is not None
    assert Decimal(4) == contract.client_review.stars
    assert not contract.reviews_published(NOW, MOSTAQL_PROJECTS)
    with pytest.raises(ProjectStatusConflict):
        contract.review(C, _six(), "", now=NOW, policy=MOSTAQL_PROJECTS, stars=KHAMSAT.reviews)
    overall = (AspectRating(Aspect.OVERALL, 5),)
    contract.review(
        F, overall, "عميل واضح", now=NOW, policy=MOSTAQL_PROJECTS, stars=KHAMSAT.reviews
    )
    assert contract.reviews_published(NOW, MOSTAQL_PROJECTS)


def test_one_review_is_published_when_the_14_day_window_closes() -> None:
    contract = active_contract()
    contract.fund(C, 1, NOW)
    contract.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS)
    contract.approve(C, 1, NOW)
    contract.review(C, _six(), "", now=NOW, policy=MOSTAQL_PROJECTS, stars=KHAMSAT.reviews)
    closes = NOW + timedelta(days=14)
    assert not contract.reviews_published(closes - timedelta(seconds=1), MOSTAQL_PROJECTS)
    assert contract.reviews_published(closes, MOSTAQL_PROJECTS)
    with pytest.raises(ProjectStatusConflict) as late:  # too late for the freelancer
        contract.review(
            F,
            (AspectRating(Aspect.OVERALL, 5),),
            "",
            now=closes,
            policy=MOSTAQL_PROJECTS,
            stars=KHAMSAT.reviews,
        )
    # it says why (it said "a contract that is completed", the state reviews are made in)
    assert "Cannot review a contract that is past its review window." == str(late.value)


@pytest.mark.parametrize(
    ("ratings", "error"),
    [
        # the aspects asked for, each once: the error names them
        (tuple(AspectRating(a, 5) for a in CLIENT_ASPECTS[:5]), RatingsMismatch),  # one missing
        (
            (
                *tuple(AspectRating(a, 5) for a in CLIENT_ASPECTS[:5]),
                AspectRating(Aspect.OVERALL, 5),
            ),
            RatingsMismatch,
        ),
        (tuple(AspectRating(a, 6) for a in CLIENT_ASPECTS), OutOfRange),  # six stars
        (tuple(AspectRating(a, 0) for a in CLIENT_ASPECTS), OutOfRange),
    ],
)
def test_the_client_rates_each_of_six_aspects_from_1_to_5(
    ratings: tuple[AspectRating, ...], error: type[Exception]
) -> None:
    contract = active_contract()
    contract.fund(C, 1, NOW)
    contract.submit(F, 1, "تم", now=NOW, policy=MOSTAQL_PROJECTS)
    contract.approve(C, 1, NOW)
    with pytest.raises(error):
        contract.review(C, ratings, "", now=NOW, policy=MOSTAQL_PROJECTS, stars=KHAMSAT.reviews)
    assert contract.client_review is None


def test_only_a_submitted_milestone_is_approved() -> None:
    # RULES.md §11: funded → submitted → approved; changes requested → submitted again
    contract = active_contract()
    contract.fund(C, 1, NOW)
    with pytest.raises(ProjectStatusConflict):  # nothing submitted yet
        contract.approve(C, 1, NOW)
    contract.submit(F, 1, "التسليم الأول", now=NOW, policy=MOSTAQL_PROJECTS)
    contract.request_changes(C, 1, "غيّر اللون الأساسي", NOW)
    with pytest.raises(ProjectStatusConflict):  # waiting for the changes
        contract.approve(C, 1, NOW)
    assert (contract.milestone(1).status, contract.released()) == (
        MilestoneStatus.CHANGES_REQUESTED,
        usd(0),
    )


def test_a_milestone_in_the_wrong_status_is_named_by_its_number() -> None:
    # a new user's note (2026-12-06): "Cannot fund a milestone that is funded" said not which
    contract = active_contract()
    contract.fund(C, 1, NOW)
    with pytest.raises(ProjectStatusConflict) as refused:
        contract.fund(C, 1, NOW)
    assert 1 == refused.value.number
    assert str(refused.value).startswith("Cannot ")
    assert " milestone 1: it is " in str(refused.value)


# A walk-through (2026-12-08): a contract whose work was submitted on time, waiting for the
# client's approval, read «متأخر» once its days were past.
def test_a_contract_is_late_only_while_the_work_is_in_the_freelancers_hands() -> None:
    contract = active_contract()
    assert NOW + timedelta(days=20) == contract.expected_by
    past = NOW + timedelta(days=21)
    assert not contract.late(past)  # nothing funded: no work owed yet
    contract.fund(Actor.member(CLIENT), 1, NOW)
    assert not contract.late(NOW + timedelta(days=20))
    assert contract.late(past)
    contract.submit(
        Actor.member(FREELANCER), 1, "تم", now=NOW + timedelta(days=19), policy=MOSTAQL_PROJECTS
    )
    assert not contract.late(past)  # the client's move
    contract.request_changes(Actor.member(CLIENT), 1, "عدّل الألوان", NOW + timedelta(days=20))
    assert contract.late(past)  # the freelancer's again
