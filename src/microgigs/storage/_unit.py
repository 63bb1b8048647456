"""The unit of work every shipped adapter shares: reads through, writes staged, one flush.

A unit of work reads committed state from its :class:`Backend`, keeps every write to itself
(so its own reads see them), and at :meth:`StagedUnitOfWork.commit` hands them all to
``Backend.flush``, which applies them in one short database transaction, or refuses them
all: a record changed since it was read (:class:`~microgigs.errors.StaleWrite`), a taken
username, a balance that would go below zero. Adapters differ only in their backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from types import TracebackType
from typing import Final, Generic, Protocol, Self, TypeVar, overload

import attrs

from microgigs._checks import whole_number
from microgigs._text import _
from microgigs.catalog import Cart, Favourites, Service, ServiceStatus
from microgigs.errors import (
    EmailTaken,
    IdempotencyConflict,
    InsufficientFunds,
    NotFound,
    StaleWrite,
    UsernameTaken,
)
from microgigs.ids import (
    CategoryId,
    ContractId,
    EventId,
    InquiryId,
    MemberId,
    OrderId,
    ProjectId,
    RequestId,
    ReviewId,
    ServiceId,
)
from microgigs.inquiries import Inquiry
from microgigs.ledger import (
    AccountId,
    EntryRow,
    Release,
    StatementPage,
    Transaction,
    postable,
)
from microgigs.members import Member
from microgigs.money import Money
from microgigs.orders import Message, Order, OrderStatus
from microgigs.projects import BidCredits, Contract, ContractStatus, Project, ProjectStatus
from microgigs.ranking import Evaluation, Listing, ListingPage, ListingQuery, Rating, Review
from microgigs.requests import RequestStatus, ServiceRequest
from microgigs.storage._tables import (
    BID_CREDITS,
    CONTRACTS,
    PROJECTS,
    Column,
    Select,
    Table,
    Versioned,
)
from microgigs.storage.ports import CommandRecord, OutboxEvent

T = TypeVar("T")
D = TypeVar("D", bound=Versioned)
_CONTAINERS: Final = frozenset({list, dict, set})

_PAGE_MAX: Final = 1000
_BEGINNING: Final = datetime(2000, 1, 1, tzinfo=UTC)


def clone(value: T) -> T:
    """A copy whose containers are new; their elements are frozen values, shared safely.

    Every aggregate read from or staged in a unit of work is copied, so the copy is compiled
    once per class (as attrs compiles its ``__init__``): one line per field, no loop.
    """
    kind = type(value)
    copier = _COPIERS.get(kind)
    if copier is None:
        copier = _COPIERS[kind] = _copier(kind)
    return copier(value)  # type: ignore[return-value]


_COPIERS: Final[dict[type, Callable[[object], object]]] = {}


def _copier(kind: type) -> Callable[[object], object]:
    """The function copying a ``kind`` (an attrs class): containers copied, the rest shared."""
    lines = ["def copy(value):", "    copied = new(kind)"]
    for field in attrs.fields(kind):
        lines += [
            f"    inner = value.{field.name}",
            "    if inner.__class__ in containers:",
            "        inner = inner.copy()",
            f"    put(copied, {field.name!r}, inner)",
        ]
    lines.append("    return copied")
    scope: dict[str, object] = {
        "new": object.__new__,
        "kind": kind,
        "put": object.__setattr__,
        "containers": _CONTAINERS,
    }
    exec("\n".join(lines), scope)  # noqa: S102 (code built above from the class's own fields)
    return scope["copy"]  # type: ignore[return-value]


@attrs.frozen
class Write(Generic[T]):
    """An aggregate to store: ``expected`` is the version read (``None`` for a new one)."""

    value: T
    expected: int | None


@attrs.frozen
class Stored:
    """An aggregate stored the shared way, to write: its table, columns, version read."""

    table: str
    label: str
    columns: Mapping[str, Column]
    value: Versioned
    expected: int | None


@attrs.define
class Changes:
    """Everything one unit of work wants to write (each repository it made fills its part)."""

    members: Sequence[Write[Member]] = ()
    services: Sequence[Write[Service]] = ()
    orders: Sequence[Write[Order]] = ()
    favourites: Sequence[Write[Favourites]] = ()
    carts: Sequence[Write[Cart]] = ()
    messages: Sequence[Message] = ()
    transactions: Sequence[Transaction] = ()
    events: Sequence[OutboxEvent] = ()
    acknowledged: Sequence[EventId] = ()
    commands: Sequence[CommandRecord] = ()
    reviews: Sequence[Write[Review]] = ()
    inquiries: Sequence[Write[Inquiry]] = ()
    requests: Sequence[Write[ServiceRequest]] = ()
    listings: Sequence[Listing] = ()
    unlisted: Sequence[ServiceId] = ()
    evaluations: Sequence[Evaluation] = ()
    documents: Sequence[Stored] = ()
    """Aggregates stored the shared way (:mod:`microgigs.storage._tables`), with their table."""


class _Staging(ABC):
    """A repository of a unit of work: it puts what it staged into the unit's changes."""

    @abstractmethod
    def stage(self, changes: Changes) -> None:
        """Fill this repository's part of ``changes``."""


class Backend(Protocol):
    """What an adapter provides: committed reads, and one atomic flush of staged writes."""

    @property
    def currency(self) -> str: ...

    def member(self, member_id: MemberId) -> Member | None: ...
    def member_by(self, field: str, value: str) -> Member | None: ...
    def members_after(self, after: str, limit: int) -> list[Member]: ...
    def service(self, service_id: ServiceId) -> Service | None: ...
    def services_by_seller(self, seller_id: MemberId) -> list[Service]: ...
    def services_by_status(self, status: ServiceStatus, limit: int) -> list[Service]: ...
    def favourites(self, owner_id: MemberId) -> Favourites | None: ...
    def cart(self, owner_id: MemberId) -> Cart | None: ...
    def order(self, order_id: OrderId) -> Order | None: ...
    def orders_of(
        self, party: str, member_id: MemberId, status: OrderStatus | None, limit: int
    ) -> list[Order]: ...
    def orders_in_status(self, status: OrderStatus, limit: int) -> list[Order]: ...
    def orders_due(self, now: datetime, limit: int) -> list[OrderId]: ...
    def messages(self, order_id: OrderId) -> list[Message]: ...
    def balance(self, account: AccountId) -> Money | None: ...
    def transaction_by_key(self, key: str) -> Transaction | None: ...
    def statement(self, account: AccountId, cursor: int, limit: int) -> StatementPage: ...
    def due_releases(self, now: datetime, limit: int) -> list[Release]: ...
    def entry_rows(self) -> list[EntryRow]: ...
    def balances(self) -> dict[AccountId, Money]: ...
    def pending_events(self, limit: int) -> list[OutboxEvent]: ...
    def command(self, key: str) -> CommandRecord | None: ...
    def search(self, query: ListingQuery) -> ListingPage: ...
    def listing(self, service_id: ServiceId) -> Listing | None: ...
    def request(self, request_id: RequestId) -> ServiceRequest | None: ...
    def requests_open(
        self, now: datetime, category_id: CategoryId | None, limit: int
    ) -> list[ServiceRequest]: ...
    def requests_expiring(self, now: datetime, limit: int) -> list[RequestId]: ...
    def requests_in_review(self, limit: int) -> list[ServiceRequest]: ...
    def requests_of_buyer(self, buyer_id: MemberId, limit: int) -> list[ServiceRequest]: ...
    def inquiry(self, inquiry_id: InquiryId) -> Inquiry | None: ...
    def inquiry_about(self, buyer_id: MemberId, service_id: ServiceId) -> Inquiry | None: ...
    def inquiries_to(self, seller_id: MemberId, since: datetime) -> list[Inquiry]: ...
    def inquiries_from(self, buyer_id: MemberId, limit: int) -> list[Inquiry]: ...
    def review(self, review_id: ReviewId) -> Review | None: ...
    def review_of_order(self, order_id: OrderId) -> Review | None: ...
    def reviews_of_service(self, service_id: ServiceId, limit: int) -> list[Review]: ...
    def rating(self, column: str, key: str) -> Rating: ...
    def reviews_of_seller(self, seller_id: MemberId, since: datetime) -> list[Review]: ...
    def orders_of_seller(self, seller_id: MemberId, since: datetime) -> list[Order]: ...
    def evaluations(self, seller_id: MemberId, limit: int) -> list[Evaluation]: ...
    def sellers_due(self, round_at: datetime, limit: int) -> list[MemberId]: ...
    def document(self, table: Table[D], key: str) -> D | None: ...
    def documents(self, table: Table[D], select: Select) -> list[D]: ...
    def flush(self, changes: Changes) -> None: ...
    def session(self) -> AbstractContextManager[None]:
        """Keep what a unit of work's reads and flush share (a connection) until it ends."""
        ...


class _HasVersion(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_HasVersion)
NO_SESSION: Final[AbstractContextManager[None]] = nullcontext()
"""The session of a backend that keeps nothing between a unit of work's reads: one for all."""

_R = TypeVar("_R", bound="_Tracked")
_S = TypeVar("_S", bound="_Staging")


class _Tracked(Protocol):
    @property
    def rows(self) -> _Current: ...


class _Rows(Generic[V]):
    """Staged aggregates of one kind, with the version each was read at."""

    def __init__(self, kind: str, load: Callable[[str], V | None]) -> None:
        self.kind = kind
        self._load = load
        self.read: dict[str, int] = {}
        self.staged: dict[str, V] = {}
        self.new: set[str] = set()

    def get(self, key: str) -> V:
        found = self.staged.get(key)
        if found is None:
            found = self._load(key)
            if found is None:
                raise NotFound(kind=self.kind, key=str(key)[:100])
            self.read.setdefault(key, found.version)
        return clone(found)

    def add(self, key: str, value: V) -> None:
        if key in self.staged:
            raise StaleWrite(kind=self.kind, key=key)
        self.staged[key] = clone(value)
        self.new.add(key)

    def save(self, key: str, value: V) -> None:
        if key not in self.read and key not in self.new:
            raise StaleWrite(kind=self.kind, key=key)
        self.staged[key] = clone(value)

    def require_current(self) -> None:
        """Raise StaleWrite if anything read here has been changed since by someone else."""
        for key, version in self.read.items():
            found = self._load(key)
            if found is None or found.version != version:
                raise StaleWrite(kind=self.kind, key=key)

    def overlay(self, found: list[V], key: Callable[[V], str]) -> list[V]:
        """Committed rows with this unit's staged versions in their place."""
        merged = {key(v): v for v in found}
        merged.update(self.staged)
        return list(merged.values())

    def writes(self) -> list[Write[V]]:
        return [
            Write(value, None if key in self.new else self.read[key])
            for key, value in self.staged.items()
        ]


class _Members(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.rows: _Rows[Member] = _Rows(_("member"), backend.member)  # type: ignore[arg-type]

    def stage(self, changes: Changes) -> None:
        changes.members = self.rows.writes()

    def add(self, member: Member) -> None:
        self._unique(member)
        self.rows.add(member.id, member)

    def get(self, member_id: MemberId) -> Member:
        return self.rows.get(member_id)

    def can_trade(self, member_id: MemberId) -> bool:
        # a look, not a load: no copy, and the unit does not write it back
        found = self.rows.staged.get(member_id) or self._backend.member(member_id)
        if found is None:
            raise NotFound(kind=_("member"), key=str(member_id)[:100])
        return found.can_trade

    def find_by_username(self, username: str) -> Member | None:
        return self._find("username", username)

    def find_by_email(self, email: str) -> Member | None:
        return self._find("email", email)

    def page(self, *, after: MemberId | None = None, limit: int = 100) -> list[Member]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        return [clone(m) for m in self._backend.members_after(after or "", limit)]

    def _find(self, field: str, value: str) -> Member | None:
        for member in self.rows.staged.values():
            if getattr(member, field) == value:
                return clone(member)
        found = self._backend.member_by(field, value)
        return None if found is None else self.get(found.id)

    def save(self, member: Member) -> None:
        self._unique(member)
        self.rows.save(member.id, member)

    def _unique(self, member: Member) -> None:
        for field, error in (("username", UsernameTaken), ("email", EmailTaken)):
            value = getattr(member, field)
            clash = any(
                m.id != member.id and getattr(m, field) == value for m in self.rows.staged.values()
            )
            owner = self._backend.member_by(field, value)
            if clash or (owner is not None and owner.id != member.id):
                raise error(value)


class _Services(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.rows: _Rows[Service] = _Rows(_("service"), backend.service)  # type: ignore[arg-type]

    def stage(self, changes: Changes) -> None:
        changes.services = self.rows.writes()

    def add(self, service: Service) -> None:
        self.rows.add(service.id, service)

    def get(self, service_id: ServiceId) -> Service:
        return self.rows.get(service_id)

    def save(self, service: Service) -> None:
        self.rows.save(service.id, service)

    def by_seller(self, seller_id: MemberId) -> list[Service]:
        merged = self.rows.overlay(self._backend.services_by_seller(seller_id), lambda s: s.id)
        found = [s for s in merged if s.seller_id == seller_id]
        found.sort(key=lambda s: (s.created_at, s.id), reverse=True)
        return [clone(s) for s in found]

    def by_status(self, status: ServiceStatus, *, limit: int = 50) -> list[Service]:
        merged = self.rows.overlay(self._backend.services_by_status(status, limit), lambda s: s.id)
        found = [s for s in merged if s.status is status]
        found.sort(key=lambda s: (s.updated_at, s.id))
        return [clone(s) for s in found[:limit]]


class _Reviews(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.rows: _Rows[Review] = _Rows(_("review"), backend.review)  # type: ignore[arg-type]

    def stage(self, changes: Changes) -> None:
        changes.reviews = self.rows.writes()

    def add(self, review: Review) -> None:
        if self.for_order(review.order_id) is not None:
            raise StaleWrite(kind=_("review"), key=review.order_id)
        self.rows.add(review.id, review)

    def get(self, review_id: ReviewId) -> Review:
        return self.rows.get(review_id)

    def save(self, review: Review) -> None:
        self.rows.save(review.id, review)

    def for_order(self, order_id: OrderId) -> Review | None:
        for review in self.rows.staged.values():
            if review.order_id == order_id:
                return clone(review)
        found = self._backend.review_of_order(order_id)
        return None if found is None else self.get(found.id)

    def by_service(self, service_id: ServiceId, *, limit: int = 20) -> list[Review]:
        merged = self.rows.overlay(
            self._backend.reviews_of_service(service_id, limit), lambda r: r.id
        )
        found = [r for r in merged if r.service_id == service_id]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [clone(r) for r in found[:limit]]

    def rating_of_service(self, service_id: ServiceId) -> Rating:
        return self._backend.rating("service_id", service_id)

    def rating_of_seller(self, seller_id: MemberId) -> Rating:
        return self._backend.rating("seller_id", seller_id)

    def of_seller_since(self, seller_id: MemberId, since: datetime) -> list[Review]:
        merged = self.rows.overlay(
            self._backend.reviews_of_seller(seller_id, since), lambda r: r.id
        )
        found = [r for r in merged if r.seller_id == seller_id and r.created_at >= since]
        found.sort(key=lambda r: (r.created_at, r.id))
        return [clone(r) for r in found]


class _Levels(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.staged: dict[tuple[MemberId, datetime], Evaluation] = {}

    def stage(self, changes: Changes) -> None:
        changes.evaluations = list(self.staged.values())

    def add(self, evaluation: Evaluation) -> None:
        key = (evaluation.seller_id, evaluation.at)
        stored = self._backend.evaluations(evaluation.seller_id, 1)
        if key in self.staged or (stored and stored[0].at >= evaluation.at):
            raise StaleWrite(kind=_("level evaluation"), key=evaluation.seller_id)
        self.staged[key] = evaluation

    def latest(self, seller_id: MemberId) -> Evaluation | None:
        found = self.history(seller_id, limit=1)
        return found[0] if found else None

    def history(self, seller_id: MemberId, *, limit: int = 12) -> list[Evaluation]:
        mine = [e for (owner, _at), e in self.staged.items() if owner == seller_id]
        found = [*mine, *self._backend.evaluations(seller_id, limit)]
        found.sort(key=lambda e: e.at, reverse=True)
        return found[:limit]

    def sellers_due(self, round_at: datetime, *, limit: int = 100) -> list[MemberId]:
        done = {owner for (owner, at) in self.staged if at >= round_at}
        found = self._backend.sellers_due(round_at, limit + len(done))
        return [s for s in found if s not in done][:limit]


class _Requests(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.rows: _Rows[ServiceRequest] = _Rows(_("request"), backend.request)  # type: ignore[arg-type]

    def stage(self, changes: Changes) -> None:
        changes.requests = self.rows.writes()

    def add(self, request: ServiceRequest) -> None:
        self.rows.add(request.id, request)

    def get(self, request_id: RequestId) -> ServiceRequest:
        return self.rows.get(request_id)

    def save(self, request: ServiceRequest) -> None:
        self.rows.save(request.id, request)

    def awaiting_review(self, *, limit: int = 50) -> list[ServiceRequest]:
        found = self.rows.overlay(self._backend.requests_in_review(limit), lambda r: r.id)
        waiting = [r for r in found if r.status is RequestStatus.PENDING_REVIEW]
        return [clone(r) for r in sorted(waiting, key=lambda r: (r.created_at, r.id))[:limit]]

    def by_buyer(self, buyer_id: MemberId, *, limit: int = 50) -> list[ServiceRequest]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        found = self.rows.overlay(self._backend.requests_of_buyer(buyer_id, limit), lambda r: r.id)
        mine = [r for r in found if r.buyer_id == buyer_id]
        mine.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [clone(r) for r in mine[:limit]]

    def open_now(
        self, now: datetime, *, category_id: CategoryId | None = None, limit: int = 20
    ) -> list[ServiceRequest]:
        found = self.rows.overlay(
            self._backend.requests_open(now, category_id, limit), lambda r: r.id
        )
        found = [
            r
            for r in found
            if r.is_open(now) and (category_id is None or r.category_id == category_id)
        ]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [clone(r) for r in found[:limit]]

    def expiring(self, now: datetime, *, limit: int = 100) -> list[RequestId]:
        return self._backend.requests_expiring(now, limit)


class _Inquiries(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.rows: _Rows[Inquiry] = _Rows(_("inquiry"), backend.inquiry)  # type: ignore[arg-type]

    def stage(self, changes: Changes) -> None:
        changes.inquiries = self.rows.writes()

    def add(self, inquiry: Inquiry) -> None:
        self.rows.add(inquiry.id, inquiry)

    def get(self, inquiry_id: InquiryId) -> Inquiry:
        return self.rows.get(inquiry_id)

    def save(self, inquiry: Inquiry) -> None:
        self.rows.save(inquiry.id, inquiry)

    def about(self, buyer_id: MemberId, service_id: ServiceId) -> Inquiry | None:
        for inquiry in self.rows.staged.values():
            if inquiry.buyer_id == buyer_id and inquiry.service_id == service_id:
                return clone(inquiry)
        found = self._backend.inquiry_about(buyer_id, service_id)
        return None if found is None else self.get(found.id)

    def to_seller(self, seller_id: MemberId, since: datetime) -> list[Inquiry]:
        merged = self.rows.overlay(self._backend.inquiries_to(seller_id, since), lambda i: i.id)
        found = [i for i in merged if i.seller_id == seller_id and i.opened_at >= since]
        found.sort(key=lambda i: (i.opened_at, i.id))
        return [clone(i) for i in found]

    def from_buyer(self, buyer_id: MemberId, *, limit: int = 50) -> list[Inquiry]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        merged = self.rows.overlay(self._backend.inquiries_from(buyer_id, limit), lambda i: i.id)
        found = [i for i in merged if i.buyer_id == buyer_id]
        found.sort(key=lambda i: (i.opened_at, i.id), reverse=True)
        return [clone(i) for i in found[:limit]]


class _Listings(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.staged: dict[ServiceId, Listing | None] = {}

    def stage(self, changes: Changes) -> None:
        changes.listings = [v for v in self.staged.values() if v is not None]
        changes.unlisted = [k for k, v in self.staged.items() if v is None]

    def get(self, service_id: ServiceId) -> Listing | None:
        if service_id in self.staged:
            return self.staged[service_id]
        return self._backend.listing(service_id)

    def put(self, listing: Listing) -> None:
        self.staged[listing.service_id] = listing

    def remove(self, service_id: ServiceId) -> None:
        self.staged[service_id] = None

    def search(self, query: ListingQuery) -> ListingPage:
        return self._backend.search(query)


class _Owned(Protocol):
    @property
    def owner_id(self) -> MemberId: ...
    @property
    def version(self) -> int: ...


W = TypeVar("W", bound=_Owned)


class _ByOwner(_Staging, Generic[W]):
    """Favourites or carts: one record per member, written at the version it was read.

    A record never stored is new (``expected=None``); of two units that read the same
    version, the second to commit gets :class:`~microgigs.errors.StaleWrite`.
    """

    def __init__(
        self, load: Callable[[MemberId], W | None], make: Callable[[MemberId], W], field: str
    ) -> None:
        self._load = load
        self._make = make
        self._field = field
        self.staged: dict[MemberId, W] = {}
        self.read: dict[MemberId, int | None] = {}

    def stage(self, changes: Changes) -> None:
        setattr(
            changes,
            self._field,
            [Write(record, self.read.get(owner)) for owner, record in self.staged.items()],
        )

    def get(self, owner_id: MemberId) -> W:
        found = self.staged.get(owner_id)
        if found is None:
            found = self._load(owner_id)
            self.read.setdefault(owner_id, None if found is None else found.version)
        return self._make(owner_id) if found is None else clone(found)

    def save(self, record: W) -> None:
        if record.owner_id not in self.read:
            raise StaleWrite(kind=self._field, key=record.owner_id)
        self.staged[record.owner_id] = clone(record)


class _Orders(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.rows: _Rows[Order] = _Rows(_("order"), backend.order)  # type: ignore[arg-type]
        self.new_messages: list[Message] = []

    def stage(self, changes: Changes) -> None:
        changes.orders = self.rows.writes()
        changes.messages = list(self.new_messages)

    def add(self, order: Order) -> None:
        self.rows.add(order.id, order)

    def get(self, order_id: OrderId) -> Order:
        return self.rows.get(order_id)

    def save(self, order: Order) -> None:
        self.rows.save(order.id, order)

    def _listing(
        self, party: str, member_id: MemberId, status: OrderStatus | None, limit: int
    ) -> list[Order]:
        merged = self.rows.overlay(
            self._backend.orders_of(party, member_id, status, limit), lambda o: o.id
        )
        found = [
            o
            for o in merged
            if getattr(o, f"{party}_id") == member_id and (status is None or o.status is status)
        ]
        found.sort(key=lambda o: (o.placed_at, o.id), reverse=True)
        return [clone(o) for o in found[:limit]]

    def by_buyer(
        self, buyer_id: MemberId, status: OrderStatus | None = None, *, limit: int = 50
    ) -> list[Order]:
        return self._listing("buyer", buyer_id, status, limit)

    def by_seller(
        self, seller_id: MemberId, status: OrderStatus | None = None, *, limit: int = 50
    ) -> list[Order]:
        return self._listing("seller", seller_id, status, limit)

    def in_status(self, status: OrderStatus, *, limit: int = 50) -> list[Order]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        merged = self.rows.overlay(self._backend.orders_in_status(status, limit), lambda o: o.id)
        found = sorted((o for o in merged if o.status is status), key=lambda o: (o.placed_at, o.id))
        return [clone(o) for o in found[:limit]]

    def due(self, now: datetime, *, limit: int = 100) -> list[OrderId]:
        return self._backend.orders_due(now, limit)

    def of_seller_since(self, seller_id: MemberId, since: datetime) -> list[Order]:
        merged = self.rows.overlay(self._backend.orders_of_seller(seller_id, since), lambda o: o.id)
        found = [o for o in merged if o.seller_id == seller_id and o.placed_at >= since]
        found.sort(key=lambda o: (o.placed_at, o.id))
        return [clone(o) for o in found]

    def add_message(self, message: Message) -> None:
        self.new_messages.append(message)

    def messages(self, order_id: OrderId) -> list[Message]:
        mine = [m for m in self.new_messages if m.order_id == order_id]
        return [*self._backend.messages(order_id), *mine]


class _Documents(_Staging, Generic[D]):
    """The repository of an aggregate stored the shared way: rows staged, selects overlaid."""

    def __init__(self, backend: Backend, table: Table[D]) -> None:
        self._backend = backend
        self._table = table
        self.rows: _Rows[D] = _Rows(table.label, lambda key: backend.document(table, key))

    def stage(self, changes: Changes) -> None:
        table = self._table
        changes.documents = [
            *changes.documents,
            *(
                Stored(table.name, table.label, table.columns(w.value), w.value, w.expected)
                for w in self.rows.writes()
            ),
        ]

    def add(self, value: D) -> None:
        self.rows.add(value.id, value)

    def get(self, key: str) -> D:
        return self.rows.get(key)

    def find(self, key: str) -> D | None:
        if key in self.rows.staged:
            return self.rows.get(key)
        found = self._backend.document(self._table, key)
        return None if found is None else self.rows.get(key)

    def save(self, value: D) -> None:
        self.rows.save(value.id, value)

    def select(self, select: Select) -> list[D]:
        whole_number(_("page size"), select.limit, 1, _PAGE_MAX)
        found = self.rows.overlay(self._backend.documents(self._table, select), lambda v: v.id)
        return [clone(v) for v in select.arrange(found, self._table.columns)]


class _Projects(_Documents[Project]):
    def __init__(self, backend: Backend) -> None:
        super().__init__(backend, PROJECTS)

    def open_now(
        self,
        now: datetime,
        *,
        category_id: CategoryId | None = None,
        bracket: int | None = None,
        limit: int = 20,
    ) -> list[Project]:
        equal: list[tuple[str, str | int | None]] = [("status", ProjectStatus.OPEN.value)]
        if category_id is not None:
            equal.append(("category_id", category_id))
        if bracket is not None:
            equal.append(("bracket", bracket))
        return self.select(
            Select(
                tuple(equal),
                after=("expires_at", now),
                order=(("opened_at", True),),
                limit=limit,
            )
        )

    def awaiting_review(self, *, limit: int = 50) -> list[Project]:
        return self.select(
            Select(
                (("status", ProjectStatus.PENDING_REVIEW.value),),
                order=(("created_at", False),),
                limit=limit,
            )
        )

    def by_client(self, client_id: MemberId, *, limit: int = 50) -> list[Project]:
        return self.select(
            Select((("client_id", client_id),), order=(("created_at", True),), limit=limit)
        )

    def expiring(self, now: datetime, *, limit: int = 100) -> list[ProjectId]:
        due = Select(
            (("status", ProjectStatus.OPEN.value),),
            until=("expires_at", now),
            order=(("expires_at", False),),
            limit=limit,
        )
        return [ProjectId(p.id) for p in self._backend.documents(PROJECTS, due)]


class _Contracts(_Documents[Contract]):
    def __init__(self, backend: Backend) -> None:
        super().__init__(backend, CONTRACTS)

    def of_project(self, project_id: ProjectId, *, limit: int = 50) -> list[Contract]:
        return self.select(
            Select((("project_id", project_id),), order=(("offered_at", False),), limit=limit)
        )

    def of_member(
        self,
        member_id: MemberId,
        *,
        status: ContractStatus | None = None,
        limit: int = 50,
    ) -> list[Contract]:
        found: dict[str, Contract] = {}
        for party in ("client_id", "freelancer_id"):
            equal: tuple[tuple[str, str | None], ...] = ((party, member_id),)
            if status is not None:
                equal = (*equal, ("status", status.value))
            for contract in self.select(Select(equal, order=(("offered_at", True),), limit=limit)):
                found[contract.id] = contract
        mine = sorted(found.values(), key=lambda c: (c.offered_at, c.id), reverse=True)
        return mine[:limit]

    def of_freelancer(
        self, freelancer_id: MemberId, *, until: datetime, limit: int = 500
    ) -> list[Contract]:
        return self.select(
            Select(
                (("freelancer_id", freelancer_id),),
                until=("offered_at", until),
                order=(("offered_at", True),),
                limit=limit,
            )
        )

    def due(self, now: datetime, *, limit: int = 100) -> list[ContractId]:
        due = Select(until=("next_due_at", now), order=(("next_due_at", False),), limit=limit)
        return [ContractId(c.id) for c in self._backend.documents(CONTRACTS, due)]

    def disputed(self, *, limit: int = 100) -> list[Contract]:
        # every dispute began after the marketplace did: the bound skips contracts without one
        after = ("disputed_at", _BEGINNING)
        return self.select(Select(after=after, order=(("disputed_at", False),), limit=limit))


class _BidCredits(_Documents[BidCredits]):
    def __init__(self, backend: Backend) -> None:
        super().__init__(backend, BID_CREDITS)

    def due(self, now: datetime, *, limit: int = 100) -> list[MemberId]:
        due = Select(until=("refills_at", now), order=(("refills_at", False),), limit=limit)
        return [MemberId(c.id) for c in self._backend.documents(BID_CREDITS, due)]


class _Current(Protocol):
    def require_current(self) -> None: ...


class _Ledger(_Staging):
    """Postings staged over the committed balances; the backend re-checks them at flush."""

    def __init__(self, backend: Backend, reads: Sequence[_Current]) -> None:
        self._backend = backend
        self._reads = reads
        self.staged: list[Transaction] = []
        self._overlay: dict[AccountId, Money] = {}
        self._keys: dict[str, Transaction] = {}

    def stage(self, changes: Changes) -> None:
        changes.transactions = list(self.staged)

    def post(self, transaction: Transaction) -> Transaction:
        earlier = self.by_key(transaction.key)
        if earlier is not None:
            if earlier.content() != transaction.content():
                raise IdempotencyConflict(key=transaction.key)
            return earlier
        current = {e.account: self.balance(e.account) for e in transaction.entries}
        try:
            moved = postable(current, transaction)
        except InsufficientFunds:
            # money moved by an aggregate that changed since it was read (an order accepted
            # by another process) is a lost race, not a lack of funds
            for rows in self._reads:
                rows.require_current()
            raise
        self._overlay.update(moved)
        self.staged.append(transaction)
        self._keys[transaction.key] = transaction
        return transaction

    def balance(self, account: AccountId) -> Money:
        found = self._overlay.get(account) or self._backend.balance(account)
        return found or Money.zero(self._backend.currency)

    def by_key(self, key: str) -> Transaction | None:
        return self._keys.get(key) or self._backend.transaction_by_key(key)

    def statement(self, account: AccountId, *, cursor: int = 0, limit: int = 50) -> StatementPage:
        return self._backend.statement(account, cursor, limit)

    def due_releases(self, now: datetime, *, limit: int = 100) -> list[Release]:
        return self._backend.due_releases(now, limit)

    def entry_rows(self) -> list[EntryRow]:
        return self._backend.entry_rows()

    def balances(self) -> dict[AccountId, Money]:
        return self._backend.balances()


class _Outbox(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.recorded: list[OutboxEvent] = []
        self.acknowledged: list[EventId] = []

    def stage(self, changes: Changes) -> None:
        changes.events = list(self.recorded)
        changes.acknowledged = list(self.acknowledged)

    def record(self, event: OutboxEvent) -> None:
        self.recorded.append(event)

    def pending(self, *, limit: int = 100) -> list[OutboxEvent]:
        done = set(self.acknowledged)
        return [e for e in self._backend.pending_events(limit + len(done)) if e.id not in done][
            :limit
        ]

    def acknowledge(self, event_ids: Sequence[EventId]) -> None:
        self.acknowledged.extend(event_ids)


class _Commands(_Staging):
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self.staged: dict[str, CommandRecord] = {}

    def stage(self, changes: Changes) -> None:
        changes.commands = list(self.staged.values())

    def get(self, key: str) -> CommandRecord | None:
        return self.staged.get(key) or self._backend.command(key)

    def put(self, record: CommandRecord) -> None:
        self.staged[record.key] = record


def _tracked(make: Callable[[Backend], _R]) -> Callable[[Backend, list[_Current]], _R]:
    """A repository whose rows a lost race would show changed."""

    def made(backend: Backend, reads: list[_Current]) -> _R:
        repository = make(backend)
        reads.append(repository.rows)
        return repository

    return made


class _Made(Generic[_S]):
    """A repository of a unit of work: made on first use, then found on the instance."""

    def __init__(self, make: Callable[[Backend, list[_Current]], _S]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...

    @overload
    def __get__(self, uow: StagedUnitOfWork, owner: type) -> _S: ...

    def __get__(self, uow: StagedUnitOfWork | None, owner: type) -> _S | Self:
        if uow is None:
            return self
        made = self._make(uow._backend, uow._reads)  # noqa: SLF001 (the unit's own part)
        uow.__dict__[self._name] = made  # later reads find it there, not here
        uow._made.append(made)  # noqa: SLF001 (the unit's own list)
        return made


class StagedUnitOfWork:
    """The unit of work of the shipped adapters (see the module docstring).

    A repository is made the first time a use case asks for it (most use a few of them),
    and only the ones made have anything to commit.
    """

    members = _Made(_tracked(_Members))
    services = _Made(_tracked(_Services))
    orders = _Made(_tracked(_Orders))
    reviews = _Made(_tracked(_Reviews))
    inquiries = _Made(_tracked(_Inquiries))
    requests = _Made(_tracked(_Requests))
    projects = _Made(_tracked(_Projects))
    contracts = _Made(_tracked(_Contracts))
    bid_credits = _Made(_tracked(_BidCredits))
    listings = _Made(lambda backend, _: _Listings(backend))
    levels = _Made(lambda backend, _: _Levels(backend))
    favourites = _Made(lambda backend, _: _ByOwner(backend.favourites, Favourites, "favourites"))
    carts = _Made(lambda backend, _: _ByOwner(backend.cart, Cart, "carts"))
    ledger = _Made(_Ledger)
    outbox = _Made(lambda backend, _: _Outbox(backend))
    commands = _Made(lambda backend, _: _Commands(backend))

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        # the rows a lost race would show changed: rows, not a method of self, so a unit of
        # work holds no reference cycle and is freed the moment it is done
        self._reads: list[_Current] = []
        self._made: list[_Staging] = []
        self._done = False
        self._session: AbstractContextManager[None] | None = None

    def __enter__(self) -> Self:
        self._session = self._backend.session()
        self._session.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._done:
            self.rollback()
        if self._session is not None:
            session, self._session = self._session, None
            session.__exit__(kind, error, traceback)

    def changes(self) -> Changes:
        """Everything staged so far, by the repositories this unit made."""
        changes = Changes()
        for made in self._made:
            made.stage(changes)
        return changes

    def commit(self) -> None:
        """Write everything in one transaction of the backend, or nothing."""
        if self._done:
            raise StaleWrite(kind=_("unit of work"), key=_("already finished"))
        self._backend.flush(self.changes())
        self._done = True

    def rollback(self) -> None:
        """Forget everything staged."""
        self._done = True


class StagedStorage:
    """A storage whose units of work stage their changes and flush them to one backend.

    What the memory and the SQL adapters share; each gives its backend and ``close``.
    """

    _backend: Backend

    @property
    def currency(self) -> str:
        """The ledger's currency."""
        return self._backend.currency

    def unit_of_work(self) -> StagedUnitOfWork:
        """A new unit of work."""
        return StagedUnitOfWork(self._backend)
