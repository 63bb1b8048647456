"""The storage contract: one suite every adapter must pass, ours and yours.

Each ``check_*`` function takes a factory that opens a fresh, empty storage and raises
``AssertionError`` when the adapter breaks the contract. Nothing here imports pytest; with it,
run them like this::

    import pytest
    from microgigs.testing.contract import CHECKS

    @pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
    def test_my_adapter(check):
        check(lambda: MyStorage(...))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs

from microgigs import ledger as lg
from microgigs.actors import Actor
from microgigs.catalog import Cart, CartLine, Favourites, ServiceStatus
from microgigs.errors import (
    EmailTaken,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidType,
    MicrogigsError,
    NotFound,
    OutOfRange,
    StaleWrite,
    UsernameTaken,
)
from microgigs.ids import (
    BidId,
    CategoryId,
    ContractId,
    EventId,
    InquiryId,
    MemberId,
    MessageId,
    OfferId,
    OrderId,
    ProjectId,
    RequestId,
    ReviewId,
    ServiceId,
    TransactionId,
    WithdrawalId,
)
from microgigs.inquiries import Inquiry
from microgigs.members import Member, PayoutKind, PayoutMethod
from microgigs.money import Money
from microgigs.orders import Message, MessageKind, Order, OrderEvent, OrderStatus
from microgigs.policy import KHAMSAT, SellerLevel
from microgigs.projects import (
    BidCredits,
    Contract,
    ContractStatus,
    MilestonePlan,
    Project,
    ProjectStatus,
    ProjectTerms,
    Resolution,
)
from microgigs.ranking import (
    NO_SYNONYMS,
    REACH,
    SYNONYM_REACH,
    Evaluation,
    Listing,
    ListingQuery,
    Ordering,
    Rating,
    Review,
    SellerMetrics,
    Thesaurus,
    evaluate,
    highlight,
    search_listings,
    search_terms,
    term_categories,
    terms_of,
)
from microgigs.requests import ServiceRequest
from microgigs.storage._tables import Versioned
from microgigs.storage.ports import CommandRecord, OutboxEvent, Storage, UnitOfWork
from microgigs.testing.examples import BUYER_ID, EPOCH, make_member, make_service, place_order
from microgigs.withdrawals import Withdrawal

__all__ = [
    "CHECKS",
    "check_a_failed_unit_of_work_leaves_nothing",
    "check_bid_credits",
    "check_carts_and_favourites",
    "check_command_records",
    "check_contracts_and_due_index",
    "check_disputed_contracts",
    "check_inquiries",
    "check_ledger_idempotency",
    "check_ledger_posts_whole_transactions",
    "check_ledger_refuses_overdrafts",
    "check_ledger_releases_and_statements",
    "check_level_evaluations",
    "check_listings_order_filter_and_search",
    "check_member_pages",
    "check_members",
    "check_orders_and_due_index",
    "check_orders_in_a_status",
    "check_outbox",
    "check_projects",
    "check_racing_adds_are_refused_by_name",
    "check_racing_carts_and_favourites_are_refused_by_name",
    "check_racing_evaluations_keep_their_order",
    "check_racing_spends_are_checked_against_the_balance_committed",
    "check_ranked_search_finds_what_a_reader_means",
    "check_requests",
    "check_reviews_and_ratings",
    "check_rollback_by_default",
    "check_search_expands_broader_to_narrower",
    "check_search_expands_synonyms",
    "check_search_orders_partial_matches_by_the_querys_category",
    "check_search_reaches_a_bounded_depth",
    "check_search_reaches_synonyms_less_deep",
    "check_services",
    "check_stale_carts_and_favourites_are_refused",
    "check_stale_inquiries_are_refused",
    "check_stale_orders_are_refused",
    "check_stale_project_mode_writes_are_refused",
    "check_stale_requests_are_refused",
    "check_stale_reviews_are_refused",
    "check_stale_services_are_refused",
    "check_stale_writes_are_refused",
    "check_unique_usernames_and_emails",
    "check_values_handed_out_are_the_callers",
]

Factory = Callable[[], Storage]
USD: Final = "USD"
SELLER_ID: Final = MemberId("M-sara_designs")


def _usd(amount: int | str) -> Money:
    return Money.of(amount, USD)


def _expect(
    kind: type[MicrogigsError],
    action: Callable[[], object],
    named: tuple[str, str] | None = None,
) -> None:
    """``action`` raises ``kind``; with ``named``, a ``StaleWrite`` names (what, which)."""
    try:
        action()
    except kind as error:
        if named is not None:
            found = (error.context().get("kind"), error.context().get("key"))
            assert named == found, f"{kind.__name__} names {found}, not {named}"
        return
    message = f"expected {kind.__name__}"
    raise AssertionError(message)


def check_members(make: Factory) -> None:
    """Members round-trip and are found by username and e-mail."""
    with closing(make()) as storage:
        member = make_member("sara")
        with storage.unit_of_work() as uow:
            uow.members.add(member)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert member == uow.members.get(member.id)
            assert member == uow.members.find_by_username("sara")
            assert member == uow.members.find_by_email("sara@example.com")
            assert uow.members.find_by_username("nobody") is None
            _expect(NotFound, lambda: uow.members.get(MemberId("absent")))


def check_member_pages(make: Factory) -> None:
    """Members are listed in id order, a keyset page at a time."""
    with closing(make()) as storage:
        names = [f"member{n}" for n in range(7)]
        with storage.unit_of_work() as uow:
            for name in reversed(names):
                uow.members.add(make_member(name, member_id=f"M{name[-1]}"))
            uow.commit()
        with storage.unit_of_work() as uow:
            first = uow.members.page(limit=3)
            second = uow.members.page(after=first[-1].id, limit=3)
            rest = uow.members.page(after=second[-1].id)
            _expect(OutOfRange, lambda: uow.members.page(limit=0))
        assert names == [m.username for m in (*first, *second, *rest)]


def check_unique_usernames_and_emails(make: Factory) -> None:
    """A second member with a taken username or e-mail is refused; nothing is stored."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            uow.members.add(make_member("sara", member_id="M1"))
            uow.commit()
        twin = make_member("sara", member_id="M2")

        def add_and_commit() -> None:
            with storage.unit_of_work() as uow:
                uow.members.add(twin)
                uow.commit()

        _expect(UsernameTaken, add_and_commit)
        other = make_member("layla", member_id="M3")
        other.change_email("sara@example.com")
        twin = other
        _expect(EmailTaken, add_and_commit)
        with storage.unit_of_work() as uow:
            _expect(NotFound, lambda: uow.members.get(MemberId("M2")))
            _expect(NotFound, lambda: uow.members.get(MemberId("M3")))


def check_rollback_by_default(make: Factory) -> None:
    """Leaving a unit of work without commit forgets its writes."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            uow.members.add(make_member("sara"))
        with storage.unit_of_work() as uow:
            assert uow.members.find_by_username("sara") is None


def check_stale_writes_are_refused(make: Factory) -> None:
    """Two units of work change one record: the second to commit gets ``StaleWrite``."""
    with closing(make()) as storage:
        member = make_member("sara")
        with storage.unit_of_work() as uow:
            uow.members.add(member)
            uow.commit()
        with storage.unit_of_work() as first, storage.unit_of_work() as second:
            mine, theirs = first.members.get(member.id), second.members.get(member.id)
            mine.update_profile(bio="الأولى")
            theirs.update_profile(bio="الثانية")
            first.members.save(mine)
            second.members.save(theirs)
            first.commit()
            _expect(StaleWrite, second.commit, ("member", member.id))
        with storage.unit_of_work() as uow:
            assert uow.members.get(member.id).bio == "الأولى"


def _second_commit_is_stale(
    storage: Storage,
    first: Callable[[UnitOfWork], object],
    second: Callable[[UnitOfWork], object],
    named: tuple[str, str] | None = None,
) -> None:
    """Both units read and change one aggregate; the first commits; the second must fail.

    With ``named``, the refusal names the aggregate's kind and key, alike on every adapter.
    """
    with storage.unit_of_work() as one, storage.unit_of_work() as two:
        first(one)
        second(two)
        two.outbox.record(OutboxEvent(EventId("E-stale"), "lost", "{}", EPOCH))
        one.commit()
        _expect(StaleWrite, two.commit, named)
    with storage.unit_of_work() as uow:
        assert [] == uow.outbox.pending(), "a stale unit of work wrote its event"


def _second_add_is_stale(
    storage: Storage,
    add: Callable[[UnitOfWork], object],
    named: tuple[str, str] | None = None,
) -> None:
    """Two units add an aggregate under one new id; the second to commit must fail."""
    with storage.unit_of_work() as one, storage.unit_of_work() as two:
        add(one)
        add(two)
        one.commit()
        _expect(StaleWrite, two.commit, named)


def check_stale_orders_are_refused(make: Factory) -> None:
    """An order changed since it was read is not overwritten: the second commit is stale.

    The buyer sends instructions while the seller declines the same order: one wins, the
    other gets ``StaleWrite``, and the order is not cancelled behind the buyer's back.
    """
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            uow.orders.add(place_order(order_id="O1"))
            uow.commit()
        buyer, seller = Actor.member(BUYER_ID), Actor.member(SELLER_ID)

        def instruct(uow: UnitOfWork) -> None:
            order = uow.orders.get(OrderId("O1"))
            order.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
            uow.orders.save(order)

        def decline(uow: UnitOfWork) -> None:
            order = uow.orders.get(OrderId("O1"))
            order.apply(OrderEvent.DECLINE, seller, EPOCH, KHAMSAT.orders)
            uow.orders.save(order)

        _second_commit_is_stale(storage, instruct, decline, ("order", "O1"))
        _second_add_is_stale(
            storage, lambda uow: uow.orders.add(place_order(order_id="O2")), ("order", "O2")
        )
        with storage.unit_of_work() as uow:
            stored = uow.orders.get(OrderId("O1"))
            assert (OrderStatus.IN_PROGRESS, 2) == (stored.status, stored.version)


def check_stale_carts_and_favourites_are_refused(make: Factory) -> None:
    """A cart (or favourites) is written at the version read: two checkouts cannot both win.

    Two units start the same member's first cart, then two units change the stored one:
    each time the second to commit gets ``StaleWrite``, and the first one's cart stands.
    """

    def put(service_id: str) -> Callable[[UnitOfWork], object]:
        def change(uow: UnitOfWork) -> None:
            cart = uow.carts.get(BUYER_ID)
            cart.lines[ServiceId(service_id)] = CartLine(ServiceId(service_id), (), 1)
            cart.version += 1
            uow.carts.save(cart)
            favourites = uow.favourites.get(BUYER_ID)
            favourites.service_ids.insert(0, ServiceId(service_id))
            favourites.version += 1
            uow.favourites.save(favourites)

        return change

    with closing(make()) as storage:
        _second_commit_is_stale(storage, put("S1"), put("S2"))
        _second_commit_is_stale(storage, put("S3"), put("S4"))
        with storage.unit_of_work() as uow:
            cart, favourites = uow.carts.get(BUYER_ID), uow.favourites.get(BUYER_ID)
            assert (["S1", "S3"], 2) == (sorted(cart.lines), cart.version)
            assert (["S3", "S1"], 2) == (list(favourites), favourites.version)


def check_stale_services_are_refused(make: Factory) -> None:
    """A service changed since it was read is not overwritten: the second commit is stale."""
    with closing(make()) as storage:
        service = make_service(service_id="S1")
        service.submit(Actor.member(service.seller_id), EPOCH)
        with storage.unit_of_work() as uow:
            uow.services.add(service)
            uow.commit()
        admin = Actor.admin(MemberId("admin"))

        def approve(uow: UnitOfWork) -> None:
            found = uow.services.get(ServiceId("S1"))
            found.approve(admin, EPOCH)
            uow.services.save(found)

        def reject(uow: UnitOfWork) -> None:
            found = uow.services.get(ServiceId("S1"))
            found.reject(admin, "لا يطابق الشروط", EPOCH)
            uow.services.save(found)

        _second_commit_is_stale(storage, approve, reject, ("service", "S1"))
        _second_add_is_stale(
            storage, lambda uow: uow.services.add(make_service(service_id="S2")), ("service", "S2")
        )
        with storage.unit_of_work() as uow:
            assert ServiceStatus.ACTIVE == uow.services.get(ServiceId("S1")).status


def check_stale_reviews_are_refused(make: Factory) -> None:
    """A review changed since it was read is not overwritten: the second commit is stale."""
    with closing(make()) as storage:
        order = place_order(order_id="O1")
        buyer, seller = Actor.member(order.buyer_id), Actor.member(order.seller_id)
        order.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
        order.apply(OrderEvent.DELIVER, seller, EPOCH, KHAMSAT.orders)
        order.apply(OrderEvent.ACCEPT, buyer, EPOCH, KHAMSAT.orders)
        review = Review.write(
            ReviewId("R1"), order=order, actor=buyer, stars=4, comment="عمل جيد",
            now=EPOCH, policy=KHAMSAT.reviews,
        )  # fmt: skip
        with storage.unit_of_work() as uow:
            uow.reviews.add(review)
            uow.commit()

        def reply(text: str) -> Callable[[UnitOfWork], None]:
            def answer(uow: UnitOfWork) -> None:
                found = uow.reviews.get(ReviewId("R1"))
                found.answer(seller, text, EPOCH, KHAMSAT.reviews)
                uow.reviews.save(found)

            return answer

        _second_commit_is_stale(storage, reply("شكرًا"), reply("ردّ ثانٍ"), ("review", "R1"))
        with storage.unit_of_work() as uow:
            assert "شكرًا" == uow.reviews.get(ReviewId("R1")).reply


def check_stale_inquiries_are_refused(make: Factory) -> None:
    """An inquiry changed since it was read is not overwritten: the second commit is stale."""
    with closing(make()) as storage:
        buyer, seller = Actor.member(BUYER_ID), Actor.member(SELLER_ID)

        def opened(inquiry_id: str, service_id: str) -> Inquiry:
            return Inquiry.open(
                InquiryId(inquiry_id), service_id=ServiceId(service_id), seller_id=SELLER_ID,
                buyer=buyer, body="هل تسلم بصيغة PSD؟", at=EPOCH,
            )  # fmt: skip

        with storage.unit_of_work() as uow:
            uow.inquiries.add(opened("I1", "S1"))
            uow.commit()

        def write(actor: Actor, body: str) -> Callable[[UnitOfWork], None]:
            def message(uow: UnitOfWork) -> None:
                found = uow.inquiries.get(InquiryId("I1"))
                found.write(actor, body, EPOCH + timedelta(hours=1))
                uow.inquiries.save(found)

            return message

        _second_commit_is_stale(
            storage, write(seller, "نعم"), write(buyer, "وما المدة؟"), ("inquiry", "I1")
        )
        _second_add_is_stale(
            storage, lambda uow: uow.inquiries.add(opened("I2", "S2")), ("inquiry", "I2")
        )
        with storage.unit_of_work() as uow:
            stored = uow.inquiries.get(InquiryId("I1"))
            assert ["هل تسلم بصيغة PSD؟", "نعم"] == [m.body for m in stored.messages]


def check_stale_requests_are_refused(make: Factory) -> None:
    """A request changed since it was read is not overwritten: the second commit is stale."""
    with closing(make()) as storage:
        admin = Actor.admin(MemberId("admin"))

        def posted(request_id: str) -> ServiceRequest:
            return ServiceRequest.post(
                RequestId(request_id), buyer_id=BUYER_ID, category_id=CategoryId("logo-design"),
                title="أحتاج خدمة غير موجودة حاليًا", budget=None, policy=KHAMSAT.catalog,
                description="وصف مفصل لما أحتاجه بالضبط في هذه الخدمة.", now=EPOCH,
            )  # fmt: skip

        with storage.unit_of_work() as uow:
            uow.requests.add(posted("Q1"))
            uow.commit()

        def approve(uow: UnitOfWork) -> None:
            found = uow.requests.get(RequestId("Q1"))
            found.approve(admin)
            uow.requests.save(found)

        def reject(uow: UnitOfWork) -> None:
            found = uow.requests.get(RequestId("Q1"))
            found.reject(admin, "طلب مكرر")
            uow.requests.save(found)

        _second_commit_is_stale(storage, approve, reject, ("request", "Q1"))
        _second_add_is_stale(storage, lambda uow: uow.requests.add(posted("Q2")), ("request", "Q2"))
        with storage.unit_of_work() as uow:
            assert ["Q1"] == [r.id for r in uow.requests.open_now(EPOCH)]


def check_services(make: Factory) -> None:
    """Services round-trip, list by seller (newest first) and by status."""
    with closing(make()) as storage:
        first = make_service(service_id="S1")
        second = make_service(service_id="S2")
        second.created_at += timedelta(hours=1)
        with storage.unit_of_work() as uow:
            uow.services.add(first)
            uow.services.add(second)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert first == uow.services.get(ServiceId("S1"))
            assert [s.id for s in uow.services.by_seller(first.seller_id)] == ["S2", "S1"]
            service = uow.services.get(ServiceId("S1"))
            service.submit(Actor.member(service.seller_id), EPOCH)
            uow.services.save(service)
            uow.commit()
        with storage.unit_of_work() as uow:
            by = first.seller_id
            assert ["S1"] == [
                s.id for s in uow.services.by_seller(by, status=ServiceStatus.PENDING_REVIEW)
            ]
            assert ["S2"] == [s.id for s in uow.services.by_seller(by, limit=1)]  # the newest
            pending = uow.services.by_status(ServiceStatus.PENDING_REVIEW)
            assert [s.id for s in pending] == ["S1"]
            assert uow.services.get(ServiceId("S1")).status == ServiceStatus.PENDING_REVIEW


def check_carts_and_favourites(make: Factory) -> None:
    """Carts and favourites round-trip; an unknown member has empty ones."""
    with closing(make()) as storage:
        buyer = make_member("ahmad")
        service = make_service()
        service.submit(Actor.member(service.seller_id), EPOCH)
        service.approve(Actor.admin(MemberId("admin")), EPOCH)
        with storage.unit_of_work() as uow:
            assert Cart(buyer.id) == uow.carts.get(buyer.id)
            assert Favourites(buyer.id) == uow.favourites.get(buyer.id)
            cart = uow.carts.get(buyer.id)
            cart.put(buyer, service, KHAMSAT.catalog, quantity=2)
            uow.carts.save(cart)
            favourites = uow.favourites.get(buyer.id)
            favourites.add(buyer, service)
            uow.favourites.save(favourites)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert cart == uow.carts.get(buyer.id)
            assert favourites == uow.favourites.get(buyer.id)


def check_orders_and_due_index(make: Factory) -> None:
    """Orders round-trip with their history; listings filter; the due index finds timers."""
    with closing(make()) as storage:
        order = place_order(order_id="O1")
        other = place_order(order_id="O2")
        with storage.unit_of_work() as uow:
            uow.orders.add(order)
            uow.orders.add(other)
            uow.commit()
        buyer, seller = Actor.member(BUYER_ID), Actor.member(order.seller_id)
        with storage.unit_of_work() as uow:
            loaded = uow.orders.get(OrderId("O1"))
            assert order == loaded
            loaded.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
            loaded.apply(OrderEvent.DELIVER, seller, EPOCH + timedelta(hours=1), KHAMSAT.orders)
            uow.orders.save(loaded)
            uow.orders.add_message(
                Message(
                    MessageId("m1"),
                    loaded.id,
                    BUYER_ID,
                    MessageKind.INSTRUCTIONS,
                    "تعليمات",
                    (),
                    EPOCH,
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            stored = uow.orders.get(OrderId("O1"))
            assert loaded == stored
            assert sorted(o.id for o in uow.orders.by_buyer(BUYER_ID))[::-1] == ["O2", "O1"]
            assert [
                o.id for o in uow.orders.by_seller(order.seller_id, OrderStatus.AWAITING_ACCEPTANCE)
            ] == ["O1"]
            assert [m.body for m in uow.orders.messages(OrderId("O1"))] == ["تعليمات"]
            due_at = EPOCH + timedelta(hours=1, days=3)
            assert uow.orders.due(due_at - timedelta(seconds=1)) == []
            assert uow.orders.due(due_at) == ["O1"]
            assert ["O1", "O2"] == sorted(
                o.id for o in uow.orders.of_seller_since(SELLER_ID, EPOCH)
            )
            assert [] == uow.orders.of_seller_since(SELLER_ID, EPOCH + timedelta(seconds=1))


def _top_up(key: str, minor: int, number: int) -> lg.Transaction:
    return lg.top_up(
        TransactionId(f"T{number:04d}"),
        key,
        member_id=BUYER_ID,
        amount=Money(minor, USD),
        source=lg.Gateway.CARD,
        at=EPOCH,
    )


def _pay_from_balance(key: str, minor: int, number: int) -> lg.Transaction:
    """The buyer pays order O1 from the balance ``_top_up`` filled."""
    return lg.pay_order(
        TransactionId(f"T{number:04d}"),
        key,
        order_id=OrderId("O1"),
        buyer_id=BUYER_ID,
        amount=Money(minor, USD),
        source=None,
        at=EPOCH,
    )


def check_conversations_are_read_a_page_at_a_time(make: Factory) -> None:
    """An order's latest messages, those before one of them, and NotFound for another's."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            for number in range(5):
                uow.orders.add_message(
                    Message(
                        MessageId(f"m{number}"),
                        OrderId("O1"),
                        BUYER_ID,
                        MessageKind.MESSAGE,
                        f"رسالة {number}",
                        (),
                        EPOCH + timedelta(minutes=number),
                    )
                )
            uow.commit()
        with storage.unit_of_work() as uow:

            def bodies(**page: object) -> list[str]:
                found = uow.orders.messages(OrderId("O1"), **page)  # type: ignore[arg-type]
                return [m.body for m in found]

            assert [f"رسالة {n}" for n in range(5)] == bodies()
            assert ["رسالة 3", "رسالة 4"] == bodies(limit=2)
            assert ["رسالة 1", "رسالة 2"] == bodies(limit=2, before=MessageId("m3"))
            assert ["رسالة 0"] == bodies(before=MessageId("m1"))
            uow.orders.add_message(
                Message(
                    MessageId("m-new"),
                    OrderId("O1"),
                    BUYER_ID,
                    MessageKind.MESSAGE,
                    "جديدة",
                    (),
                    EPOCH + timedelta(hours=1),
                )
            )
            assert ["رسالة 3", "رسالة 4", "جديدة"] == bodies(limit=3), "a unit's own, last"
            assert ["رسالة 1", "رسالة 2"] == bodies(limit=2, before=MessageId("m3"))
            assert [] == uow.orders.messages(OrderId("O2"), limit=2)
            _refused_with(
                NotFound, lambda: uow.orders.messages(OrderId("O2"), before=MessageId("m3"))
            )


def check_ledger_posts_whole_transactions(make: Factory) -> None:
    """Posting moves every balance of the transaction; the audit finds nothing wrong."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            uow.ledger.post(_top_up("t1", 25_000, 1))
            assert Money(25_000, USD) == uow.ledger.balance(lg.wallet(BUYER_ID))
            uow.ledger.post(_pay_from_balance("pay-O1", 20_500, 2))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert (_usd(45), _usd(205), _usd(-250)) == (
                uow.ledger.balance(lg.wallet(BUYER_ID)),
                uow.ledger.balance(lg.escrow(OrderId("O1"))),
                uow.ledger.balance(lg.gateway(lg.Gateway.CARD)),
            )
            assert lg.audit(uow.ledger.entry_rows(), uow.ledger.balances()) == []


def check_ledger_refuses_overdrafts(make: Factory) -> None:
    """Spending more than a wallet holds is refused, and nothing of it is written."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            uow.ledger.post(_top_up("t1", 1_000, 1))
            uow.commit()

        def overspend() -> None:
            with storage.unit_of_work() as uow:
                uow.ledger.post(_pay_from_balance("pay", 1_001, 2))
                uow.commit()

        _expect(InsufficientFunds, overspend)
        with storage.unit_of_work() as uow:
            assert Money(1_000, USD) == uow.ledger.balance(lg.wallet(BUYER_ID))
            assert uow.ledger.by_key("pay") is None
            assert lg.audit(uow.ledger.entry_rows(), uow.ledger.balances()) == []


def check_ledger_idempotency(make: Factory) -> None:
    """A key posted again returns the first transaction; other content conflicts."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            first = uow.ledger.post(_top_up("topup-1", 1_000, 1))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert first == uow.ledger.post(_top_up("topup-1", 1_000, 2))
            _expect(IdempotencyConflict, lambda: uow.ledger.post(_top_up("topup-1", 999, 3)))
            assert first == uow.ledger.by_key("topup-1")
            uow.commit()
        with storage.unit_of_work() as uow:
            assert Money(1_000, USD) == uow.ledger.balance(lg.wallet(BUYER_ID))


def check_ledger_releases_and_statements(make: Factory) -> None:
    """Releases wait for their clearance date; statements carry running balances."""
    with closing(make()) as storage:
        clears = EPOCH + timedelta(days=14)
        with storage.unit_of_work() as uow:
            uow.ledger.post(_top_up("t1", 20_500, 1))
            uow.ledger.post(_pay_from_balance("pay", 20_500, 2))
            uow.ledger.post(
                lg.release(
                    TransactionId("T0003"),
                    "release",
                    order_id=OrderId("O1"),
                    seller_id=SELLER_ID,
                    subtotal=_usd(205),
                    buyer_fee=_usd(0),
                    commission=KHAMSAT.ledger.commission,
                    at=EPOCH,
                    clears_at=clears,
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.due_releases(clears - timedelta(seconds=1)) == []
            assert [OrderId("O1")] == [r.order_id for r in uow.ledger.uncleared(SELLER_ID)]
            assert [] == uow.ledger.uncleared(BUYER_ID)  # a seller's own, no one else's
            (due,) = uow.ledger.due_releases(clears)
            assert (OrderId("O1"), SELLER_ID, _usd(164), clears) == (
                due.order_id,
                due.seller_id,
                due.amount,
                due.clears_at,
            )
            uow.ledger.post(
                lg.clear(
                    TransactionId("T0004"),
                    "clear",
                    seller_id=SELLER_ID,
                    amount=_usd(164),
                    order_id=OrderId("O1"),
                    at=clears,
                )
            )
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.ledger.due_releases(clears + timedelta(days=1)) == []
            assert [] == uow.ledger.uncleared(SELLER_ID)  # cleared: no longer pending
            page = uow.ledger.statement(lg.wallet(BUYER_ID), limit=1)
            assert [_usd(205)] == [line.balance for line in page.lines]
            assert page.next_cursor is not None  # cursors are opaque: follow, never compute
            rest = uow.ledger.statement(lg.wallet(BUYER_ID), cursor=page.next_cursor, limit=5)
            assert ([_usd(0)], None) == ([line.balance for line in rest.lines], rest.next_cursor)


def check_outbox(make: Factory) -> None:
    """Events appear only when their unit of work commits, and leave when acknowledged."""
    with closing(make()) as storage:
        event = OutboxEvent(EventId("E1"), "order.placed", '{"order_id":"O1"}', EPOCH)
        with storage.unit_of_work() as uow:
            uow.outbox.record(OutboxEvent(EventId("E0"), "lost", "{}", EPOCH))
        with storage.unit_of_work() as uow:
            uow.outbox.record(event)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [event] == uow.outbox.pending()
            uow.outbox.acknowledge([EventId("E1")])
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [] == uow.outbox.pending()


def check_command_records(make: Factory) -> None:
    """A command's record is kept with its effects and found by key."""
    with closing(make()) as storage:
        record = CommandRecord("checkout-1", "sha256:abc", '{"orders":["O1"]}')
        with storage.unit_of_work() as uow:
            assert uow.commands.get("checkout-1") is None
            uow.commands.put(record)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert record == uow.commands.get("checkout-1")


def check_a_failed_unit_of_work_leaves_nothing(make: Factory) -> None:
    """An error in the middle of a unit of work: no member, order, entry, event or record."""
    with closing(make()) as storage:
        try:
            with storage.unit_of_work() as uow:
                uow.members.add(make_member("sara"))
                uow.orders.add(place_order(order_id="O9"))
                uow.ledger.post(_top_up("t1", 500, 1))
                uow.outbox.record(OutboxEvent(EventId("E1"), "x", "{}", EPOCH))
                uow.commands.put(CommandRecord("k", "f", "r"))
                raise _Interrupted  # noqa: TRY301 (the failure under test)
        except _Interrupted:
            pass
        with storage.unit_of_work() as uow:
            assert uow.members.find_by_username("sara") is None
            _expect(NotFound, lambda: uow.orders.get(OrderId("O9")))
            assert Money.zero(USD) == uow.ledger.balance(lg.wallet(BUYER_ID))
            assert [] == uow.outbox.pending()
            assert uow.commands.get("k") is None


_TITLES: Final = (
    "تصميم شعار احترافي لشركتك",
    "تصميم الشعارات للمتاجر الإلكترونية",
    "شِعار مميز بثلاثة نماذج",
    "ترجمة مقال من الإنجليزية إلى العربية",
    "الترجمة القانونية للعقود",
    "كتابة مقالات تسويقية لمدونتك",
    "مونتاج فيديو احترافي",
    "تعليق صوتي باللهجة السعودية",
    "Logo design in three days",
    "إنشاء متجر إلكتروني على سلة",
    "تصاميم شعارات عصرية للمتاجر",
    "سأصمم لك الشِّعار الذي تحلم به",
    "عروض تقديمية للشركات",
    "أغلفة روايات جذابة",
    "تصميم غلاف كتاب",
)


def _put_titles(storage: Storage, listing: Listing, titled: Mapping[str, tuple[str, int]]) -> None:
    """Index a copy of ``listing`` per ``{id: (title, score)}``, its terms from the title."""
    with storage.unit_of_work() as uow:
        for service_id, (title, score) in titled.items():
            uow.listings.put(
                attrs.evolve(
                    listing,
                    service_id=ServiceId(service_id),
                    title=title,
                    score=score,
                    terms=terms_of(title),
                )
            )
        uow.commit()


def _every_match(storage: Storage, query: ListingQuery) -> list[str]:
    """Every service ``query`` finds, page after page, in the order the pages give."""
    found: list[str] = []
    with storage.unit_of_work() as uow:
        page = uow.listings.search(query)
        while True:
            found += [v.service_id for v in page.listings]
            if page.next_cursor is None:
                return found
            page = uow.listings.search(attrs.evolve(query, cursor=page.next_cursor))


def _listings() -> list[Listing]:
    found = []
    for number in range(45):
        title = _TITLES[number % len(_TITLES)]
        category = ("logo-design", "translation", "articles", "video-editing")[number % 4]
        found.append(
            Listing(
                service_id=ServiceId(f"S{number:03d}"),
                seller_id=MemberId(f"M{number % 7}"),
                category_id=CategoryId(category),
                section_id=CategoryId("design" if category == "logo-design" else "other"),
                title=title,
                price=Money.of(5 * (1 + number % 6), USD),
                delivery_days=1 + number % 9,
                seller_level=list(SellerLevel)[number % 4],
                rating_count=number % 11,
                score=300 + (number * 37) % 200,
                sales=(number * 53) % 17,
                recent_sales=(number * 29) % 5,
                created_at=EPOCH + timedelta(hours=(number * 13) % 40),
                terms=tuple(dict.fromkeys(search_terms(title))),
            )
        )
    return found


_QUERIES: Final = (
    *(ListingQuery(ordering=ordering, limit=7) for ordering in Ordering),
    ListingQuery(category_id=CategoryId("logo-design"), ordering=Ordering.BEST_SELLING, limit=5),
    ListingQuery(section_id=CategoryId("design"), ordering=Ordering.TOP_RATED),
    ListingQuery(min_price=Money.of(10, USD), max_price=Money.of(20, USD), limit=6),
    ListingQuery(max_delivery_days=3, ordering=Ordering.TRENDING),
    ListingQuery(seller_levels=frozenset({SellerLevel.LEVEL_2, SellerLevel.LEVEL_3}), limit=4),
    ListingQuery(min_rating=Decimal("4.2"), ordering=Ordering.TOP_RATED),
    ListingQuery(text="شعار", ordering=Ordering.RELEVANCE, limit=3),
    ListingQuery(text="الشعارات", ordering=Ordering.NEWEST),
    ListingQuery(text="شِعار", category_id=CategoryId("logo-design")),
    ListingQuery(text="الترجمه", ordering=Ordering.BEST_SELLING),
    ListingQuery(text="تصميم شعار", ordering=Ordering.RELEVANCE),
    ListingQuery(text="logo designs"),
    ListingQuery(text="غير موجود"),
    ListingQuery(text="من في", ordering=Ordering.RELEVANCE),  # stop words: nothing found
    ListingQuery(text="🙂 ؟", ordering=Ordering.NEWEST),
    ListingQuery(text="تصاميم شعارات", ordering=Ordering.RELEVANCE, limit=4),
    ListingQuery(text="عرض تقديمي للشركة", ordering=Ordering.RELEVANCE, limit=3),
    ListingQuery(text="غلاف", ordering=Ordering.RELEVANCE, limit=2),
    ListingQuery(text="متجر الكترونى تصميم", ordering=Ordering.TOP_RATED, limit=5),
    ListingQuery(text="شعار ترجمة", category_id=CategoryId("logo-design"), limit=4),
    ListingQuery(text="شعار ترجمة", ordering=Ordering.RELEVANCE, limit=6),
    # the marketplace thesaurus: مونتاج for تحرير فيديو, تعليق صوتي for فويس أوفر
    ListingQuery(text="تحرير الفيديو", ordering=Ordering.RELEVANCE, limit=3),
    ListingQuery(text="فويس أوفر ترجمة", ordering=Ordering.RELEVANCE, limit=4),
    ListingQuery(text="تحرير فيديو", ordering=Ordering.BEST_SELLING),
    ListingQuery(text="تحرير فيديو", thesaurus=NO_SYNONYMS),
    ListingQuery(
        text="تعريب كتابة",
        ordering=Ordering.RELEVANCE,
        limit=5,
        thesaurus=Thesaurus([("تعريب", "ترجمة إلى العربية"), ("كتابة", "مقالات")]),
    ),
)


def check_listings_order_filter_and_search(make: Factory) -> None:
    """Every ordering, filter and Arabic search gives the reference results, page by page.

    The reference is :func:`microgigs.ranking.search_listings` over the same listings: text
    ranked over any term (every term first), broken plurals and spelling variants folded.
    """
    with closing(make()) as storage:
        listings = _listings()
        with storage.unit_of_work() as uow:
            for listing in listings:
                uow.listings.put(listing)
            uow.listings.put(listings[0])  # putting again replaces
            uow.listings.remove(ServiceId("S039"))
            uow.commit()
        indexed = [listing for listing in listings if listing.service_id != "S039"]
        frequencies = Counter(term for listing in indexed for term in listing.terms)
        with storage.unit_of_work() as uow:
            for query in _QUERIES:
                whole = attrs.evolve(query, limit=100)
                categories = term_categories(indexed, query.terms)
                expected = [
                    listing.service_id
                    for listing in search_listings(indexed, whole, frequencies, categories).listings
                ]
                found: list[ServiceId] = []
                page = uow.listings.search(query)
                while True:
                    found += [listing.service_id for listing in page.listings]
                    if page.next_cursor is None:
                        break
                    page = uow.listings.search(attrs.evolve(query, cursor=page.next_cursor))
                assert expected == found, query
            assert listings[1] == uow.listings.get(ServiceId("S001"))
            assert uow.listings.get(ServiceId("S039")) is None
            first = uow.listings.search(_QUERIES[0]).listings[0]
            assert first == next(v for v in indexed if v.service_id == first.service_id)


def check_listing_changes_apply_to_the_listing_as_stored(make: Factory) -> None:
    """A change is made to the listing as it stands at the commit, not as it was read.

    Two units that count a sale of one service at once both count; a change of a service
    unlisted meanwhile leaves it unlisted; the unit that changes a listing reads it changed.
    """
    with closing(make()) as storage:
        listed, gone = _listings()[:2]
        with storage.unit_of_work() as uow:
            uow.listings.put(listed)
            uow.listings.put(gone)
            uow.commit()

        def sold(listing: Listing) -> Listing:
            return attrs.evolve(listing, sales=listing.sales + 1)

        first, second = storage.unit_of_work(), storage.unit_of_work()
        with first, second:
            for uow in (first, second):
                uow.listings.change(listed.service_id, sold)
                uow.listings.change(gone.service_id, sold)
            seen = first.listings.get(listed.service_id)
            assert seen is not None
            assert listed.sales + 1 == seen.sales, "a unit reads its own change"
            second.commit()
            with storage.unit_of_work() as meanwhile:
                meanwhile.listings.remove(gone.service_id)
                meanwhile.commit()
            first.commit()
        with storage.unit_of_work() as uow:
            counted = uow.listings.get(listed.service_id)
            assert counted is not None
            assert listed.sales + 2 == counted.sales, "both units' sales count"
            assert attrs.evolve(listed, sales=counted.sales) == counted
            assert uow.listings.get(gone.service_id) is None, "unlisted stays unlisted"
        for wrong in (lambda _listing: None, lambda _listing: gone):  # nothing, another's
            with storage.unit_of_work() as uow:
                uow.listings.change(listed.service_id, sold)
                uow.outbox.record(OutboxEvent(EventId("E-change"), "x", "{}", EPOCH))
                uow.listings.change(listed.service_id, wrong)  # type: ignore[arg-type]
                _expect(InvalidType, uow.commit)
        with storage.unit_of_work() as uow:
            assert counted == uow.listings.get(listed.service_id), "a wrong change writes nothing"
            assert [] == [e for e in uow.outbox.pending() if e.id == "E-change"]


def check_ranked_search_finds_what_a_reader_means(make: Factory) -> None:
    """Search ranks any term as a reader means it, and suggests when it finds nothing.

    Every term first, then the rarer term, best rated within; plurals, verb forms and
    diacritics folded. Within one category (its filter: the query's category orders
    partial matches, ``check_search_orders_partial_matches_by_the_querys_category``).
    """
    titled = {
        "A": ("تصاميم شعارات عصرية", 400),
        "B": ("سأصمم لك الشِّعار", 300),
        "C": ("شعار بسيط", 450),
        "D": ("تصميم موقع", 490),
        "E": ("ترجمة مقال", 480),
        "F": ("تصميم متجر", 350),
        "G": ("تعديل صور المنتجات للمتاجر", 499),
    }
    listing = _listings()[0]
    within = listing.category_id
    with closing(make()) as storage:
        _put_titles(storage, listing, titled)
        with storage.unit_of_work() as uow:
            query = ListingQuery(
                text="تصميم شعار", category_id=within, ordering=Ordering.RELEVANCE, limit=2
            )
            found: list[str] = []
            page = uow.listings.search(query)
            while True:
                found += [v.service_id for v in page.listings]
                assert page.suggestion is None
                if page.next_cursor is None:
                    break
                page = uow.listings.search(attrs.evolve(query, cursor=page.next_cursor))
            # both terms (A, B), then شعار (held by 3, rarer than تصميم's 4), then تصميم
            assert ["A", "B", "C", "D", "F"] == found
            # a title about a store before a better rated one that mentions stores last
            stores = uow.listings.search(
                ListingQuery(text="المتاجر", category_id=within, ordering=Ordering.RELEVANCE)
            )
            assert ["F", "G"] == [v.service_id for v in stores.listings]
            newest = uow.listings.search(
                ListingQuery(text="تصميم شعار", category_id=within, ordering=Ordering.NEWEST)
            )
            assert {"A", "B", "C", "D", "F"} == {v.service_id for v in newest.listings}
            missed = uow.listings.search(ListingQuery(text="تصمبم", ordering=Ordering.RELEVANCE))
            assert ((), "تصميم") == (missed.listings, missed.suggestion)
            nothing = uow.listings.search(ListingQuery(text="qqqqqq"))
            assert ((), None) == (nothing.listings, nothing.suggestion)
            # words that search for nothing (stop words, signs) find nothing, not everything
            for text in ("من في", "🙂"):
                stopped = uow.listings.search(ListingQuery(text=text, category_id=within))
                assert ((), None) == (stopped.listings, stopped.suggestion)
            filtered = ListingQuery(text="ترجمة", category_id=within, min_rating=Decimal("4.9"))
            assert ((), None) == (uow.listings.search(filtered).listings, None)
            marked = highlight(titled["B"][0], "تصميم شعار")
            assert ["سأصمم", "الشِّعار"] == [piece for piece, hit in marked if hit]


def check_search_reaches_a_bounded_depth(make: Factory) -> None:
    """A tier is looked for among its pivot's first ``REACH`` postings only.

    Two common terms that one service far down both lists holds together: the search does
    not walk to it (the bound of P6), on every adapter alike, filters or not.
    """
    listing = _listings()[0]
    logos = {f"L{n:04d}": ("شعار", 300 + n % 190) for n in range(REACH + 20)}
    words = {f"T{n:04d}": ("ترجمة", 300 + n % 190) for n in range(REACH + 40)}
    both = {"B-high": ("شعار وترجمة", 499), "B-low": ("شعار وترجمة", 200)}
    with closing(make()) as storage:
        _put_titles(storage, listing, logos | words | both)
        for category in (None, listing.category_id):
            query = ListingQuery(
                text="شعار ترجمة", category_id=category, ordering=Ordering.RELEVANCE, limit=100
            )
            found = _every_match(storage, query)
            # شعار is the rarer (522 holders): B-high is within its first REACH, B-low is not
            # and, holding both terms, belongs to no other tier
            assert "B-high" == found[0]
            assert "B-low" not in found
            # then شعار alone and ترجمة alone: each REACH - 1 of its first REACH (B-high
            # is one of them)
            assert 1 + 2 * (REACH - 1) == len(found) == len(set(found))
            assert all(sid.startswith("L") for sid in found[1:REACH])
            assert all(sid.startswith("T") for sid in found[REACH:])


def check_search_orders_partial_matches_by_the_querys_category(make: Factory) -> None:
    """After the services holding every word, the query's category first.

    The query's category is the one most services holding its words are in (their votes,
    kept by the adapter as listings come, change and go): its partial matches, then its
    best rated services holding none of the words, then the partial matches elsewhere.
    """
    listing = _listings()[0]
    titled = {
        "A": ("تصميم شعار احترافي", 300, "logo-design"),
        "B": ("شعار بسيط", 350, "logo-design"),
        "C": ("ألوان العلامة التجارية", 490, "logo-design"),
        "D": ("هوية بصرية", 480, "logo-design"),
        "E": ("تحريك الشعار", 499, "motion-graphics"),
        "F": ("ترجمة مقال", 470, "translation"),
        "G": ("تصميم بطاقة أعمال", 495, "business-cards"),
    }
    with closing(make()) as storage:

        def put(service_id: str, category: str) -> Listing:
            title, score, _ = titled[service_id]
            return attrs.evolve(
                listing,
                service_id=ServiceId(service_id),
                category_id=CategoryId(category),
                title=title,
                score=score,
                terms=terms_of(title),
            )

        with storage.unit_of_work() as uow:
            for service_id, (_title, _score, category) in titled.items():
                uow.listings.put(put(service_id, category))
            uow.commit()

        def found(
            text: str, category: str | None = None, ordering: Ordering = Ordering.RELEVANCE
        ) -> list[str]:
            query = ListingQuery(
                text=text,
                category_id=None if category is None else CategoryId(category),
                ordering=ordering,
                limit=2,
            )
            return _every_match(storage, query)

        # شعار: logo-design has 2 of 3 votes. Its holders there (B heads its title with
        # it), then logo-design's best rated services without it, then the motion one
        assert ["B", "A", "C", "D", "E"] == found("شعار")
        # every word first (A), whatever its category; then by the category
        assert ["A", "B", "C", "D", "G", "E"] == found("تصميم شعار")
        # a category filter says the category: the tiers' order alone
        assert ["E"] == found("شعار", "motion-graphics")
        # another ordering sorts the matches alone (best rated first): not C, D
        assert ["E", "B", "A"] == found("شعار", ordering=Ordering.TOP_RATED)
        # the votes follow the listings: B moves to motion-graphics, then E goes
        with storage.unit_of_work() as uow:
            uow.listings.put(put("B", "motion-graphics"))
            uow.commit()
        assert ["E", "B", "A"] == found("شعار")
        with storage.unit_of_work() as uow:
            uow.listings.remove(ServiceId("E"))
            uow.commit()
        # one vote each: a tie, no category, the tier alone (B heads its title with شعار)
        assert ["B", "A"] == found("شعار")


def check_search_expands_synonyms(make: Factory) -> None:
    """A query's words are expanded to their synonyms (the query's thesaurus) at query time.

    A service matching through a whole synonym phrase ranks just below those holding the
    words, above those matching fewer of the query's words; part of a phrase is no match.
    Within one category (its filter), as the tiers alone rank.
    """
    titled = {
        "A": ("مونتاج فيديو احترافي", 400),
        "B": ("تحرير الفيديوهات وقصها", 480),
        "C": ("فيديو موشن جرافيك", 499),
        "D": ("تحرير مقالات", 450),
        "E": ("سيرة ذاتية احترافية", 300),
    }
    listing = _listings()[0]
    with closing(make()) as storage:
        _put_titles(storage, listing, titled)

        def found(text: str, thesaurus: Thesaurus | None = None) -> list[str]:
            query = ListingQuery(
                text=text, category_id=listing.category_id, ordering=Ordering.RELEVANCE, limit=1
            )
            if thesaurus is not None:
                query = attrs.evolve(query, thesaurus=thesaurus)
            return _every_match(storage, query)

        # the word, then its synonym «تحرير فيديو»; «فيديو» alone is no match
        assert ["A", "B"] == found("مونتاج")
        assert ["A"] == found("مونتاج", NO_SYNONYMS)
        # both words (B), both by a synonym of one (A: مونتاج فيديو), then each word alone
        # (تحرير held by B and D, and C's فيديو: the rarer set first)
        assert ["B", "A", "D", "C"] == found("تحرير فيديو")
        assert ["E"] == found("سي في")
        mine = Thesaurus([("مونتاج", "فيديو موشن")])
        assert ["A", "C"] == found("مونتاج", mine)
        marked = highlight(titled["B"][0], "مونتاج")
        # «تحرير الفيديوهات» its synonym, «وقصها» with it the narrower «قص فيديو»
        assert ["تحرير", "الفيديوهات", "وقصها"] == [piece for piece, hit in marked if hit]


def check_search_expands_broader_to_narrower(make: Factory) -> None:
    """A broader phrase finds the services holding its narrower phrases, never the reverse.

    A narrower match ranks as a synonym's: below the words' own, above fewer words.
    Within one category (its filter), as the tiers alone rank.
    """
    titled = {
        "A": ("إدارة حسابات السوشيال ميديا", 300),
        "B": ("إدارة حساب انستقرام احترافي", 499),
        "C": ("تصميم إعلانات فيسبوك", 450),
        "D": ("تصميم شعار احترافي", 480),
        "E": ("منصة ميديا للأخبار", 490),
    }
    thesaurus = Thesaurus(
        [("سوشيال ميديا", "التواصل الاجتماعي")],
        narrower=[("سوشيال ميديا", ("انستقرام", "فيسبوك"))],
    )
    listing = _listings()[0]
    with closing(make()) as storage:
        _put_titles(storage, listing, titled)

        def found(text: str) -> list[str]:
            query = ListingQuery(
                text=text,
                category_id=listing.category_id,
                ordering=Ordering.RELEVANCE,
                limit=1,
                thesaurus=thesaurus,
            )
            return _every_match(storage, query)

        # the words (A), then each narrower phrase in the entry's order, then «ميديا» alone
        assert ["A", "B", "C", "E"] == found("سوشيال ميديا")
        # an equivalent of the broader phrase finds the narrower ones too
        assert ["A", "B", "C"] == found("التواصل الاجتماعي")
        # never the reverse: انستقرام is no synonym of فيسبوك or of social media
        assert ["B"] == found("انستقرام")
        assert ["C"] == found("فيسبوك")
        # a narrower match is bounded like a synonym's (its tier's reach)
        query = ListingQuery(text="سوشيال ميديا", thesaurus=thesaurus)
        relevance = query.relevance(dict.fromkeys(query.searched_terms, 1))
        assert {SYNONYM_REACH} == {
            relevance.reach(n) for n, tier in enumerate(relevance.tiers) if tier.synonyms
        }


def check_search_reaches_synonyms_less_deep(make: Factory) -> None:
    """A synonym's tier is looked for among its pivot's first ``SYNONYM_REACH`` postings.

    The word's own tier goes down ``REACH`` postings; a tier matching by a synonym, which
    a thesaurus adds to many queries, goes less deep (the bound of P6 with synonyms), on
    every adapter alike, filters or not.
    """
    listing = _listings()[0]
    edits = {f"V{n:04d}": ("تحرير فيديو", 300 + n) for n in range(SYNONYM_REACH + 20)}
    words = {f"M{n:04d}": ("مونتاج", 300 + n % 190) for n in range(SYNONYM_REACH + 20)}
    with closing(make()) as storage:
        _put_titles(storage, listing, edits | words)
        for category in (None, listing.category_id):
            query = ListingQuery(
                text="مونتاج", category_id=category, ordering=Ordering.RELEVANCE, limit=100
            )
            found = _every_match(storage, query)
            # every holder of the word (fewer than REACH), then the best rated
            # SYNONYM_REACH of «تحرير فيديو»: the 20 rated lowest are not found
            assert len(words) + SYNONYM_REACH == len(found) == len(set(found))
            assert all(sid.startswith("M") for sid in found[: len(words)])
            assert list(reversed(edits))[:SYNONYM_REACH] == found[len(words) :]


def check_reviews_and_ratings(make: Factory) -> None:
    """One review per order; listings by service, newest first; ratings summed."""
    with closing(make()) as storage:
        reviews = []
        for number, stars in enumerate((5, 4, 3)):
            order = place_order(order_id=f"O{number}")
            buyer, seller = Actor.member(order.buyer_id), Actor.member(order.seller_id)
            order.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
            order.apply(OrderEvent.DELIVER, seller, EPOCH + timedelta(hours=1), KHAMSAT.orders)
            order.apply(OrderEvent.ACCEPT, buyer, EPOCH + timedelta(hours=2), KHAMSAT.orders)
            reviews.append(
                Review.write(
                    ReviewId(f"R{number}"),
                    order=order,
                    actor=buyer,
                    stars=stars,
                    comment="عمل ممتاز",
                    now=EPOCH + timedelta(hours=3 + number),
                    policy=KHAMSAT.reviews,
                )
            )
        with storage.unit_of_work() as uow:
            for review in reviews:
                uow.reviews.add(review)
            uow.commit()
        twin = attrs.evolve(reviews[0], id=ReviewId("R-twin"))

        def review_again() -> None:
            with storage.unit_of_work() as uow:
                uow.reviews.add(twin)
                uow.commit()

        _expect(StaleWrite, review_again)
        with storage.unit_of_work() as uow:
            assert reviews[0] == uow.reviews.for_order(OrderId("O0"))
            assert ["R2", "R1", "R0"] == [
                r.id for r in uow.reviews.by_service(reviews[0].service_id)
            ]
            assert Rating(3, 12) == uow.reviews.rating_of_service(reviews[0].service_id)
            assert Rating(3, 12) == uow.reviews.rating_of_seller(reviews[0].seller_id)
            assert Rating(0, 0) == uow.reviews.rating_of_seller(MemberId("nobody"))
            since = EPOCH + timedelta(hours=4)
            assert ["R1", "R2"] == [r.id for r in uow.reviews.of_seller_since(SELLER_ID, since)]
            answered = uow.reviews.get(ReviewId("R0"))
            answered.answer(Actor.member(answered.seller_id), "شكرًا", EPOCH, KHAMSAT.reviews)
            uow.reviews.save(answered)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert "شكرًا" == uow.reviews.get(ReviewId("R0")).reply


def check_inquiries(make: Factory) -> None:
    """One inquiry per buyer and service, found again; a seller's inquiries since a moment."""
    with closing(make()) as storage:
        buyer = Actor.member(BUYER_ID)
        first = Inquiry.open(
            InquiryId("I1"),
            service_id=ServiceId("S1"),
            seller_id=SELLER_ID,
            buyer=buyer,
            body="هل تسلم بصيغة PSD؟",
            at=EPOCH,
        )
        later_one = Inquiry.open(
            InquiryId("I2"),
            service_id=ServiceId("S2"),
            seller_id=SELLER_ID,
            buyer=buyer,
            body="وما مدة التسليم؟",
            at=EPOCH + timedelta(days=2),
        )
        with storage.unit_of_work() as uow:
            uow.inquiries.add(first)
            uow.inquiries.add(later_one)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert first == uow.inquiries.about(BUYER_ID, ServiceId("S1"))
            assert uow.inquiries.about(BUYER_ID, ServiceId("S9")) is None
            answered = uow.inquiries.get(InquiryId("I1"))
            answered.write(Actor.member(SELLER_ID), "نعم", EPOCH + timedelta(hours=2))
            uow.inquiries.save(answered)
            uow.commit()
        with storage.unit_of_work() as uow:
            since = EPOCH + timedelta(days=1)
            assert ["I2"] == [i.id for i in uow.inquiries.to_seller(SELLER_ID, since)]
            (stored, _later) = uow.inquiries.to_seller(SELLER_ID, EPOCH)
            assert timedelta(hours=2) == stored.response_time
            # the buyer's own questions, newest first, with the answer; nobody else's
            assert ["I2", "I1"] == [i.id for i in uow.inquiries.from_buyer(BUYER_ID)]
            assert ["I2"] == [i.id for i in uow.inquiries.from_buyer(BUYER_ID, limit=1)]
            assert "نعم" == uow.inquiries.from_buyer(BUYER_ID)[1].messages[-1].body
            assert [] == uow.inquiries.from_buyer(SELLER_ID)
            # the seller's, newest first, as many as asked for; none to the buyer
            assert ["I2", "I1"] == [i.id for i in uow.inquiries.received(SELLER_ID)]
            assert ["I2"] == [i.id for i in uow.inquiries.received(SELLER_ID, limit=1)]
            assert [] == uow.inquiries.received(BUYER_ID)
            third = Inquiry.open(
                InquiryId("I3"),
                service_id=ServiceId("S3"),
                seller_id=SELLER_ID,
                buyer=buyer,
                body="هل يمكن التسليم غدًا؟",
                at=EPOCH + timedelta(days=3),
            )
            uow.inquiries.add(third)  # staged, not committed: this unit already sees it
            assert ["I3", "I2", "I1"] == [i.id for i in uow.inquiries.from_buyer(BUYER_ID)]
            assert ["I3", "I2"] == [i.id for i in uow.inquiries.received(SELLER_ID, limit=2)]
            uow.commit()
        with storage.unit_of_work() as uow:
            # a buyer writing again brings an older inquiry back first: by its latest message
            # (a review: a follow-up on an inquiry past the newest 50 left the dashboard)
            followed = uow.inquiries.get(InquiryId("I1"))
            followed.write(buyer, "وهل تسلم الملفات المفتوحة؟", EPOCH + timedelta(days=4))
            uow.inquiries.save(followed)
            assert ["I1", "I3"] == [i.id for i in uow.inquiries.received(SELLER_ID, limit=2)]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert ["I1", "I3", "I2"] == [i.id for i in uow.inquiries.received(SELLER_ID)]
            assert "I1" == uow.inquiries.from_buyer(BUYER_ID, limit=1)[0].id


def _evaluation(seller_id: MemberId, days: int, level: SellerLevel) -> Evaluation:
    metrics = SellerMetrics(
        unique_clients=12,
        average_rating=Decimal("4.6"),
        completion_rate=Decimal("0.95"),
        conversation_rate=None,
        response_time=timedelta(hours=5),
    )
    found = evaluate(
        seller_id,
        current=level,
        metrics=metrics,
        policy=KHAMSAT.levels,
        now=EPOCH + timedelta(days=days),
    )
    return attrs.evolve(found, level=level)


def check_level_evaluations(make: Factory) -> None:
    """Evaluations round-trip with their explanations, newest first, once per moment.

    Sellers with services and no evaluation since a round are due, by id.
    """
    with closing(make()) as storage:
        other = MemberId("M-omar")
        with storage.unit_of_work() as uow:
            uow.services.add(make_service(service_id="S1"))
            uow.services.add(make_service(service_id="S2"))
            uow.services.add(make_service(service_id="S3", seller_id=other))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [other, SELLER_ID] == uow.levels.sellers_due(EPOCH)
        first = _evaluation(SELLER_ID, 0, SellerLevel.LEVEL_1)
        second = _evaluation(SELLER_ID, 30, SellerLevel.LEVEL_2)
        with storage.unit_of_work() as uow:
            uow.levels.add(first)
            assert first == uow.levels.latest(SELLER_ID)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.levels.add(second)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert second == uow.levels.latest(SELLER_ID)
            assert [second, first] == uow.levels.history(SELLER_ID)
            assert [second] == uow.levels.history(SELLER_ID, limit=1)
            assert uow.levels.latest(other) is None
            assert [other] == uow.levels.sellers_due(EPOCH + timedelta(days=30))
            assert [other, SELLER_ID] == uow.levels.sellers_due(EPOCH + timedelta(days=31))
            assert [other] == uow.levels.sellers_due(EPOCH, limit=1)
        (explained,) = [c for c in second.checks[1].criteria if c.name == "unique clients"]
        assert KHAMSAT.levels.criteria[1].unique_clients - 12 == explained.shortfall

        def evaluate_again(evaluation: Evaluation) -> None:
            with storage.unit_of_work() as uow:
                uow.levels.add(evaluation)
                uow.commit()

        _expect(StaleWrite, lambda: evaluate_again(attrs.evolve(second, level=SellerLevel.LEVEL_3)))
        _expect(StaleWrite, lambda: evaluate_again(_evaluation(SELLER_ID, 10, SellerLevel.LEVEL_1)))
        with storage.unit_of_work() as uow:
            assert [second, first] == uow.levels.history(SELLER_ID)


def check_requests(make: Factory) -> None:
    """Requests round-trip with offers; open ones, the review queue, expiry, a buyer's own."""
    with closing(make()) as storage:
        admin = Actor.admin(MemberId("admin"))
        made = []
        # the third stays in review
        shelves = (("logo-design", True), ("translation", True), ("logo-design", False))
        for number, (category, approved) in enumerate(shelves):
            request = ServiceRequest.post(
                RequestId(f"Q{number}"),
                buyer_id=BUYER_ID,
                category_id=CategoryId(category),
                title="أحتاج خدمة غير موجودة حاليًا",
                budget=None,
                policy=KHAMSAT.catalog,
                description="وصف مفصل لما أحتاجه بالضبط في هذه الخدمة.",
                now=EPOCH + timedelta(hours=number),
            )
            if approved:
                request.approve(admin)
            made.append(request)
        made[0].make_offer(
            OfferId("F1"),
            Actor.member(SELLER_ID),
            "عرض مناسب لطلبك",
            EPOCH,
            KHAMSAT.catalog,
            price=_usd(20),
            delivery_days=3,
        )
        with storage.unit_of_work() as uow:
            for request in made:
                uow.requests.add(request)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert made[0] == uow.requests.get(RequestId("Q0"))
            now = EPOCH + timedelta(hours=3)
            assert ["Q1", "Q0"] == [r.id for r in uow.requests.open_now(now)]
            logos = uow.requests.open_now(now, category_id=CategoryId("logo-design"))
            assert ["Q0"] == [r.id for r in logos]
            assert ["Q2"] == [r.id for r in uow.requests.awaiting_review()]
            assert [] == uow.requests.expiring(EPOCH + timedelta(days=7, seconds=-1))
            assert ["Q0", "Q1"] == uow.requests.expiring(EPOCH + timedelta(days=7, hours=1))
            # a buyer sees their own, the one in review too, newest first
            assert ["Q2", "Q1", "Q0"] == [r.id for r in uow.requests.by_buyer(BUYER_ID)]
            assert ["Q2"] == [r.id for r in uow.requests.by_buyer(BUYER_ID, limit=1)]
            assert [] == uow.requests.by_buyer(SELLER_ID)
            _expect(OutOfRange, lambda: uow.requests.by_buyer(BUYER_ID, limit=0))


def _project(number: int, *, category: str = "design", bracket: int = 5) -> Project:
    """A project drafted ``number`` hours after the epoch, by the buyer of the examples."""
    return Project.draft(
        ProjectId(f"P{number}"),
        client_id=BUYER_ID,
        terms=ProjectTerms(
            category_id=CategoryId(category),
            title="هوية بصرية كاملة لمتجر إلكتروني",
            description="نحتاج شعارًا وألوانًا وخطوطًا ودليل استخدام لمتجر جديد.",
            bracket=bracket,
            duration_days=30,
            questions=("ما أعمالك السابقة؟",),
        ),
        now=EPOCH + timedelta(hours=number),
        policy=KHAMSAT.projects,
    )


def _opened(project: Project, hours: int) -> Project:
    project.submit(Actor.member(project.client_id), EPOCH)
    project.approve(
        Actor.admin(MemberId("admin")), EPOCH + timedelta(hours=hours), KHAMSAT.projects
    )
    return project


def check_projects(make: Factory) -> None:
    """Projects round-trip with bids; open ones newest first by category, bracket; expiry.

    A held one (its client suspended) is not listed, and expires as a listed one does.
    """
    with closing(make()) as storage:
        made = [
            _opened(_project(0), 1),
            _opened(_project(1, category="translation"), 2),
            _opened(_project(2, bracket=2), 3),
            _project(3),  # a draft
        ]
        made[3].submit(Actor.member(BUYER_ID), EPOCH)  # waiting for review
        made[0].place_bid(
            BidId("B1"),
            Actor.member(SELLER_ID),
            amount=_usd(1200),
            delivery_days=20,
            text="أصمم الهوية كاملة مع دليل استخدام واضح.",
            answers=("عشرات الهويات",),
            now=EPOCH + timedelta(hours=2),
            policy=KHAMSAT.projects,
        )
        with storage.unit_of_work() as uow:
            for project in made:
                uow.projects.add(project)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert made[0] == uow.projects.get(ProjectId("P0"))
            now = EPOCH + timedelta(hours=4)
            assert ["P2", "P1", "P0"] == [p.id for p in uow.projects.open_now(now)]
            design = uow.projects.open_now(now, category_id=CategoryId("design"))
            assert ["P2", "P0"] == [p.id for p in design]
            assert ["P2"] == [p.id for p in uow.projects.open_now(now, bracket=2)]
            assert ["P2", "P1"] == [p.id for p in uow.projects.open_now(now, limit=2)]
            assert ["P3"] == [p.id for p in uow.projects.awaiting_review()]
            assert ["P3", "P2", "P1", "P0"] == [p.id for p in uow.projects.by_client(BUYER_ID)]
            expires = EPOCH + timedelta(days=30, hours=1)
            assert [] == uow.projects.expiring(expires - timedelta(seconds=1))
            assert ["P0"] == uow.projects.expiring(expires)
            assert [] == uow.projects.open_now(EPOCH + timedelta(days=31))
            _expect(NotFound, lambda: uow.projects.get(ProjectId("P9")))
            _expect(OutOfRange, lambda: uow.projects.open_now(now, limit=0))
            # what this unit staged is seen by its own reads, in its place
            staged = uow.projects.get(ProjectId("P1"))
            staged.close(Actor.member(BUYER_ID), now)
            uow.projects.save(staged)
            assert ["P2", "P0"] == [p.id for p in uow.projects.open_now(now)]
        with storage.unit_of_work() as uow:
            assert ["P2", "P1", "P0"] == [p.id for p in uow.projects.open_now(now)]
            # a held project (its client suspended) is not listed; its time runs on
            assert ["P2", "P1", "P0"] == [
                p.id for p in uow.projects.open_of_client(BUYER_ID, held=False)
            ]
            held = uow.projects.get(ProjectId("P0"))
            held.hold(now)
            uow.projects.save(held)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert held == uow.projects.get(ProjectId("P0"))
            assert ["P2", "P1"] == [p.id for p in uow.projects.open_now(now)]
            assert [] == uow.projects.expiring(expires - timedelta(seconds=1))
            assert ["P0"] == uow.projects.expiring(expires)
            later = expires + timedelta(hours=2)  # P1 and P2 are due too, each in its turn
            assert ["P0", "P1", "P2"] == uow.projects.expiring(later)
            assert ["P0", "P1"] == uow.projects.expiring(later, limit=2)
            assert ["P0"] == [p.id for p in uow.projects.open_of_client(BUYER_ID, held=True)]
            assert [] == uow.projects.open_of_client(SELLER_ID, held=True)


def _contract(number: int, *, freelancer: MemberId = SELLER_ID) -> Contract:
    return Contract.offer(
        ContractId(f"C{number}"),
        project_id=ProjectId("P0"),
        client_id=BUYER_ID,
        freelancer_id=freelancer,
        total=_usd(1200),
        delivery_days=20,
        plans=(MilestonePlan("المشروع كله", _usd(1200)),),
        now=EPOCH + timedelta(hours=number),
        policy=KHAMSAT.projects,
    )


def check_contracts_and_due_index(make: Factory) -> None:
    """Contracts round-trip with milestones; a project's, a member's, a freelancer's; due index.

    A freelancer with a contract and no service is due for the level evaluation.
    """
    with closing(make()) as storage:
        other = MemberId("M-other")
        offered, active, theirs = _contract(1), _contract(2), _contract(3, freelancer=other)
        active.accept(Actor.member(SELLER_ID), EPOCH + timedelta(hours=2))
        active.fund(Actor.member(BUYER_ID), 1, EPOCH + timedelta(hours=2))
        active.submit(
            Actor.member(SELLER_ID),
            1,
            "تم التسليم",
            now=EPOCH + timedelta(days=1),
            policy=KHAMSAT.projects,
        )
        with storage.unit_of_work() as uow:
            for contract in (offered, active, theirs):
                uow.contracts.add(contract)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert active == uow.contracts.get(ContractId("C2"))
            assert ["C1", "C2", "C3"] == [c.id for c in uow.contracts.of_project(ProjectId("P0"))]
            assert ["C2", "C1"] == [c.id for c in uow.contracts.of_member(SELLER_ID)]
            assert ["C3", "C2", "C1"] == [c.id for c in uow.contracts.of_member(BUYER_ID)]
            assert [] == uow.contracts.of_member(BUYER_ID, as_freelancer=True)
            worked = uow.contracts.of_member(SELLER_ID, as_freelancer=True)
            assert ["C2", "C1"] == [c.id for c in worked]
            mine = uow.contracts.of_member(SELLER_ID, status=ContractStatus.ACTIVE)
            assert ["C2"] == [c.id for c in mine]
            # a freelancer's, offered up to a moment, newest first (the level evaluation's)
            for until, limit, expected in (
                (EPOCH + timedelta(hours=2), 500, ["C2", "C1"]),
                (EPOCH + timedelta(hours=2) - timedelta(microseconds=1), 500, ["C1"]),
                (EPOCH + timedelta(days=9), 1, ["C2"]),
                (EPOCH, 500, []),
            ):
                found = uow.contracts.of_freelancer(SELLER_ID, until=until, limit=limit)
                assert expected == [c.id for c in found]
            # freelancers with a contract are due for evaluation; clients are not
            assert sorted([other, SELLER_ID]) == uow.levels.sellers_due(EPOCH)
            assert [] == uow.contracts.due(EPOCH + timedelta(days=14))
            # the offers lapse after 30 days; the submission is approved by itself after 14
            approval = EPOCH + timedelta(days=15)
            assert ["C2"] == uow.contracts.due(approval)
            lapse = EPOCH + timedelta(days=30, hours=3)
            assert ["C2", "C1", "C3"] == uow.contracts.due(lapse)
            assert ["C2"] == uow.contracts.due(lapse, limit=1)
            _expect(NotFound, lambda: uow.contracts.get(ContractId("C9")))


def check_member_lists_page_past_a_cursor(make: Factory) -> None:
    """A member's orders, projects, contracts and withdrawals page past the last one seen.

    ``starting_after``: the page after that item, in the list's order (newest first); two
    placed at the same moment are told apart by id; what this unit staged takes its place;
    an item of another list is ``NotFound``.
    """
    with closing(make()) as storage:
        at = [
            EPOCH,
            EPOCH + timedelta(hours=1),
            EPOCH + timedelta(hours=1),
            EPOCH + timedelta(hours=2),
        ]
        orders = [place_order(order_id=f"O{n}", placed_at=when) for n, when in enumerate(at)]
        method = PayoutMethod(PayoutKind.PAYPAL, "sara@example.com")
        paid = [
            Withdrawal(
                WithdrawalId(f"W{n}"), SELLER_ID, _usd(1000), method, EPOCH + timedelta(days=n)
            )
            for n in range(3)
        ]
        with storage.unit_of_work() as uow:
            for order in orders:
                uow.orders.add(order)
            for project in (_project(n) for n in range(3)):
                uow.projects.add(project)
            for contract in (
                _contract(1),
                _contract(2),
                _contract(3, freelancer=MemberId("M-other")),
            ):
                uow.contracts.add(contract)
            for withdrawal in paid:
                uow.withdrawals.add(withdrawal)
            uow.commit()
        with storage.unit_of_work() as uow:

            def ids(found: Sequence[Versioned]) -> list[str]:
                return [item.id for item in found]

            bought = uow.orders.by_buyer(BUYER_ID, limit=2)  # O1 and O2: the same moment
            assert (["O3", "O2"], ["O1", "O0"]) == (
                ids(bought),
                ids(uow.orders.by_buyer(BUYER_ID, limit=2, starting_after=bought[-1].id)),
            )
            assert [] == uow.orders.by_buyer(BUYER_ID, starting_after=OrderId("O0"))
            sold = uow.orders.by_seller(orders[0].seller_id, limit=3)
            assert (["O3", "O2", "O1"], ["O0"]) == (
                ids(sold),
                ids(uow.orders.by_seller(orders[0].seller_id, starting_after=sold[-1].id)),
            )
            waiting = OrderStatus.AWAITING_INSTRUCTIONS  # a status too: still the same order
            after_o2 = uow.orders.by_buyer(BUYER_ID, waiting, starting_after=OrderId("O2"))
            assert ["O1", "O0"] == ids(after_o2)
            posted = uow.projects.by_client(BUYER_ID, limit=2)
            assert (["P2", "P1"], ["P0"]) == (
                ids(posted),
                ids(uow.projects.by_client(BUYER_ID, limit=2, starting_after=posted[-1].id)),
            )
            hired = uow.contracts.of_member(BUYER_ID, limit=2)  # as client: the three
            assert (["C3", "C2"], ["C1"]) == (
                ids(hired),
                ids(uow.contracts.of_member(BUYER_ID, limit=2, starting_after=hired[-1].id)),
            )
            worked = uow.contracts.of_member(SELLER_ID, starting_after=ContractId("C2"))
            assert ["C1"] == ids(worked)
            withdrawn = uow.withdrawals.of_seller(SELLER_ID, limit=2)
            assert (["W2", "W1"], ["W0"]) == (
                ids(withdrawn),
                ids(uow.withdrawals.of_seller(SELLER_ID, starting_after=withdrawn[-1].id)),
            )
            # an item of another list, or none at all, is not a place in this one
            for refused in (
                lambda: uow.orders.by_buyer(SELLER_ID, starting_after=OrderId("O1")),
                lambda: uow.orders.by_buyer(BUYER_ID, starting_after=OrderId("O9")),
                lambda: uow.projects.by_client(SELLER_ID, starting_after=ProjectId("P1")),
                lambda: uow.contracts.of_member(SELLER_ID, starting_after=ContractId("C3")),
                lambda: uow.withdrawals.of_seller(BUYER_ID, starting_after=WithdrawalId("W1")),
            ):
                _expect(NotFound, refused)
            # what this unit staged is in its place: a new order between O1 and O2's moment
            uow.orders.add(place_order(order_id="O15", placed_at=EPOCH + timedelta(minutes=30)))
            after_o1 = uow.orders.by_buyer(BUYER_ID, starting_after=OrderId("O1"))
            assert ["O15", "O0"] == [o.id for o in after_o1]


def check_disputed_contracts(make: Factory) -> None:
    """Contracts with a disputed milestone, the longest waiting first; a decision takes one out.

    Each unit of work sees its own staged disputes and decisions in their place.
    """
    with closing(make()) as storage:
        contracts = [_contract(n) for n in (1, 2, 3)]
        for number, contract in enumerate(contracts, 1):
            contract.accept(Actor.member(SELLER_ID), EPOCH + timedelta(hours=number))
            contract.fund(Actor.member(BUYER_ID), 1, EPOCH + timedelta(hours=number))
        later, sooner = EPOCH + timedelta(days=2), EPOCH + timedelta(days=1)
        contracts[0].dispute(Actor.member(BUYER_ID), 1, "لم يبدأ العمل", later)
        contracts[2].dispute(Actor.member(SELLER_ID), 1, "لم يرد العميل", sooner)
        with storage.unit_of_work() as uow:
            for contract in contracts:
                uow.contracts.add(contract)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert ["C3", "C1"] == [c.id for c in uow.contracts.disputed()]
            assert ["C3"] == [c.id for c in uow.contracts.disputed(limit=1)]
            _expect(OutOfRange, lambda: uow.contracts.disputed(limit=0))
            decided = uow.contracts.get(ContractId("C3"))
            decided.resolve(Actor.admin(MemberId("staff")), 1, Resolution.REFUND, later)
            uow.contracts.save(decided)
            disputed = uow.contracts.get(ContractId("C2"))
            disputed.dispute(Actor.member(BUYER_ID), 1, "تأخر التسليم", EPOCH)
            uow.contracts.save(disputed)
            assert ["C2", "C1"] == [c.id for c in uow.contracts.disputed()]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert ["C2", "C1"] == [c.id for c in uow.contracts.disputed()]


def check_bid_credits(make: Factory) -> None:
    """Credits are found (or not), spent at the version read, and due for refilling."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            assert uow.bid_credits.find(SELLER_ID) is None
            uow.bid_credits.add(BidCredits.fresh(SELLER_ID, EPOCH, KHAMSAT.projects))
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.bid_credits.find(SELLER_ID)
            assert found is not None
            found.spend()
            uow.bid_credits.save(found)
            uow.commit()
        with storage.unit_of_work() as uow:
            kept = uow.bid_credits.find(SELLER_ID)
            assert kept is not None
            assert KHAMSAT.projects.bid_credits_per_month - 1 == kept.left
            assert [] == uow.bid_credits.due(kept.refills_at - timedelta(seconds=1))
            assert [SELLER_ID] == uow.bid_credits.due(kept.refills_at)


def check_stale_project_mode_writes_are_refused(make: Factory) -> None:
    """A project, a contract or credits changed since read are not overwritten."""
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            uow.projects.add(_opened(_project(0), 1))
            uow.contracts.add(_contract(1))
            uow.bid_credits.add(BidCredits.fresh(SELLER_ID, EPOCH, KHAMSAT.projects))
            uow.commit()

        later = EPOCH + timedelta(hours=2)

        def on_project(
            step: Callable[[Project, Actor, datetime], object],
        ) -> Callable[[UnitOfWork], None]:
            def run(uow: UnitOfWork) -> None:
                found = uow.projects.get(ProjectId("P0"))
                step(found, Actor.member(BUYER_ID), later)
                uow.projects.save(found)

            return run

        def on_contract(
            step: Callable[[Contract, Actor, datetime], object],
        ) -> Callable[[UnitOfWork], None]:
            def run(uow: UnitOfWork) -> None:
                found = uow.contracts.get(ContractId("C1"))
                step(found, Actor.member(SELLER_ID), later)
                uow.contracts.save(found)

            return run

        def spend(uow: UnitOfWork) -> None:
            found = uow.bid_credits.find(SELLER_ID)
            assert found is not None
            found.spend()
            uow.bid_credits.save(found)

        _second_commit_is_stale(storage, on_project(Project.close), on_project(Project.cancel))
        _second_commit_is_stale(
            storage, on_contract(Contract.accept), on_contract(Contract.decline)
        )
        _second_commit_is_stale(storage, spend, spend)
        _second_add_is_stale(storage, lambda uow: uow.projects.add(_project(7)))
        _second_add_is_stale(storage, lambda uow: uow.contracts.add(_contract(7)))
        with storage.unit_of_work() as uow:
            assert ProjectStatus.CLOSED is uow.projects.get(ProjectId("P0")).status
            assert ContractStatus.ACTIVE is uow.contracts.get(ContractId("C1")).status
            kept = uow.bid_credits.find(SELLER_ID)
            assert kept is not None
            assert KHAMSAT.projects.bid_credits_per_month - 1 == kept.left


def check_orders_in_a_status(make: Factory) -> None:
    """Every party's orders in one status, placed longest ago first, staged ones included."""
    with closing(make()) as storage:
        placed = [
            attrs.evolve(place_order(order_id=f"O{n}"), placed_at=EPOCH + timedelta(hours=n))
            for n in (3, 1, 2, 4)
        ]
        buyer = Actor.member(BUYER_ID)
        with storage.unit_of_work() as uow:
            for order in placed:
                uow.orders.add(order)
            uow.commit()
        with storage.unit_of_work() as uow:
            started = uow.orders.get(OrderId("O2"))
            started.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
            uow.orders.save(started)
            uow.commit()
        waiting = OrderStatus.AWAITING_INSTRUCTIONS
        with storage.unit_of_work() as uow:
            assert ["O1", "O3", "O4"] == [o.id for o in uow.orders.in_status(waiting)]
            assert ["O1", "O3"] == [o.id for o in uow.orders.in_status(waiting, limit=2)]
            assert ["O2"] == [o.id for o in uow.orders.in_status(OrderStatus.IN_PROGRESS)]
            assert [] == uow.orders.in_status(OrderStatus.DISPUTED)
            _expect(OutOfRange, lambda: uow.orders.in_status(waiting, limit=0))
            # this unit's own change counts before it commits
            staged = uow.orders.get(OrderId("O3"))
            staged.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
            uow.orders.save(staged)
            assert ["O1", "O4"] == [o.id for o in uow.orders.in_status(waiting)]
            assert ["O2", "O3"] == [o.id for o in uow.orders.in_status(OrderStatus.IN_PROGRESS)]


def check_values_handed_out_are_the_callers(make: Factory) -> None:
    """Changing what a unit of work handed out, or what it was given, changes nothing stored.

    Adapters may share the values they keep between units of work (the memory adapter's
    committed ones, the SQL adapters' decoded documents): only copies may leave.
    """
    with closing(make()) as storage:
        order = place_order(order_id="O1")
        member = make_member("sara")
        with storage.unit_of_work() as uow:
            uow.orders.add(order)
            uow.members.add(member)
            uow.commit()
        buyer = Actor.member(BUYER_ID)
        for _ in range(2):  # the second time, what is read may be a kept value
            with storage.unit_of_work() as uow:
                read = uow.orders.get(OrderId("O1"))
                read.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
                (listed,) = uow.orders.by_buyer(BUYER_ID)
                listed.history.clear()
                (paged,) = uow.members.page()
                paged.bio = "changed"
        with storage.unit_of_work() as uow:
            saved = uow.orders.get(OrderId("O1"))
            saved.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
            uow.orders.save(saved)
            uow.commit()
        saved.history.clear()  # after the commit, by whoever still holds it
        with storage.unit_of_work() as uow:
            assert OrderStatus.IN_PROGRESS == uow.orders.get(OrderId("O1")).status
            assert len(uow.orders.get(OrderId("O1")).history) == len(order.history) + 1
            assert member == uow.members.get(member.id)


class _Interrupted(Exception):
    """Stands for anything that goes wrong inside a unit of work."""


# --- races: what only the adapter's own checks refuse (issue #21, docs/testing.md) --------
# A unit of work checks what it reads; two units that read before either commits both pass
# those checks, and only the adapter's flush stands between them and a lost write.


def _race(
    storage: Storage,
    first: Callable[[UnitOfWork], object],
    second: Callable[[UnitOfWork], object],
) -> Callable[[], None]:
    """Both units do their part; the first commits; calling the result commits the second."""
    one, two = storage.unit_of_work(), storage.unit_of_work()
    one.__enter__()
    two.__enter__()
    first(one)
    second(two)
    one.commit()
    one.__exit__(None, None, None)

    def commit_second() -> None:
        try:
            two.commit()
        finally:
            two.__exit__(None, None, None)

    return commit_second


def _refused_with(kind: type[MicrogigsError], action: Callable[[], object]) -> dict[str, object]:
    """``action`` raises ``kind``: the error's fields."""
    try:
        action()
    except kind as error:
        return error.context()
    message = f"expected {kind.__name__}"
    raise AssertionError(message)


def _reviewed_order() -> Order:
    order = place_order(order_id="O1")
    buyer, seller = Actor.member(order.buyer_id), Actor.member(order.seller_id)
    order.apply(OrderEvent.SEND_INSTRUCTIONS, buyer, EPOCH, KHAMSAT.orders)
    order.apply(OrderEvent.DELIVER, seller, EPOCH, KHAMSAT.orders)
    order.apply(OrderEvent.ACCEPT, buyer, EPOCH, KHAMSAT.orders)
    return order


def check_racing_adds_are_refused_by_name(make: Factory) -> None:
    """Two units add the same new thing: the second to commit is refused, and says which.

    A member's id, username and e-mail; a second review of one order; a command's key; a
    ledger transaction's key; a project's id. Nothing of the refused unit is stored.
    """
    with closing(make()) as storage:

        def add(member: Member) -> Callable[[UnitOfWork], object]:
            return lambda uow: uow.members.add(member)

        twin = make_member("sara", member_id="M1")
        _expect(StaleWrite, _race(storage, add(twin), add(twin)), ("member", "M1"))
        taken = _race(storage, add(make_member("omar", "M2")), add(make_member("omar", "M3")))
        assert {"username": "omar"} == _refused_with(UsernameTaken, taken)
        other = make_member("layla", member_id="M5")
        other.change_email("huda@example.com")
        taken = _race(storage, add(make_member("huda", "M4")), add(other))
        assert {"email": "huda@example.com"} == _refused_with(EmailTaken, taken)

        order = _reviewed_order()
        buyer = Actor.member(order.buyer_id)

        def review(review_id: str) -> Callable[[UnitOfWork], object]:
            written = Review.write(
                ReviewId(review_id), order=order, actor=buyer, stars=5, comment="ممتاز",
                now=EPOCH, policy=KHAMSAT.reviews,
            )  # fmt: skip
            return lambda uow: uow.reviews.add(written)

        _expect(StaleWrite, _race(storage, review("R1"), review("R2")), ("review", "O1"))

        def command(result: str) -> Callable[[UnitOfWork], object]:
            return lambda uow: uow.commands.put(CommandRecord("checkout-1", "sha256:a", result))

        _expect(StaleWrite, _race(storage, command("{}"), command("[]")), ("command", "checkout-1"))

        def top_up(number: int) -> Callable[[UnitOfWork], object]:
            return lambda uow: uow.ledger.post(_top_up("topup-1", 1_000, number))

        _expect(StaleWrite, _race(storage, top_up(1), top_up(2)), ("transaction", "topup-1"))

        def project(uow: UnitOfWork) -> None:
            uow.projects.add(_project(7))

        _expect(StaleWrite, _race(storage, project, project), ("project", "P7"))
        with storage.unit_of_work() as uow:
            assert ["M1", "M2", "M4"] == [m.id for m in uow.members.page()]
            assert "R1" == uow.reviews.for_order(order.id).id  # type: ignore[union-attr]
            assert "{}" == uow.commands.get("checkout-1").result  # type: ignore[union-attr]
            assert "T0001" == uow.ledger.by_key("topup-1").id  # type: ignore[union-attr]
            assert Money(1_000, USD) == uow.ledger.balance(lg.wallet(BUYER_ID))


def check_racing_carts_and_favourites_are_refused_by_name(make: Factory) -> None:
    """A cart and favourites raced apart, first started then changed: each refusal names it."""

    def cart(service_id: str) -> Callable[[UnitOfWork], object]:
        def change(uow: UnitOfWork) -> None:
            found = uow.carts.get(BUYER_ID)
            found.lines[ServiceId(service_id)] = CartLine(ServiceId(service_id), (), 1)
            found.version += 1
            uow.carts.save(found)

        return change

    def favourites(service_id: str) -> Callable[[UnitOfWork], object]:
        def change(uow: UnitOfWork) -> None:
            found = uow.favourites.get(BUYER_ID)
            found.service_ids.insert(0, ServiceId(service_id))
            found.version += 1
            uow.favourites.save(found)

        return change

    with closing(make()) as storage:
        for step in ("first", "second"):
            named = ("cart", BUYER_ID)
            _expect(StaleWrite, _race(storage, cart(f"S-{step}"), cart("S-lost")), named)
            named = ("favourites", BUYER_ID)
            _expect(StaleWrite, _race(storage, favourites(step), favourites("lost")), named)
        with storage.unit_of_work() as uow:
            assert ["S-first", "S-second"] == sorted(uow.carts.get(BUYER_ID).lines)
            assert ["second", "first"] == list(uow.favourites.get(BUYER_ID))


def check_racing_evaluations_keep_their_order(make: Factory) -> None:
    """A seller's evaluation raced by another: refused at or before its moment, kept after."""
    with closing(make()) as storage:

        def evaluate_at(days: int) -> Callable[[UnitOfWork], object]:
            evaluation = _evaluation(SELLER_ID, days, SellerLevel.LEVEL_1)
            return lambda uow: uow.levels.add(evaluation)

        named = ("level evaluation", SELLER_ID)
        _expect(StaleWrite, _race(storage, evaluate_at(30), evaluate_at(30)), named)
        _expect(StaleWrite, _race(storage, evaluate_at(40), evaluate_at(35)), named)
        _race(storage, evaluate_at(50), evaluate_at(60))()
        with storage.unit_of_work() as uow:
            found = [e.at for e in uow.levels.history(SELLER_ID)]
        assert [EPOCH + timedelta(days=d) for d in (60, 50, 40, 30)] == found


def check_racing_spends_are_checked_against_the_balance_committed(make: Factory) -> None:
    """Two units spend one wallet: the second is checked against what the first left.

    Its payments are checked one after another, each against the balance the one before
    left; a refusal names what the account holds, its balance then and the amount asked.
    """
    with closing(make()) as storage:
        with storage.unit_of_work() as uow:
            uow.ledger.post(_top_up("topup-1", 1_000, 1))
            uow.commit()

        def pay(*orders: tuple[str, int]) -> Callable[[UnitOfWork], object]:
            def run(uow: UnitOfWork) -> None:
                for order_id, minor in orders:
                    paid = lg.pay_order(
                        TransactionId(f"T-{order_id}"), f"pay-{order_id}",
                        order_id=OrderId(order_id), buyer_id=BUYER_ID,
                        amount=Money(minor, USD), source=None, at=EPOCH,
                    )  # fmt: skip
                    uow.ledger.post(paid)

            return run

        spent = _race(storage, pay(("O1", 500)), pay(("O2", 300), ("O3", 300)))
        refused = _refused_with(InsufficientFunds, spent)
        wallet = lg.wallet(BUYER_ID)
        assert {"kind": lg.AccountKind.WALLET, "balance": _usd(2), "amount": _usd(3)} == refused
        _race(storage, pay(("O4", 100)), pay(("O5", 300), ("O6", 100)))()
        with storage.unit_of_work() as uow:
            assert Money(0, USD) == uow.ledger.balance(wallet)
            assert [None, None] == [uow.ledger.by_key(k) for k in ("pay-O2", "pay-O3")]
            assert lg.audit(uow.ledger.entry_rows(), uow.ledger.balances()) == []


CHECKS: Final = (
    check_members,
    check_member_pages,
    check_unique_usernames_and_emails,
    check_rollback_by_default,
    check_stale_writes_are_refused,
    check_stale_orders_are_refused,
    check_stale_services_are_refused,
    check_stale_reviews_are_refused,
    check_stale_inquiries_are_refused,
    check_stale_requests_are_refused,
    check_stale_carts_and_favourites_are_refused,
    check_services,
    check_carts_and_favourites,
    check_orders_and_due_index,
    check_orders_in_a_status,
    check_ledger_posts_whole_transactions,
    check_ledger_refuses_overdrafts,
    check_ledger_idempotency,
    check_ledger_releases_and_statements,
    check_outbox,
    check_command_records,
    check_a_failed_unit_of_work_leaves_nothing,
    check_listings_order_filter_and_search,
    check_listing_changes_apply_to_the_listing_as_stored,
    check_conversations_are_read_a_page_at_a_time,
    check_ranked_search_finds_what_a_reader_means,
    check_search_reaches_a_bounded_depth,
    check_search_orders_partial_matches_by_the_querys_category,
    check_search_expands_synonyms,
    check_search_expands_broader_to_narrower,
    check_search_reaches_synonyms_less_deep,
    check_reviews_and_ratings,
    check_inquiries,
    check_level_evaluations,
    check_requests,
    check_projects,
    check_contracts_and_due_index,
    check_member_lists_page_past_a_cursor,
    check_disputed_contracts,
    check_bid_credits,
    check_stale_project_mode_writes_are_refused,
    check_racing_adds_are_refused_by_name,
    check_racing_carts_and_favourites_are_refused_by_name,
    check_racing_evaluations_keep_their_order,
    check_racing_spends_are_checked_against_the_balance_committed,
    check_values_handed_out_are_the_callers,
)
"""Every check, in the order the docs describe them."""
