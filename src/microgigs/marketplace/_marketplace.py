"""The one object a host holds: its parts, the path every command takes, a method per use case.

Each typed method is a one-liner over its command.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Final, TypeAlias, TypeVar, cast

import attrs
import orjson

from microgigs import ledger as lg
from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.catalog import CategoryTree, Service, default_categories
from microgigs.clock import Clock
from microgigs.errors import (
    IdempotencyConflict,
    InvalidText,
    InvalidType,
    MicrogigsError,
    PermissionDenied,
    StaleWrite,
)
from microgigs.ids import (
    BidId,
    CategoryId,
    ContractId,
    EventId,
    IdGenerator,
    InquiryId,
    MemberId,
    OfferId,
    OrderId,
    ProjectId,
    RequestId,
    ReviewId,
    ServiceId,
    UpgradeId,
)
from microgigs.marketplace import (
    _buying,  # noqa: F401 (registers its handlers)
    _contracts,  # noqa: F401
    _members,  # noqa: F401
    _payouts,  # noqa: F401
    _projects,  # noqa: F401
    _requests,  # noqa: F401
    _reviews,  # noqa: F401
)
from microgigs.marketplace import commands as c
from microgigs.marketplace._context import HANDLERS, TIMERS, Context, Handler
from microgigs.marketplace._levels import EvaluateLevel
from microgigs.marketplace._project_queries import ProjectQueries
from microgigs.marketplace._tick import (
    ClearRelease,
    ExpireProject,
    ExpireRequest,
    FireContractTimer,
    FireTimer,
    RecountTrending,
    RefillCredits,
    TrendingCounted,
)
from microgigs.marketplace.queries import Queries
from microgigs.members import PayoutMethod
from microgigs.money import Money
from microgigs.orders import OrderEvent
from microgigs.payments import PaymentGateway
from microgigs.policy import MarketplacePolicy
from microgigs.projects import AspectRating, MilestonePlan, Resolution, Visibility
from microgigs.ranking import ListingQuery, Ordering, evaluation_round
from microgigs.storage.codec import converter
from microgigs.storage.ports import CommandRecord, Storage, UnitOfWork

__all__ = ["Key", "Marketplace", "TickReport"]

R = TypeVar("R")
_TICK_BATCH: Final = 200
_LISTING_PAGE: Final = 100
Key: TypeAlias = str | None
"""An idempotency key (1–200 printable characters), or ``None``: the call simply runs."""
_PLAIN: Final = frozenset({str, int})
_ROLES: Final = {role: role.value for role in Role}  # an enum's .value is a slow property
_UNSTRUCTURE: Final[dict[type, Callable[[object], object]]] = {}
KEY_LENGTH: Final = 200
"""The longest idempotency key a caller may send."""


@attrs.frozen
class TickReport:
    """What one ``tick`` did.

    Order transitions fired, releases cleared, requests expired, sellers evaluated, listings
    whose "best selling lately" count changed; in project mode, projects expired, contracts
    whose timers fired, freelancers whose bid credits refilled.
    """

    transitions: int
    cleared: int
    expired: int = 0
    evaluated: int = 0
    trending: int = 0
    projects_expired: int = 0
    contract_steps: int = 0
    refilled: int = 0


def _checked_key(key: object) -> str:
    if not isinstance(key, str):
        raise InvalidType(field=_("idempotency key"), expected="str", actual=type(key).__name__)
    if not 0 < len(key) <= KEY_LENGTH or not key.isprintable():
        raise InvalidText(field=_("idempotency key"), minimum=1, maximum=KEY_LENGTH)
    return key


@attrs.define
class Marketplace(Queries, ProjectQueries):
    """A marketplace: storage, clock, ids, policy and payment gateway, wired once.

    Build one with :func:`~microgigs.marketplace.bootstrap`. Every change is a command
    (:mod:`microgigs.marketplace.commands`) run by :meth:`execute`; the typed methods below
    build the command and run it. ``key`` makes a call idempotent for its actor: the same
    key with the same command returns the first result and changes nothing more.
    """

    storage: Storage
    clock: Clock
    ids: IdGenerator
    policy: MarketplacePolicy
    gateway: PaymentGateway
    categories: CategoryTree = attrs.Factory(default_categories)

    def close(self) -> None:
        """Close the storage (its connections)."""
        self.storage.close()

    # --- the one path ----------------------------------------------------------------------

    def execute(self, command: c.Command[R], *, key: Key = None) -> R:
        """Run a command once per key (per actor): check, handle, record, commit.

        Without a key the command simply runs. With one, a replay returns the recorded
        result; another command or payload under the same key of the same actor is
        :class:`~microgigs.errors.IdempotencyConflict`. Keys live in their actor's own
        namespace (a member's, an admin's, the system's, visitors'): nobody can claim, block
        or learn about another's. Gateway charges of a command that did not commit are
        voided before its error reaches the caller.
        """
        return self._execute(command, key, None)

    def _execute(self, command: c.Command[R], key: str | None, now: datetime | None) -> R:
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise InvalidType(
                field=_("command"), expected="a command", actual=type(command).__name__
            )
        actor = command.actor
        if not isinstance(actor, Actor):
            raise InvalidType(field=_("actor"), expected="Actor", actual=type(actor).__name__)
        if command.system_only and actor.role is not Role.SYSTEM:
            raise PermissionDenied(actor=actor.role.label, action=_("run the system's own step"))
        scope = command.key_scope or f"{_ROLES[actor.role]}:{actor.member_id or '-'}"
        when = self.clock.now() if now is None else now
        if key is None:
            return self._once(handler, command, f"{scope}|{self.ids.new(EventId)}", when)
        return self._keyed(handler, command, key, f"{scope}|{_checked_key(key)}", when)

    def _once(self, handler: Handler, command: c.Command[R], scoped: str, when: datetime) -> R:
        """A command without a key: it runs, and nothing remembers it."""
        with self.storage.unit_of_work() as uow:
            context = self._context(uow, scoped, when)
            try:
                outcome = cast("R", handler(command, context))
                uow.commit()
            except BaseException:
                self._void(context)
                raise
            return outcome

    def _keyed(  # the handler, its command, the key as sent and in its actor's namespace
        self, handler: Handler, command: c.Command[R], key: str, scoped: str, when: datetime
    ) -> R:
        """A command under a key: run once, then answered from its record."""
        fingerprint = self._fingerprint(command)
        with self.storage.unit_of_work() as uow:
            done = uow.commands.get(scoped)
            if done is None:
                context = self._context(uow, scoped, when)
                try:
                    outcome = cast("R", handler(command, context))
                    uow.commands.put(CommandRecord(scoped, fingerprint, self._encoded(outcome)))
                    uow.commit()
                except MicrogigsError:
                    # a replay racing the first run fails (at commit, or on what it read);
                    # the winner's record then answers it like any replay. Either way this
                    # run's own charges are voided: the winner paid with its own.
                    self._void(context)
                    done = self._recorded(scoped)
                    if done is None:
                        raise
                except BaseException:
                    self._void(context)
                    raise
                else:
                    return outcome
        if done.fingerprint != fingerprint:
            raise IdempotencyConflict(key=key)
        recorded = orjson.loads(done.result)
        if recorded is None:
            return cast("R", None)
        return cast("R", converter.structure(recorded, command.result))  # type: ignore[arg-type]

    def _context(self, uow: UnitOfWork, key: str, now: datetime) -> Context:
        return Context(uow, key, now, self.ids, self.policy, self.gateway, self.categories)

    def _void(self, context: Context) -> None:
        for receipt in context.charges:
            self.gateway.void(receipt)

    @staticmethod
    def _fingerprint(command: c.Command[R]) -> str:
        try:
            kind = type(command)
            plain = _UNSTRUCTURE.get(kind) or _UNSTRUCTURE.setdefault(
                kind, converter.get_unstructure_hook(kind)
            )
            text = orjson.dumps([command.name, plain(command)])
        except (AttributeError, TypeError, ValueError, RecursionError, MicrogigsError):
            # a field of the wrong type (or an integer JSON cannot hold, or a list nested
            # past reason): the handler refuses it with a typed error; this fingerprint
            # matches nothing, so such a command is never answered from a record
            text = f"unreadable {type(command).__name__} {id(command)}".encode()
        return hashlib.sha256(text).hexdigest()

    @staticmethod
    def _encoded(outcome: object) -> str:
        if (
            outcome is None
            or type(outcome) in _PLAIN
            or (type(outcome) is list and all(type(item) is str for item in outcome))
        ):
            return orjson.dumps(outcome).decode()  # an id, a count, a list of ids: as they are
        return orjson.dumps(converter.unstructure(outcome)).decode()

    def _recorded(self, scoped: str) -> CommandRecord | None:
        with self.storage.unit_of_work() as uow:
            return uow.commands.get(scoped)

    # --- members -------------------------------------------------------------------------

    def register_member(
        self,
        *,
        username: str,
        email: str,
        first_name: str,
        family_name: str,
        phone: str | None = None,
        key: Key = None,
    ) -> MemberId:
        """A new member (the host has verified identity and stored the password)."""
        command = c.RegisterMember(username, email, first_name, family_name, phone)
        return self.execute(command, key=key)

    def update_profile(
        self,
        actor: Actor,
        *,
        first_name: str | None = None,
        family_name: str | None = None,
        bio: str | None = None,
        avatar: str | None = None,
        phone: str | None = None,
        key: Key = None,
    ) -> None:
        """A member changes the parts of their profile given (each checked first)."""
        command = c.UpdateProfile(actor, first_name, family_name, bio, avatar, phone)
        self.execute(command, key=key)

    def verify_email(self, member_id: MemberId, *, key: Key = None) -> None:
        """Record that the host confirmed a member's address (its activation link)."""
        self.execute(c.VerifyEmail(member_id), key=key)

    def suspend_member(
        self, actor: Actor, member_id: MemberId, reason: str, *, key: Key = None
    ) -> None:
        """An admin stops a member from buying and selling; their services leave the index."""
        self.execute(c.SuspendMember(actor, member_id, reason), key=key)

    def reinstate_member(self, actor: Actor, member_id: MemberId, *, key: Key = None) -> None:
        """An admin lets a suspended member trade again; their active services return."""
        self.execute(c.ReinstateMember(actor, member_id), key=key)

    def set_payout_methods(
        self, actor: Actor, methods: Sequence[PayoutMethod], *, key: Key = None
    ) -> None:
        """Where the member's withdrawals go (PayPal first, as on Khamsat, if you like)."""
        self.execute(c.SetPayoutMethods(actor, tuple(methods)), key=key)

    # --- services ----------------------------------------------------------------------------

    def publish_service(
        self,
        actor: Actor,
        *,
        category_id: CategoryId,
        title: str,
        description: str,
        instructions: str,
        base_price: Money,
        delivery_days: int,
        upgrades: Sequence[c.NewUpgrade] = (),
        tags: Sequence[str] = (),
        key: Key = None,
    ) -> Service:
        """A seller's new service, sent to review; returned with its upgrades' ids."""
        command = c.PublishService(
            actor,
            category_id,
            title,
            description,
            instructions,
            base_price,
            delivery_days,
            _tuple(upgrades),
            _tuple(tags),
        )
        return self.execute(command, key=key)

    def moderate_service(
        self, actor: Actor, service_id: ServiceId, *, reason: str | None = None, key: Key = None
    ) -> None:
        """An admin approves a service (``reason=None``) or rejects it with a reason."""
        self.execute(c.ModerateService(actor, service_id, reason), key=key)

    def edit_service(
        self,
        actor: Actor,
        service_id: ServiceId,
        *,
        title: str | None = None,
        description: str | None = None,
        instructions: str | None = None,
        base_price: Money | None = None,
        delivery_days: int | None = None,
        upgrades: Sequence[c.NewUpgrade] | None = None,
        tags: Sequence[str] | None = None,
        key: Key = None,
    ) -> None:
        """The seller changes a service; a published one leaves the index until reviewed.

        Orders already placed keep their snapshot. ``upgrades`` replaces every upgrade.
        """
        command = c.EditService(
            actor,
            service_id,
            title,
            description,
            instructions,
            base_price,
            delivery_days,
            None if upgrades is None else _tuple(upgrades),
            None if tags is None else _tuple(tags),
        )
        self.execute(command, key=key)

    def pause_service(self, actor: Actor, service_id: ServiceId, *, key: Key = None) -> None:
        """The seller (or an admin) stops taking orders: the service leaves the index."""
        self.execute(c.PauseService(actor, service_id), key=key)

    def resume_service(self, actor: Actor, service_id: ServiceId, *, key: Key = None) -> None:
        """The seller takes orders again: the service returns to the index."""
        self.execute(c.ResumeService(actor, service_id), key=key)

    # --- money in, the cart and checkout ----------------------------------------------------

    def top_up(self, actor: Actor, amount: Money, method: lg.Gateway, *, key: Key = None) -> None:
        """Money paid in through a gateway onto the member's balance."""
        self.execute(c.TopUp(actor, amount, method), key=key)

    def add_to_cart(
        self,
        actor: Actor,
        service_id: ServiceId,
        *,
        upgrade_ids: Sequence[UpgradeId] = (),
        quantity: int = 1,
        key: Key = None,
    ) -> None:
        """Put a service in the buyer's cart with chosen upgrades and a quantity."""
        self.execute(c.AddToCart(actor, service_id, _tuple(upgrade_ids), quantity), key=key)

    def remove_from_cart(self, actor: Actor, service_id: ServiceId, *, key: Key = None) -> None:
        """Take a service out of the buyer's cart."""
        self.execute(c.RemoveFromCart(actor, service_id), key=key)

    def add_favourite(self, actor: Actor, service_id: ServiceId, *, key: Key = None) -> None:
        """Save another seller's active service to the member's favourites."""
        self.execute(c.AddFavourite(actor, service_id), key=key)

    def remove_favourite(self, actor: Actor, service_id: ServiceId, *, key: Key = None) -> None:
        """Forget a saved service."""
        self.execute(c.RemoveFavourite(actor, service_id), key=key)

    def checkout(
        self, actor: Actor, method: lg.Gateway | None = None, *, key: Key = None
    ) -> list[OrderId]:
        """Pay for the whole cart (balance, or a gateway) and place one order per line.

        A gateway is charged the total once per key; if it declines, nothing is written; if
        the checkout loses a race (another checkout of the same cart), its charge is voided.
        """
        return self.execute(c.Checkout(actor, method), key=key)

    def order_now(
        self,
        actor: Actor,
        service_id: ServiceId,
        *,
        upgrade_ids: Sequence[UpgradeId] = (),
        quantity: int = 1,
        method: lg.Gateway | None = None,
        key: Key = None,
    ) -> OrderId:
        """Buy one service at once, without the cart (balance, or a gateway)."""
        command = c.OrderNow(actor, service_id, _tuple(upgrade_ids), quantity, method)
        return self.execute(command, key=key)

    # --- the order ----------------------------------------------------------------------------

    def send_message(
        self,
        actor: Actor,
        order_id: OrderId,
        body: str,
        attachments: Sequence[str] = (),
        *,
        key: Key = None,
    ) -> None:
        """Write in the order; the buyer's first message carries the instructions."""
        self.execute(c.SendMessage(actor, order_id, body, _tuple(attachments)), key=key)

    def deliver(
        self,
        actor: Actor,
        order_id: OrderId,
        body: str,
        attachments: Sequence[str] = (),
        *,
        key: Key = None,
    ) -> None:
        """The seller delivers, with a message and files."""
        self.execute(c.Deliver(actor, order_id, body, _tuple(attachments)), key=key)

    def request_modification(
        self, actor: Actor, order_id: OrderId, reason: str, *, key: Key = None
    ) -> None:
        """The buyer asks for changes to a delivery."""
        self.execute(c.RequestModification(actor, order_id, reason), key=key)

    def report_problem(
        self, actor: Actor, order_id: OrderId, reason: str, *, key: Key = None
    ) -> None:
        """The buyer reports a problem: the order is disputed until an admin decides."""
        self.execute(c.ReportProblem(actor, order_id, reason), key=key)

    def accept(self, actor: Actor, order_id: OrderId, *, key: Key = None) -> None:
        """The buyer accepts the delivery: the order completes and the money is released."""
        self.execute(c.Accept(actor, order_id), key=key)

    def cancel_late(self, actor: Actor, order_id: OrderId, *, key: Key = None) -> None:
        """The buyer cancels an order whose seller is late: the money goes back."""
        self.execute(c.CancelLate(actor, order_id), key=key)

    def decline(
        self, actor: Actor, order_id: OrderId, reason: str | None = None, *, key: Key = None
    ) -> None:
        """The seller declines an order before delivering: the money goes back."""
        self.execute(c.Decline(actor, order_id, reason), key=key)

    def request_cancellation(
        self, actor: Actor, order_id: OrderId, reason: str | None = None, *, key: Key = None
    ) -> None:
        """Either side asks to cancel by agreement (accepted by ``tick`` if left unanswered)."""
        self.execute(c.RequestCancellation(actor, order_id, reason), key=key)

    def answer_cancellation(
        self, actor: Actor, order_id: OrderId, *, agree: bool, key: Key = None
    ) -> None:
        """The other side agrees (the money goes back) or refuses (the work goes on)."""
        self.execute(c.AnswerCancellation(actor, order_id, agree), key=key)

    def resolve_dispute(
        self,
        actor: Actor,
        order_id: OrderId,
        outcome: OrderEvent,
        refund: Money | None = None,
        *,
        key: Key = None,
    ) -> None:
        """An admin closes a dispute: complete it, refund it all, or refund ``refund`` of it.

        ``outcome`` is ``RESOLVE_COMPLETE``, ``RESOLVE_FULL_REFUND`` or
        ``RESOLVE_PARTIAL_REFUND``; a partial refund releases the rest to the seller, with
        commission on the rest only.
        """
        self.execute(c.ResolveDispute(actor, order_id, outcome, refund), key=key)

    # --- requests, inquiries, reviews -----------------------------------------------------------

    def post_request(
        self,
        actor: Actor,
        *,
        category_id: CategoryId,
        title: str,
        description: str,
        budget: Money | None = None,
        key: Key = None,
    ) -> RequestId:
        """A buyer asks for a service nobody offers yet (reviewed before it is shown)."""
        command = c.PostRequest(actor, category_id, title, description, budget)
        return self.execute(command, key=key)

    def moderate_request(
        self, actor: Actor, request_id: RequestId, *, reason: str | None = None, key: Key = None
    ) -> None:
        """An admin shows a request (``reason=None``) or rejects it with a reason."""
        self.execute(c.ModerateRequest(actor, request_id, reason), key=key)

    def make_offer(
        self,
        actor: Actor,
        request_id: RequestId,
        message: str,
        *,
        service_id: ServiceId | None = None,
        price: Money | None = None,
        delivery_days: int | None = None,
        key: Key = None,
    ) -> OfferId:
        """A seller offers one of their active services, or a custom price and delivery."""
        command = c.MakeOffer(actor, request_id, message, service_id, price, delivery_days)
        return self.execute(command, key=key)

    def accept_offer(
        self, actor: Actor, request_id: RequestId, offer_id: OfferId, *, key: Key = None
    ) -> OrderId:
        """The buyer takes an offer: it becomes an order, paid from the balance into escrow."""
        return self.execute(c.AcceptOffer(actor, request_id, offer_id), key=key)

    def close_request(self, actor: Actor, request_id: RequestId, *, key: Key = None) -> None:
        """The buyer withdraws a request."""
        self.execute(c.CloseRequest(actor, request_id), key=key)

    def ask(self, actor: Actor, service_id: ServiceId, body: str, *, key: Key = None) -> InquiryId:
        """A buyer's question about a service before buying (the same inquiry if asked again)."""
        return self.execute(c.Ask(actor, service_id, body), key=key)

    def answer_inquiry(
        self, actor: Actor, inquiry_id: InquiryId, body: str, *, key: Key = None
    ) -> None:
        """The seller's (or the buyer's) next message in an inquiry."""
        self.execute(c.AnswerInquiry(actor, inquiry_id, body), key=key)

    def review(
        self, actor: Actor, order_id: OrderId, *, stars: int, comment: str, key: Key = None
    ) -> ReviewId:
        """The buyer's review of a completed order; the service's rating moves at once."""
        return self.execute(c.Review(actor, order_id, stars, comment), key=key)

    def reply(self, actor: Actor, review_id: ReviewId, text: str, *, key: Key = None) -> None:
        """The seller's one reply to a review."""
        self.execute(c.Reply(actor, review_id, text), key=key)

    # --- withdrawals and levels -----------------------------------------------------------------

    def request_withdrawal(self, actor: Actor, amount: Money, *, key: Key = None) -> None:
        """The seller sets available earnings aside for a payout (at least the minimum)."""
        self.execute(c.RequestWithdrawal(actor, amount), key=key)

    def settle_withdrawal(
        self, actor: Actor, seller_id: MemberId, amount: Money, *, paid: bool, key: Key = None
    ) -> None:
        """The payout provider's answer, recorded by an admin or the system.

        Paid, the money leaves the platform; failed, it is available to the seller again.
        """
        self.execute(c.SettleWithdrawal(actor, seller_id, amount, paid), key=key)

    def grant_professional(self, actor: Actor, seller_id: MemberId, *, key: Key = None) -> None:
        """An admin grants a seller the professional level."""
        self.execute(c.GrantProfessional(actor, seller_id), key=key)

    def remove_professional(self, actor: Actor, seller_id: MemberId, *, key: Key = None) -> None:
        """An admin removes the professional level.

        The seller falls to the level their latest evaluation earned (level 1 if never
        evaluated).
        """
        self.execute(c.RemoveProfessional(actor, seller_id), key=key)

    # --- project mode ---------------------------------------------------------------------------

    def post_project(
        self,
        actor: Actor,
        *,
        category_id: CategoryId,
        title: str,
        description: str,
        bracket: int,
        duration_days: int,
        skills: Sequence[str] = (),
        questions: Sequence[str] = (),
        visibility: Visibility = Visibility.PUBLIC,
        invited: Sequence[MemberId] = (),
        hires_allowed: int = 1,
        attachments: Sequence[str] = (),
        submit: bool = True,
        key: Key = None,
    ) -> ProjectId:
        """A client's new project: sent to review at once, or kept as a draft (``submit``)."""
        command = c.PostProject(
            actor,
            category_id,
            title,
            description,
            bracket,
            duration_days,
            _tuple(skills),
            _tuple(questions),
            visibility,
            _tuple(invited),
            hires_allowed,
            _tuple(attachments),
            submit,
        )
        return self.execute(command, key=key)

    def edit_project(
        self,
        actor: Actor,
        project_id: ProjectId,
        *,
        title: str | None = None,
        description: str | None = None,
        category_id: CategoryId | None = None,
        bracket: int | None = None,
        duration_days: int | None = None,
        skills: Sequence[str] | None = None,
        questions: Sequence[str] | None = None,
        visibility: Visibility | None = None,
        invited: Sequence[MemberId] | None = None,
        hires_allowed: int | None = None,
        key: Key = None,
    ) -> None:
        """The client rewrites a draft or rejected project: the terms given, the rest kept."""
        command = c.EditProject(
            actor,
            project_id,
            title,
            description,
            category_id,
            bracket,
            duration_days,
            None if skills is None else _tuple(skills),
            None if questions is None else _tuple(questions),
            visibility,
            None if invited is None else _tuple(invited),
            hires_allowed,
        )
        self.execute(command, key=key)

    def submit_project(self, actor: Actor, project_id: ProjectId, *, key: Key = None) -> None:
        """The client sends a draft, or a rejected project after editing it, to review."""
        self.execute(c.SubmitProject(actor, project_id), key=key)

    def moderate_project(
        self, actor: Actor, project_id: ProjectId, *, reason: str | None = None, key: Key = None
    ) -> None:
        """An admin opens a project for bids (``reason=None``) or rejects it with a reason."""
        self.execute(c.ModerateProject(actor, project_id, reason), key=key)

    def close_project(self, actor: Actor, project_id: ProjectId, *, key: Key = None) -> None:
        """The client stops taking bids."""
        self.execute(c.CloseProject(actor, project_id), key=key)

    def cancel_project(self, actor: Actor, project_id: ProjectId, *, key: Key = None) -> None:
        """The client gives the project up before hiring; bids' credits go back."""
        self.execute(c.CancelProject(actor, project_id), key=key)

    def place_bid(
        self,
        actor: Actor,
        project_id: ProjectId,
        *,
        amount: Money,
        delivery_days: int,
        text: str,
        answers: Sequence[str] = (),
        attachments: Sequence[str] = (),
        key: Key = None,
    ) -> BidId:
        """A freelancer's bid, paid with one of the month's bid credits."""
        command = c.PlaceBid(
            actor, project_id, amount, delivery_days, text, _tuple(answers), _tuple(attachments)
        )
        return self.execute(command, key=key)

    def edit_bid(
        self,
        actor: Actor,
        project_id: ProjectId,
        bid_id: BidId,
        *,
        amount: Money,
        delivery_days: int,
        text: str,
        answers: Sequence[str] = (),
        key: Key = None,
    ) -> None:
        """The freelancer rewrites a pending bid."""
        command = c.EditBid(actor, project_id, bid_id, amount, delivery_days, text, _tuple(answers))
        self.execute(command, key=key)

    def withdraw_bid(
        self, actor: Actor, project_id: ProjectId, bid_id: BidId, *, key: Key = None
    ) -> None:
        """The freelancer takes a pending bid back."""
        self.execute(c.WithdrawBid(actor, project_id, bid_id), key=key)

    def remove_bid(
        self, actor: Actor, project_id: ProjectId, bid_id: BidId, *, key: Key = None
    ) -> None:
        """Moderation removes a pending bid (its credit goes back)."""
        self.execute(c.RemoveBid(actor, project_id, bid_id), key=key)

    def hire_bid(
        self,
        actor: Actor,
        project_id: ProjectId,
        bid_id: BidId,
        *,
        milestones: Sequence[MilestonePlan] = (),
        key: Key = None,
    ) -> ContractId:
        """The client offers a contract on a bid's terms (in milestones, or one)."""
        return self.execute(c.HireBid(actor, project_id, bid_id, _tuple(milestones)), key=key)

    def send_offer(
        self,
        actor: Actor,
        project_id: ProjectId,
        freelancer_id: MemberId,
        *,
        amount: Money,
        delivery_days: int,
        milestones: Sequence[MilestonePlan] = (),
        key: Key = None,
    ) -> ContractId:
        """The client offers a freelancer a contract directly."""
        command = c.SendOffer(
            actor, project_id, freelancer_id, amount, delivery_days, _tuple(milestones)
        )
        return self.execute(command, key=key)

    def answer_offer(
        self, actor: Actor, contract_id: ContractId, *, accept: bool, key: Key = None
    ) -> None:
        """The freelancer accepts (the contract starts) or declines an offer."""
        self.execute(c.AnswerOffer(actor, contract_id, accept), key=key)

    def fund_milestone(
        self,
        actor: Actor,
        contract_id: ContractId,
        number: int,
        method: lg.Gateway | None = None,
        *,
        key: Key = None,
    ) -> None:
        """The client pays a milestone into its escrow (balance, or a gateway)."""
        self.execute(c.FundMilestone(actor, contract_id, number, method), key=key)

    def submit_milestone(
        self,
        actor: Actor,
        contract_id: ContractId,
        number: int,
        note: str,
        attachments: Sequence[str] = (),
        *,
        key: Key = None,
    ) -> None:
        """The freelancer submits a milestone's work."""
        command = c.SubmitMilestone(actor, contract_id, number, note, _tuple(attachments))
        self.execute(command, key=key)

    def request_changes(
        self, actor: Actor, contract_id: ContractId, number: int, note: str, *, key: Key = None
    ) -> None:
        """The client asks for changes to a submission."""
        self.execute(c.RequestChanges(actor, contract_id, number, note), key=key)

    def approve_milestone(
        self, actor: Actor, contract_id: ContractId, number: int, *, key: Key = None
    ) -> None:
        """The client approves a milestone: it is released to the freelancer."""
        self.execute(c.ApproveMilestone(actor, contract_id, number), key=key)

    def dispute_milestone(
        self, actor: Actor, contract_id: ContractId, number: int, reason: str, *, key: Key = None
    ) -> None:
        """Either side disputes a milestone holding money."""
        self.execute(c.DisputeMilestone(actor, contract_id, number, reason), key=key)

    def resolve_milestone(
        self,
        actor: Actor,
        contract_id: ContractId,
        number: int,
        resolution: Resolution,
        refund: Money | None = None,
        *,
        key: Key = None,
    ) -> None:
        """An admin releases, refunds or splits a disputed milestone."""
        command = c.ResolveMilestone(actor, contract_id, number, resolution, refund)
        self.execute(command, key=key)

    def propose_milestones(
        self,
        actor: Actor,
        contract_id: ContractId,
        milestones: Sequence[MilestonePlan],
        *,
        key: Key = None,
    ) -> None:
        """Either side proposes new unfunded milestones."""
        self.execute(c.ProposeMilestones(actor, contract_id, _tuple(milestones)), key=key)

    def answer_proposal(
        self, actor: Actor, contract_id: ContractId, *, agree: bool, key: Key = None
    ) -> None:
        """The other side agrees to proposed milestones, or turns them down."""
        self.execute(c.AnswerProposal(actor, contract_id, agree), key=key)

    def end_contract(
        self, actor: Actor, contract_id: ContractId, reason: str, *, key: Key = None
    ) -> None:
        """The client ends a contract early."""
        self.execute(c.EndContract(actor, contract_id, reason), key=key)

    def answer_end(
        self, actor: Actor, contract_id: ContractId, *, agree: bool, key: Key = None
    ) -> None:
        """The freelancer agrees to an early end, or disputes what is held."""
        self.execute(c.AnswerEnd(actor, contract_id, agree), key=key)

    def ask_to_cancel_contract(
        self, actor: Actor, contract_id: ContractId, *, key: Key = None
    ) -> None:
        """Either side asks to cancel a contract by agreement."""
        self.execute(c.AskToCancelContract(actor, contract_id), key=key)

    def take_back_cancellation(
        self, actor: Actor, contract_id: ContractId, *, key: Key = None
    ) -> None:
        """The side who asked to cancel takes it back."""
        self.execute(c.TakeBackCancellation(actor, contract_id), key=key)

    def answer_contract_cancellation(
        self, actor: Actor, contract_id: ContractId, *, agree: bool, key: Key = None
    ) -> None:
        """The other side agrees to cancel (money held goes back) or refuses."""
        self.execute(c.AnswerContractCancellation(actor, contract_id, agree), key=key)

    def review_contract(
        self,
        actor: Actor,
        contract_id: ContractId,
        ratings: Sequence[AspectRating],
        comment: str = "",
        *,
        key: Key = None,
    ) -> None:
        """One side reviews the other after the contract; both are published together."""
        self.execute(c.ReviewContract(actor, contract_id, _tuple(ratings), comment), key=key)

    # --- time -----------------------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> TickReport:
        """Fire every due automatic transition and clear every due release, each once.

        Safe to run twice or from two processes: each step is a command of the system keyed
        by what it changes (the order's version, the release), so a second run finds it done.
        """
        when = self.clock.now() if now is None else now
        with self.storage.unit_of_work() as uow:
            due_orders = uow.orders.due(when, limit=_TICK_BATCH)
            due_releases = uow.ledger.due_releases(when, limit=_TICK_BATCH)
            expiring = uow.requests.expiring(when, limit=_TICK_BATCH)
        transitions = sum(self._tick_order(order_id, when) for order_id in due_orders)
        cleared = sum(
            self._step(
                ClearRelease(release.order_id, release.seller_id, release.amount),
                f"clear:{release.order_id}",
                when,
            )
            for release in due_releases
        )
        expired = sum(
            self._step(ExpireRequest(request_id), f"expire:{request_id}", when)
            for request_id in expiring
        )
        evaluated = self.evaluate_levels(when)
        trending = self.refresh_trending(when)
        projects_expired, contract_steps, refilled = self._tick_projects(when)
        return TickReport(
            transitions,
            cleared,
            expired,
            evaluated,
            trending,
            projects_expired,
            contract_steps,
            refilled,
        )

    def _tick_projects(self, when: datetime) -> tuple[int, int, int]:
        """Project mode's steps: expiry, contracts' timers, bid credits; each once."""
        with self.storage.unit_of_work() as uow:
            expiring = [
                (p, uow.projects.get(p).version)
                for p in uow.projects.expiring(when, limit=_TICK_BATCH)
            ]
            due = [
                (c, uow.contracts.get(c).version)
                for c in uow.contracts.due(when, limit=_TICK_BATCH)
            ]
            refills = []
            for member_id in uow.bid_credits.due(when, limit=_TICK_BATCH):
                found = uow.bid_credits.find(member_id)
                if found is not None:
                    refills.append((member_id, found.refills_at))
        expired = sum(  # by version: a project kept open by an offer expires once it is answered
            self._expire(project_id, version, when) for project_id, version in expiring
        )
        fired = sum(
            self._step(FireContractTimer(contract_id), f"contract:{contract_id}:{version}", when)
            for contract_id, version in due
        )
        refilled = sum(
            self._step(RefillCredits(member_id), f"refill:{member_id}:{at.isoformat()}", when)
            for member_id, at in refills
        )
        return expired, fired, refilled

    def _tick_order(self, order_id: OrderId, when: datetime) -> int:
        with self.storage.unit_of_work() as uow:
            order = uow.orders.get(order_id)
            event = order.due_event(when, self.policy.orders)
            key = f"tick:{order_id}:{order.version}"
        if event is None:
            return 0
        return self._step(FireTimer(order_id, event), key, when)

    def _expire(self, project_id: ProjectId, version: int, when: datetime) -> int:
        """1 if this process expired the project, 0 if it stays open or another did it."""
        try:
            expired = self._execute(
                ExpireProject(project_id), f"expire-project:{project_id}:{version}", when
            )
        except (StaleWrite, IdempotencyConflict):
            return 0
        return int(expired)

    def _step(self, command: c.Command[None], key: str, when: datetime) -> int:
        """A system step: 1 if this process did it, 0 if another did it first."""
        try:
            self._execute(command, key, when)
        except (StaleWrite, IdempotencyConflict):
            return 0
        return 1

    def refresh_trending(self, now: datetime | None = None) -> int:
        """Recount "best selling lately" once a day, so old sales leave the trending order.

        A completion adds its sale at once; this recount (run by ``tick``) drops the sales
        bought before the policy's ``catalog.trending_window``. Each seller's recount is a
        command keyed by seller and day (UTC), and the day's run is recorded once every
        seller is done, so ticks after it cost one read. Returns how many listings changed.
        """
        when = self.clock.now() if now is None else now
        day = when.astimezone(UTC).date().isoformat()
        done_key = f"trending:{day}"
        if self._recorded(f"{TIMERS}|{done_key}") is not None:
            return 0
        trending: dict[MemberId, list[ServiceId]] = {}
        query = ListingQuery(ordering=Ordering.TRENDING, limit=_LISTING_PAGE)
        with self.storage.unit_of_work() as uow:
            while True:
                page = uow.listings.search(query)
                counted = [listing for listing in page.listings if listing.recent_sales > 0]
                for listing in counted:
                    trending.setdefault(listing.seller_id, []).append(listing.service_id)
                if page.next_cursor is None or len(counted) < len(page.listings):
                    break
                query = attrs.evolve(query, cursor=page.next_cursor)
        changed = sum(
            self._execute(
                RecountTrending(seller_id, tuple(services), day),
                f"trending:{seller_id}:{day}",
                when,
            )
            for seller_id, services in trending.items()
        )
        self._execute(TrendingCounted(day), done_key, when)
        return changed

    def evaluate_levels(self, now: datetime | None = None) -> int:
        """Evaluate every seller not yet evaluated in the round in force at ``now``.

        The round is the last occurrence of the policy's rule (monthly by default); each
        seller's evaluation is a command keyed by seller and round, so running it twice or
        from two processes evaluates each seller once. ``tick`` calls it; returns how many
        sellers it evaluated.
        """
        when = self.clock.now() if now is None else now
        round_at = evaluation_round(when, self.policy.levels)
        evaluated = 0
        while True:
            with self.storage.unit_of_work() as uow:
                due = uow.levels.sellers_due(round_at, limit=_TICK_BATCH)
            done = sum(
                self._step(
                    EvaluateLevel(seller_id, round_at),
                    f"level:{seller_id}:{round_at.isoformat()}",
                    when,
                )
                for seller_id in due
            )
            evaluated += done
            if len(due) < _TICK_BATCH or done == 0:
                return evaluated


def _tuple(values: Sequence[R]) -> tuple[R, ...]:
    """A caller's list as a tuple; anything else is left for the domain to refuse."""
    if isinstance(values, list | tuple):
        return tuple(values)
    return values  # type: ignore[return-value]  # the domain refuses it with a typed error
