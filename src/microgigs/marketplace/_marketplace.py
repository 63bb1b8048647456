"""The one object a host holds: its parts, the path every command takes, a method per use case.

Each typed method is made from its command by :func:`use_case`: the fields are written once.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Final, ParamSpec, Protocol, TypeVar, cast, overload

import attrs
import orjson
from cattrs.gen import make_dict_unstructure_fn, override

from microgigs._text import _
from microgigs.actors import Actor, Role
from microgigs.catalog import CategoryTree, default_categories
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
    EventId,
    IdGenerator,
    MemberId,
    OrderId,
    ProjectId,
    ServiceId,
)
from microgigs.marketplace import (
    _buying,  # noqa: F401 (registers its handlers)
    _contracts,  # noqa: F401
    _events,  # noqa: F401
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
from microgigs.payments import PaymentGateway
from microgigs.policy import MarketplacePolicy
from microgigs.ranking import ListingQuery, Ordering, evaluation_round
from microgigs.storage.codec import converter
from microgigs.storage.ports import CommandRecord, Storage

__all__ = ["Marketplace", "TickReport", "UseCase", "use_case"]

R = TypeVar("R")
P = ParamSpec("P")
_TICK_BATCH: Final = 200
_LISTING_PAGE: Final = 100
_PLAIN: Final = frozenset({str, int})
_NULL: Final = orjson.dumps(None).decode()  # a result of None, as recorded
_ROLES: Final = {role: role.value for role in Role}  # an enum's .value is a slow property
_UNSTRUCTURE: Final[dict[type, Callable[[object], object]]] = {}
KEY_LENGTH: Final = 200
"""The longest idempotency key a caller may send."""


@attrs.frozen
class TickReport:
    """What one ``tick`` did.

    Order transitions fired, releases cleared, requests expired, sellers evaluated, listings
    whose "best selling lately" count changed; in project mode, projects expired, contracts
    whose timers fired, freelancers whose bid credits refilled. ``projects_expired`` counts
    the projects whose own time ran out; one kept open by an offer, which expires when
    that offer lapses, is counted with the lapse in ``contract_steps``.
    """

    transitions: int
    cleared: int
    expired: int = 0
    evaluated: int = 0
    trending: int = 0
    projects_expired: int = 0
    contract_steps: int = 0
    refilled: int = 0


class UseCase(Protocol[P, R]):
    """A ``Marketplace`` method made from a command class: its parameters are the command's.

    ``market.checkout(buyer, key="k")`` is ``market.execute(Checkout(buyer, key="k"))``: the
    fields, their defaults and the docstring are the command's own, written once. A
    protocol: what the type checker sees of the plain function :func:`use_case` returns.
    """

    @overload
    def __get__(self, instance: None, owner: type) -> UseCase[P, R]: ...
    @overload
    def __get__(self, instance: Marketplace, owner: type) -> Callable[P, R]: ...
    def __get__(self, instance: Marketplace | None, owner: type) -> object: ...

    def __call__(self, market: Marketplace, /, *args: P.args, **kwargs: P.kwargs) -> R:
        """``Marketplace.checkout(market, buyer)``: the method read from the class."""


def use_case(command: Callable[P, c.Command[R]]) -> UseCase[P, R]:
    """The ``Marketplace`` method that builds ``command`` from its arguments and runs it."""

    def run(self: Marketplace, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.execute(command(*args, **kwargs))

    kind = cast("type[c.Command[R]]", command)
    fields = inspect.signature(kind).parameters.values()
    market = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    run.__name__, run.__qualname__ = kind.name, f"Marketplace.{kind.name}"
    run.__doc__ = kind.__doc__
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [market, *sorted(fields, key=lambda field: field.name == "key")],  # the key last
        return_annotation=kind.result,
    )
    return run  # a plain function is a UseCase: it binds to the instance it is read from


_REPLAYS: Final[ContextVar[int]] = ContextVar("microgigs_replays", default=0)


def replays() -> int:
    """How many commands run in this context were answered from their record.

    A command sent again under its key with the same payload changes nothing and returns
    the first result: a host reads this before and after a call to tell such a replay
    from a first run, and say so ("this form was sent before") rather than "done". The
    count is a context variable: each thread and each asyncio task has its own, and a call
    run in a copy of the context (``asyncio.to_thread``, ``loop.run_in_executor``) counts
    in the copy, so read it where the call runs.
    """
    return _REPLAYS.get()


def _checked_key(key: object) -> str:
    if not isinstance(key, str):
        raise InvalidType(
            field=_("idempotency key"), expected=_("a str"), actual=type(key).__name__
        )
    unprintable = next((c for c in key if not c.isprintable()), None)
    if unprintable is not None:
        raise InvalidText(
            field=_("idempotency key"),
            minimum=1,
            maximum=KEY_LENGTH,
            character=f"U+{ord(unprintable):04X}",
        )
    if not 0 < len(key) <= KEY_LENGTH:
        raise InvalidText(field=_("idempotency key"), minimum=1, maximum=KEY_LENGTH)
    return key


@attrs.define
class Marketplace(Queries, ProjectQueries):
    """A marketplace: storage, clock, ids, policy and payment gateway, wired once.

    Build one with :func:`~microgigs.marketplace.bootstrap`. Every change is a command
    (:mod:`microgigs.marketplace.commands`) run by :meth:`execute`; the typed methods below
    build the command and run it. ``key`` (a keyword of every command) makes a call
    idempotent for its actor: the same key with the same command returns the first result
    and changes nothing more.
    """

    storage: Storage
    clock: Clock
    ids: IdGenerator
    policy: MarketplacePolicy
    gateway: PaymentGateway
    categories: CategoryTree = attrs.Factory(default_categories)
    # the last day whose trending recount this process saw recorded: a record is never
    # removed, so later ticks that day need not read it again
    _counted_day: str = attrs.field(default="", init=False, repr=False, eq=False)

    def close(self) -> None:
        """Close the storage (its connections)."""
        self.storage.close()

    # --- the one path ----------------------------------------------------------------------

    def execute(self, command: c.Command[R]) -> R:
        """Run a command once per key (per actor): check, handle, record, commit.

        Without a key (``command.key is None``) the command simply runs. With one, a replay
        returns the recorded result; another command or payload under the same key of the
        same actor is :class:`~microgigs.errors.IdempotencyConflict`. Keys live in their
        actor's own namespace (a member's, an admin's, the system's, visitors'): nobody can
        claim, block or learn about another's. Gateway charges of a command that did not
        commit are voided before its error reaches the caller.
        """
        return self._execute(command, None)

    def _execute(self, command: c.Command[R], now: datetime | None) -> R:
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise InvalidType(
                field=_("command"), expected=_("a command"), actual=type(command).__name__
            )
        actor = command.actor
        if not isinstance(actor, Actor):
            raise InvalidType(field=_("actor"), expected="Actor", actual=type(actor).__name__)
        if command.system_only and actor.role is not Role.SYSTEM:
            raise PermissionDenied(actor=actor.role.label, action=_("run the system's own step"))
        scope = command.scope() or f"{_ROLES[actor.role]}:{actor.member_id or '-'}"
        when = self.clock.now() if now is None else now
        key = command.key
        if key is None:
            return self._once(handler, command, f"{scope}|{self.ids.new(EventId)}", when)
        if type(key) is not str or not 0 < len(key) <= KEY_LENGTH or not key.isprintable():
            _checked_key(key)  # raises the key's typed error
        return self._keyed(handler, command, key, f"{scope}|{key}", when)

    def _once(self, handler: Handler, command: c.Command[R], scoped: str, when: datetime) -> R:
        """A command without a key: it runs, and nothing remembers it."""
        with self.storage.unit_of_work() as uow:
            context = Context(
                uow, scoped, when, self.ids, self.policy, self.gateway, self.categories
            )
            try:
                outcome: R = handler(command, context)  # type: ignore[assignment]
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
            commands = uow.commands
            done = commands.get(scoped)
            if done is None:
                context = Context(
                    uow, scoped, when, self.ids, self.policy, self.gateway, self.categories
                )
                try:
                    outcome: R = handler(command, context)  # type: ignore[assignment]
                    result = _NULL if outcome is None else self._encoded(outcome)
                    commands.put(CommandRecord(scoped, fingerprint, result))
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
        answer = (
            None if recorded is None else converter.structure(recorded, command.result)  # type: ignore[arg-type]
        )
        _REPLAYS.set(_REPLAYS.get() + 1)  # counted once it is answered
        return cast("R", answer)

    def _void(self, context: Context) -> None:
        for receipt in context.charges:
            self.gateway.void(receipt)

    @staticmethod
    def _fingerprint(command: c.Command[R]) -> str:
        try:
            kind = type(command)
            plain = _UNSTRUCTURE.get(kind) or _UNSTRUCTURE.setdefault(
                kind,  # the key is where the fingerprint is kept, not part of it
                make_dict_unstructure_fn(kind, converter, key=override(omit=True)),
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
        if outcome is None:  # what most commands return
            return _NULL
        if type(outcome) in _PLAIN or (
            type(outcome) is list and all(type(item) is str for item in outcome)
        ):
            return orjson.dumps(outcome).decode()  # an id, a count, a list of ids: as they are
        return orjson.dumps(converter.unstructure(outcome)).decode()

    def _recorded(self, scoped: str) -> CommandRecord | None:
        with self.storage.unit_of_work() as uow:
            return uow.commands.get(scoped)

    # --- members -------------------------------------------------------------------------
    register_member = use_case(c.RegisterMember)
    update_profile = use_case(c.UpdateProfile)
    verify_email = use_case(c.VerifyEmail)
    acknowledge_events = use_case(c.AcknowledgeEvents)
    suspend_member = use_case(c.SuspendMember)
    reinstate_member = use_case(c.ReinstateMember)
    set_payout_methods = use_case(c.SetPayoutMethods)
    add_payout_method = use_case(c.AddPayoutMethod)
    remove_payout_method = use_case(c.RemovePayoutMethod)

    # --- services ----------------------------------------------------------------------------
    publish_service = use_case(c.PublishService)
    moderate_service = use_case(c.ModerateService)
    edit_service = use_case(c.EditService)
    pause_service = use_case(c.PauseService)
    resume_service = use_case(c.ResumeService)

    # --- money in, the cart and checkout ----------------------------------------------------
    top_up = use_case(c.TopUp)
    add_to_cart = use_case(c.AddToCart)
    change_quantity = use_case(c.ChangeQuantity)
    remove_from_cart = use_case(c.RemoveFromCart)
    add_favourite = use_case(c.AddFavourite)
    remove_favourite = use_case(c.RemoveFavourite)
    checkout = use_case(c.Checkout)
    order_now = use_case(c.OrderNow)

    # --- the order ----------------------------------------------------------------------------
    send_message = use_case(c.SendMessage)
    deliver = use_case(c.Deliver)
    request_modification = use_case(c.RequestModification)
    report_problem = use_case(c.ReportProblem)
    accept = use_case(c.Accept)
    cancel_late = use_case(c.CancelLate)
    decline = use_case(c.Decline)
    request_cancellation = use_case(c.RequestCancellation)
    answer_cancellation = use_case(c.AnswerCancellation)
    resolve_dispute = use_case(c.ResolveDispute)

    # --- requests, inquiries, reviews -----------------------------------------------------------
    post_request = use_case(c.PostRequest)
    moderate_request = use_case(c.ModerateRequest)
    make_offer = use_case(c.MakeOffer)
    accept_offer = use_case(c.AcceptOffer)
    close_request = use_case(c.CloseRequest)
    ask = use_case(c.Ask)
    answer_inquiry = use_case(c.AnswerInquiry)
    review = use_case(c.Review)
    reply = use_case(c.Reply)

    # --- withdrawals and levels -----------------------------------------------------------------
    request_withdrawal = use_case(c.RequestWithdrawal)
    cancel_withdrawal = use_case(c.CancelWithdrawal)
    settle_withdrawal = use_case(c.SettleWithdrawal)
    grant_professional = use_case(c.GrantProfessional)
    remove_professional = use_case(c.RemoveProfessional)

    # --- project mode ---------------------------------------------------------------------------
    post_project = use_case(c.PostProject)
    edit_project = use_case(c.EditProject)
    submit_project = use_case(c.SubmitProject)
    moderate_project = use_case(c.ModerateProject)
    close_project = use_case(c.CloseProject)
    cancel_project = use_case(c.CancelProject)
    place_bid = use_case(c.PlaceBid)
    edit_bid = use_case(c.EditBid)
    withdraw_bid = use_case(c.WithdrawBid)
    remove_bid = use_case(c.RemoveBid)
    hire_bid = use_case(c.HireBid)
    send_offer = use_case(c.SendOffer)
    answer_offer = use_case(c.AnswerOffer)
    withdraw_offer = use_case(c.WithdrawOffer)
    fund_milestone = use_case(c.FundMilestone)
    submit_milestone = use_case(c.SubmitMilestone)
    request_changes = use_case(c.RequestChanges)
    approve_milestone = use_case(c.ApproveMilestone)
    dispute_milestone = use_case(c.DisputeMilestone)
    add_dispute_note = use_case(c.AddDisputeNote)
    resolve_milestone = use_case(c.ResolveMilestone)
    propose_milestones = use_case(c.ProposeMilestones)
    answer_proposal = use_case(c.AnswerProposal)
    end_contract = use_case(c.EndContract)
    answer_end = use_case(c.AnswerEnd)
    ask_to_cancel_contract = use_case(c.AskToCancelContract)
    take_back_cancellation = use_case(c.TakeBackCancellation)
    answer_contract_cancellation = use_case(c.AnswerContractCancellation)
    send_contract_message = use_case(c.SendContractMessage)
    review_contract = use_case(c.ReviewContract)

    # --- time -----------------------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> TickReport:
        """Fire every due automatic transition and clear every due release, each once.

        Safe to run twice or from two processes: each step is a command of the system keyed
        by what it changes (the order's version, the release), so a second run finds it done.
        """
        when = self.clock.now() if now is None else now
        with self.storage.unit_of_work() as uow:  # what is due, read at once
            due_orders = uow.orders.due(when, limit=_TICK_BATCH)
            due_releases = uow.ledger.due_releases(when, limit=_TICK_BATCH)
            expiring = uow.requests.expiring(when, limit=_TICK_BATCH)
            expiring_projects = [
                (p, uow.projects.get(p).version)
                for p in uow.projects.expiring(when, limit=_TICK_BATCH)
            ]
            due_contracts = [
                (c, uow.contracts.get(c).version)
                for c in uow.contracts.due(when, limit=_TICK_BATCH)
            ]
            refills = []
            for member_id in uow.bid_credits.due(when, limit=_TICK_BATCH):
                found = uow.bid_credits.find(member_id)
                if found is not None:
                    refills.append((member_id, found.refills_at))
        # each queue in a plain loop: most ticks find most of them empty, and an empty loop
        # costs a test where sum() over a generator makes both first
        transitions = cleared = expired = projects_expired = contract_steps = refilled = 0
        for order_id in due_orders:
            transitions += self._tick_order(order_id, when)
        for release in due_releases:
            cleared += self._step(
                ClearRelease(
                    release.order_id,
                    release.seller_id,
                    release.amount,
                    key=f"clear:{release.order_id}",
                ),
                when,
            )
        for request_id in expiring:
            expired += self._step(ExpireRequest(request_id, key=f"expire:{request_id}"), when)
        evaluated = self.evaluate_levels(when)
        trending = self.refresh_trending(when)
        for project_id, version in expiring_projects:
            # by version: a project kept open by an offer expires once it is answered
            projects_expired += self._expire(project_id, version, when)
        for contract_id, version in due_contracts:
            contract_steps += self._step(
                FireContractTimer(contract_id, key=f"contract:{contract_id}:{version}"), when
            )
        for member_id, at in refills:
            refilled += self._step(
                RefillCredits(member_id, key=f"refill:{member_id}:{at.isoformat()}"), when
            )
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

    def _tick_order(self, order_id: OrderId, when: datetime) -> int:
        with self.storage.unit_of_work() as uow:
            order = uow.orders.get(order_id)
            event = order.due_event(when, self.policy.orders)
            key = f"tick:{order_id}:{order.version}"
        if event is None:
            return 0
        return self._step(FireTimer(order_id, event, key=key), when)

    def _expire(self, project_id: ProjectId, version: int, when: datetime) -> int:
        """1 if this process expired the project, 0 if it stays open or another did it."""
        try:
            expired = self._execute(
                ExpireProject(project_id, key=f"expire-project:{project_id}:{version}"), when
            )
        except (StaleWrite, IdempotencyConflict):
            return 0
        return int(expired)

    def _step(self, command: c.Command[None], when: datetime) -> int:
        """A system step (keyed by what it changes): 1 if this process did it, 0 if another did."""
        try:
            self._execute(command, when)
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
        if day == self._counted_day:
            return 0
        if self._recorded(f"{TIMERS}|{done_key}") is not None:
            self._counted_day = day
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
                RecountTrending(seller_id, tuple(services), day, key=f"trending:{seller_id}:{day}"),
                when,
            )
            for seller_id, services in trending.items()
        )
        self._execute(TrendingCounted(day, key=done_key), when)
        self._counted_day = day
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
                    EvaluateLevel(
                        seller_id, round_at, key=f"level:{seller_id}:{round_at.isoformat()}"
                    ),
                    when,
                )
                for seller_id in due
            )
            evaluated += done
            if len(due) < _TICK_BATCH or done == 0:
                return evaluated
