"""The read side: what a host shows, each one call, each checked against who asks.

Project mode's views (``ProjectCard``, ``ProjectPage``, ``RankedBid``, ``ContractPage`` …)
come from its own module and are named here too.

Every query takes the :class:`~microgigs.actors.Actor` asking and returns a frozen view; a
host renders the view and never opens the storage itself. A query an actor may not make is
:class:`~microgigs.errors.PermissionDenied`; something that is not there (or that the actor
may not know is there) is :class:`~microgigs.errors.NotFound`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Final, TypeVar

import attrs

from microgigs import ledger as lg
from microgigs._checks import page_cursor, whole_number, yes_or_no
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.catalog import Cart, CartLine, Service, ServiceStatus
from microgigs.clock import CALENDARS_END
from microgigs.errors import (
    CurrencyMismatch,
    EmailNotVerified,
    InvalidType,
    MicrogigsError,
    MissingField,
    NotFound,
    PermissionDenied,
    ServiceNotAvailable,
)
from microgigs.ids import (
    ContractId,
    MemberId,
    MessageId,
    OrderId,
    ServiceId,
    UpgradeId,
    WithdrawalId,
)
from microgigs.inquiries import Inquiry
from microgigs.marketplace._orders import UNWINDING
from microgigs.marketplace._project_queries import (
    BidView,
    ContractPage,
    ContractWaiting,
    Contribution,
    CreditsLeft,
    Factor,
    MyBid,
    ProjectCard,
    ProjectPage,
    ProjectQueries,
    RankedBid,
    client_stars,
    completed_contracts,
)
from microgigs.marketplace._reading import MESSAGES_PAGE, ReadSide, latest_messages
from microgigs.members import Member, normalize_username
from microgigs.money import _CONTEXT, Money
from microgigs.orders import (
    TRANSITIONS,
    Message,
    Order,
    OrderEvent,
    OrderStatus,
    Party,
    decide,
)
from microgigs.pricing import Quote, Split, quote
from microgigs.projects import Contract, ContractStatus, ProjectStatus
from microgigs.ranking import (
    Evaluation,
    Listing,
    ListingPage,
    ListingQuery,
    Rating,
    Review,
    SellerLevel,
)
from microgigs.requests import ServiceRequest
from microgigs.storage.ports import OutboxEvent, UnitOfWork
from microgigs.withdrawals import Withdrawal

__all__ = [
    "QUERIES",
    "Balances",
    "BidView",
    "CartView",
    "ContractPage",
    "ContractWaiting",
    "Contribution",
    "CreditsLeft",
    "Dashboard",
    "Factor",
    "MemberPage",
    "ModerationQueue",
    "MyBid",
    "OrderPage",
    "OrderWaiting",
    "Overview",
    "PendingEarning",
    "PricedLine",
    "Profile",
    "ProjectCard",
    "ProjectPage",
    "Queries",
    "QuoteView",
    "RankedBid",
    "RequestsPage",
    "ServicePage",
]

_QUEUE: Final = 100
_SERVICES_SHOWN: Final = 24
_PENDING: Final = 50
DASHBOARD_INQUIRIES: Final = 50
"""Inquiries a seller's dashboard holds: those written in last."""
_HUNDREDTH: Final = Decimal("0.01")
_PAUSED_READ: Final = 1000  # the team's pauses among the longest-paused services, sellers' too
K = TypeVar("K", bound=str)
T = TypeVar("T")
_PAGE_MAX: Final = 1000


@attrs.frozen
class Balances:
    """A member's money by kind: what they can spend, and (as a seller) their earnings."""

    member_id: MemberId
    wallet: Money
    pending: Money
    available: Money
    withdrawing: Money


@attrs.frozen
class Overview:
    """The whole marketplace at a glance, for its admins (the CLI's report).

    ``gmv`` is what completed orders were paid, less partial refunds (project mode's
    ``project_gmv`` what milestones released, with projects and contracts by status, each
    member's first 1,000); ``money`` sums the
    ledger's balances by kind of account (``wallet``, ``escrow``, ``pending``, ``available``,
    ``withdrawing``, ``payouts``, ``revenue``, ``gateway``); ``issues`` is the audit's.
    """

    gmv: Money
    orders: Mapping[OrderStatus, int]
    levels: Mapping[SellerLevel, int]
    money: Mapping[str, Money]
    issues: tuple[lg.Issue, ...]
    projects: Mapping[ProjectStatus, int] = attrs.Factory(dict)
    """Project mode: projects by status."""
    contracts: Mapping[ContractStatus, int] = attrs.Factory(dict)
    """Project mode: contracts by status."""
    project_gmv: Money | None = None
    """Project mode: what milestones released to freelancers (before commission)."""


@attrs.frozen
class Profile:
    """What anyone may see of a member: no e-mail, phone or payout methods."""

    member_id: MemberId
    username: str
    first_name: str
    family_name: str
    bio: str
    avatar: str | None
    level: SellerLevel
    joined_at: datetime
    suspended: bool = False


@attrs.frozen
class MemberPage:
    """A member's public page: their profile, what they sell now, and their record.

    ``services``: their services on sale now, newest first, at most 24 (none while they
    are suspended); ``rating``: the stars their buyers gave their services;
    ``projects_completed``: the contracts they completed as a freelancer (counted up to
    100); ``project_stars``: the average of the published stars their clients gave their
    contracts, completed or ended early after paid work (two places; ``None`` before any),
    over ``project_reviews`` reviews.
    """

    profile: Profile
    services: tuple[Listing, ...]
    rating: Rating
    projects_completed: int
    project_stars: Decimal | None
    project_reviews: int


@attrs.frozen
class OrderPage:
    """An order as one of its parties (or an admin) sees it, with what they may do next."""

    order: Order
    messages: tuple[Message, ...]
    review: Review | None
    next_events: tuple[OrderEvent, ...]
    earnings: Split | None = None
    """What the order pays its seller after the policy's commission
    (:meth:`Order.seller_share`): for the seller and admins; ``None`` for the buyer."""
    earlier: MessageId | None = attrs.field(default=None, kw_only=True)
    """``messages`` are the latest ``MESSAGES_PAGE``: the messages before this one come
    with ``order_page(…, before=earlier)``; ``None`` when there are none."""


@attrs.frozen
class PricedLine:
    """A cart line, the service as it is now, and its price now.

    A service no longer on sale (paused, under review after an edit, its seller suspended)
    has no quote, and no service either: the buyer sees that it is gone, not its new,
    unreviewed text.
    """

    line: CartLine
    service: Service | None
    quote: Quote | None


@attrs.frozen
class CartView:
    """The buyer's cart priced now, its total (buyable lines), and the buyer's balance."""

    lines: tuple[PricedLine, ...]
    total: Money
    balance: Money


@attrs.frozen
class QuoteView:
    """One service priced now as ``order_now`` would charge it, and the buyer's balance."""

    service: Service
    quote: Quote
    balance: Money


@attrs.frozen
class ServicePage:
    """A service as a visitor sees it: the service, its seller, rating and latest reviews."""

    service: Service
    seller: Profile
    rating: Rating
    reviews: tuple[Review, ...]


@attrs.frozen
class RequestsPage:
    """Requests open now (with their offers), and the asking member's own requests."""

    open: tuple[ServiceRequest, ...]
    mine: tuple[ServiceRequest, ...]


@attrs.frozen
class PendingEarning:
    """Earnings released to a seller and not yet withdrawable: how much, from what, until when.

    ``amount`` is what the seller gets (after the commission); it came from the order
    ``order_id``, or from milestone ``milestone`` of contract ``contract_id``; it becomes
    available at ``clears_at``.
    """

    amount: Money
    released_at: datetime
    clears_at: datetime
    order_id: OrderId | None = None
    contract_id: ContractId | None = None
    milestone: int | None = None

    @classmethod
    def of(cls, release: lg.Release, uow: UnitOfWork) -> PendingEarning:
        """The earning a ledger's release is: of a contract's milestone, or of an order.

        A key shaped as a milestone's is one only when that contract of this seller has it:
        a host's own order ids may end in ``-<number>`` too.
        """
        amount, released_at, clears_at = release.amount, release.released_at, release.clears_at
        milestone = Contract.milestone_of(release.order_id)
        if milestone is not None and _holds(uow, release.seller_id, *milestone):
            return cls(amount, released_at, clears_at, None, *milestone)
        return cls(amount, released_at, clears_at, release.order_id)


def _holds(uow: UnitOfWork, freelancer_id: MemberId, contract_id: ContractId, number: int) -> bool:
    """Whether the freelancer's contract ``contract_id`` has milestone ``number``."""
    try:
        contract = uow.contracts.get(contract_id)
    except NotFound:
        return False
    return contract.freelancer_id == freelancer_id and any(
        m.number == number for m in contract.milestones
    )


@attrs.frozen
class Dashboard:
    """A seller's desk: balances, level and its latest explanation, services, inquiries.

    ``pending`` is where their pending earnings come from, soonest to clear first (the
    first 50): each order or contract milestone, what it earned and when it is available.
    ``inquiries`` are the ``DASHBOARD_INQUIRIES`` (50) the seller received that were written
    in last, the latest first (a buyer's follow-up brings an old one back).
    """

    balances: Balances
    level: SellerLevel
    evaluation: Evaluation | None
    services: tuple[Service, ...]
    inquiries: tuple[Inquiry, ...]
    pending: tuple[PendingEarning, ...] = ()


@attrs.frozen
class OrderWaiting:
    """An order whose next move is its reader's, and the moves expected of them now."""

    order: Order
    moves: tuple[OrderEvent, ...]

    @property
    def due(self) -> datetime | None:
        """When the awaited move is due: its timer's time, else an order's delivery date."""
        order = self.order
        if order.next_due is not None:
            return order.next_due.at
        return order.deadline if order.status is OrderStatus.IN_PROGRESS else None


_EXPECTED: Final = frozenset(
    {
        OrderEvent.SEND_INSTRUCTIONS,
        OrderEvent.DELIVER,
        OrderEvent.ACCEPT,
        OrderEvent.ACCEPT_CANCELLATION,
        OrderEvent.REFUSE_CANCELLATION,
    }
)
"""A party's moves that an order waits for (the others, a party may make or not)."""
_OPEN: Final = (
    OrderStatus.AWAITING_INSTRUCTIONS,
    OrderStatus.IN_PROGRESS,
    OrderStatus.AWAITING_ACCEPTANCE,
)
"""The statuses in which an order waits for a party (a disputed one waits for an admin)."""


@attrs.frozen
class ModerationQueue:
    """What waits for an admin: services and requests to review, disputes to decide."""

    services: tuple[Service, ...]
    requests: tuple[ServiceRequest, ...]
    disputes: tuple[Order, ...]
    contract_disputes: tuple[Contract, ...] = ()
    """Project mode: contracts with a disputed milestone, the longest waiting first."""
    paused: tuple[Service, ...] = ()
    """Services the team paused (only the team puts them back on sale), longest first."""


def _most_urgent(waiting: OrderWaiting) -> tuple[datetime, datetime, str]:
    """When an order's awaited move is due (:attr:`OrderWaiting.due`), then its age."""
    order = waiting.order
    return waiting.due or CALENDARS_END, order.placed_at, order.id


_WAITING_READ: Final = 1000
_PAGE_READ: Final = 100


def _open_orders(
    uow: UnitOfWork, member_id: MemberId, status: OrderStatus
) -> tuple[Collection[Order], Collection[Order]]:
    """The member's orders in ``status`` they sold, and bought: the oldest of each side."""

    def sold(after: OrderId | None) -> list[Order]:
        return uow.orders.by_seller(member_id, status, limit=_PAGE_READ, starting_after=after)

    def bought(after: OrderId | None) -> list[Order]:
        return uow.orders.by_buyer(member_id, status, limit=_PAGE_READ, starting_after=after)

    return _oldest(sold), _oldest(bought)


def _oldest(read: Callable[[OrderId | None], list[Order]]) -> Collection[Order]:
    """A member's orders on one side, read a page at a time (``read(starting_after)``).

    The list reads newest first: the last ``_WAITING_READ`` read are the ones placed longest
    ago, whose moves are most overdue; no more are kept while the list is read.
    """
    return deque(_to_the_end(read, lambda order: order.id), maxlen=_WAITING_READ)


def _own(actor: Actor, action: str) -> MemberId:
    """The member id of the actor, who must have one."""
    _check_actor(actor)
    if actor.member_id is None:
        raise PermissionDenied(actor=actor.role.label, action=action)
    return actor.member_id


def _admin_names_one(actor: Actor, member_id: MemberId | None, query: str, fields: str) -> None:
    """An admin reading a member's record names the member: an admin has none of their own.

    Without it, the admin's own id was looked up and said "No member with the key staff".
    """
    if member_id is None and actor.role is Role.ADMIN:
        raise MissingField(field=query, expected=fields, actual="member_id")


def _member_of(uow: UnitOfWork, actor: Actor, action: str) -> MemberId:
    """A member's own page (cart, favourites, inquiries, orders): a member who exists.

    An admin has none (``PermissionDenied``); a member id nobody has is ``NotFound``, not
    an empty page.
    """
    member_id = _own(actor, action)
    if actor.role is not Role.MEMBER:
        raise PermissionDenied(actor=actor.role.label, action=action)
    return uow.members.get(member_id).id


def _check_actor(actor: object) -> None:
    if not isinstance(actor, Actor):
        raise InvalidType(field=_("actor"), expected="Actor", actual=type(actor).__name__)


def _check_id(kind: str, value: object) -> None:
    """An id that is not a ``str`` names nothing: ``NotFound``, as the storage says of it."""
    if not isinstance(value, str):
        raise NotFound(kind=kind, key=repr(value)[:100])


def _to_the_end(read: Callable[[K | None], list[T]], key: Callable[[T], K]) -> Iterator[T]:
    """Every item of a list read a page at a time (``read(starting_after)``), to its end."""
    after: K | None = None
    while page := read(after):
        yield from page
        after = key(page[-1])


def _admin(actor: Actor, action: str) -> None:
    _check_actor(actor)
    actor.require_admin(action)


def _profile(member: Member) -> Profile:
    return Profile(
        member.id,
        member.username,
        member.first_name,
        member.family_name,
        member.bio,
        member.avatar,
        member.level,
        member.joined_at,
        suspended=not member.can_trade,
    )


class Queries(ReadSide):
    """The read side of :class:`~microgigs.marketplace.Marketplace` (it inherits these)."""

    # --- money -------------------------------------------------------------------------------

    def balances(self, actor: Actor, member_id: MemberId | None = None) -> Balances:
        """A member's balances: their own, or anyone's for an admin.

        An id that names no member is :class:`~microgigs.errors.NotFound` (never a silent 0).
        """
        own = _own(actor, _("read balances"))
        _admin_names_one(actor, member_id, "balances", "actor, member_id?")
        member_id = own if member_id is None else member_id
        _check_id(_("member"), member_id)
        if member_id != own:
            actor.require_admin(_("read another member's balances"))
        with self._reading() as uow:
            member = uow.members.get(member_id)
            balance = uow.ledger.balance
            return Balances(
                member.id,
                wallet=balance(lg.wallet(member.id)),
                pending=balance(lg.pending(member.id)),
                available=balance(lg.available(member.id)),
                withdrawing=balance(lg.withdrawing(member.id)),
            )

    def balance(self, account: lg.AccountId) -> Money:
        """One ledger account's balance, for the host's own back office and checks.

        Members see theirs through :meth:`balances`, which checks who asks. A value that is
        no account's name is :class:`~microgigs.errors.UnknownAccount` (a wrong type,
        :class:`~microgigs.errors.InvalidType`), not a balance of 0.00.
        """
        lg.Account.parse(account)
        with self._reading() as uow:
            return uow.ledger.balance(account)

    def withdrawals(
        self,
        actor: Actor,
        member_id: MemberId | None = None,
        *,
        limit: int = 50,
        starting_after: WithdrawalId | None = None,
    ) -> list[Withdrawal]:
        """A seller's withdrawals, newest first: their own, or anyone's for an admin.

        Each says its amount, the payout method it goes to and where it stands (awaiting
        payout, paid out, failed). An id that names no member is ``NotFound``. The next
        page: ``starting_after`` the last withdrawal of this one.
        """
        own = _own(actor, _("read withdrawals"))
        _admin_names_one(
            actor, member_id, "withdrawals", "actor, member_id?, limit?, starting_after?"
        )
        member_id = own if member_id is None else member_id
        _check_id(_("member"), member_id)
        if member_id != own:
            actor.require_admin(_("read another member's withdrawals"))
        whole_number(_("page size"), limit, 1, 100)
        after = page_cursor(starting_after)
        with self._reading() as uow:
            seller = uow.members.get(member_id)
            return uow.withdrawals.of_seller(seller.id, limit=limit, starting_after=after)

    def payout_queue(self, actor: Actor, *, limit: int = 100) -> list[Withdrawal]:
        """Admins: the withdrawals awaiting the payout provider's answer, oldest first."""
        _admin(actor, _("read the payout queue"))
        whole_number(_("page size"), limit, 1, 100)
        with self._reading() as uow:
            return uow.withdrawals.awaiting_payout(limit=limit)

    def audit(self, actor: Actor) -> list[lg.Issue]:
        """Every problem the ledger audit finds (none, on a sound ledger): admins only."""
        _admin(actor, _("audit the ledger"))
        with self._reading() as uow:
            return lg.audit(uow.ledger.entry_rows(), uow.ledger.balances())

    # --- the catalogue -----------------------------------------------------------------------

    def search(self, query: ListingQuery) -> ListingPage:
        """Browse, search and sort the catalogue (filters, Arabic text, orderings, cursors).

        A price filter in another currency than the marketplace's is
        :class:`~microgigs.errors.CurrencyMismatch` (prices are never compared across
        currencies).
        """
        if not isinstance(query, ListingQuery):
            raise InvalidType(
                field=_("query"), expected="ListingQuery", actual=type(query).__name__
            )
        for price in (query.min_price, query.max_price):
            if price is not None and price.currency != self.policy.currency:
                raise CurrencyMismatch(left=self.policy.currency, right=price.currency)
        with self._reading() as uow:
            return uow.listings.search(query)

    def service_page(self, actor: Actor | None, service_id: ServiceId) -> ServicePage:
        """A service with its seller, rating and latest reviews.

        Anyone sees an active service; its seller and admins see it in any status.
        """
        _check_id(_("service"), service_id)
        with self._reading() as uow:
            service = uow.services.get(service_id)
            seller = uow.members.get(service.seller_id)
            _require_visible(actor, service, seller)
            return ServicePage(
                service,
                self.profile(seller.id),
                uow.reviews.rating_of_service(service_id),
                tuple(uow.reviews.by_service(service_id)),
            )

    def service(self, actor: Actor | None, service_id: ServiceId) -> Service:
        """A service: anyone sees an active one; its seller, admins and the system any."""
        _check_id(_("service"), service_id)
        with self._reading() as uow:
            service = uow.services.get(service_id)
            _require_visible(actor, service, uow.members.get(service.seller_id))
            return service

    def favourites(self, actor: Actor) -> list[Service]:
        """The services the member saved, newest first (those gone inactive included)."""
        with self._reading() as uow:
            member_id = _member_of(uow, actor, _("read favourites"))
            saved = [uow.services.get(s) for s in uow.favourites.get(member_id)]
            return [
                s
                for s in saved
                if _visible(actor, s, seller_trades=uow.members.can_trade(s.seller_id))
            ]

    def inquiries(self, actor: Actor, *, limit: int = 50) -> list[Inquiry]:
        """The member's own questions to sellers with their answers, newest first."""
        with self._reading() as uow:
            member_id = _member_of(uow, actor, _("read inquiries"))
            return uow.inquiries.from_buyer(member_id, limit=limit)

    def inquiry_about(self, actor: Actor, service_id: ServiceId) -> Inquiry | None:
        """The member's own question about a service with its answers, if they asked one."""
        _check_id(_("service"), service_id)
        with self._reading() as uow:
            member_id = _member_of(uow, actor, _("read inquiries"))
            return uow.inquiries.about(member_id, service_id)

    def cart(self, actor: Actor) -> CartView:
        """The buyer's cart priced now: each line's quote, the total, and the balance."""
        with self._reading() as uow:
            member_id = _member_of(uow, actor, _("read a cart"))
            lines = []
            for line in uow.carts.get(member_id):
                service = uow.services.get(line.service_id)
                seller_trades = uow.members.can_trade(service.seller_id)
                offered = {u.id for u in service.upgrades}  # the seller may have changed them
                if (
                    service.is_buyable
                    and seller_trades
                    and service.seller_id != member_id
                    and offered.issuperset(line.upgrade_ids)
                ):
                    priced = quote(
                        service.snapshot(),
                        self.policy,
                        upgrade_ids=line.upgrade_ids,
                        quantity=line.quantity,
                    )
                    lines.append(PricedLine(line, service, priced))
                elif _visible(actor, service, seller_trades=seller_trades):
                    lines.append(PricedLine(line, service, None))
                else:
                    lines.append(PricedLine(line, None, None))
            total = sum(
                (p.quote.total for p in lines if p.quote is not None),
                Money.zero(self.policy.currency),
            )
            return CartView(tuple(lines), total, uow.ledger.balance(lg.wallet(member_id)))

    def quote(
        self,
        actor: Actor,
        service_id: ServiceId,
        *,
        upgrade_ids: Sequence[UpgradeId] = (),
        quantity: int = 1,
    ) -> QuoteView:
        """What ordering one service now costs (what ``order_now`` charges), and the balance.

        Refused as ``order_now`` refuses: the buyer's own service, one not on sale, an
        upgrade it does not offer or chosen twice, a quantity out of range, a unit above the
        cap. It writes nothing, and the cart is not touched.
        """
        with self._reading() as uow:
            member_id = _member_of(uow, actor, _("order a service"))
            buyer = uow.members.get(member_id)
            buyer.require_can_trade()
            if self.policy.ledger.require_verified_email and not buyer.email_verified:
                raise EmailNotVerified(member_id=buyer.id)  # as order_now would, before paying
            _check_id(_("service"), service_id)
            service = uow.services.get(service_id)
            service.require_buyable_by(member_id)
            if not uow.members.can_trade(service.seller_id):  # as order_now says it
                raise ServiceNotAvailable(service_id=service.id, status=_("unavailable for now"))
            line = Cart(member_id).put(  # checked as a cart line is; the cart is not read
                buyer,
                service,
                self.policy.catalog,
                upgrade_ids=upgrade_ids,
                quantity=quantity,
            )
            priced = quote(
                service.snapshot(),
                self.policy,
                upgrade_ids=line.upgrade_ids,
                quantity=line.quantity,
            )
            return QuoteView(service, priced, uow.ledger.balance(lg.wallet(member_id)))

    def requests_page(self, actor: Actor | None, *, limit: int = 50) -> RequestsPage:
        """Requests open now with their offers, and the member's own in every status."""
        if actor is not None:
            _check_actor(actor)
        whole_number(_("page size"), limit, 1, _QUEUE)
        with self._reading() as uow:
            found = uow.requests.open_now(self._now(), limit=limit)
            mine: Sequence[ServiceRequest] = ()
            if actor is not None and actor.member_id is not None:
                mine = uow.requests.by_buyer(actor.member_id, limit=limit)
            return RequestsPage(tuple(found), tuple(mine))

    def _now(self) -> datetime:
        return self.clock.now()

    # --- orders ------------------------------------------------------------------------------

    def order(self, actor: Actor, order_id: OrderId) -> Order:
        """An order, for its buyer, its seller or an admin."""
        with self._reading() as uow:
            return _party_order(uow, actor, order_id)

    def order_page(
        self, actor: Actor, order_id: OrderId, *, before: MessageId | None = None
    ) -> OrderPage:
        """An order, its conversation, its review, and the events this actor may fire now.

        The conversation's latest ``MESSAGES_PAGE`` messages; ``before``: those before that
        message (``OrderPage.earlier`` names the message to read before next).
        """
        with self._reading() as uow:
            order = _party_order(uow, actor, order_id)
            messages, earlier = latest_messages(uow, order_id, before)
            return OrderPage(
                order,
                messages,
                uow.reviews.for_order(order_id),
                tuple(self._next_events(uow, order, actor)),
                None
                if actor.is_member(order.buyer_id)
                else order.seller_share(self.policy.ledger.commission),
                earlier=earlier,
            )

    def _next_events(self, uow: UnitOfWork, order: Order, actor: Actor) -> list[OrderEvent]:
        party = order.party_of(actor)
        now = self._now()
        # a suspended party may only unwind the order (as the commands refuse the rest)
        suspended = party in (Party.BUYER, Party.SELLER) and not uow.members.can_trade(
            order.buyer_id if party is Party.BUYER else order.seller_id
        )
        allowed = []
        for status, event in TRANSITIONS:
            if status is not order.status or (suspended and event not in UNWINDING):
                continue
            try:
                decide(order, event, party, now, self.policy.orders)
            except MicrogigsError:
                continue
            allowed.append(event)
        return allowed

    def orders_of(
        self,
        actor: Actor,
        status: OrderStatus | None = None,
        *,
        as_seller: bool = False,
        limit: int = 50,
        starting_after: OrderId | None = None,
    ) -> list[Order]:
        """The actor's orders as buyer (or as seller), newest first, in one status if given.

        At most ``limit`` (1 to 100); the next page: ``starting_after`` the last order of
        this one (an order not in this list is ``NotFound``).
        """
        if status is not None and not isinstance(status, OrderStatus):
            raise InvalidType(
                field=_("status"), expected="OrderStatus", actual=type(status).__name__
            )
        yes_or_no(_("as seller"), as_seller)
        whole_number(_("page size"), limit, 1, 100)
        after = page_cursor(starting_after)
        with self._reading() as uow:
            member_id = _member_of(uow, actor, _("list orders"))
            if as_seller:
                return uow.orders.by_seller(member_id, status, limit=limit, starting_after=after)
            bought = uow.orders.by_buyer(member_id, status, limit=limit, starting_after=after)
            return [_as_buyer_sees(order) for order in bought]

    def orders_waiting(self, actor: Actor, *, limit: int = 50) -> list[OrderWaiting]:
        """The member's open orders, bought and sold, whose next move is theirs.

        Each with the moves expected of them now: send the instructions, deliver, accept
        the delivery, answer a request to cancel. The most urgent first: by when the move
        is due (the delivery's deadline, the time an automatic step takes the decision),
        then the oldest; at most ``limit`` (1 to 100), among the member's 1,000 open orders
        of each status and side placed longest ago (their lists read a page at a time).
        """
        whole_number(_("page size"), limit, 1, 100)
        found = []
        with self._reading() as uow:
            member_id = _member_of(uow, actor, _("list orders"))
            for status in _OPEN:
                sold, bought = _open_orders(uow, member_id, status)
                for order in (*sold, *map(_as_buyer_sees, bought)):
                    moves = tuple(e for e in self._next_events(uow, order, actor) if e in _EXPECTED)
                    if moves:
                        found.append(OrderWaiting(order, moves))
        return sorted(found, key=_most_urgent)[:limit]

    def conversation(
        self,
        actor: Actor,
        order_id: OrderId,
        *,
        limit: int = MESSAGES_PAGE,
        before: MessageId | None = None,
    ) -> list[Message]:
        """An order's latest ``limit`` messages (1 to 100), oldest first, for its parties.

        Its buyer, its seller or an admin. ``before``: the messages before that one (the
        first of the page read last; one of another conversation is ``NotFound``).
        """
        whole_number(_("page size"), limit, 1, 100)
        page_cursor(before)
        with self._reading() as uow:
            _party_order(uow, actor, order_id)
            return uow.orders.messages(order_id, limit=limit, before=before)

    # --- members and sellers -----------------------------------------------------------------

    def member(self, actor: Actor, member_id: MemberId | None = None) -> Member:
        """A member's whole record (e-mail, phone, payout methods): their own, or an admin's."""
        _check_actor(actor)
        _admin_names_one(actor, member_id, "member", "actor, member_id?")
        if member_id is None:
            member_id = _own(actor, _("read a member"))
        _check_id(_("member"), member_id)
        if actor.role is Role.MEMBER and not actor.is_member(member_id):
            raise PermissionDenied(actor=actor.role.label, action=_("read another member"))
        with self._reading() as uow:
            return uow.members.get(member_id)

    def profile(self, member_id: MemberId) -> Profile:
        """A member's public profile (what anyone may see)."""
        with self._reading() as uow:
            return _profile(uow.members.get(member_id))

    def member_page(self, member_id: MemberId) -> MemberPage:
        """A member's public page (:class:`MemberPage`): anyone may read it."""
        _check_id(_("member"), member_id)
        with self._reading() as uow:
            member = uow.members.get(member_id)
            on_sale = (
                uow.services.by_seller(
                    member_id, status=ServiceStatus.ACTIVE, limit=_SERVICES_SHOWN
                )
                if member.can_trade
                else []
            )
            listings = [uow.listings.get(s.id) for s in on_sale]
            stars = client_stars(uow, member_id, self._now(), self.policy.projects)
            completed = len(completed_contracts(uow, member_id, limit=_QUEUE))
            rating = uow.reviews.rating_of_seller(member_id)
        average = _CONTEXT.divide(sum(stars, Decimal(0)), len(stars)) if stars else None
        return MemberPage(
            _profile(member),
            tuple(listing for listing in listings if listing is not None),
            rating,
            completed,
            None if average is None else average.quantize(_HUNDREDTH, context=_CONTEXT),
            len(stars),
        )

    def profile_by_username(self, username: str) -> Profile:
        """The public profile of the member with this username, as typed (case and spaces folded).

        ``InvalidUsername`` for what cannot be a username, ``NotFound`` for no such member:
        how a host finds the members a client invites to a private project.
        """
        name = normalize_username(username)
        with self._reading() as uow:
            member = uow.members.find_by_username(name)
        if member is None:
            raise NotFound(kind=_("member"), key=name)
        return _profile(member)

    def dashboard(self, actor: Actor) -> Dashboard:
        """The seller's balances, level with its latest explanation, services, inquiries."""
        member_id = _own(actor, _("read a dashboard"))
        if actor.role is not Role.MEMBER:  # an admin has none: PermissionDenied, not NotFound
            raise PermissionDenied(actor=actor.role.label, action=_("read a dashboard"))
        balances = self.balances(actor)
        with self._reading() as uow:
            member = uow.members.get(member_id)
            return Dashboard(
                balances,
                member.level,
                uow.levels.latest(member_id),
                tuple(uow.services.by_seller(member_id)),
                tuple(uow.inquiries.received(member_id, limit=DASHBOARD_INQUIRIES)),
                tuple(
                    PendingEarning.of(release, uow)
                    for release in uow.ledger.uncleared(member_id, limit=_PENDING)
                ),
            )

    def rating(self, service_id: ServiceId) -> Rating:
        """A service's rating (public): none yet for a service nobody reviewed, or nobody has."""
        _check_id(_("service"), service_id)
        with self._reading() as uow:
            return uow.reviews.rating_of_service(service_id)

    def level_history(self, seller_id: MemberId, *, limit: int = 12) -> list[Evaluation]:
        """A seller's level evaluations with their explanations, newest first (public)."""
        whole_number(_("page size"), limit, 1, _QUEUE)
        _check_id(_("member"), seller_id)
        with self._reading() as uow:
            uow.members.get(seller_id)  # nobody's: NotFound, not an empty history
            return uow.levels.history(seller_id, limit=limit)

    # --- admins --------------------------------------------------------------------------------

    def events(self, actor: Actor, *, limit: int = 100) -> list[OutboxEvent]:
        """The domain events not yet delivered, oldest first (at most ``limit``, 1 to 1,000).

        Each was written in the transaction of the change it reports (``order.transitioned``
        with the order, its buyer and seller and the transition; ``member.level_changed``;
        ``project.…``, ``contract.…``): a host's notifier tells their people, then marks
        them delivered with ``acknowledge_events``. The system and admins only.
        """
        _check_actor(actor)
        if actor.role is Role.MEMBER:
            raise PermissionDenied(actor=actor.role.label, action=_("read the events"))
        whole_number(_("page size"), limit, 1, 1000)
        with self._reading() as uow:
            return uow.outbox.pending(limit=limit)

    def moderation(self, actor: Actor) -> ModerationQueue:
        """Services and requests awaiting review and open disputes, oldest first: admins only.

        Disputes are orders' and contracts' (those with a disputed milestone, reviews hidden);
        ``paused`` the services the team paused, found among the 1,000 longest paused.
        """
        _admin(actor, _("moderate"))
        with self._reading() as uow:
            return ModerationQueue(
                tuple(uow.services.by_status(ServiceStatus.PENDING_REVIEW, limit=_QUEUE)),
                tuple(uow.requests.awaiting_review(limit=_QUEUE)),
                tuple(uow.orders.in_status(OrderStatus.DISPUTED, limit=_QUEUE)),
                tuple(
                    attrs.evolve(c, client_review=None, freelancer_review=None)
                    for c in uow.contracts.disputed(limit=_QUEUE)
                ),
                tuple(
                    s
                    for s in uow.services.by_status(ServiceStatus.PAUSED, limit=_PAUSED_READ)
                    if s.paused_by_admin
                )[:_QUEUE],
            )

    def members(
        self, actor: Actor, *, after: MemberId | None = None, limit: int = 100
    ) -> list[Member]:
        """Members in id order, a page at a time: admins only."""
        _admin(actor, _("list members"))
        with self._reading() as uow:
            return uow.members.page(after=after, limit=limit)

    def overview(self, actor: Actor) -> Overview:
        """GMV, orders by status, sellers by level, money by kind, the audit: admins only."""
        _admin(actor, _("read the marketplace's overview"))
        zero = Money.zero(self.policy.currency)
        tally = _Tally(zero)
        with self._reading() as uow:
            balances = uow.ledger.balances()
            issues = lg.audit(uow.ledger.entry_rows(), balances)
            after: MemberId | None = None
            while page := uow.members.page(after=after, limit=_QUEUE):
                for member in page:
                    tally.add(uow, member)
                after = page[-1].id
        money: dict[str, Money] = {}
        for account, amount in balances.items():
            kind = str(account).partition(":")[0]
            money[kind] = money.get(kind, zero) + amount
        return Overview(
            tally.gmv,
            tally.orders,
            tally.levels,
            money,
            tuple(issues),
            tally.projects,
            tally.contracts,
            tally.project_gmv,
        )

    def is_empty(self) -> bool:
        """True before the first member registers (a host's first-run check)."""
        with self._reading() as uow:
            return not uow.members.page(limit=1)


QUERIES: Final[Mapping[str, Callable[..., object]]] = {  # type: ignore[explicit-any]
    name: function
    for side in (Queries, ProjectQueries)
    for name, function in vars(side).items()
    if not name.startswith("_") and callable(function)
}
"""Every query of the read side by name, as ``commands.COMMANDS`` names the commands: a host
that reads by name (the CLI's ``read``) calls ``getattr(market, name)``."""


@attrs.define
class _Tally:
    """The overview's counts, added up member by member."""

    zero: Money
    gmv: Money = attrs.field(init=False)
    project_gmv: Money = attrs.field(init=False)
    orders: dict[OrderStatus, int] = attrs.Factory(lambda: dict.fromkeys(OrderStatus, 0))
    levels: dict[SellerLevel, int] = attrs.Factory(lambda: dict.fromkeys(SellerLevel, 0))
    projects: dict[ProjectStatus, int] = attrs.Factory(lambda: dict.fromkeys(ProjectStatus, 0))
    contracts: dict[ContractStatus, int] = attrs.Factory(lambda: dict.fromkeys(ContractStatus, 0))

    def __attrs_post_init__(self) -> None:
        self.gmv = self.project_gmv = self.zero

    def add(self, uow: UnitOfWork, member: Member) -> None:
        """One member's projects, contracts and purchases, each list read to its end.

        Read a page at a time: a member's 1,001st project counts as their first does.
        """
        mine = member.id
        for project in _to_the_end(
            lambda after: uow.projects.by_client(mine, limit=_PAGE_MAX, starting_after=after),
            lambda item: item.id,
        ):
            self.projects[project.status] += 1
        works = False
        for contract in _to_the_end(
            lambda after: uow.contracts.of_member(mine, limit=_PAGE_MAX, starting_after=after),
            lambda item: item.id,
        ):
            works = works or contract.freelancer_id == mine
            if contract.client_id == mine:
                self.contracts[contract.status] += 1
                self.project_gmv += contract.released()
        for order in _to_the_end(
            lambda after: uow.orders.by_buyer(mine, limit=_PAGE_MAX, starting_after=after),
            lambda item: item.id,
        ):
            self.orders[order.status] += 1
            if order.status is OrderStatus.COMPLETED:
                self.gmv += order.quote.total - (order.refunded or self.zero)
        if works or uow.services.by_seller(mine):  # sells, or works
            self.levels[member.level] += 1


def _party_order(uow: UnitOfWork, actor: Actor, order_id: OrderId) -> Order:
    _check_actor(actor)
    order = uow.orders.get(order_id)
    if actor.role is Role.MEMBER and not (
        actor.is_member(order.buyer_id) or actor.is_member(order.seller_id)
    ):
        raise PermissionDenied(actor=actor.role.label, action=_("read this order"))
    return _as_buyer_sees(order) if actor.is_member(order.buyer_id) else order


def _as_buyer_sees(order: Order) -> Order:
    """The order without what it paid its seller (the commission, the seller's net)."""
    return order if order.earnings is None else attrs.evolve(order, earnings=None)


def _visible(actor: Actor | None, service: Service, *, seller_trades: bool) -> bool:
    """Anyone sees an active service of a seller in good standing; its seller and staff, all."""
    if actor is not None:
        _check_actor(actor)
    if service.status is ServiceStatus.ACTIVE and seller_trades:
        return True
    return actor is not None and (
        actor.role is not Role.MEMBER or actor.is_member(service.seller_id)
    )


def _require_visible(actor: Actor | None, service: Service, seller: Member) -> None:
    if not _visible(actor, service, seller_trades=seller.can_trade):
        raise NotFound(kind=_("service"), key=str(service.id)[:100])
