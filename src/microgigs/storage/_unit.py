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
    InvalidType,
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
    MessageId,
    OrderId,
    ProjectId,
    RequestId,
    ReviewId,
    ServiceId,
    WithdrawalId,
)
from microgigs.inquiries import Inquiry
from microgigs.ledger import (
    Account,
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
    HELD,
    PROJECTS,
    WITHDRAWALS,
    Column,
    Select,
    Table,
    Versioned,
)
from microgigs.storage.ports import CommandRecord, OutboxEvent
from microgigs.withdrawals import Withdrawal, WithdrawalStatus

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
    """The function copying a ``kind`` (an attrs class): containers copied, the rest shared.

    Every field is looked at when copied, whatever its declared type: a host may put a list
    where a tuple is declared (Python accepts it), and its later changes to that list must
    not reach a copy. A class without a ``__setattr__`` of its own (the aggregates) is
    written field by field as ``copied.name = …``; a frozen one, or one checking what is
    set, through ``object.__setattr__`` (its checks are for new values, not copies).
    """
    setter: object = kind.__setattr__  # object's own for a class without one
    plain = setter is object.__setattr__
    lines = ["def copy(value):", "    copied = new(kind)"]
    for field in attrs.fields(kind):
        name = field.name
        lines += [
            f"    inner = value.{name}",
            "    if inner.__class__ in containers:",
            "        inner = inner.copy()",
            f"    copied.{name} = inner" if plain else f"    put(copied, {name!r}, inner)",
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
    listing_changes: Sequence[tuple[ServiceId, Callable[[Listing], Listing]]] = ()
    """Listings changed as they stand at the flush (:meth:`ListingRepository.change`)."""
    evaluations: Sequence[Evaluation] = ()
    documents: Sequence[Stored] = ()
    """Aggregates stored the shared way (:mod:`microgigs.storage._tables`), with their table."""


class _Staging(ABC):
    """A repository of a unit of work: it puts what it staged into the unit's changes.

    Each is made as ``Repository(backend, reads)``, on first use: ``reads`` is the unit's
    list of what a lost race would show changed (see :meth:`_Ledger.post`), which a
    repository of versioned aggregates joins.
    """

    @abstractmethod
    def stage(self, changes: Changes) -> None:
        """Fill this repository's part of ``changes``."""


@attrs.frozen
class PartyOrders:
    """A page of a member's orders, as their buyer or their seller: a backend's one question.

    ``past``: the cursor, ``(placed_at, id)`` of the last order of the page before; newest
    first, the orders that come after it.
    """

    party: str
    member_id: MemberId
    status: OrderStatus | None
    limit: int
    past: tuple[datetime, str] | None = None

    def matches(self, order: Order) -> bool:
        """Whether ``order`` is on this list (whatever the page)."""
        return (
            getattr(order, f"{self.party}_id") == self.member_id
            and (self.status is None or order.status is self.status)
            and (self.past is None or (order.placed_at, order.id) < self.past)
        )


class Backend(Protocol):
    """What an adapter provides: committed reads, and one atomic flush of staged writes."""

    @property
    def currency(self) -> str: ...

    def member(self, member_id: MemberId) -> Member | None: ...
    def member_by(self, field: str, value: str) -> Member | None: ...
    def members_after(self, after: str, limit: int) -> list[Member]: ...
    def service(self, service_id: ServiceId) -> Service | None: ...
    def services_by_seller(
        self, seller_id: MemberId, status: ServiceStatus | None, limit: int | None
    ) -> list[Service]: ...
    def services_by_status(self, status: ServiceStatus, limit: int) -> list[Service]: ...
    def favourites(self, owner_id: MemberId) -> Favourites | None: ...
    def cart(self, owner_id: MemberId) -> Cart | None: ...
    def order(self, order_id: OrderId) -> Order | None: ...
    def orders_of(self, asked: PartyOrders) -> list[Order]: ...
    def orders_in_status(self, status: OrderStatus, limit: int) -> list[Order]: ...
    def orders_due(self, now: datetime, limit: int) -> list[OrderId]: ...
    def messages(
        self, order_id: OrderId, limit: int | None, before: MessageId | None
    ) -> list[Message] | None:
        """The latest ``limit`` before ``before``, oldest first; ``None``: no such ``before``."""

    def balance(self, account: AccountId) -> Money | None: ...
    def transaction_by_key(self, key: str) -> Transaction | None: ...
    def posting(
        self, key: str, accounts: Sequence[AccountId]
    ) -> tuple[Transaction | None, dict[AccountId, Money]]:
        """The transaction posted under ``key``, and the balances of ``accounts``.

        An account without a balance may be left out (it holds nothing yet).
        """
        ...

    def statement(self, account: AccountId, cursor: int, limit: int) -> StatementPage: ...
    def due_releases(self, now: datetime, limit: int) -> list[Release]: ...
    def uncleared(self, seller_id: MemberId, limit: int) -> list[Release]: ...
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
    def inquiries_of(
        self, member_id: MemberId, *, as_seller: bool, limit: int
    ) -> list[Inquiry]: ...
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


V = TypeVar("V", bound=Versioned)
K = TypeVar("K", bound=str)
NO_SESSION: Final[AbstractContextManager[None]] = nullcontext()
"""The session of a backend that keeps nothing between a unit of work's reads: one for all."""

_S = TypeVar("_S", bound="_Staging")


class _Current(Protocol):
    def require_current(self) -> None: ...


class _Versioned(_Staging, Generic[K, V]):
    """A repository of versioned aggregates by id: each one's version read, those staged.

    The repository holds its rows itself, so a unit of work makes one object per kind it
    uses, not two.
    """

    label: str
    """The kind, as an error names it."""

    def __init__(self, backend: Backend, reads: list[_Current]) -> None:
        self._backend = backend
        self.read: dict[str, int] = {}
        self.staged: dict[str, V] = {}
        self.new: set[str] = set()
        reads.append(self)

    @abstractmethod
    def _load(self, key: K) -> V | None:
        """The committed aggregate, if any: the backend's own, never handed out."""

    def get(self, key: K) -> V:
        if type(key) is not str:  # an id of the wrong type names nothing (no driver error)
            raise NotFound(kind=self.label, key=str(key)[:100])
        found = self.staged.get(key)
        if found is None:
            found = self._load(key)
            if found is None:
                raise NotFound(kind=self.label, key=str(key)[:100])
            self.read.setdefault(key, found.version)
        return clone(found)

    def add(self, value: V) -> None:
        key = value.id
        if key in self.staged:
            raise StaleWrite(kind=self.label, key=key)
        self.staged[key] = clone(value)
        self.new.add(key)

    def save(self, value: V) -> None:
        key = value.id
        if key not in self.read and key not in self.new:
            raise StaleWrite(kind=self.label, key=key)
        self.staged[key] = clone(value)

    def require_current(self) -> None:
        """Raise StaleWrite if anything read here has been changed since by someone else."""
        for key, version in self.read.items():
            found = self._load(key)  # type: ignore[arg-type]
            if found is None or found.version != version:
                raise StaleWrite(kind=self.label, key=key)

    def overlay(self, found: list[V]) -> list[V]:
        """Committed rows with this unit's staged versions in their place."""
        merged = {v.id: v for v in found}
        merged.update(self.staged)
        return list(merged.values())

    def writes(self) -> list[Write[V]]:
        if not self.staged:  # most repositories a unit makes only read
            return []
        return [
            Write(value, None if key in self.new else self.read[key])
            for key, value in self.staged.items()
        ]


class _Members(_Versioned[MemberId, Member]):
    label = _("member")

    def _load(self, key: MemberId) -> Member | None:
        return self._backend.member(key)

    def stage(self, changes: Changes) -> None:
        changes.members = self.writes()

    def add(self, member: Member) -> None:
        self._unique(member)
        super().add(member)

    def can_trade(self, member_id: MemberId) -> bool:
        # a look, not a load: no copy, and the unit does not write it back
        found = self.staged.get(member_id) or self._backend.member(member_id)
        if found is None:
            raise NotFound(kind=self.label, key=str(member_id)[:100])
        return found.can_trade

    def find_by_username(self, username: str) -> Member | None:
        return self._find("username", username)

    def find_by_email(self, email: str) -> Member | None:
        return self._find("email", email)

    def page(self, *, after: MemberId | None = None, limit: int = 100) -> list[Member]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        return [clone(m) for m in self._backend.members_after(after or "", limit)]

    def _find(self, field: str, value: str) -> Member | None:
        for member in self.staged.values():
            if getattr(member, field) == value:
                return clone(member)
        found = self._backend.member_by(field, value)
        return None if found is None else self.get(found.id)

    def save(self, member: Member) -> None:
        self._unique(member)
        super().save(member)

    def _unique(self, member: Member) -> None:
        for field, error in (("username", UsernameTaken), ("email", EmailTaken)):
            value = getattr(member, field)
            clash = any(
                m.id != member.id and getattr(m, field) == value for m in self.staged.values()
            )
            owner = self._backend.member_by(field, value)
            if clash or (owner is not None and owner.id != member.id):
                raise error(value)


class _Services(_Versioned[ServiceId, Service]):
    label = _("service")

    def _load(self, key: ServiceId) -> Service | None:
        return self._backend.service(key)

    def stage(self, changes: Changes) -> None:
        changes.services = self.writes()

    def by_seller(
        self, seller_id: MemberId, *, status: ServiceStatus | None = None, limit: int | None = None
    ) -> list[Service]:
        merged = self.overlay(self._backend.services_by_seller(seller_id, status, limit))
        found = [
            s for s in merged if s.seller_id == seller_id and (status is None or s.status is status)
        ]
        found.sort(key=lambda s: (s.created_at, s.id), reverse=True)
        return [clone(s) for s in found[:limit]]

    def by_status(self, status: ServiceStatus, *, limit: int = 50) -> list[Service]:
        merged = self.overlay(self._backend.services_by_status(status, limit))
        found = [s for s in merged if s.status is status]
        found.sort(key=lambda s: (s.updated_at, s.id))
        return [clone(s) for s in found[:limit]]


class _Reviews(_Versioned[ReviewId, Review]):
    label = _("review")

    def _load(self, key: ReviewId) -> Review | None:
        return self._backend.review(key)

    def stage(self, changes: Changes) -> None:
        changes.reviews = self.writes()

    def add(self, review: Review) -> None:
        if self.for_order(review.order_id) is not None:
            raise StaleWrite(kind=_("review"), key=review.order_id)
        super().add(review)

    def for_order(self, order_id: OrderId) -> Review | None:
        for review in self.staged.values():
            if review.order_id == order_id:
                return clone(review)
        found = self._backend.review_of_order(order_id)
        return None if found is None else self.get(found.id)

    def by_service(self, service_id: ServiceId, *, limit: int = 20) -> list[Review]:
        merged = self.overlay(self._backend.reviews_of_service(service_id, limit))
        found = [r for r in merged if r.service_id == service_id]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [clone(r) for r in found[:limit]]

    def rating_of_service(self, service_id: ServiceId) -> Rating:
        return self._backend.rating("service_id", service_id)

    def rating_of_seller(self, seller_id: MemberId) -> Rating:
        return self._backend.rating("seller_id", seller_id)

    def of_seller_since(self, seller_id: MemberId, since: datetime) -> list[Review]:
        merged = self.overlay(self._backend.reviews_of_seller(seller_id, since))
        found = [r for r in merged if r.seller_id == seller_id and r.created_at >= since]
        found.sort(key=lambda r: (r.created_at, r.id))
        return [clone(r) for r in found]


class _Levels(_Staging):
    def __init__(self, backend: Backend, _reads: list[_Current]) -> None:
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


class _Requests(_Versioned[RequestId, ServiceRequest]):
    label = _("request")

    def _load(self, key: RequestId) -> ServiceRequest | None:
        return self._backend.request(key)

    def stage(self, changes: Changes) -> None:
        changes.requests = self.writes()

    def awaiting_review(self, *, limit: int = 50) -> list[ServiceRequest]:
        found = self.overlay(self._backend.requests_in_review(limit))
        waiting = [r for r in found if r.status is RequestStatus.PENDING_REVIEW]
        return [clone(r) for r in sorted(waiting, key=lambda r: (r.created_at, r.id))[:limit]]

    def by_buyer(self, buyer_id: MemberId, *, limit: int = 50) -> list[ServiceRequest]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        found = self.overlay(self._backend.requests_of_buyer(buyer_id, limit))
        mine = [r for r in found if r.buyer_id == buyer_id]
        mine.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [clone(r) for r in mine[:limit]]

    def open_now(
        self, now: datetime, *, category_id: CategoryId | None = None, limit: int = 20
    ) -> list[ServiceRequest]:
        found = self.overlay(self._backend.requests_open(now, category_id, limit))
        found = [
            r
            for r in found
            if r.is_open(now) and (category_id is None or r.category_id == category_id)
        ]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [clone(r) for r in found[:limit]]

    def expiring(self, now: datetime, *, limit: int = 100) -> list[RequestId]:
        return self._backend.requests_expiring(now, limit)


class _Inquiries(_Versioned[InquiryId, Inquiry]):
    label = _("inquiry")

    def _load(self, key: InquiryId) -> Inquiry | None:
        return self._backend.inquiry(key)

    def stage(self, changes: Changes) -> None:
        changes.inquiries = self.writes()

    def about(self, buyer_id: MemberId, service_id: ServiceId) -> Inquiry | None:
        for inquiry in self.staged.values():
            if inquiry.buyer_id == buyer_id and inquiry.service_id == service_id:
                return clone(inquiry)
        found = self._backend.inquiry_about(buyer_id, service_id)
        return None if found is None else self.get(found.id)

    def to_seller(self, seller_id: MemberId, since: datetime) -> list[Inquiry]:
        merged = self.overlay(self._backend.inquiries_to(seller_id, since))
        found = [i for i in merged if i.seller_id == seller_id and i.opened_at >= since]
        found.sort(key=lambda i: (i.opened_at, i.id))
        return [clone(i) for i in found]

    def from_buyer(self, buyer_id: MemberId, *, limit: int = 50) -> list[Inquiry]:
        return self._newest(buyer_id, as_seller=False, limit=limit)

    def received(self, seller_id: MemberId, *, limit: int = 50) -> list[Inquiry]:
        return self._newest(seller_id, as_seller=True, limit=limit)

    def _newest(self, member_id: MemberId, *, as_seller: bool, limit: int) -> list[Inquiry]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        stored = self._backend.inquiries_of(member_id, as_seller=as_seller, limit=limit)
        found = [
            i
            for i in self.overlay(stored)
            if (i.seller_id if as_seller else i.buyer_id) == member_id
        ]
        found.sort(key=lambda i: (i.last_at, i.id), reverse=True)
        return [clone(i) for i in found[:limit]]


class _Listings(_Staging):
    """Listings written whole (``staged``, ``None`` to unlist) or changed at the flush."""

    def __init__(self, backend: Backend, _reads: list[_Current]) -> None:
        self._backend = backend
        self.staged: dict[ServiceId, Listing | None] = {}
        self.changed: dict[ServiceId, Callable[[Listing], Listing]] = {}

    def stage(self, changes: Changes) -> None:
        changes.listings = [v for v in self.staged.values() if v is not None]
        changes.unlisted = [k for k, v in self.staged.items() if v is None]
        changes.listing_changes = list(self.changed.items())

    def get(self, service_id: ServiceId) -> Listing | None:
        if service_id in self.staged:
            return self.staged[service_id]
        stored = self._backend.listing(service_id)
        how = self.changed.get(service_id)
        return stored if stored is None or how is None else how(stored)

    def put(self, listing: Listing) -> None:
        self.staged[listing.service_id] = listing
        self.changed.pop(listing.service_id, None)

    def change(self, service_id: ServiceId, how: Callable[[Listing], Listing]) -> None:
        if service_id in self.staged:  # written whole by this unit: changed here
            staged = self.staged[service_id]
            if staged is not None:
                self.staged[service_id] = how(staged)
            return
        before = self.changed.get(service_id)
        self.changed[service_id] = how if before is None else _then(before, how)

    def remove(self, service_id: ServiceId) -> None:
        self.staged[service_id] = None
        self.changed.pop(service_id, None)

    def search(self, query: ListingQuery) -> ListingPage:
        return self._backend.search(query)


def changed_listing(
    service_id: ServiceId, how: Callable[[Listing], Listing], listing: Listing
) -> Listing:
    """``how`` applied to a stored listing, which it must leave a listing of the same service.

    Each adapter's flush calls it: a change that returns anything else refuses the whole
    flush, on every adapter, before anything is written.
    """
    after: object = how(listing)  # the caller's function: what it returns is checked
    if not isinstance(after, Listing) or after.service_id != service_id:
        raise InvalidType(
            field=_("listing change"), expected="Listing", actual=type(after).__name__
        )
    return after


def _then(
    first: Callable[[Listing], Listing], second: Callable[[Listing], Listing]
) -> Callable[[Listing], Listing]:
    """One change of a listing, then another."""
    return lambda listing: second(first(listing))


W = TypeVar("W", Favourites, Cart)


class _ByOwner(_Staging, Generic[W]):
    """Favourites or carts: one record per member, written at the version it was read.

    A record never stored is new (``expected=None``); of two units that read the same
    version, the second to commit gets :class:`~microgigs.errors.StaleWrite`.
    """

    def __init__(
        self, load: Callable[[MemberId], W | None], make: Callable[[MemberId], W], field: str
    ) -> None:
        self._load: Callable[[MemberId], W | None] = load
        self._make: Callable[[MemberId], W] = make
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


class _Orders(_Versioned[OrderId, Order]):
    label = _("order")

    def __init__(self, backend: Backend, reads: list[_Current]) -> None:
        # _Versioned's fields written out: a unit of work makes this one for most commands
        self._backend = backend
        self.read = {}
        self.staged = {}
        self.new = set()
        reads.append(self)
        self.new_messages: list[Message] = []

    def _load(self, key: OrderId) -> Order | None:
        return self._backend.order(key)

    def stage(self, changes: Changes) -> None:
        changes.orders = self.writes()
        changes.messages = list(self.new_messages)

    def _listing(
        self,
        party: str,
        member_id: MemberId,
        status: OrderStatus | None,
        limit: int,
        starting_after: OrderId | None,
    ) -> list[Order]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        past = None
        if starting_after is not None:
            cursor = self.get(starting_after)
            if getattr(cursor, f"{party}_id") != member_id:  # not in this list: as if absent
                raise NotFound(kind=_("order"), key=starting_after)
            past = (cursor.placed_at, cursor.id)
        asked = PartyOrders(party, member_id, status, limit, past)
        found = [o for o in self.overlay(self._backend.orders_of(asked)) if asked.matches(o)]
        found.sort(key=lambda o: (o.placed_at, o.id), reverse=True)
        return [clone(o) for o in found[:limit]]

    def by_buyer(
        self,
        buyer_id: MemberId,
        status: OrderStatus | None = None,
        *,
        limit: int = 50,
        starting_after: OrderId | None = None,
    ) -> list[Order]:
        return self._listing("buyer", buyer_id, status, limit, starting_after)

    def by_seller(
        self,
        seller_id: MemberId,
        status: OrderStatus | None = None,
        *,
        limit: int = 50,
        starting_after: OrderId | None = None,
    ) -> list[Order]:
        return self._listing("seller", seller_id, status, limit, starting_after)

    def in_status(self, status: OrderStatus, *, limit: int = 50) -> list[Order]:
        whole_number(_("page size"), limit, 1, _PAGE_MAX)
        merged = self.overlay(self._backend.orders_in_status(status, limit))
        found = sorted((o for o in merged if o.status is status), key=lambda o: (o.placed_at, o.id))
        return [clone(o) for o in found[:limit]]

    def due(self, now: datetime, *, limit: int = 100) -> list[OrderId]:
        return self._backend.orders_due(now, limit)

    def of_seller_since(self, seller_id: MemberId, since: datetime) -> list[Order]:
        merged = self.overlay(self._backend.orders_of_seller(seller_id, since))
        found = [o for o in merged if o.seller_id == seller_id and o.placed_at >= since]
        found.sort(key=lambda o: (o.placed_at, o.id))
        return [clone(o) for o in found]

    def add_message(self, message: Message) -> None:
        self.new_messages.append(message)

    def messages(
        self, order_id: OrderId, *, limit: int | None = None, before: MessageId | None = None
    ) -> list[Message]:
        mine = [m for m in self.new_messages if m.order_id == order_id]
        if before is not None:
            ids = [m.id for m in mine]
            if before in ids:  # one of this unit's own: the stored ones all came before it
                mine, before = mine[: ids.index(before)], None
            else:  # a stored message: this unit's own came after it
                mine = []
        stored = self._backend.messages(order_id, limit, before)
        if stored is None:
            raise NotFound(kind=_("message"), key=str(before)[:100])
        found = [*stored, *mine]
        return found if limit is None else found[-limit:]


class _Documents(_Versioned[str, D]):
    """The repository of an aggregate stored the shared way: rows staged, selects overlaid."""

    _table: Table[D]

    def _load(self, key: str) -> D | None:
        return self._backend.document(self._table, key)

    def stage(self, changes: Changes) -> None:
        if not self.staged:
            return
        table = self._table
        changes.documents = [
            *changes.documents,
            *(
                Stored(table.name, table.label, table.columns(w.value), w.value, w.expected)
                for w in self.writes()
            ),
        ]

    def find(self, key: str) -> D | None:
        if key in self.staged:
            return self.get(key)
        found = self._backend.document(self._table, key)
        return None if found is None else self.get(key)

    def select(self, select: Select) -> list[D]:
        whole_number(_("page size"), select.limit, 1, _PAGE_MAX)
        found = self.overlay(self._backend.documents(self._table, select))
        return [clone(v) for v in select.arrange(found, self._table.columns)]

    def _newest_of(
        self, owner: tuple[str, str], column: str, limit: int, starting_after: str | None
    ) -> list[D]:
        """One owner's aggregates, newest ``column`` first, the page past ``starting_after``.

        ``owner``: the column naming the owner and its value (``("client_id", …)``).
        """
        name, value = owner
        past = self._past(
            starting_after, column, mine=lambda found: self._table.columns(found)[name] == value
        )
        return self.select(Select((owner,), order=((column, True),), limit=limit, past=past))

    def _past(
        self, key: str | None, column: str, *, mine: Callable[[D], bool]
    ) -> tuple[datetime, str] | None:
        """A page's cursor as ``(its time in column, its id)``; ``None`` for the first page.

        The aggregate must be on the list asked for (``mine``), else ``NotFound``, as if absent.
        """
        if key is None:
            return None
        cursor = self.get(key)
        at = self._table.columns(cursor)[column]
        if not mine(cursor) or not isinstance(at, datetime):
            raise NotFound(kind=self.label, key=key)
        return at, cursor.id


class _Projects(_Documents[Project]):
    _table = PROJECTS
    label = PROJECTS.label

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

    def by_client(
        self, client_id: MemberId, *, limit: int = 50, starting_after: ProjectId | None = None
    ) -> list[Project]:
        return self._newest_of(("client_id", client_id), "created_at", limit, starting_after)

    def open_of_client(
        self, client_id: MemberId, *, held: bool, limit: int = 1000
    ) -> list[Project]:
        status = HELD if held else ProjectStatus.OPEN.value
        return self.select(
            Select(
                (("client_id", client_id), ("status", status)),
                order=(("created_at", True),),
                limit=limit,
            )
        )

    def expiring(self, now: datetime, *, limit: int = 100) -> list[ProjectId]:
        # listed and held alike: a held project's time runs on (docs/decisions.md, Suspension)
        due = [
            project
            for status in (ProjectStatus.OPEN.value, HELD)
            for project in self._backend.documents(
                PROJECTS,
                Select(
                    (("status", status),),
                    until=("expires_at", now),
                    order=(("expires_at", False),),
                    limit=limit,
                ),
            )
        ]
        due.sort(key=lambda p: (p.expires_at or now, p.id))  # each has one: it is due
        return [ProjectId(p.id) for p in due[:limit]]


class _Contracts(_Documents[Contract]):
    _table = CONTRACTS
    label = CONTRACTS.label

    def of_project(self, project_id: ProjectId, *, limit: int = 50) -> list[Contract]:
        return self.select(
            Select((("project_id", project_id),), order=(("offered_at", False),), limit=limit)
        )

    def of_member(
        self,
        member_id: MemberId,
        *,
        status: ContractStatus | None = None,
        as_freelancer: bool = False,
        limit: int = 50,
        starting_after: ContractId | None = None,
    ) -> list[Contract]:
        parties = ("freelancer_id",) if as_freelancer else ("client_id", "freelancer_id")
        past = self._past(
            starting_after,
            "offered_at",
            mine=lambda c: member_id in (getattr(c, p) for p in parties),
        )
        found: dict[str, Contract] = {}
        for party in parties:
            equal: tuple[tuple[str, str | None], ...] = ((party, member_id),)
            if status is not None:
                equal = (*equal, ("status", status.value))
            newest = Select(equal, order=(("offered_at", True),), limit=limit, past=past)
            for contract in self.select(newest):
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
    _table = BID_CREDITS
    label = BID_CREDITS.label

    def due(self, now: datetime, *, limit: int = 100) -> list[MemberId]:
        due = Select(until=("refills_at", now), order=(("refills_at", False),), limit=limit)
        return [MemberId(c.id) for c in self._backend.documents(BID_CREDITS, due)]


class _Withdrawals(_Documents[Withdrawal]):
    _table = WITHDRAWALS
    label = WITHDRAWALS.label

    def of_seller(
        self, seller_id: MemberId, *, limit: int = 50, starting_after: WithdrawalId | None = None
    ) -> list[Withdrawal]:
        return self._newest_of(("seller_id", seller_id), "requested_at", limit, starting_after)

    def awaiting_payout(self, *, limit: int = 100) -> list[Withdrawal]:
        requested = (("status", WithdrawalStatus.REQUESTED.value),)
        return self.select(Select(requested, order=(("requested_at", False),), limit=limit))


class _Ledger(_Staging):
    """Postings staged over the committed balances; the backend re-checks them at flush.

    A posting reads the balances it could refuse on, and no others: an account that may go
    below zero (a gateway), or that the posting does not take from, cannot refuse it. What
    it moves on an account whose balance it did not read is kept as a change (``_moved``),
    added to the committed balance when one is asked for; the flush checks every balance
    again, locked. The posting's key and the balances it reads come in one read.
    """

    def __init__(self, backend: Backend, reads: Sequence[_Current]) -> None:
        self._backend = backend
        self._reads = reads
        self.staged: list[Transaction] = []
        self._overlay: dict[AccountId, Money] = {}
        """The balances known here: committed, read once, with what this unit moved."""
        self._moved: dict[AccountId, Money] = {}
        """What this unit moved on the accounts whose balance it has not read."""
        self._keys: dict[str, Transaction] = {}

    def stage(self, changes: Changes) -> None:
        changes.transactions = list(self.staged)

    def post(self, transaction: Transaction) -> Transaction:
        key, overlay, entries = transaction.key, self._overlay, transaction.entries
        earlier = self._keys.get(key)
        if earlier is None:
            # the balances that could refuse it: taken from, and kept from going below zero
            refusing = [
                e.account
                for e in entries
                if e.amount.minor < 0
                and e.account not in overlay
                and not Account.parse(e.account).kind.may_go_negative
            ]
            earlier, read = self._backend.posting(key, refusing)
        if earlier is not None:
            if earlier.content() != transaction.content():
                raise IdempotencyConflict(key=key)
            return earlier
        moved = self._moved
        current = {e.account: overlay[e.account] for e in entries if e.account in overlay}
        for account in refusing:
            committed = read.get(account) or Money.zero(self._backend.currency)
            change = moved.get(account)
            current[account] = committed if change is None else committed + change
        try:
            after = postable(current, transaction, self._backend.currency)
        except InsufficientFunds:
            # money moved by an aggregate that changed since it was read (an order accepted
            # by another process) is a lost race, not a lack of funds
            for rows in self._reads:
                rows.require_current()
            raise
        self._keep(after, current)
        self.staged.append(transaction)
        self._keys[key] = transaction
        return transaction

    def _keep(self, after: dict[AccountId, Money], current: dict[AccountId, Money]) -> None:
        """The balances a posting leaves: known where it knew them, else kept as changes."""
        overlay, moved = self._overlay, self._moved
        for account, balance in after.items():
            if account in current:
                overlay[account] = balance
                if moved:
                    moved.pop(account, None)
            else:  # ``balance`` is this posting's change: the committed balance is unread
                change = moved.get(account)
                moved[account] = balance if change is None else change + balance

    def balance(self, account: AccountId) -> Money:
        found = self._overlay.get(account)
        if found is not None:
            return found
        committed = self._backend.balance(account) or Money.zero(self._backend.currency)
        change = self._moved.pop(account, None)
        if change is None:
            return committed
        self._overlay[account] = balance = committed + change  # read once, as a posting does
        return balance

    def by_key(self, key: str) -> Transaction | None:
        return self._keys.get(key) or self._backend.transaction_by_key(key)

    def statement(self, account: AccountId, *, cursor: int = 0, limit: int = 50) -> StatementPage:
        return self._backend.statement(account, cursor, limit)

    def due_releases(self, now: datetime, *, limit: int = 100) -> list[Release]:
        return self._backend.due_releases(now, limit)

    def uncleared(self, seller_id: MemberId, *, limit: int = 50) -> list[Release]:
        return self._backend.uncleared(seller_id, limit)

    def entry_rows(self) -> list[EntryRow]:
        return self._backend.entry_rows()

    def balances(self) -> dict[AccountId, Money]:
        return self._backend.balances()


class _Outbox(_Staging):
    def __init__(self, backend: Backend, _reads: list[_Current]) -> None:
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
    def __init__(self, backend: Backend, _reads: list[_Current]) -> None:
        self._backend = backend
        self.staged: dict[str, CommandRecord] = {}

    def stage(self, changes: Changes) -> None:
        changes.commands = list(self.staged.values())

    def get(self, key: str) -> CommandRecord | None:
        return self.staged.get(key) or self._backend.command(key)

    def put(self, record: CommandRecord) -> None:
        self.staged[record.key] = record


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
        setattr(uow, self._name, made)  # later reads find it on the instance, not here
        uow._made.append(made)  # noqa: SLF001 (the unit's own list)
        return made


class StagedUnitOfWork:
    """The unit of work of the shipped adapters (see the module docstring).

    A repository is made the first time a use case asks for it (most use a few of them),
    and only the ones made have anything to commit.
    """

    members = _Made(_Members)
    services = _Made(_Services)
    orders = _Made(_Orders)
    reviews = _Made(_Reviews)
    inquiries = _Made(_Inquiries)
    requests = _Made(_Requests)
    projects = _Made(_Projects)
    contracts = _Made(_Contracts)
    bid_credits = _Made(_BidCredits)
    withdrawals = _Made(_Withdrawals)
    listings = _Made(_Listings)
    levels = _Made(_Levels)
    favourites = _Made(lambda backend, _: _ByOwner(backend.favourites, Favourites, "favourites"))
    carts = _Made(lambda backend, _: _ByOwner(backend.cart, Cart, "carts"))
    ledger = _Made(_Ledger)
    outbox = _Made(_Outbox)
    commands = _Made(_Commands)

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        # the repositories a lost race would show changed: a list the ledger holds, not a
        # method of self, so a unit of work holds no reference cycle and is freed the moment
        # it is done
        self._reads: list[_Current] = []
        self._made: list[_Staging] = []
        self._done = False
        self._session: AbstractContextManager[None] | None = None

    def __enter__(self) -> Self:
        session = self._backend.session()
        if session is not NO_SESSION:  # the shared no-op needs no entering nor leaving
            session.__enter__()
            self._session = session
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._done = True  # what was not committed is forgotten (as rollback does)
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
