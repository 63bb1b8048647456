"""What the SQLite and PostgreSQL adapters share: every query, and the one flush.

Queries are written with ``?`` placeholders; an adapter supplies connections, the way it
stores times, and the translation of its driver's errors into :mod:`microgigs.errors`.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from functools import partial
from importlib import resources
from typing import Final, Protocol, TypeVar

import attrs
import orjson

from microgigs._text import _
from microgigs.catalog import Cart, Favourites, Service, ServiceStatus
from microgigs.errors import (
    CurrencyMismatch,
    EmailTaken,
    MicrogigsError,
    StaleWrite,
    UsernameTaken,
)
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
    TransactionId,
)
from microgigs.inquiries import Inquiry
from microgigs.ledger import (
    AccountId,
    Entry,
    EntryRow,
    PostingKind,
    Release,
    StatementLine,
    StatementPage,
    Transaction,
    postable,
)
from microgigs.members import Member
from microgigs.money import Money
from microgigs.orders import Message, Order, OrderStatus
from microgigs.ranking import (
    CANDIDATES,
    Evaluation,
    Level,
    Listing,
    ListingPage,
    ListingQuery,
    Ordering,
    Rating,
    Relevance,
    Review,
    finish_page,
    finish_ranked,
    suggest,
)
from microgigs.requests import RequestStatus, ServiceRequest
from microgigs.storage._tables import Column, Select, Table, Versioned
from microgigs.storage._unit import (
    NO_SESSION,
    Changes,
    PartyOrders,
    StagedStorage,
    Write,
    changed_listing,
)
from microgigs.storage.codec import decode, decode_apart, encode, encode_apart, encode_rest
from microgigs.storage.ports import CommandRecord, OutboxEvent, Storage

T = TypeVar("T")
W = TypeVar("W")
D = TypeVar("D", bound=Versioned)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Identified = TypeVar("_Identified", bound=_HasId)
Row = Sequence[object]
_PARTIES: Final = {"buyer": "buyer_id", "seller": "seller_id"}
_MEMBER_KEYS: Final = {"username": "username", "email": "email"}
_RATED: Final = {"service_id": "service_id", "seller_id": "seller_id"}
_ORDER_TERMS: Final = ("service", "quote")
"""What an order bought and its price: written once, when it is placed (column ``terms``).

Every later change rewrites only the rest of the order, a third of its size."""


_SORT_COLUMNS: Final = {
    Ordering.NEWEST: "newest",
    Ordering.TOP_RATED: "score",
    Ordering.BEST_SELLING: "sales",
    Ordering.TRENDING: "recent_sales",
    Ordering.RELEVANCE: "score",
}


class Cursor(Protocol):
    """The part of a DB-API cursor the backend uses."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Row | None: ...

    def fetchall(self) -> Sequence[Row]: ...


Execute = Callable[[str, Sequence[object]], Cursor]


_Shape = tuple[str, tuple[str, ...], str | None, str | None, tuple[tuple[str, bool], ...], bool]
"""A select of :meth:`SqlBackend.documents` without its values: table, columns, order, and
whether it has a page's cursor."""


class Documents:
    """Documents already decoded: an unchanged aggregate is decoded once.

    The values are shared, as the memory adapter shares its committed ones: a unit of work
    copies what it hands out and hands its staged values over at commit, so nobody changes
    a value kept here. A bounded number is kept; the oldest go first.

    A document read alone by its key (an id, an owner's id) is kept by that key with its
    text, and found again when the next read of the key gives the same text: comparing two
    texts (memcmp) costs a fraction of hashing one (SipHash over every character of a text
    of a few kilobytes). A value written with its key is kept the same way, so the next read
    finds it. Documents read in lists, and values written without a key, are kept by their
    text.

    An aggregate stored in two texts (its parts written once, and the rest) is kept by both;
    the text of the parts written once is remembered by the aggregate's id, so that the
    value an update writes is found again by the next read.
    """

    def __init__(self, capacity: int = 2048) -> None:
        self._capacity = capacity
        self._kept: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._by_key: OrderedDict[tuple[type, str], tuple[object, object]] = OrderedDict()
        self._apart: OrderedDict[tuple[type, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def decode(self, text: str, kind: type[T], key: str | None = None) -> T:
        """The ``kind`` written as ``text``, decoded once; ``key``: the key it was read by."""
        if key is not None:
            found = self._by_key.get((kind, key))
            if found is not None and found[0] == text:
                return found[1]  # type: ignore[return-value]
            value = decode(text, kind)
            self._keep_by_key((kind, key), text, value)
            return value
        kept = self._kept.get((kind, text))
        if kept is None:
            kept = decode(text, kind)
            self._keep((kind, text), kept)
        return kept  # type: ignore[return-value]

    def kept(self, kind: type[T], key: str) -> T | None:
        """The ``kind`` last read here by ``key``, or staged by a flush here, while it is kept.

        A flush that is rolled back leaves its staged value kept though never written: the
        writes that use it hold every other column as a condition, so such a value costs
        only the whole write it falls back to.
        """
        found = self._by_key.get((kind, key))
        return None if found is None else found[1]  # type: ignore[return-value]

    def encode(self, value: object, key: str | None = None) -> str:
        """``value`` as text, kept as that text's decoding (by ``key`` when given).

        ``value`` is a staged value of a unit of work that is finishing: nobody changes it.
        """
        text = encode(value)
        if key is not None:
            self._keep_by_key((type(value), key), text, value)
        else:
            self._keep((type(value), text), value)
        return text

    def decode_apart(
        self, rest: str, apart: str, kind: type[_Identified], key: str | None = None
    ) -> _Identified:
        """The ``kind`` written as ``rest`` and ``apart``, decoded once; ``key``: its id."""
        found = self._apart_kept(rest, apart, kind, key)
        if found is None:
            found = decode_apart(rest, apart, kind)
            if key is None:
                self._keep((kind, rest, apart), found)
            else:
                self._keep_by_key((kind, key), (rest, apart), found)
        identity = found.id
        if self._apart.get((kind, identity)) != apart:
            self._remember(kind, identity, apart)
        return found

    def _apart_kept(
        self, rest: str, apart: str, kind: type[_Identified], key: str | None
    ) -> _Identified | None:
        if key is None:
            return self._kept.get((kind, rest, apart))  # type: ignore[return-value]
        found = self._by_key.get((kind, key))
        if found is None or found[0] != (rest, apart):
            return None
        return found[1]  # type: ignore[return-value]

    def encode_apart(self, value: _Identified, apart: tuple[str, ...]) -> tuple[str, str]:
        """A new ``value`` as its rest and the text of its fields ``apart``, kept as both."""
        rest, alone = encode_apart(value, apart)
        self._keep_by_key((type(value), value.id), (rest, alone), value)
        self._remember(type(value), value.id, alone)
        return rest, alone

    def encode_rest(self, value: _Identified, apart: tuple[str, ...]) -> str:
        """A changed ``value`` without its fields ``apart`` (stored already, unchanged)."""
        rest = encode_rest(value, apart)
        alone = self._apart.get((type(value), value.id))
        if alone is not None:
            self._keep_by_key((type(value), value.id), (rest, alone), value)
        return rest

    def _keep(self, key: tuple[object, ...], value: object) -> None:
        with self._lock:
            if len(self._kept) >= self._capacity:
                self._kept.popitem(last=False)  # O(1), unlike a plain dict's first key
            self._kept[key] = value

    def _keep_by_key(self, key: tuple[type, str], texts: object, value: object) -> None:
        with self._lock:
            kept = self._by_key
            if kept.pop(key, None) is None and len(kept) >= self._capacity:
                kept.popitem(last=False)
            kept[key] = (texts, value)  # last in: a key changed often stays

    def _remember(self, kind: type, identity: str, apart: str) -> None:
        with self._lock:
            if len(self._apart) >= self._capacity:
                self._apart.popitem(last=False)
            self._apart[kind, identity] = apart


class SqlBackend(ABC):
    """Reads and the flush of staged changes, over any SQL database with JSON documents."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self._documents = Documents()
        # The SQL made for each shape of write and of select met: a few per table, made once.
        # Kept by the backend, not in a module's cache: a mutation run forks its mutants
        # from a process that ran the tests, and each must make its SQL again to be tried.
        self._upserts: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {}
        self._selects: dict[_Shape, str] = {}
        self._listing_updates: dict[tuple[int, ...], str] = {}
        self._changes: dict[tuple[str, tuple[str, ...], tuple[str, ...]], str] = {}
        self._postings_read: dict[int, str] = {}

    def _open_checked(self, migrate: Callable[[], None]) -> None:
        """Bring the schema up to date (``migrate``), then refuse a ledger of another currency.

        Closed on either failure, so a refused store holds no connection.
        """
        try:
            migrate()
            self._require_own_currency()
        except BaseException:
            self.close()
            raise

    def _require_own_currency(self) -> None:
        """Refuse a database whose ledger keeps another currency than ``currency``.

        Opened in another one (a policy in yen on a ledger in dollars), its balances would
        be read in the new one: ¥1,000 topped up onto $100.00 read as $110.00. Checked
        when the storage is opened, so nothing is read or written first.
        """
        other = self._read(
            "SELECT currency FROM ledger_balances WHERE currency <> ? LIMIT 1", (self.currency,)
        )
        if other:
            raise CurrencyMismatch(left=str(other[0][0]), right=self.currency)

    # --- what an adapter provides ---------------------------------------------------------

    @abstractmethod
    def schema_version(self) -> int:
        """The newest migration applied."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    # --- and the rest of it -----------------------------------------------------------------

    @abstractmethod
    def _read(self, sql: str, params: Sequence[object] = ()) -> Sequence[Row]:
        """Rows of a read-only query, outside any write transaction."""

    @abstractmethod
    def _write(self, work: Callable[[Execute], None]) -> None:
        """Run ``work`` in one write transaction: committed if it returns, rolled back if not.

        The adapter may run it again after a deadlock or a busy database.
        """

    @abstractmethod
    def _time(self, when: datetime) -> object:
        """A time as the database stores it."""

    @abstractmethod
    def _parse_time(self, stored: object) -> datetime:
        """A stored time back as an aware UTC datetime."""

    @abstractmethod
    def _terms_value(self, terms: Sequence[str]) -> object:
        """Search terms as the listings table stores them."""

    @abstractmethod
    def _one_of(self, column: str, values: Sequence[str]) -> tuple[str, object]:
        """A condition that ``column`` is one of ``values``, and its one parameter."""

    def session(self) -> AbstractContextManager[None]:
        """What a unit of work's reads and flush share; nothing unless the adapter says so."""
        return NO_SESSION

    # --- reads --------------------------------------------------------------------------------

    def _one(self, kind: type[T], sql: str, params: Sequence[object]) -> T | None:
        rows = self._read(sql, params)
        return self._documents.decode(str(rows[0][0]), kind) if rows else None

    def _by_key(self, kind: type[T], sql: str, key: str) -> T | None:
        """The document whose own key (its id, its owner's) is ``key``: kept by it."""
        rows = self._read(sql, (key,))
        return self._documents.decode(str(rows[0][0]), kind, key) if rows else None

    def _many(self, kind: type[T], sql: str, params: Sequence[object]) -> list[T]:
        documents = self._documents
        return [documents.decode(str(row[0]), kind) for row in self._read(sql, params)]

    def member(self, member_id: MemberId) -> Member | None:
        return self._by_key(Member, "SELECT doc FROM members WHERE id = ?", member_id)

    def member_by(self, field: str, value: str) -> Member | None:
        column = _MEMBER_KEYS[field]
        return self._one(Member, f"SELECT doc FROM members WHERE {column} = ?", (value,))

    def members_after(self, after: str, limit: int) -> list[Member]:
        return self._many(
            Member, "SELECT doc FROM members WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
        )

    def service(self, service_id: ServiceId) -> Service | None:
        return self._by_key(Service, "SELECT doc FROM services WHERE id = ?", service_id)

    def services_by_seller(
        self, seller_id: MemberId, status: ServiceStatus | None, limit: int | None
    ) -> list[Service]:
        where, params = (
            ("seller_id = ?", [seller_id])
            if status is None
            else (
                "seller_id = ? AND status = ?",
                [seller_id, status.value],
            )
        )
        bounded = "" if limit is None else " LIMIT ?"
        return self._many(
            Service,
            f"SELECT doc FROM services WHERE {where} ORDER BY created_at DESC, id DESC{bounded}",
            (*params, *(() if limit is None else (limit,))),
        )

    def services_by_status(self, status: ServiceStatus, limit: int) -> list[Service]:
        return self._many(
            Service,
            "SELECT doc FROM services WHERE status = ? ORDER BY updated_at, id LIMIT ?",
            (status.value, limit),
        )

    def favourites(self, owner_id: MemberId) -> Favourites | None:
        return self._by_key(Favourites, "SELECT doc FROM favourites WHERE owner_id = ?", owner_id)

    def cart(self, owner_id: MemberId) -> Cart | None:
        return self._by_key(Cart, "SELECT doc FROM carts WHERE owner_id = ?", owner_id)

    def _orders(self, sql: str, params: Sequence[object]) -> list[Order]:
        documents = self._documents
        return [
            documents.decode_apart(str(rest), str(terms), Order)
            for rest, terms in self._read(sql, params)
        ]

    def order(self, order_id: OrderId) -> Order | None:
        rows = self._read("SELECT doc, terms FROM orders WHERE id = ?", (order_id,))
        if not rows:
            return None
        rest, terms = rows[0]
        return self._documents.decode_apart(str(rest), str(terms), Order, order_id)

    def orders_of(self, asked: PartyOrders) -> list[Order]:
        params: list[object]
        where, params = f"{_PARTIES[asked.party]} = ?", [str(asked.member_id)]
        if asked.status is not None:
            where, params = f"{where} AND status = ?", [*params, asked.status.value]
        if asked.past is not None:  # the page after the cursor's order, in the same order
            at = self._time(asked.past[0])
            where = f"{where} AND (placed_at < ? OR (placed_at = ? AND id < ?))"
            params = [*params, at, at, asked.past[1]]
        return self._orders(
            f"SELECT doc, terms FROM orders WHERE {where} ORDER BY placed_at DESC, id DESC LIMIT ?",
            (*params, asked.limit),
        )

    def orders_in_status(self, status: OrderStatus, limit: int) -> list[Order]:
        return self._orders(
            "SELECT doc, terms FROM orders WHERE status = ? ORDER BY placed_at, id LIMIT ?",
            (status.value, limit),
        )

    def orders_due(self, now: datetime, limit: int) -> list[OrderId]:
        rows = self._read(
            "SELECT id FROM orders WHERE next_due_at IS NOT NULL AND next_due_at <= ?"
            " ORDER BY next_due_at, id LIMIT ?",
            (self._time(now), limit),
        )
        return [OrderId(str(row[0])) for row in rows]

    def messages(
        self, order_id: OrderId, limit: int | None, before: MessageId | None
    ) -> list[Message] | None:
        conditions, params = "order_id = ?", list[object]([order_id])
        if before is not None:  # messages are only ever added: its place stays where it is
            rows = self._read(
                "SELECT seq FROM messages WHERE id = ? AND order_id = ?", (before, order_id)
            )
            if not rows:
                return None
            conditions += " AND seq < ?"
            params.append(rows[0][0])
        if limit is None:
            return self._many(
                Message, f"SELECT doc FROM messages WHERE {conditions} ORDER BY seq", params
            )
        latest = self._many(
            Message,
            f"SELECT doc FROM messages WHERE {conditions} ORDER BY seq DESC LIMIT ?",
            [*params, limit],
        )
        return latest[::-1]

    def balance(self, account: AccountId) -> Money | None:
        rows = self._read(
            "SELECT minor, currency FROM ledger_balances WHERE account = ?", (account,)
        )
        return Money(int(str(rows[0][0])), str(rows[0][1])) if rows else None

    def transaction_by_key(self, key: str) -> Transaction | None:
        rows = self._read(_POSTED_BY_KEY, (key,))
        return self._transaction(rows[0]) if rows else None

    def posting(
        self, key: str, accounts: Sequence[AccountId]
    ) -> tuple[Transaction | None, dict[AccountId, Money]]:
        """Whether ``key`` was posted (the transaction if so), and ``accounts``' balances.

        One statement of scalar subqueries, not one per account and one for the key: a unit
        of work posting a transaction reads both before it checks it (the flush checks them
        again, locked). A key found, which only a replay meets, is read whole after.
        """
        sql = self._postings_read.get(len(accounts))
        if sql is None:
            balances = "".join(
                ", (SELECT minor FROM ledger_balances WHERE account = ?)" for _ in accounts
            )
            sql = f"SELECT (SELECT id FROM ledger_transactions WHERE key = ?){balances}"
            self._postings_read[len(accounts)] = sql
        found, *minors = self._read(sql, (key, *accounts))[0]
        earlier = None if found is None else self.transaction_by_key(key)
        currency = self.currency  # the ledger's one currency: its balances hold no other
        return earlier, {
            account: Money(int(str(minor)), currency)
            for account, minor in zip(accounts, minors, strict=True)
            if minor is not None
        }

    def _transaction(self, row: Row) -> Transaction:
        id_, key, kind, at, order_id, member_id, reverses, clears_at, entries = row
        raw = entries if isinstance(entries, list) else json.loads(str(entries))
        return Transaction(
            id=TransactionId(str(id_)),
            key=str(key),
            kind=PostingKind(str(kind)),
            entries=tuple(
                Entry(AccountId(e["account"]), Money(int(e["minor"]), e["currency"])) for e in raw
            ),
            at=self._parse_time(at),
            order_id=None if order_id is None else OrderId(str(order_id)),
            member_id=None if member_id is None else MemberId(str(member_id)),
            reverses=None if reverses is None else TransactionId(str(reverses)),
            clears_at=None if clears_at is None else self._parse_time(clears_at),
        )

    def statement(self, account: AccountId, cursor: int, limit: int) -> StatementPage:
        rows = self._read(
            "SELECT e.seq, e.transaction_id, t.at, t.kind, e.minor, e.currency, e.balance"
            " FROM ledger_entries AS e JOIN ledger_transactions AS t ON t.id = e.transaction_id"
            " WHERE e.account = ? AND e.seq > ? ORDER BY e.seq LIMIT ?",
            (account, cursor, limit + 1),
        )
        lines = tuple(
            StatementLine(
                TransactionId(str(tid)),
                self._parse_time(at),
                PostingKind(str(kind)),
                Money(int(str(minor)), str(currency)),
                Money(int(str(balance)), str(currency)),
            )
            for _seq, tid, at, kind, minor, currency, balance in rows[:limit]
        )
        following = int(str(rows[limit - 1][0])) if len(rows) > limit else None
        return StatementPage(account, lines, following)

    def due_releases(self, now: datetime, limit: int) -> list[Release]:
        return self._releases("clears_at <= ?", self._time(now), limit)

    def uncleared(self, seller_id: MemberId, limit: int) -> list[Release]:
        return self._releases("seller_id = ?", seller_id, limit)

    def _releases(self, where: str, value: object, limit: int) -> list[Release]:
        """Uncleared releases matching ``where`` (one parameter), soonest to clear first."""
        rows = self._read(
            "SELECT order_id, seller_id, currency, minor, released_at, clears_at"
            f" FROM ledger_clearances WHERE {where} ORDER BY clears_at, order_id LIMIT ?",
            (value, limit),
        )
        return [
            Release(
                OrderId(str(order_id)),
                MemberId(str(seller_id)),
                Money(int(str(minor)), str(currency)),
                self._parse_time(released_at),
                self._parse_time(clears_at),
            )
            for order_id, seller_id, currency, minor, released_at, clears_at in rows
        ]

    def entry_rows(self) -> list[EntryRow]:
        rows = self._read("SELECT transaction_id, account, currency, minor FROM ledger_entries")
        return [EntryRow(str(t), str(a), Money(int(str(m)), str(c))) for t, a, c, m in rows]

    def balances(self) -> dict[AccountId, Money]:
        rows = self._read("SELECT account, currency, minor FROM ledger_balances")
        return {AccountId(str(a)): Money(int(str(m)), str(c)) for a, c, m in rows}

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        rows = self._read(
            "SELECT id, name, payload, at FROM outbox WHERE delivered = 0 ORDER BY seq LIMIT ?",
            (limit,),
        )
        return [
            OutboxEvent(EventId(str(i)), str(n), str(p), self._parse_time(a)) for i, n, p, a in rows
        ]

    def command(self, key: str) -> CommandRecord | None:
        rows = self._read("SELECT key, fingerprint, result FROM commands WHERE key = ?", (key,))
        return CommandRecord(*(str(v) for v in rows[0])) if rows else None

    def request(self, request_id: RequestId) -> ServiceRequest | None:
        return self._by_key(ServiceRequest, "SELECT doc FROM requests WHERE id = ?", request_id)

    def requests_open(
        self, now: datetime, category_id: CategoryId | None, limit: int
    ) -> list[ServiceRequest]:
        category = "" if category_id is None else " AND category_id = ?"
        params: tuple[object, ...] = (RequestStatus.OPEN.value, self._time(now))
        if category_id is not None:
            params = (*params, category_id)
        return self._many(
            ServiceRequest,
            f"SELECT doc FROM requests WHERE status = ? AND expires_at > ?{category}"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            (*params, limit),
        )

    def requests_of_buyer(self, buyer_id: MemberId, limit: int) -> list[ServiceRequest]:
        return self._many(
            ServiceRequest,
            "SELECT doc FROM requests WHERE buyer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (buyer_id, limit),
        )

    def requests_in_review(self, limit: int) -> list[ServiceRequest]:
        return self._many(
            ServiceRequest,
            "SELECT doc FROM requests WHERE status = ? ORDER BY created_at, id LIMIT ?",
            (RequestStatus.PENDING_REVIEW.value, limit),
        )

    def requests_expiring(self, now: datetime, limit: int) -> list[RequestId]:
        rows = self._read(
            "SELECT id FROM requests WHERE status = ? AND expires_at <= ?"
            " ORDER BY expires_at, id LIMIT ?",
            (RequestStatus.OPEN.value, self._time(now), limit),
        )
        return [RequestId(str(row[0])) for row in rows]

    def inquiry(self, inquiry_id: InquiryId) -> Inquiry | None:
        return self._by_key(Inquiry, "SELECT doc FROM inquiries WHERE id = ?", inquiry_id)

    def inquiry_about(self, buyer_id: MemberId, service_id: ServiceId) -> Inquiry | None:
        return self._one(
            Inquiry,
            "SELECT doc FROM inquiries WHERE buyer_id = ? AND service_id = ?",
            (buyer_id, service_id),
        )

    def inquiries_of(self, member_id: MemberId, *, as_seller: bool, limit: int) -> list[Inquiry]:
        # a seller's: the index (seller_id, last_at, id); a buyer's: the (buyer_id,
        # service_id) unique index finds their few
        return self._many(
            Inquiry,
            f"SELECT doc FROM inquiries WHERE {'seller_id' if as_seller else 'buyer_id'} = ?"
            " ORDER BY last_at DESC, id DESC LIMIT ?",
            (member_id, limit),
        )

    def inquiries_to(self, seller_id: MemberId, since: datetime) -> list[Inquiry]:
        return self._many(
            Inquiry,
            "SELECT doc FROM inquiries WHERE seller_id = ? AND opened_at >= ?"
            " ORDER BY opened_at, id",
            (seller_id, self._time(since)),
        )

    def review(self, review_id: ReviewId) -> Review | None:
        return self._by_key(Review, "SELECT doc FROM reviews WHERE id = ?", review_id)

    def review_of_order(self, order_id: OrderId) -> Review | None:
        return self._one(Review, "SELECT doc FROM reviews WHERE order_id = ?", (order_id,))

    def reviews_of_service(self, service_id: ServiceId, limit: int) -> list[Review]:
        return self._many(
            Review,
            "SELECT doc FROM reviews WHERE service_id = ?"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            (service_id, limit),
        )

    def reviews_of_seller(self, seller_id: MemberId, since: datetime) -> list[Review]:
        return self._many(
            Review,
            "SELECT doc FROM reviews WHERE seller_id = ? AND created_at >= ?"
            " ORDER BY created_at, id",
            (seller_id, self._time(since)),
        )

    def orders_of_seller(self, seller_id: MemberId, since: datetime) -> list[Order]:
        return self._orders(
            "SELECT doc, terms FROM orders WHERE seller_id = ? AND placed_at >= ?"
            " ORDER BY placed_at, id",
            (seller_id, self._time(since)),
        )

    def evaluations(self, seller_id: MemberId, limit: int) -> list[Evaluation]:
        return self._many(
            Evaluation,
            "SELECT doc FROM level_evaluations WHERE seller_id = ? ORDER BY at DESC LIMIT ?",
            (seller_id, limit),
        )

    def sellers_due(self, round_at: datetime, limit: int) -> list[MemberId]:
        # Each side filtered, then the two merged: both are read in order from an index
        # led by the member's id (services_by_seller, contracts_by_freelancer…), so the
        # union needs no temporary table of every seller (a fifth of the cost on SQLite).
        at = self._time(round_at)
        rows = self._read(
            "SELECT s.seller_id AS id FROM services s WHERE NOT EXISTS"
            " (SELECT 1 FROM level_evaluations e WHERE e.seller_id = s.seller_id AND e.at >= ?)"
            " UNION SELECT c.freelancer_id FROM contracts c WHERE NOT EXISTS"
            " (SELECT 1 FROM level_evaluations e WHERE e.seller_id = c.freelancer_id"
            " AND e.at >= ?) ORDER BY id LIMIT ?",
            (at, at, limit),
        )
        return [MemberId(str(row[0])) for row in rows]

    def rating(self, column: str, key: str) -> Rating:
        column = _RATED[column]
        rows = self._read(
            f"SELECT count(*), coalesce(sum(stars), 0) FROM reviews WHERE {column} = ?",
            (key,),
        )
        return Rating(int(str(rows[0][0])), int(str(rows[0][1])))

    def document(self, table: Table[D], key: str) -> D | None:
        return self._by_key(table.kind, f"SELECT doc FROM {table.name} WHERE id = ?", key)

    def documents(self, table: Table[D], select: Select) -> list[D]:
        until, after = select.until, select.after
        params = [self._column(value) for _name, value in select.equal]
        if until is not None:
            params.append(self._time(until[1]))
        if after is not None:
            params.append(self._time(after[1]))
        if select.past is not None:
            at = self._time(select.past[0])
            params += [at, at, select.past[1]]
        params.append(select.limit)
        shape = (
            table.name,
            tuple(name for name, _value in select.equal),
            None if until is None else until[0],
            None if after is None else after[0],
            select.order,
            select.past is not None,
        )
        sql = self._selects.get(shape)
        if sql is None:
            sql = self._selects[shape] = _select_sql(shape)
        return self._many(table.kind, sql, params)

    def _column(self, value: Column) -> object:
        return self._time(value) if isinstance(value, datetime) else value

    def listing(self, service_id: ServiceId) -> Listing | None:
        return self._by_key(Listing, "SELECT doc FROM listings WHERE service_id = ?", service_id)

    def search(self, query: ListingQuery) -> ListingPage:
        column = _SORT_COLUMNS[query.ordering]
        conditions: list[str] = []
        params: list[object] = []
        filters: tuple[tuple[str, object], ...] = (
            ("l.section_id = ?", query.section_id),
            ("l.category_id = ?", query.category_id),
            ("l.price_minor >= ?", None if query.min_price is None else query.min_price.minor),
            ("l.price_minor <= ?", None if query.max_price is None else query.max_price.minor),
            ("l.delivery_days <= ?", query.max_delivery_days),
            ("l.score >= ?", query.min_score),
        )
        for sql, value in filters:
            if value is not None:
                conditions.append(sql)
                params.append(value)
        if query.seller_levels is not None:
            levels = sorted(level.value for level in query.seller_levels) or [""]
            conditions.append(f"l.seller_level IN ({', '.join('?' for _ in levels)})")
            params.extend(levels)
        if query.terms:
            return self._text_search(query, conditions, params)
        if query.finds_nothing:
            return ListingPage((), None)
        return self._sorted(query, column, conditions, params)

    def _sorted(
        self, query: ListingQuery, column: str, conditions: list[str], params: list[object]
    ) -> ListingPage:
        key, ident = f"l.{column}", "l.service_id"
        after = query.after()
        if after is not None:
            conditions.append(f"({key} < ? OR ({key} = ? AND {ident} < ?))")
            params.extend([after[0], after[0], after[1]])
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._read(
            f"SELECT l.doc FROM listings l {where} ORDER BY {key} DESC, {ident} DESC LIMIT ?",
            (*params, query.limit + 1),
        )
        documents = self._documents
        return finish_page([documents.decode(str(row[0]), Listing) for row in rows], query)

    def _text_search(
        self, query: ListingQuery, conditions: list[str], params: list[object]
    ) -> ListingPage:
        categories = self._categories(query.terms) if query.asks_category else None
        relevance = query.relevance(self._frequencies(query.searched_terms), categories)
        if query.ordering is Ordering.RELEVANCE:
            rows = self._walk(relevance, (conditions, params), query.after(), query.limit + 1)
            documents = self._documents
            page = finish_ranked(
                [(rank, documents.decode(str(doc), Listing)) for rank, _id, doc in rows], query
            )
        else:
            found = self._walk(
                relevance, (conditions, params), None, CANDIDATES, documents=False, related=False
            )
            if not found:
                return ListingPage((), None, self._suggestion(query))
            among, value = self._one_of("l.service_id", [str(row[1]) for row in found])
            page = self._sorted(query, _SORT_COLUMNS[query.ordering], [among], [value])
        if page.listings or query.cursor is not None:
            return page
        return attrs.evolve(page, suggestion=self._suggestion(query))

    def _walk(
        self,
        relevance: Relevance,
        filters: tuple[Sequence[str], Sequence[object]],
        after: tuple[int, str] | None,
        limit: int,
        *,
        documents: bool = True,
        related: bool = True,
    ) -> list[tuple[int, str, object]]:
        """Up to ``limit`` ``(rank, service id, doc)`` rows, best first, after a keyset.

        One level at a time (:attr:`Relevance.levels`). A tier's level: its rarest term's
        first postings (:meth:`Relevance.reach`: ``REACH``, ``SYNONYM_REACH`` for a
        synonym's tier) walked best rated first (the primary key), its other terms probed
        by key, its absent terms probed absent (a synonym phrase's terms: not all of
        them), in or out of the query's category as the level says; it never goes further
        down its pivot than its reach (``_REACH_IN_SUBQUERY``, ``_reach_bound``). The
        category's level: the category's first ``CATEGORY_REACH`` services best rated
        first, those holding no way of matching any term. Each level stops at what the
        page still needs. Without ``documents`` the doc is ``None`` and the listings are
        read only for the filters and the category; without ``related`` the category's
        level is not walked (the matches alone, which another ordering sorts).
        """
        conditions, params = filters
        start, keyset = (0, None) if after is None else (relevance.split(after[0])[0], after)
        joined = documents or conditions or relevance.category is not None
        join = " JOIN listings l ON l.service_id = t.service_id" if joined else ""
        found: list[tuple[int, str, object]] = []
        bounds: dict[tuple[str, int], tuple[int, str] | None] = {}
        for number in range(max(start, 0), len(relevance.levels)):
            level, reach, pivot = (
                relevance.levels[number],
                relevance.reach(number),
                relevance.pivot(number),
            )
            if pivot is None and not related:
                continue
            where, values = self._level_conditions(relevance, level, pivot)
            where += conditions
            values += params
            seeks = keyset is not None and number == start
            if keyset is not None and seeks:
                score = relevance.split(keyset[0])[1]
                where.append("(t.score < ? OR (t.score = ? AND t.service_id < ?))")
                values.extend([score, score, keyset[1]])
            if pivot is None:  # the category's level: its best rated services
                source = (
                    "(SELECT c.score, c.service_id FROM listings c WHERE c.category_id = ?"
                    " ORDER BY c.score DESC, c.service_id DESC LIMIT ?) t"
                )
                values = [relevance.category, reach, *values]
            elif self._REACH_IN_SUBQUERY:
                source = (
                    "(SELECT p.score, p.service_id FROM listing_terms p WHERE p.term = ?"
                    " ORDER BY p.score DESC, p.service_id DESC LIMIT ?) t"
                )
                values = [pivot, reach, *values]
            else:
                source = "listing_terms t"
                where.insert(0, "t.term = ?")
                values.insert(0, pivot)
                # A walk that probes nothing and starts at the top reads only the rows it
                # returns: within the reach when it wants no more than its reach of them.
                direct = not (where[1:] or seeks) and limit - len(found) <= reach
                if (pivot, reach) not in bounds and not direct:
                    bounds[pivot, reach] = self._reach_bound(
                        pivot, relevance.frequencies[pivot], reach
                    )
                bound = bounds.get((pivot, reach))
                if bound is not None:  # no further down than the reach-th posting
                    where.append("(t.score, t.service_id) >= (?, ?)")
                    values.extend(bound)
            rows = self._read(
                f"SELECT t.score, t.service_id, {'l.doc' if documents else 'NULL'}"
                f" FROM {source}{join}{' WHERE ' if where else ''}{' AND '.join(where)}"
                " ORDER BY t.score DESC, t.service_id DESC LIMIT ?",
                (*values, limit - len(found)),
            )
            found += [
                (relevance.rank_in(number, int(str(score))), str(service_id), doc)
                for score, service_id, doc in rows
            ]
            if len(found) >= limit:
                break
        return found

    def _level_conditions(
        self, relevance: Relevance, level: Level, pivot: str | None
    ) -> tuple[list[str], list[object]]:
        """What a level's listings hold, miss and are in, but its pivot: SQL and values."""
        holds = (
            "EXISTS (SELECT 1 FROM listing_terms o"
            f" WHERE o.service_id = t.service_id AND o.term = ?{self._PROBE_FENCE})"
        )
        if level.tier is None:
            present: list[str] = []
            absent = relevance.every_way
        else:
            tier = relevance.tiers[level.tier]
            present = sorted(tier.present - {pivot})
            absent = tier.absent
        where = [
            *(holds for _ in present),
            *(
                f"NOT ({' AND '.join(holds for _ in group)})" if len(group) > 1 else f"NOT {holds}"
                for group in absent
            ),
        ]
        values: list[object] = [*present, *(t for group in absent for t in group)]
        if level.tier is not None and level.in_category is not None:
            where.append(f"l.category_id {'=' if level.in_category else '<>'} ?")
            values.append(relevance.category)
        return where, values

    def _reach_bound(self, term: str, frequency: int, reach: int) -> tuple[int, str] | None:
        """The ``(score, service id)`` of a term's ``reach``-th posting, best scored first.

        ``None`` when the term has no more postings than that (its count says so, no read).
        Reading it walks ``reach`` index entries (at most :data:`REACH`): the same among a
        million as among ten thousand services.
        """
        if frequency <= reach:
            return None
        rows = self._read(
            "SELECT score, service_id FROM listing_terms WHERE term = ?"
            " ORDER BY score DESC, service_id DESC LIMIT 1 OFFSET ?",
            (term, reach - 1),
        )
        return (int(str(rows[0][0])), str(rows[0][1])) if rows else None

    def _categories(self, terms: Collection[str]) -> dict[str, dict[str, int]]:
        """How many listings of each category hold each of ``terms`` (those held)."""
        condition, value = self._one_of("term", sorted(terms))
        rows = self._read(
            "SELECT term, category_id, services FROM term_categories"
            f" WHERE {condition} AND services > 0",
            (value,),
        )
        counts: dict[str, dict[str, int]] = {}
        for term, category, services in rows:
            counts.setdefault(str(term), {})[str(category)] = int(str(services))
        return counts

    def _frequencies(self, terms: Collection[str]) -> dict[str, int]:
        """How many listings hold each of ``terms`` (those some listing holds)."""
        condition, value = self._one_of("term", sorted(terms))
        rows = self._read(
            f"SELECT term, services FROM term_counts WHERE {condition} AND services > 0",
            (value,),
        )
        return {str(term): int(str(count)) for term, count in rows}

    def _suggestion(self, query: ListingQuery) -> str | None:
        return suggest(query.text or "", self._frequencies)

    # --- the one write ---------------------------------------------------------------------------

    def flush(self, changes: Changes) -> None:
        """Write every change in one transaction, or none of them.

        Every statement is made first (documents encoded, times converted), then the
        transaction opens and sends them one after another: it holds its locks for the
        database's work only, not for the Python that prepared it.
        """
        steps = self._steps(changes)

        def send(execute: Execute) -> None:
            for sql, params, check in steps:
                cursor = execute(sql, params)
                if check is not None and (instead := check(cursor)) is not None:
                    again, values, last = instead
                    cursor = execute(again, values)
                    if last is not None:
                        last(cursor)

        self._write(send)

    def _steps(self, changes: Changes) -> list[_Step]:
        # A unit of work changes a few kinds of aggregate of the many it could: each kind is
        # looked at only when it holds something (no closure, no generator for nothing).
        steps: list[_Step] = []
        # versions first: a unit that lost a race is told StaleWrite, whatever else it holds
        for member in changes.members:
            steps += self._member(member)
        if changes.services:
            steps += self._store("services", changes.services, self._service_columns)
        if changes.orders or changes.documents:
            steps += self._versioned(changes)
        if changes.transactions:
            steps += self._postings(changes.transactions)
        for favourites in changes.favourites:
            steps += self._owned("favourites", favourites)
        for cart in changes.carts:
            steps += self._owned("carts", cart)
        if changes.messages:
            encode = self._documents.encode
            steps += [
                (
                    "INSERT INTO messages (id, order_id, doc) VALUES (?, ?, ?)",
                    (message.id, message.order_id, encode(message)),
                    None,
                )
                for message in changes.messages
            ]
        if changes.events:
            time = self._time
            steps += [
                (
                    "INSERT INTO outbox (id, name, payload, at) VALUES (?, ?, ?, ?)",
                    (event.id, event.name, event.payload, time(event.at)),
                    None,
                )
                for event in changes.events
            ]
        if changes.acknowledged:
            steps += [
                ("UPDATE outbox SET delivered = 1 WHERE id = ?", (event_id,), None)
                for event_id in changes.acknowledged
            ]
        return self._more_steps(changes, steps)

    def _versioned(self, changes: Changes) -> list[_Step]:
        """Orders and the shared way's documents (a contract, a withdrawal), before postings.

        A unit that lost a race is told ``StaleWrite``, not what its postings would find.
        """
        steps: list[_Step] = []
        for placed in changes.orders:
            steps += self._order(placed)
        for document in changes.documents:
            columns = {name: self._column(value) for name, value in document.columns.items()}
            steps += self._upsert(
                document.table,
                Write(document.value, document.expected),
                columns,
                label=document.label,
            )
        return steps

    def _more_steps(self, changes: Changes, steps: list[_Step]) -> list[_Step]:
        """The rest of :meth:`_steps`, after ``steps``: the command's record comes last."""
        for review in changes.reviews:
            steps += self._review(review)
        if changes.inquiries:
            steps += self._store("inquiries", changes.inquiries, self._inquiry_columns)
        if changes.requests:
            steps += self._store("requests", changes.requests, self._request_columns)
        if changes.listings:
            steps += [self._listing(listing) for listing in changes.listings]
        if changes.unlisted:
            steps += [
                ("DELETE FROM listings WHERE service_id = ?", (service_id,), None)
                for service_id in changes.unlisted
            ]
        if changes.listing_changes:
            steps += [self._listing_change(*change) for change in changes.listing_changes]
        for evaluation in changes.evaluations:
            steps += self._evaluation(evaluation)
        for command in changes.commands:
            steps += self._command(command)
        return steps

    def _service_columns(self, service: Service) -> dict[str, object]:
        return {
            "seller_id": service.seller_id,
            "category_id": service.category_id,
            "status": service.status.value,
            "created_at": self._time(service.created_at),
            "updated_at": self._time(service.updated_at),
        }

    def _order(self, placed: Write[Order]) -> list[_Step]:
        """An order: its terms written once, when it is placed; the rest at every change.

        A change of the version this process knows (read or wrote last) sets only the
        columns that moved: see :meth:`_changed_columns`.
        """
        order = placed.value
        columns = self._order_columns(order)
        if placed.expected is None:
            rest, columns["terms"] = self._documents.encode_apart(order, _ORDER_TERMS)
            return self._upsert("orders", placed, columns, rest)
        known = self._documents.kept(Order, order.id)
        rest = self._documents.encode_rest(order, _ORDER_TERMS)
        whole = self._upsert("orders", placed, columns, rest)
        if known is None or known.version != placed.expected:
            return whole
        held = self._order_columns(known)
        return [self._changed_columns("orders", placed, columns, held, doc=rest, whole=whole[0])]

    def _order_columns(self, order: Order) -> dict[str, object]:
        due = order.next_due
        return {
            "buyer_id": order.buyer_id,
            "seller_id": order.seller_id,
            "status": order.status.value,
            "placed_at": self._time(order.placed_at),
            "next_due_at": None if due is None else self._time(due.at),
        }

    def _changed_columns(
        self,
        table: str,
        write: Write[Order],
        columns: dict[str, object],
        held: dict[str, object],
        *,
        doc: str,
        whole: _Step,
    ) -> _Step:
        """The update of a known version that sets only the columns that moved from it.

        ``held`` are the columns of the version known: the row at that version holds them,
        and the update finds the row only if it still does (null-safe, so a column that
        stays empty matches), so it leaves the row as the ``whole`` update would; a row that
        does not is given the ``whole`` update, refused as stale if it is. An index whose
        columns did not move is not touched (an order's parties and time of placement).
        """
        value = write.value
        changed = tuple(name for name, now in columns.items() if held[name] != now)
        same = tuple(name for name in columns if name not in changed)
        shape = (table, changed, same)
        sql = self._changes.get(shape)
        if sql is None:
            sql = self._changes[shape] = _changed_sql(*shape, self._SAME)
        params = (
            *(columns[name] for name in changed),
            value.version,
            doc,
            value.id,
            write.expected,
            *(columns[name] for name in same),
        )
        instead: _Last = (whole[0], whole[1], partial(_one_changed, _LABELS[table], value.id))
        return (sql, params, partial(_or_instead, instead))

    def _inquiry_columns(self, inquiry: Inquiry) -> dict[str, object]:
        return {
            "service_id": inquiry.service_id,
            "buyer_id": inquiry.buyer_id,
            "seller_id": inquiry.seller_id,
            "opened_at": self._time(inquiry.opened_at),
            "last_at": self._time(inquiry.last_at),
        }

    def _request_columns(self, request: ServiceRequest) -> dict[str, object]:
        return {
            "buyer_id": request.buyer_id,
            "category_id": request.category_id,
            "status": request.status.value,
            "created_at": self._time(request.created_at),
            "expires_at": self._time(request.expires_at),
        }

    def _evaluation(self, evaluation: Evaluation) -> list[_Step]:
        """A seller's level evaluation: later than the last one kept, or refused."""
        at = self._time(evaluation.at)
        return [
            (
                "SELECT 1 FROM level_evaluations WHERE seller_id = ? AND at >= ?",
                (evaluation.seller_id, at),
                partial(_nothing_found, _EVALUATION, evaluation.seller_id),
            ),
            (
                "INSERT INTO level_evaluations (seller_id, at, level, doc) VALUES (?, ?, ?, ?)",
                (
                    evaluation.seller_id,
                    at,
                    evaluation.level.value,
                    self._documents.encode(evaluation),
                ),
                None,
            ),
        ]

    def _command(self, command: CommandRecord) -> list[_Step]:
        """A command's record: its key kept once, a second one refused."""
        return [
            (
                _COMMAND_INSERT,
                (command.key, command.fingerprint, command.result),
                partial(_one_changed, _COMMAND, command.key),
            )
        ]

    def _store(
        self,
        table: str,
        writes: Sequence[Write[W]],
        columns: Callable[[W], dict[str, object]],
    ) -> list[_Step]:
        """Upsert documents of one table with the columns its queries use."""
        return [
            step
            for write in writes
            for step in self._upsert(table, write, columns(write.value))  # type: ignore[arg-type]
        ]

    def _review(self, write: Write[Review]) -> list[_Step]:
        review = write.value
        steps: list[_Step] = []
        if write.expected is None:
            steps.append(
                (
                    "SELECT 1 FROM reviews WHERE order_id = ?",
                    (review.order_id,),
                    partial(_nothing_found, _LABELS["reviews"], review.order_id),
                )
            )
        return steps + self._upsert(
            "reviews",
            write,
            {
                "order_id": review.order_id,
                "service_id": review.service_id,
                "seller_id": review.seller_id,
                "stars": review.stars,
                "created_at": self._time(review.created_at),
            },
        )

    def _listing(self, listing: Listing) -> _Step:
        """A listing written whole, or only its changed columns when its row is as known.

        The listing last read or written by this process is the row's expected state: the
        update sets the columns that differ from it and finds the row only if every other
        column still holds the new value, so the row ends exactly as the whole upsert would
        leave it. A sale moves two counters: written alone, they leave the row's other
        indexes and its search postings alone (the postings' trigger follows ``terms`` and
        ``score`` only when they are set). A row not found so is written whole.
        """
        service_id = listing.service_id
        known = self._documents.kept(Listing, service_id)
        columns = self._listing_columns(listing)
        doc = self._documents.encode(listing, service_id)
        upsert = (_LISTING_UPSERT, (service_id, *columns, doc))
        if known is None:
            return (*upsert, None)
        before = self._listing_columns(known)
        changed = tuple(i for i, value in enumerate(columns) if value != before[i])
        sql = self._listing_updates.get(changed)
        if sql is None:
            sql = self._listing_updates[changed] = _listing_update_sql(changed, self._SAME)
        params = (
            *(columns[i] for i in changed),
            doc,
            service_id,
            *(value for i, value in enumerate(columns) if i not in changed),
        )
        return (sql, params, partial(_or_instead, (*upsert, None)))

    def _listing_change(self, service_id: ServiceId, how: Callable[[Listing], Listing]) -> _Step:
        """A listing changed as it stands: read under the write's lock, its changes written.

        A row no longer there (the service paused meanwhile) is left unlisted.
        """

        def write(cursor: Cursor) -> _Last | None:
            row = cursor.fetchone()
            if row is None:
                return None
            before = self._documents.decode(str(row[0]), Listing, service_id)
            after = changed_listing(service_id, how, before)
            columns, held = self._listing_columns(after), self._listing_columns(before)
            changed = tuple(i for i, value in enumerate(columns) if value != held[i])
            doc = self._documents.encode(after, service_id)
            params = (*(columns[i] for i in changed), doc, service_id)
            return (_listing_set_sql(changed), params, None)

        return (
            f"SELECT doc FROM listings WHERE service_id = ?{self._LOCK_ROWS}",
            (service_id,),
            write,
        )

    def _listing_columns(self, listing: Listing) -> tuple[object, ...]:
        """A listing's columns (:data:`_LISTING_COLUMNS`), without its id and document."""
        return (
            listing.seller_id,
            listing.category_id,
            listing.section_id,
            listing.price.minor,
            listing.delivery_days,
            listing.seller_level.value,
            listing.score,
            listing.sales,
            listing.recent_sales,
            listing.sort_value(Ordering.NEWEST),
            self._terms_value(listing.terms),
        )

    _LOCK_ROWS = ""
    """What a database appends to lock the rows it reads to change (``FOR UPDATE``): the
    balances a posting moves, a listing changed as it stands."""
    _SAME = "IS"
    """How a condition says a column holds a value, ``NULL`` holding ``NULL``."""
    _PROBE_FENCE = ""
    """What keeps a search's term probe a lookup per posting (see the PostgreSQL adapter)."""
    _REACH_IN_SUBQUERY = False
    """How a tier's walk keeps within ``REACH``: a subquery that reads at most that many
    postings (a planner that streams it, PostgreSQL's), or a bound read first (SQLite
    materialises such a subquery, then sorts it)."""

    def _postings(self, transactions: Sequence[Transaction]) -> list[_Step]:
        if not transactions:
            return []
        # The database refuses overdrafts by itself; reading the locked balances first
        # names the account in the error. Accounts are locked in one order: no deadlock.
        accounts = sorted({e.account for t in transactions for e in t.entries})
        marks = ", ".join("?" for _ in accounts)
        balances = _Balances(transactions, self.currency)
        steps: list[_Step] = [
            (
                (
                    f"SELECT account, minor FROM ledger_balances WHERE account IN ({marks})"
                    f" ORDER BY account{self._LOCK_ROWS}"
                ),
                accounts,
                balances.read,
            )
        ]
        # each insert is checked against the balances before it is sent (by the check of
        # the step before it) and does nothing if its key was posted first
        steps += [
            (
                _TRANSACTION_INSERT,
                (
                    transaction.id,
                    transaction.key,
                    transaction.kind.value,
                    self._time(transaction.at),
                    transaction.order_id,
                    transaction.member_id,
                    transaction.reverses,
                    None if transaction.clears_at is None else self._time(transaction.clears_at),
                    _entries_json(transaction),
                ),
                partial(balances.inserted, number),
            )
            for number, transaction in enumerate(transactions)
        ]
        return steps

    def _member(self, write: Write[Member]) -> list[_Step]:
        member = write.value
        steps: list[_Step] = [
            (
                f"SELECT 1 FROM members WHERE {_MEMBER_KEYS[field]} = ? AND id <> ?",
                (getattr(member, field), member.id),
                partial(_nothing_found_else, error, getattr(member, field)),
            )
            for field, error in (("username", UsernameTaken), ("email", EmailTaken))
        ]
        return steps + self._upsert(
            "members", write, {"username": member.username, "email": member.email}
        )

    def _owned(self, table: str, write: Write[Cart] | Write[Favourites]) -> list[_Step]:
        """A member's cart or favourites: inserted once, then updated at the version read."""
        value = write.value
        text = self._documents.encode(value, value.owner_id)
        if write.expected is None:
            return [
                (
                    (
                        f"INSERT INTO {table} (owner_id, version, doc) VALUES (?, ?, ?)"
                        " ON CONFLICT (owner_id) DO NOTHING"
                    ),
                    (value.owner_id, value.version, text),
                    partial(_one_changed, _LABELS[table], value.owner_id),
                )
            ]
        return [
            (
                (f"UPDATE {table} SET version = ?, doc = ? WHERE owner_id = ? AND version = ?"),
                (value.version, text, value.owner_id, write.expected),
                partial(_one_changed, _LABELS[table], value.owner_id),
            )
        ]

    def _upsert(
        self,
        table: str,
        write: Write[Member]
        | Write[Service]
        | Write[Order]
        | Write[Review]
        | Write[Inquiry]
        | Write[ServiceRequest]
        | Write[Versioned],
        columns: dict[str, object],
        doc: str | None = None,
        *,
        label: str | None = None,
    ) -> list[_Step]:
        """Insert a new document, or update one at the version it was read at.

        ``doc`` is the document's text, when the caller encoded it (the whole value if not);
        a refusal names the aggregate by ``label`` (its table's word when not given).
        """
        value = write.value
        kind = label or _LABELS[table]
        text = self._documents.encode(value, value.id) if doc is None else doc
        values = [*columns.values(), value.version, text]
        shape = (table, tuple(columns))
        statements = self._upserts.get(shape)
        if statements is None:
            statements = self._upserts[shape] = _upsert_sql(*shape)
        insert, update = statements
        if write.expected is None:
            return [(insert, (value.id, *values), partial(_one_changed, kind, value.id))]
        return [
            (
                update,
                (*values, value.id, write.expected),
                partial(_one_changed, kind, value.id),
            )
        ]


def _upsert_sql(table: str, columns: tuple[str, ...]) -> tuple[str, str]:
    """A document table's insert of a new id and versioned update (kept by the backend).

    ``columns`` are those its queries use; ``version`` and ``doc`` follow them. A table
    has one or two sets of columns (an order's terms are written on insert only). The
    insert of an id someone else wrote first changes no row, and the flush says so; a
    second statement looking the id up first would only repeat the index's own lookup.
    """
    names = [*columns, "version", "doc"]
    placeholders = ", ".join("?" for _ in range(len(names) + 1))
    assignments = ", ".join(f"{name} = ?" for name in names)
    return (
        (
            f"INSERT INTO {table} (id, {', '.join(names)}) VALUES ({placeholders})"
            " ON CONFLICT (id) DO NOTHING"
        ),
        f"UPDATE {table} SET {assignments} WHERE id = ? AND version = ?",
    )


def _changed_sql(table: str, changed: tuple[str, ...], same: tuple[str, ...], equal: str) -> str:
    """The update of a versioned document's ``changed`` columns, the ``same`` ones held.

    Its parameters: the changed values, the version, the document, the id, the version
    expected, then the values of the columns the row must hold already.
    """
    assignments = "".join(f"{name} = ?, " for name in changed)
    held = "".join(f" AND {name} {equal} ?" for name in same)
    return (
        f"UPDATE {table} SET {assignments}version = ?, doc = ? WHERE id = ? AND version = ?{held}"
    )


def _select_sql(shape: _Shape) -> str:
    """The query of :meth:`SqlBackend.documents` for a shape of :class:`Select`.

    Its parameters: the ``equal`` values, the ``until`` and ``after`` times, the cursor's
    time twice and its id (``past``), the limit.
    """
    table, equal, until, after, order, past = shape
    conditions = [f"{name} = ?" for name in equal]
    for column, sign in ((until, "<="), (after, ">")):
        if column is not None:
            conditions.append(f"{column} {sign} ?")
    if past:  # written out, not as a row value: each index finds its range either way
        column, down = order[-1]
        sign = "<" if down else ">"
        conditions.append(f"({column} {sign} ? OR ({column} = ? AND id {sign} ?))")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    last = order[-1][1] if order else False
    ordered = ", ".join(f"{name}{' DESC' if down else ''}" for name, down in (*order, ("id", last)))
    return f"SELECT doc FROM {table}{where} ORDER BY {ordered} LIMIT ?"


_LISTING_COLUMNS: Final = (
    "seller_id",
    "category_id",
    "section_id",
    "price_minor",
    "delivery_days",
    "seller_level",
    "score",
    "sales",
    "recent_sales",
    "newest",
    "terms",
)
"""A listing's columns between its id and its document, in the order its statements use."""


def _listing_update_sql(changed: tuple[int, ...], equal: str) -> str:
    """The update of a listing's ``changed`` columns (by place in :data:`_LISTING_COLUMNS`).

    Its parameters: the changed values, the document, the id, then every other column's
    value, which the row must hold already (compared null-safe, as an order's are: a
    column that may be null later must not send every write down the whole path).
    """
    assignments = [f"{_LISTING_COLUMNS[i]} = ?" for i in changed]
    held = [f" AND {name} {equal} ?" for i, name in enumerate(_LISTING_COLUMNS) if i not in changed]
    return (
        f"UPDATE listings SET {''.join(a + ', ' for a in assignments)}doc = ?"
        f" WHERE service_id = ?{''.join(held)}"
    )


@functools.cache
def _listing_set_sql(changed: tuple[int, ...]) -> str:
    """The update of a listing's ``changed`` columns and its document, by its id alone.

    ``changed``: places in :data:`_LISTING_COLUMNS`. The row was read, and locked, in the
    same transaction.
    """
    assignments = "".join(f"{_LISTING_COLUMNS[i]} = ?, " for i in changed)
    return f"UPDATE listings SET {assignments}doc = ? WHERE service_id = ?"


_LISTING_UPSERT: Final = (
    "INSERT INTO listings (service_id, seller_id, category_id, section_id,"
    " price_minor, delivery_days, seller_level, score, sales, recent_sales, newest,"
    " terms, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (service_id) DO UPDATE SET seller_id = excluded.seller_id,"
    " category_id = excluded.category_id, section_id = excluded.section_id,"
    " price_minor = excluded.price_minor, delivery_days = excluded.delivery_days,"
    " seller_level = excluded.seller_level, score = excluded.score,"
    " sales = excluded.sales, recent_sales = excluded.recent_sales,"
    " newest = excluded.newest, terms = excluded.terms, doc = excluded.doc"
)
_POSTED_BY_KEY: Final = (
    "SELECT id, key, kind, at, order_id, member_id, reverses, clears_at, entries"
    " FROM ledger_transactions WHERE key = ?"
)
_COMMAND_INSERT: Final = (
    "INSERT INTO commands (key, fingerprint, result) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING"
)
_TRANSACTION_INSERT: Final = (
    "INSERT INTO ledger_transactions"
    " (id, key, kind, at, order_id, member_id, reverses, clears_at, entries)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
)
_Last = tuple[str, Sequence[object], Callable[[Cursor], None] | None]
_Check = Callable[[Cursor], _Last | None]
_Step = tuple[str, Sequence[object], _Check | None]
"""A statement of a flush, its parameters, and what its result must show (or ``None``).

A check raises when the result refuses the flush; it may also give a statement to send
instead, when the step's statement did not find what it expected."""


_LABELS: Final = {
    "members": _("member"),
    "services": _("service"),
    "orders": _("order"),
    "reviews": _("review"),
    "inquiries": _("inquiry"),
    "requests": _("request"),
    "carts": _("cart"),
    "favourites": _("favourites"),
}
"""What a refusal calls a table's aggregate: the memory adapter's words, translatable."""


_COMMAND: Final = _("command")
_EVALUATION: Final = _("level evaluation")
_TRANSACTION: Final = _("transaction")


# The checks of a step: each is given its words first (``partial``), then the cursor.


def _nothing_found(kind: str, key: str, cursor: Cursor) -> None:
    """The query found no row: one would mean someone else wrote first."""
    if cursor.fetchone():
        raise StaleWrite(kind=kind, key=key)


def _nothing_found_else(error: Callable[[str], Exception], value: str, cursor: Cursor) -> None:
    """The query found no row: one would mean ``value`` is taken."""
    if cursor.fetchone():
        raise error(value)


def _or_instead(step: _Last, cursor: Cursor) -> _Last | None:
    """The statement changed its row, or ``step`` is sent instead (and checked)."""
    return None if cursor.rowcount == 1 else step


def _one_changed(kind: str, key: str, cursor: Cursor) -> None:
    """The statement changed its row: none means the version moved on.

    Or, for an insert that does nothing on a conflict, that someone wrote the key first.
    """
    if cursor.rowcount != 1:
        raise StaleWrite(kind=kind, key=key)


class _Balances:
    """The balances a flush moves, read locked inside its transaction, and their checks.

    Each transaction is checked against the balances before its insert is sent (by the
    check of the step before it), in order. A transaction whose key was posted first is
    stale whatever the balances say: its insert does nothing (StaleWrite), and a refused
    one is looked up by its key before the refusal is raised.
    """

    def __init__(self, transactions: Sequence[Transaction], currency: str) -> None:
        self._transactions = transactions
        self._currency = currency
        self._stored: dict[str, int] = {}
        self._running: dict[AccountId, Money] = {}

    def read(self, cursor: Cursor) -> _Last | None:
        """Keep the locked balances (again, if the transaction is run again); check the first."""
        self._stored = {str(account): int(str(minor)) for account, minor in cursor.fetchall()}
        self._running = {}
        return self._check(0)

    def inserted(self, number: int, cursor: Cursor) -> _Last | None:
        """Transaction ``number`` was inserted, not posted first by someone; check the next."""
        if cursor.rowcount != 1:
            raise StaleWrite(kind=_TRANSACTION, key=self._transactions[number].key)
        return self._check(number + 1)

    def _check(self, number: int) -> _Last | None:
        """No balance goes wrongly negative by transaction ``number``, if there is one.

        If one does, the lookup of its key to send: stale if found, refused if not.
        """
        if number == len(self._transactions):
            return None
        transaction = self._transactions[number]
        stored, running = self._stored, self._running
        current = {
            e.account: running.get(e.account) or Money(stored.get(e.account, 0), self._currency)
            for e in transaction.entries
        }
        try:
            running.update(postable(current, transaction, self._currency))
        except MicrogigsError as refused:
            return (
                "SELECT 1 FROM ledger_transactions WHERE key = ?",
                (transaction.key,),
                partial(_stale_or, refused, transaction.key),
            )
        return None


def _stale_or(refused: MicrogigsError, key: str, cursor: Cursor) -> None:
    """The transaction's key was posted first (StaleWrite), or ``refused`` stands."""
    if cursor.fetchone():
        raise StaleWrite(kind=_TRANSACTION, key=key)
    raise refused


def _entries_json(transaction: Transaction) -> str:
    return orjson.dumps(
        [
            {"account": e.account, "currency": e.amount.currency, "minor": e.amount.minor}
            for e in transaction.entries
        ]
    ).decode()


def migrations(package: str) -> list[tuple[int, str]]:
    """The numbered SQL scripts (``schema/NNNN_*.sql``) of an adapter's package, in order."""
    folder = resources.files(package).joinpath("schema")
    return sorted(
        (int(entry.name.split("_", 1)[0]), entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    )


class SqlStorage(StagedStorage):
    """A storage over a :class:`SqlBackend`: what the SQLite and PostgreSQL adapters share."""

    _backend: SqlBackend

    def __init__(self, backend: SqlBackend) -> None:
        self._backend = backend

    def schema_version(self) -> int:
        """The newest migration applied."""
        return self._backend.schema_version()

    def close(self) -> None:
        """Close every connection this storage opened."""
        self._backend.close()


def _conforms(storage: SqlStorage) -> Storage:
    """Never called: mypy checks here that the SQL adapters satisfy the ports."""
    return storage


def encodable(params: Sequence[object]) -> list[object]:
    """``params`` with what no UTF-8 can hold (lone surrogates) as U+FFFD, which no key holds.

    The domain refuses such text before it is written (``InvalidText``), so a key asked for
    with one names nothing: the read finds no row, as on the memory adapter.
    """
    return [_SURROGATES.sub("\ufffd", p) if type(p) is str else p for p in params]


_SURROGATES: Final = re.compile("[\ud800-\udfff]")
