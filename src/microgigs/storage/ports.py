"""The storage ports: what the marketplace needs from any database, as protocols.

Adapters (``microgigs.storage.memory``, ``.sqlite``, ``.postgres``, or your own) do not
inherit from these classes; mypy checks that they conform, and the contract suite in
:mod:`microgigs.testing.contract` checks that they behave.

Rules every adapter keeps:

* Everything happens inside a :class:`UnitOfWork`, which rolls back unless committed.
* ``get`` returns a private copy; changes reach the store only through ``add``/``save``
  and ``commit``. ``save`` writes only if the record still has the version that was read
  (:class:`~microgigs.errors.StaleWrite` otherwise).
* The ledger posts a whole transaction or nothing; a balance that may not go negative is
  spent by a conditional write, never read-then-write
  (:class:`~microgigs.errors.InsufficientFunds`). Posting a key again returns the first
  transaction; other content under the same key is
  :class:`~microgigs.errors.IdempotencyConflict`.
* Driver errors never leave an adapter: they become :mod:`microgigs.errors`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar

import attrs

from microgigs.catalog import Cart, Favourites, Service, ServiceStatus
from microgigs.ids import (
    CategoryId,
    ContractId,
    EventId,
    InquiryId,
    MemberId,
    MessageId,
    OrderId,
    ProjectId,
    RequestId,
    ReviewId,
    ServiceId,
    WithdrawalId,
)
from microgigs.inquiries import Inquiry
from microgigs.ledger import AccountId, EntryRow, Release, StatementPage, Transaction
from microgigs.members import Member
from microgigs.money import Money
from microgigs.orders import Message, Order, OrderStatus
from microgigs.projects import BidCredits, Contract, ContractStatus, Project
from microgigs.ranking import Evaluation, Listing, ListingPage, ListingQuery, Rating, Review
from microgigs.requests import ServiceRequest
from microgigs.withdrawals import Withdrawal

__all__ = [
    "BidCreditRepository",
    "CartRepository",
    "CommandRecord",
    "ContractRepository",
    "FavouritesRepository",
    "IdempotencyRecords",
    "InquiryRepository",
    "LedgerRepository",
    "LevelEvaluationRepository",
    "ListingRepository",
    "MemberRepository",
    "OrderRepository",
    "Outbox",
    "OutboxEvent",
    "ProjectRepository",
    "Repository",
    "RequestRepository",
    "ReviewRepository",
    "ServiceRepository",
    "Storage",
    "UnitOfWork",
    "WithdrawalRepository",
]


K_contra = TypeVar("K_contra", contravariant=True)
A = TypeVar("A")


class Repository(Protocol[K_contra, A]):
    """The aggregates of one kind, by id, in a unit of work (members, services, orders …).

    ``get`` returns a private copy; only ``add`` and ``save`` stage a change, which the unit's
    ``commit`` writes.
    """

    def add(self, aggregate: A, /) -> None:
        """Store a new aggregate."""
        ...

    def get(self, key: K_contra, /) -> A:
        """The aggregate (:class:`~microgigs.errors.NotFound` if absent)."""
        ...

    def save(self, aggregate: A, /) -> None:
        """Write an aggregate read in this unit of work, if nobody changed it since.

        Another unit that changed it first: :class:`~microgigs.errors.StaleWrite`.
        """
        ...


class MemberRepository(Repository[MemberId, Member], Protocol):
    """Member profiles; usernames and e-mails are unique.

    ``add`` refuses a taken one: :class:`~microgigs.errors.UsernameTaken`, ``EmailTaken``.
    """

    def can_trade(self, member_id: MemberId) -> bool:
        """Whether the member may buy and sell now (not suspended); ``NotFound`` if absent."""
        ...

    def find_by_username(self, username: str) -> Member | None:
        """The member with this (normalised) username, if any."""
        ...

    def find_by_email(self, email: str) -> Member | None:
        """The member with this (normalised) e-mail address, if any."""
        ...

    def page(self, *, after: MemberId | None = None, limit: int = 100) -> list[Member]:
        """Committed members in id order (oldest first), after ``after``: a keyset page."""
        ...


class ServiceRepository(Repository[ServiceId, Service], Protocol):
    """Services and their upgrades."""

    def by_seller(
        self, seller_id: MemberId, *, status: ServiceStatus | None = None, limit: int | None = None
    ) -> list[Service]:
        """A seller's services (in ``status``), newest first, the first ``limit`` (indexed)."""
        ...

    def by_status(self, status: ServiceStatus, *, limit: int = 50) -> list[Service]:
        """Services in a status (the moderation queue is ``pending_review``), oldest first."""
        ...


class RequestRepository(Repository[RequestId, ServiceRequest], Protocol):
    """Requests for services that don't exist, with their offers."""

    def open_now(
        self, now: datetime, *, category_id: CategoryId | None = None, limit: int = 20
    ) -> list[ServiceRequest]:
        """Requests open for offers at ``now`` (in one category, if given), newest first."""
        ...

    def awaiting_review(self, *, limit: int = 50) -> list[ServiceRequest]:
        """Requests waiting for a moderator (the review queue), oldest first."""
        ...

    def by_buyer(self, buyer_id: MemberId, *, limit: int = 50) -> list[ServiceRequest]:
        """A buyer's own requests in every status (waiting for review too), newest first."""
        ...

    def expiring(self, now: datetime, *, limit: int = 100) -> list[RequestId]:
        """Open requests whose time is up at ``now`` (for ``tick``)."""
        ...


class InquiryRepository(Repository[InquiryId, Inquiry], Protocol):
    """Pre-purchase inquiries: one per buyer and service."""

    def about(self, buyer_id: MemberId, service_id: ServiceId) -> Inquiry | None:
        """The buyer's inquiry about a service, if any."""
        ...

    def to_seller(self, seller_id: MemberId, since: datetime) -> list[Inquiry]:
        """The inquiries a seller received since a moment, oldest first."""
        ...

    def from_buyer(self, buyer_id: MemberId, *, limit: int = 50) -> list[Inquiry]:
        """The inquiries a buyer opened, the latest written in first (at most ``limit``)."""
        ...

    def received(self, seller_id: MemberId, *, limit: int = 50) -> list[Inquiry]:
        """The inquiries a seller received, the latest written in first (at most ``limit``).

        By :attr:`~microgigs.inquiries.Inquiry.last_at`; ``limit`` up to 1,000.
        """
        ...


class ReviewRepository(Repository[ReviewId, Review], Protocol):
    """Reviews: at most one per order.

    ``add`` refuses a second review of an order: :class:`~microgigs.errors.StaleWrite`.
    """

    def for_order(self, order_id: OrderId) -> Review | None:
        """The review of an order, if written."""
        ...

    def by_service(self, service_id: ServiceId, *, limit: int = 20) -> list[Review]:
        """A service's reviews, newest first."""
        ...

    def rating_of_service(self, service_id: ServiceId) -> Rating:
        """Count and sum of a service's stars."""
        ...

    def rating_of_seller(self, seller_id: MemberId) -> Rating:
        """Count and sum of a seller's stars."""
        ...

    def of_seller_since(self, seller_id: MemberId, since: datetime) -> list[Review]:
        """The reviews a seller received since a moment, oldest first."""
        ...


class LevelEvaluationRepository(Protocol):
    """Seller level evaluations: an append-only history, one per seller and round."""

    def add(self, evaluation: Evaluation) -> None:
        """Store an evaluation.

        :class:`~microgigs.errors.StaleWrite` if the seller has one at that moment or later.
        """
        ...

    def latest(self, seller_id: MemberId) -> Evaluation | None:
        """The seller's most recent evaluation, if any."""
        ...

    def history(self, seller_id: MemberId, *, limit: int = 12) -> list[Evaluation]:
        """The seller's evaluations, newest first."""
        ...

    def sellers_due(self, round_at: datetime, *, limit: int = 100) -> list[MemberId]:
        """Sellers due in a round, by id.

        Those with at least one service or one contract as freelancer, and no evaluation
        at or after ``round_at``.
        """
        ...


class ListingRepository(Protocol):
    """The catalogue index: one listing per active service, for browsing and search."""

    def get(self, service_id: ServiceId) -> Listing | None:
        """The listing of a service, if it is listed."""
        ...

    def put(self, listing: Listing) -> None:
        """Add or replace the listing of a service, whole (made from the service itself)."""
        ...

    def change(self, service_id: ServiceId, how: Callable[[Listing], Listing]) -> None:
        """Change the listing of a service as it stands when the unit of work commits.

        A sale counted, a review's stars, the seller's level: ``how`` is given the listing
        as stored at that moment, under the write's lock, so two units that change one
        listing at once both count; a service no longer listed by then stays unlisted.
        ``get`` in the same unit sees the change.
        """
        ...

    def remove(self, service_id: ServiceId) -> None:
        """Take a service out of the index (paused, rejected …)."""
        ...

    def search(self, query: ListingQuery) -> ListingPage:
        """A page of committed listings: filters, text ranked over any term, ordering, cursor."""
        ...


class FavouritesRepository(Protocol):
    """Each member's saved services."""

    def get(self, owner_id: MemberId) -> Favourites:
        """The member's favourites (empty if never saved)."""
        ...

    def save(self, favourites: Favourites) -> None:
        """Write the member's favourites."""
        ...


class CartRepository(Protocol):
    """Each member's cart."""

    def get(self, owner_id: MemberId) -> Cart:
        """The member's cart (empty if never filled)."""
        ...

    def save(self, cart: Cart) -> None:
        """Write the member's cart."""
        ...


class OrderRepository(Repository[OrderId, Order], Protocol):
    """Orders, their conversations, and the index of due automatic events."""

    def by_buyer(
        self,
        buyer_id: MemberId,
        status: OrderStatus | None = None,
        *,
        limit: int = 50,
        starting_after: OrderId | None = None,
    ) -> list[Order]:
        """A buyer's orders (in one status, if given), newest first.

        ``starting_after``: the last order of the page before; the page is the orders after
        it. One not in this list is ``NotFound``. The same for every list below that takes it.
        """
        ...

    def by_seller(
        self,
        seller_id: MemberId,
        status: OrderStatus | None = None,
        *,
        limit: int = 50,
        starting_after: OrderId | None = None,
    ) -> list[Order]:
        """A seller's orders (in one status, if given), newest first, paged as ``by_buyer``."""
        ...

    def in_status(self, status: OrderStatus, *, limit: int = 50) -> list[Order]:
        """Every party's orders in one status, placed longest ago first (indexed).

        The administrator's queues: disputes waiting for a decision, orders asking for a
        cancellation.
        """
        ...

    def due(self, now: datetime, *, limit: int = 100) -> list[OrderId]:
        """Orders whose next automatic event is due at ``now``, soonest first (indexed)."""
        ...

    def of_seller_since(self, seller_id: MemberId, since: datetime) -> list[Order]:
        """Every order a seller received since a moment, oldest first (level metrics)."""
        ...

    def add_message(self, message: Message) -> None:
        """Store a message of an order's conversation."""
        ...

    def messages(
        self, order_id: OrderId, *, limit: int | None = None, before: MessageId | None = None
    ) -> list[Message]:
        """An order's conversation, oldest first: the latest ``limit`` messages (all without).

        ``before``: only the messages written before that one, which must be one of this
        conversation's (``NotFound`` otherwise).
        """
        ...


class LedgerRepository(Protocol):
    """The ledger: transactions, cached balances, statements, releases awaiting clearance."""

    def post(self, transaction: Transaction) -> Transaction:
        """Record a whole transaction and move the balances, or refuse and change nothing."""
        ...

    def balance(self, account: AccountId) -> Money:
        """The cached balance (cost independent of the number of entries)."""
        ...

    def by_key(self, key: str) -> Transaction | None:
        """The transaction posted under this idempotency key, if any."""
        ...

    def statement(self, account: AccountId, *, cursor: int = 0, limit: int = 50) -> StatementPage:
        """A page of an account's entries with running balances, oldest first."""
        ...

    def due_releases(self, now: datetime, *, limit: int = 100) -> list[Release]:
        """Released earnings not yet cleared whose clearance is due at ``now`` (indexed)."""
        ...

    def uncleared(self, seller_id: MemberId, *, limit: int = 50) -> list[Release]:
        """A seller's released earnings not yet cleared, soonest to clear first (indexed)."""
        ...

    def entry_rows(self) -> list[EntryRow]:
        """Every entry as stored, for the audit."""
        ...

    def balances(self) -> dict[AccountId, Money]:
        """Every cached balance, for the audit."""
        ...


class ProjectRepository(Repository[ProjectId, Project], Protocol):
    """Projects of project mode, with their bids."""

    def open_now(
        self,
        now: datetime,
        *,
        category_id: CategoryId | None = None,
        bracket: int | None = None,
        limit: int = 20,
    ) -> list[Project]:
        """Projects open for bids at ``now`` (in a category, a bracket), newest first (indexed)."""
        ...

    def awaiting_review(self, *, limit: int = 50) -> list[Project]:
        """Projects waiting for a moderator, oldest first."""
        ...

    def by_client(
        self, client_id: MemberId, *, limit: int = 50, starting_after: ProjectId | None = None
    ) -> list[Project]:
        """A client's projects in every status, newest first (paged as orders' ``by_buyer``)."""
        ...

    def open_of_client(
        self, client_id: MemberId, *, held: bool, limit: int = 1000
    ) -> list[Project]:
        """A client's open projects, listed or held (the client suspended), newest first."""
        ...

    def expiring(self, now: datetime, *, limit: int = 100) -> list[ProjectId]:
        """Open projects, listed or held, whose time is up at ``now`` (for ``tick``, indexed)."""
        ...


class ContractRepository(Repository[ContractId, Contract], Protocol):
    """Contracts of project mode, with their milestones, and the index of due timers."""

    def of_project(self, project_id: ProjectId, *, limit: int = 50) -> list[Contract]:
        """A project's contracts (offers too), oldest first."""
        ...

    def of_member(
        self,
        member_id: MemberId,
        *,
        status: ContractStatus | None = None,
        as_freelancer: bool = False,
        limit: int = 50,
        starting_after: ContractId | None = None,
    ) -> list[Contract]:
        """The contracts a member is client or freelancer of (in a status), newest first.

        ``as_freelancer``: only those the member works on (a freelancer's record). Paged as
        orders' ``by_buyer``.
        """
        ...

    def of_freelancer(
        self, freelancer_id: MemberId, *, until: datetime, limit: int = 500
    ) -> list[Contract]:
        """A freelancer's contracts offered up to ``until``, newest first (indexed).

        The level evaluation reads them: those finished, reviewed or answered in its window.
        """
        ...

    def due(self, now: datetime, *, limit: int = 100) -> list[ContractId]:
        """Contracts whose next automatic step is due at ``now``, soonest first (indexed)."""
        ...

    def disputed(self, *, limit: int = 100) -> list[Contract]:
        """Contracts with a disputed milestone, the longest waiting first (indexed).

        What waits for an admin's decision: ordered by when the oldest open dispute began.
        """
        ...


class BidCreditRepository(Protocol):
    """Each freelancer's bid credits: one record each, made on their first bid."""

    def find(self, member_id: MemberId) -> BidCredits | None:
        """The freelancer's credits, if they ever bid."""
        ...

    def add(self, allowance: BidCredits) -> None:
        """Store a freelancer's first credits."""
        ...

    def save(self, allowance: BidCredits) -> None:
        """Write credits read in this unit of work, if nobody changed them since."""
        ...

    def due(self, now: datetime, *, limit: int = 100) -> list[MemberId]:
        """Freelancers whose credits refill at ``now`` (for ``tick``, indexed)."""
        ...


@attrs.frozen
class OutboxEvent:
    """A domain event written in the same transaction as the change it reports."""

    id: EventId
    name: str
    payload: str
    at: datetime


class WithdrawalRepository(Protocol):
    """Sellers' withdrawals, each settled once by the payout provider's answer."""

    def get(self, withdrawal_id: WithdrawalId) -> Withdrawal:
        """A withdrawal (:class:`~microgigs.errors.NotFound` if there is none)."""
        ...

    def add(self, withdrawal: Withdrawal) -> None:
        """Store a new withdrawal."""
        ...

    def save(self, withdrawal: Withdrawal) -> None:
        """Write a withdrawal read in this unit of work, if nobody changed it since."""
        ...

    def of_seller(
        self, seller_id: MemberId, *, limit: int = 50, starting_after: WithdrawalId | None = None
    ) -> list[Withdrawal]:
        """A seller's withdrawals, newest first (indexed), paged as orders' ``by_buyer``."""
        ...

    def awaiting_payout(self, *, limit: int = 100) -> list[Withdrawal]:
        """Withdrawals waiting for the payout provider's answer, oldest first (indexed)."""
        ...


class Outbox(Protocol):
    """Events for the host to deliver (e-mails, notifications) and acknowledge."""

    def record(self, event: OutboxEvent) -> None:
        """Keep an event; it becomes visible only if the unit of work commits."""
        ...

    def pending(self, *, limit: int = 100) -> list[OutboxEvent]:
        """Events not yet acknowledged, oldest first."""
        ...

    def acknowledge(self, event_ids: Sequence[EventId]) -> None:
        """Mark events delivered."""
        ...


@attrs.frozen
class CommandRecord:
    """What a command did under an idempotency key: its fingerprint and its result."""

    key: str
    fingerprint: str
    result: str


class IdempotencyRecords(Protocol):
    """The results of commands by idempotency key, so a retried command has one effect."""

    def get(self, key: str) -> CommandRecord | None:
        """The record of a key, if the command ran."""
        ...

    def put(self, record: CommandRecord) -> None:
        """Keep the record (in the same transaction as the command's effects)."""
        ...


class UnitOfWork(Protocol):
    """One business transaction: everything in it commits together or not at all.

    Used as a context manager; leaving it without :meth:`commit` rolls back.
    """

    @property
    def members(self) -> MemberRepository:
        """Member profiles."""
        ...

    @property
    def services(self) -> ServiceRepository:
        """Services."""
        ...

    @property
    def requests(self) -> RequestRepository:
        """Requests for services that don't exist."""
        ...

    @property
    def inquiries(self) -> InquiryRepository:
        """Pre-purchase inquiries."""
        ...

    @property
    def reviews(self) -> ReviewRepository:
        """Reviews and ratings."""
        ...

    @property
    def listings(self) -> ListingRepository:
        """The catalogue index."""
        ...

    @property
    def levels(self) -> LevelEvaluationRepository:
        """Seller level evaluations."""
        ...

    @property
    def favourites(self) -> FavouritesRepository:
        """Saved services."""
        ...

    @property
    def carts(self) -> CartRepository:
        """Carts."""
        ...

    @property
    def orders(self) -> OrderRepository:
        """Orders and their conversations."""
        ...

    @property
    def ledger(self) -> LedgerRepository:
        """The ledger."""
        ...

    @property
    def projects(self) -> ProjectRepository:
        """Projects and their bids."""
        ...

    @property
    def contracts(self) -> ContractRepository:
        """Contracts and their milestones."""
        ...

    @property
    def bid_credits(self) -> BidCreditRepository:
        """Freelancers' bid credits."""
        ...

    @property
    def withdrawals(self) -> WithdrawalRepository:
        """Sellers' withdrawals and the payout queue."""
        ...

    @property
    def outbox(self) -> Outbox:
        """Domain events to deliver."""
        ...

    @property
    def commands(self) -> IdempotencyRecords:
        """Results of commands by idempotency key."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every change of this unit of work durable and visible."""
        ...

    def rollback(self) -> None:
        """Forget every change of this unit of work."""
        ...


class Storage(Protocol):
    """An opened database: hands out units of work."""

    @property
    def currency(self) -> str:
        """The currency of the marketplace's ledger."""
        ...

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work (use it in a ``with`` block)."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
