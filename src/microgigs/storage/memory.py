"""The memory adapter: real, fast and transactional, for tests, prototypes and simulations.

Units of work stage their writes (see :mod:`microgigs.storage._unit`); a commit checks
them all (versions, unique names, balances, keys) and applies them under one lock, or none.

>>> from microgigs.testing.examples import make_member
>>> storage = MemoryStorage("USD")
>>> with storage.unit_of_work() as uow:
...     uow.members.add(make_member("sara"))
...     uow.commit()
>>> with storage.unit_of_work() as uow:
...     uow.members.get(make_member("sara").id).username
'sara'
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TypeVar

import attrs

from microgigs._text import _
from microgigs.catalog import Cart, Favourites, Service, ServiceStatus
from microgigs.errors import EmailTaken, StaleWrite, UsernameTaken
from microgigs.ids import (
    CategoryId,
    EventId,
    InquiryId,
    MemberId,
    MessageId,
    OrderId,
    RequestId,
    ReviewId,
    ServiceId,
)
from microgigs.inquiries import Inquiry
from microgigs.ledger import (
    AccountId,
    EntryRow,
    Ledger,
    Release,
    StatementPage,
    Transaction,
    postable,
    rows_of,
)
from microgigs.members import Member
from microgigs.money import Money
from microgigs.orders import Message, Order, OrderStatus
from microgigs.projects import Contract
from microgigs.ranking import (
    Evaluation,
    Listing,
    ListingPage,
    ListingQuery,
    Rating,
    Review,
    search_listings,
    suggest,
    term_categories,
)
from microgigs.requests import RequestStatus, ServiceRequest
from microgigs.storage._tables import CONTRACTS, TABLES, Select, Table, Versioned
from microgigs.storage._unit import (
    NO_SESSION,
    Backend,
    Changes,
    PartyOrders,
    StagedStorage,
    StagedUnitOfWork,
    Stored,
    Write,
    changed_listing,
)
from microgigs.storage.ports import CommandRecord, OutboxEvent, Storage, UnitOfWork

__all__ = ["MemoryStorage"]

D = TypeVar("D", bound=Versioned)

_MEMBER, _SERVICE, _ORDER = _("member"), _("service"), _("order")
_REVIEW, _INQUIRY, _REQUEST = _("review"), _("inquiry"), _("request")


class _MemoryBackend:
    """Committed state in dicts and a :class:`~microgigs.ledger.Ledger` book."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self._lock = threading.Lock()
        self._members: dict[str, Member] = {}
        self._member_keys: dict[tuple[str, str], MemberId] = {}
        self._services: dict[str, Service] = {}
        self._favourites: dict[MemberId, Favourites] = {}
        self._carts: dict[MemberId, Cart] = {}
        self._orders: dict[str, Order] = {}
        self._timers: dict[str, datetime] = {}  # orders with a timer: when it falls due
        self._statuses: dict[OrderStatus, set[str]] = {}  # the orders in each status
        self._messages: dict[OrderId, list[Message]] = {}
        self._book = Ledger(currency)
        # kept as tuples of plain values, made into records when read: a tuple of strings
        # and times is left alone by the garbage collector's passes, a kept object is walked
        # by every one of them (the ledger book keeps its statement lines so too)
        self._outbox: dict[EventId, tuple[str, str, datetime]] = {}
        self._commands: dict[str, tuple[str, str]] = {}
        self._listings: dict[ServiceId, Listing] = {}
        self._reviews: dict[str, Review] = {}
        self._inquiries: dict[str, Inquiry] = {}
        self._requests: dict[str, ServiceRequest] = {}
        self._evaluations: dict[MemberId, list[Evaluation]] = {}
        self._tables: dict[str, dict[str, Versioned]] = {table.name: {} for table in TABLES}

    # --- reads ---------------------------------------------------------------------------

    def member(self, member_id: MemberId) -> Member | None:
        return self._members.get(member_id)

    def member_by(self, field: str, value: str) -> Member | None:
        found = self._member_keys.get((field, value))
        return None if found is None else self._members[found]

    def members_after(self, after: str, limit: int) -> list[Member]:
        return [self._members[k] for k in sorted(self._members) if k > after][:limit]

    def service(self, service_id: ServiceId) -> Service | None:
        return self._services.get(service_id)

    def services_by_seller(
        self, seller_id: MemberId, status: ServiceStatus | None, limit: int | None
    ) -> list[Service]:
        found = [
            s
            for s in self._services.values()
            if s.seller_id == seller_id and (status is None or s.status is status)
        ]
        found.sort(key=lambda s: (s.created_at, s.id), reverse=True)
        return found[:limit]

    def services_by_status(self, status: ServiceStatus, limit: int) -> list[Service]:
        found = sorted(
            (s for s in self._services.values() if s.status is status),
            key=lambda s: (s.updated_at, s.id),
        )
        return found[:limit]

    def favourites(self, owner_id: MemberId) -> Favourites | None:
        return self._favourites.get(owner_id)

    def cart(self, owner_id: MemberId) -> Cart | None:
        return self._carts.get(owner_id)

    def order(self, order_id: OrderId) -> Order | None:
        return self._orders.get(order_id)

    def orders_of(self, asked: PartyOrders) -> list[Order]:
        found = [o for o in self._orders.values() if asked.matches(o)]
        found.sort(key=lambda o: (o.placed_at, o.id), reverse=True)
        return found[: asked.limit]

    def orders_in_status(self, status: OrderStatus, limit: int) -> list[Order]:
        found = [self._orders[order_id] for order_id in self._statuses.get(status, ())]
        found.sort(key=lambda o: (o.placed_at, o.id))
        return found[:limit]

    def orders_due(self, now: datetime, limit: int) -> list[OrderId]:
        due = sorted((at, order_id) for order_id, at in self._timers.items() if at <= now)
        return [OrderId(order_id) for _, order_id in due[:limit]]

    def messages(
        self, order_id: OrderId, limit: int | None, before: MessageId | None
    ) -> list[Message] | None:
        written = self._messages.get(order_id, [])
        if before is not None:
            end = next((i for i, m in enumerate(written) if m.id == before), None)
            if end is None:
                return None
            written = written[:end]
        return written[-limit:] if limit is not None else list(written)

    def balance(self, account: AccountId) -> Money | None:
        return self._book.balance(account)

    def transaction_by_key(self, key: str) -> Transaction | None:
        return self._book.by_key(key)

    def posting(
        self, key: str, accounts: Sequence[AccountId]
    ) -> tuple[Transaction | None, dict[AccountId, Money]]:
        book = self._book
        return book.by_key(key), {account: book.balance(account) for account in accounts}

    def statement(self, account: AccountId, cursor: int, limit: int) -> StatementPage:
        return self._book.statement(account, cursor=cursor, limit=limit)

    def due_releases(self, now: datetime, limit: int) -> list[Release]:
        return self._book.uncleared(due_by=now)[:limit]

    def uncleared(self, seller_id: MemberId, limit: int) -> list[Release]:
        return self._book.uncleared(seller_id=seller_id)[:limit]

    def entry_rows(self) -> list[EntryRow]:
        return list(rows_of(self._book))

    def balances(self) -> dict[AccountId, Money]:
        return dict(self._book.balances())

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        return [
            OutboxEvent(event_id, name, payload, at)
            for event_id, (name, payload, at) in itertools.islice(self._outbox.items(), limit)
        ]

    def command(self, key: str) -> CommandRecord | None:
        found = self._commands.get(key)
        return None if found is None else CommandRecord(key, *found)

    def request(self, request_id: RequestId) -> ServiceRequest | None:
        return self._requests.get(request_id)

    def requests_open(
        self, now: datetime, category_id: CategoryId | None, limit: int
    ) -> list[ServiceRequest]:
        found = [
            r
            for r in self._requests.values()
            if r.is_open(now) and (category_id is None or r.category_id == category_id)
        ]
        return sorted(found, key=lambda r: (r.created_at, r.id), reverse=True)[:limit]

    def requests_of_buyer(self, buyer_id: MemberId, limit: int) -> list[ServiceRequest]:
        found = [r for r in self._requests.values() if r.buyer_id == buyer_id]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return found[:limit]

    def requests_in_review(self, limit: int) -> list[ServiceRequest]:
        found = [r for r in self._requests.values() if r.status is RequestStatus.PENDING_REVIEW]
        return sorted(found, key=lambda r: (r.created_at, r.id))[:limit]

    def requests_expiring(self, now: datetime, limit: int) -> list[RequestId]:
        found = [
            (r.expires_at, r.id)
            for r in self._requests.values()
            if r.status is RequestStatus.OPEN and r.expires_at <= now
        ]
        return [request_id for _, request_id in sorted(found)[:limit]]

    def inquiry(self, inquiry_id: InquiryId) -> Inquiry | None:
        return self._inquiries.get(inquiry_id)

    def inquiry_about(self, buyer_id: MemberId, service_id: ServiceId) -> Inquiry | None:
        return next(
            (
                i
                for i in self._inquiries.values()
                if i.buyer_id == buyer_id and i.service_id == service_id
            ),
            None,
        )

    def inquiries_of(self, member_id: MemberId, *, as_seller: bool, limit: int) -> list[Inquiry]:
        found = [
            i
            for i in self._inquiries.values()
            if (i.seller_id if as_seller else i.buyer_id) == member_id
        ]
        return sorted(found, key=lambda i: (i.last_at, i.id), reverse=True)[:limit]

    def inquiries_to(self, seller_id: MemberId, since: datetime) -> list[Inquiry]:
        found = [
            i for i in self._inquiries.values() if i.seller_id == seller_id and i.opened_at >= since
        ]
        return sorted(found, key=lambda i: (i.opened_at, i.id))

    def review(self, review_id: ReviewId) -> Review | None:
        return self._reviews.get(review_id)

    def review_of_order(self, order_id: OrderId) -> Review | None:
        return next((r for r in self._reviews.values() if r.order_id == order_id), None)

    def reviews_of_service(self, service_id: ServiceId, limit: int) -> list[Review]:
        found = [r for r in self._reviews.values() if r.service_id == service_id]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return found[:limit]

    def rating(self, column: str, key: str) -> Rating:
        return Rating.of(r.stars for r in self._reviews.values() if getattr(r, column) == key)

    def reviews_of_seller(self, seller_id: MemberId, since: datetime) -> list[Review]:
        found = [
            r for r in self._reviews.values() if r.seller_id == seller_id and r.created_at >= since
        ]
        return sorted(found, key=lambda r: (r.created_at, r.id))

    def orders_of_seller(self, seller_id: MemberId, since: datetime) -> list[Order]:
        found = [
            o for o in self._orders.values() if o.seller_id == seller_id and o.placed_at >= since
        ]
        return sorted(found, key=lambda o: (o.placed_at, o.id))

    def evaluations(self, seller_id: MemberId, limit: int) -> list[Evaluation]:
        return self._evaluations.get(seller_id, [])[::-1][:limit]

    def sellers_due(self, round_at: datetime, limit: int) -> list[MemberId]:
        sellers = {s.seller_id for s in self._services.values()}
        contracts = self._tables[CONTRACTS.name].values()
        sellers.update(c.freelancer_id for c in contracts if isinstance(c, Contract))
        due = [
            seller
            for seller in sellers
            if not (history := self._evaluations.get(seller)) or history[-1].at < round_at
        ]
        return sorted(due)[:limit]

    def listing(self, service_id: ServiceId) -> Listing | None:
        return self._listings.get(service_id)

    def search(self, query: ListingQuery) -> ListingPage:
        listings = self._listings.values()
        page = search_listings(
            listings,
            query,
            self._frequencies(query.searched_terms),
            term_categories(listings, query.terms) if query.asks_category else None,
        )
        if page.listings or query.cursor is not None or not query.terms:
            return page
        return attrs.evolve(page, suggestion=suggest(query.text or "", self._frequencies))

    def _frequencies(self, terms: Collection[str]) -> dict[str, int]:
        """How many listings hold each of ``terms`` (those some listing holds)."""
        wanted = set(terms)
        counts = Counter(
            term
            for listing in self._listings.values()
            for term in wanted.intersection(listing.terms)
        )
        return dict(counts)

    def session(self) -> AbstractContextManager[None]:
        """Nothing to keep between a unit of work's reads: one shared no-op for all."""
        return NO_SESSION

    def document(self, table: Table[D], key: str) -> D | None:
        return self._tables[table.name].get(key)  # type: ignore[return-value]

    def documents(self, table: Table[D], select: Select) -> list[D]:
        rows: Collection[D] = self._tables[table.name].values()  # type: ignore[assignment]
        return select.arrange(rows, table.columns)

    # --- the one write --------------------------------------------------------------------

    def flush(self, changes: Changes) -> None:
        with self._lock:
            postings = self._check(changes)
            changed = self._changed_listings(changes) if changes.listing_changes else ()
            self._apply(changes, postings)
            self._listings.update(changed)

    def _changed_listings(self, changes: Changes) -> list[tuple[ServiceId, Listing]]:
        """Each changed listing as its change leaves the one stored now (none: unlisted)."""
        stored = self._listings
        return [
            (service_id, changed_listing(service_id, how, listing))
            for service_id, how in changes.listing_changes
            if (listing := stored.get(service_id)) is not None
        ]

    def _check(self, changes: Changes) -> list[tuple[Transaction, dict[AccountId, Money]]]:
        self._check_aggregates(changes)
        postings = self._check_postings(changes.transactions) if changes.transactions else []
        # each kind looked at only when it holds something: an empty loop makes an iterator
        if changes.reviews:
            for review in changes.reviews:
                other = self.review_of_order(review.value.order_id)
                if review.expected is None and other is not None:
                    raise StaleWrite(kind=_("review"), key=review.value.order_id)
        if changes.commands:
            commands = self._commands
            for record in changes.commands:
                if record.key in commands:
                    raise StaleWrite(kind=_("command"), key=record.key)
        if changes.evaluations:
            self._check_evaluations(changes.evaluations)
        return postings

    def _check_aggregates(self, changes: Changes) -> None:
        """Each aggregate written at the version read, members' usernames and e-mails unique."""
        # most commits touch a few kinds: an empty one costs a test, not a loop's set-up
        if changes.members:
            _check_versions(_MEMBER, changes.members, self._members)
        if changes.services:
            _check_versions(_SERVICE, changes.services, self._services)
        if changes.orders:
            _check_versions(_ORDER, changes.orders, self._orders)
        if changes.reviews:
            _check_versions(_REVIEW, changes.reviews, self._reviews)
        if changes.inquiries:
            _check_versions(_INQUIRY, changes.inquiries, self._inquiries)
        if changes.requests:
            _check_versions(_REQUEST, changes.requests, self._requests)
        if changes.documents:
            self._check_documents(changes.documents)
        if changes.favourites or changes.carts:
            self._check_carts_and_favourites(changes)
        if changes.members:
            self._check_unique(changes.members)

    def _check_carts_and_favourites(self, changes: Changes) -> None:
        if changes.favourites:
            _check_owned(_("favourites"), changes.favourites, self._favourites)
        if changes.carts:
            _check_owned(_("cart"), changes.carts, self._carts)

    def _check_unique(self, members: Sequence[Write[Member]]) -> None:
        """No other member holds a written member's username or e-mail."""
        for write in members:
            member = write.value
            for field, error in (("username", UsernameTaken), ("email", EmailTaken)):
                owner = self._member_keys.get((field, getattr(member, field)))
                if owner is not None and owner != member.id:
                    raise error(getattr(member, field))

    def _check_documents(self, documents: Sequence[Stored]) -> None:
        for document in documents:
            _check_version(
                document.label,
                Write(document.value, document.expected),
                self._tables[document.table].get(document.value.id),
            )

    def _check_evaluations(self, evaluations: Sequence[Evaluation]) -> None:
        for evaluation in evaluations:
            history = self._evaluations.get(evaluation.seller_id)
            if history and history[-1].at >= evaluation.at:
                raise StaleWrite(kind=_("level evaluation"), key=evaluation.seller_id)

    def _check_postings(
        self, transactions: Sequence[Transaction]
    ) -> list[tuple[Transaction, dict[AccountId, Money]]]:
        """Replay the postings over the committed balances (others may have spent since).

        Each comes back with the balances it leaves, which the book then records as they
        are: checked once, under the lock.
        """
        running: dict[AccountId, Money] = {}
        postings = []
        for transaction in transactions:
            if self._book.by_key(transaction.key) is not None:
                raise StaleWrite(kind=_("transaction"), key=transaction.key)
            current = {
                e.account: running.get(e.account) or self._book.balance(e.account)
                for e in transaction.entries
            }
            after = postable(current, transaction, self.currency)
            running.update(after)
            postings.append((transaction, after))
        return postings

    def _keep_order(self, order: Order) -> None:
        """Store an order and move it in the indexes: its status, its timer."""
        old = self._orders.get(order.id)
        if old is not None:
            self._statuses[old.status].discard(order.id)
        self._statuses.setdefault(order.status, set()).add(order.id)
        self._orders[order.id] = order
        if order.next_due is None:
            self._timers.pop(order.id, None)
        else:
            self._timers[order.id] = order.next_due.at

    def _apply(
        self, changes: Changes, postings: list[tuple[Transaction, dict[AccountId, Money]]]
    ) -> None:
        # the staged values become the committed ones: the finished unit of work hands out
        # only copies of them, so nobody else holds them. Most commits touch a few kinds:
        # each empty one costs a test (not a loop, whose iterator is made for nothing).
        if changes.members or changes.orders or changes.messages:
            self._apply_parties(changes)
        if postings:
            for transaction, after in postings:
                self._book.record(transaction, after)
        if changes.services or changes.favourites or changes.carts:
            self._apply_owned(changes)
        if changes.commands:
            commands = self._commands
            for record in changes.commands:
                commands[record.key] = (record.fingerprint, record.result)
        if changes.events or changes.acknowledged:
            self._apply_events(changes)
        if (
            changes.reviews
            or changes.inquiries
            or changes.requests
            or changes.listings
            or changes.unlisted
            or changes.evaluations
            or changes.documents
        ):
            self._apply_rest(changes)

    def _apply_parties(self, changes: Changes) -> None:
        for write in changes.members:
            self._keep_member(write.value)
        for written in changes.orders:
            self._keep_order(written.value)
        for message in changes.messages:
            self._messages.setdefault(message.order_id, []).append(message)

    def _apply_owned(self, changes: Changes) -> None:
        for service in changes.services:
            self._services[service.value.id] = service.value
        for favourites in changes.favourites:
            self._favourites[favourites.value.owner_id] = favourites.value
        for cart in changes.carts:
            self._carts[cart.value.owner_id] = cart.value

    def _apply_events(self, changes: Changes) -> None:
        for event in changes.events:
            self._outbox[event.id] = (event.name, event.payload, event.at)
        for event_id in changes.acknowledged:
            self._outbox.pop(event_id, None)

    def _apply_rest(self, changes: Changes) -> None:
        if changes.reviews:
            self._reviews.update((w.value.id, w.value) for w in changes.reviews)
        if changes.inquiries:
            self._inquiries.update((w.value.id, w.value) for w in changes.inquiries)
        if changes.requests:
            self._requests.update((w.value.id, w.value) for w in changes.requests)
        if changes.listings:
            self._listings.update((v.service_id, v) for v in changes.listings)
        for service_id in changes.unlisted:
            self._listings.pop(service_id, None)
        if changes.evaluations:
            for evaluation in sorted(changes.evaluations, key=lambda e: e.at):
                self._evaluations.setdefault(evaluation.seller_id, []).append(evaluation)
        for document in changes.documents:
            self._tables[document.table][document.value.id] = document.value

    def _keep_member(self, member: Member) -> None:
        """Store a member and move its username and e-mail in the unique index."""
        old = self._members.get(member.id)
        if old is not None:
            self._member_keys.pop(("username", old.username), None)
            self._member_keys.pop(("email", old.email), None)
        self._members[member.id] = member
        self._member_keys["username", member.username] = member.id
        self._member_keys["email", member.email] = member.id


def _check_versions(
    kind: str,
    writes: Sequence[Write[Member]]
    | Sequence[Write[Service]]
    | Sequence[Write[Order]]
    | Sequence[Write[Review]]
    | Sequence[Write[Inquiry]]
    | Sequence[Write[ServiceRequest]],
    stored: Mapping[str, object],
) -> None:
    for write in writes:
        _check_version(kind, write, stored.get(write.value.id))


def _check_version(
    kind: str,
    write: Write[Member]
    | Write[Service]
    | Write[Order]
    | Write[Review]
    | Write[Inquiry]
    | Write[ServiceRequest]
    | Write[Versioned],
    stored: object,
) -> None:
    if write.expected is None:
        if stored is not None:
            raise StaleWrite(kind=kind, key=write.value.id)
    elif stored is None or getattr(stored, "version", None) != write.expected:
        raise StaleWrite(kind=kind, key=write.value.id)


class MemoryStorage(StagedStorage):
    """Everything in one process's memory."""

    def __init__(self, currency: str) -> None:
        self._backend = _MemoryBackend(currency)

    def close(self) -> None:
        """Nothing to release."""


def _conforms(
    storage: MemoryStorage, backend: _MemoryBackend, uow: StagedUnitOfWork
) -> tuple[Storage, Backend, UnitOfWork]:
    """Never called: mypy checks here that the adapter satisfies the ports."""
    return storage, backend, uow


def _check_owned(
    kind: str,
    writes: Sequence[Write[Cart]] | Sequence[Write[Favourites]],
    kept: Mapping[MemberId, Cart] | Mapping[MemberId, Favourites],
) -> None:
    """A cart or favourites written at the version read (``None``: never stored)."""
    for write in writes:
        current = kept.get(write.value.owner_id)
        if (None if current is None else current.version) != write.expected:
            raise StaleWrite(kind=kind, key=write.value.owner_id)
