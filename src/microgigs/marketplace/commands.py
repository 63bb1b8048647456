"""The use cases as values: one frozen command per thing a member, an admin or the system does.

A host builds a command (by hand, or from JSON, a form or the shell with
:func:`structure_command`) and runs it with :meth:`~microgigs.marketplace.Marketplace.execute`;
``Marketplace``'s typed methods do exactly that. Each command's docstring lists the errors
it may raise besides the ones every command may raise:

* :class:`~microgigs.errors.InvalidType`: the actor is not an :class:`~microgigs.actors.Actor`
  (or a field has the wrong type);
* :class:`~microgigs.errors.InvalidText`: an idempotency key that is empty, longer than 200
  characters or holds control characters;
* :class:`~microgigs.errors.IdempotencyConflict`: the actor used the key before for another
  command or payload;
* :class:`~microgigs.errors.MemberSuspended`: a suspended member acting (see
  ``docs/decisions.md`` for what a suspended member may still do);
* :class:`~microgigs.errors.StaleWrite`: another command changed what this one read, at the
  same moment (retry with another key, or the same key: it ran once or not at all);
* :class:`~microgigs.errors.NotFound`, :class:`~microgigs.errors.PermissionDenied`;
* :class:`~microgigs.errors.StorageError`.

>>> from microgigs.ids import MemberId
>>> command = structure_command("checkout", {"actor": {"role": "member", "member_id": "01A"}})
>>> command == Checkout(Actor.member(MemberId("01A")))
True
"""

from __future__ import annotations

import difflib
import hashlib
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, Generic, TypeVar

import attrs

from microgigs._text import FieldPath, _
from microgigs.actors import Actor
from microgigs.catalog import Service
from microgigs.errors import (
    AlreadyReplied,
    BidChanged,
    BidExists,
    ConditionNotMet,
    ContactDetailsNotAllowed,
    ContractExists,
    CurrencyMismatch,
    DuplicateUpgrade,
    EmailNotVerified,
    EmailTaken,
    EmptyCart,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    InvalidEmail,
    InvalidIban,
    InvalidPhone,
    InvalidRefund,
    InvalidText,
    InvalidType,
    InvalidUsername,
    MemberNotSuspended,
    MemberSuspended,
    MicrogigsError,
    MilestonesMismatch,
    MissingField,
    NoBidCredits,
    NoPayoutMethod,
    NotFound,
    NotPositive,
    OfferExists,
    OutOfRange,
    OutsideBracket,
    OwnService,
    PaymentFailed,
    PermissionDenied,
    PriceChanged,
    PriceNotAllowed,
    ProjectStatusConflict,
    RatingsMismatch,
    RefundNotExpected,
    RequestClosed,
    ReservedName,
    ReviewNotAllowed,
    ServiceNotAvailable,
    ServiceStatusConflict,
    StaleWrite,
    StorageError,
    TooManyUpgrades,
    TransitionNotAllowed,
    UnitPriceTooHigh,
    UnknownChoice,
    UnknownUpgrade,
    UsernameTaken,
    ValidationError,
    WithdrawalSettled,
    WithdrawalTooSmall,
)
from microgigs.ids import (
    BidId,
    CategoryId,
    ContractId,
    InquiryId,
    MemberId,
    OfferId,
    OrderId,
    ProjectId,
    RequestId,
    ReviewId,
    ServiceId,
    UpgradeId,
    WithdrawalId,
)
from microgigs.ledger import Gateway
from microgigs.members import PayoutMethod
from microgigs.money import Money
from microgigs.orders import OrderEvent
from microgigs.projects import AspectRating, MilestonePlan, Resolution, Visibility
from microgigs.storage.codec import DOCUMENT, MONEY
from microgigs.storage.codec import converter as _converter

__all__ = [
    "COMMANDS",
    "EVERY_COMMAND",
    "Accept",
    "AcceptOffer",
    "AddDisputeNote",
    "AddFavourite",
    "AddToCart",
    "AnswerCancellation",
    "AnswerContractCancellation",
    "AnswerEnd",
    "AnswerInquiry",
    "AnswerOffer",
    "AnswerProposal",
    "ApproveMilestone",
    "Ask",
    "AskToCancelContract",
    "CancelLate",
    "CancelProject",
    "CancelWithdrawal",
    "ChangeQuantity",
    "Checkout",
    "CloseProject",
    "CloseRequest",
    "Command",
    "ContractCommand",
    "Decline",
    "Deliver",
    "DisputeMilestone",
    "EditBid",
    "EditProject",
    "EditService",
    "EndContract",
    "FundMilestone",
    "GrantProfessional",
    "HireBid",
    "MakeOffer",
    "ModerateProject",
    "ModerateRequest",
    "ModerateService",
    "NewUpgrade",
    "OrderCommand",
    "OrderNow",
    "PauseService",
    "PlaceBid",
    "PostProject",
    "PostRequest",
    "ProjectCommand",
    "ProposeMilestones",
    "PublishService",
    "RegisterMember",
    "ReinstateMember",
    "RemoveBid",
    "RemoveFavourite",
    "RemoveFromCart",
    "RemoveProfessional",
    "Reply",
    "ReportProblem",
    "RequestCancellation",
    "RequestChanges",
    "RequestModification",
    "RequestWithdrawal",
    "ResolveDispute",
    "ResolveMilestone",
    "ResumeService",
    "Review",
    "ReviewContract",
    "SendContractMessage",
    "SendMessage",
    "SendOffer",
    "ServiceCommand",
    "SetPayoutMethods",
    "SettleWithdrawal",
    "SubmitMilestone",
    "SubmitProject",
    "SuspendMember",
    "TakeBackCancellation",
    "TopUp",
    "UpdateProfile",
    "VerifyEmail",
    "WithdrawBid",
    "WithdrawOffer",
    "converter",
    "render_commands",
    "structure_command",
]

R = TypeVar("R")
T = TypeVar("T")
_LEFT_AS_THEY_ARE: Final = (tuple, str, bytes, Mapping)  # made once, not per command


def _as_tuple(values: Sequence[T]) -> tuple[T, ...]:
    """A caller's items (a list, a generator …) as a tuple, read once, before anything else.

    Text, a mapping or what is not iterable is left as it is, for the domain to refuse.
    """
    if type(values) is list:  # what most callers send: no need to ask the ABCs about it
        return tuple(values)
    if isinstance(values, _LEFT_AS_THEY_ARE) or not isinstance(values, Iterable):
        return values  # a tuple, or what the domain refuses
    return tuple(values)


# attrs converters, one per item type: a generic one would leave mypy nothing to check a list by
def _texts(values: Sequence[str]) -> tuple[str, ...]:
    return _as_tuple(values)


def _some_texts(values: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if values is None else _as_tuple(values)


def _upgrades(values: Sequence[NewUpgrade]) -> tuple[NewUpgrade, ...]:
    return _as_tuple(values)


def _some_upgrades(values: Sequence[NewUpgrade] | None) -> tuple[NewUpgrade, ...] | None:
    return None if values is None else _as_tuple(values)


def _upgrade_ids(values: Sequence[UpgradeId]) -> tuple[UpgradeId, ...]:
    return _as_tuple(values)


def _members(values: Sequence[MemberId]) -> tuple[MemberId, ...]:
    return _as_tuple(values)


def _some_members(values: Sequence[MemberId] | None) -> tuple[MemberId, ...] | None:
    return None if values is None else _as_tuple(values)


def _milestones(values: Sequence[MilestonePlan]) -> tuple[MilestonePlan, ...]:
    return _as_tuple(values)


def _ratings(values: Sequence[AspectRating]) -> tuple[AspectRating, ...]:
    return _as_tuple(values)


def _payout_methods(values: Sequence[PayoutMethod]) -> tuple[PayoutMethod, ...]:
    return _as_tuple(values)


_RAISES: Final = "May raise:"
_EVERY_FIELD: Final = ("actor", "key")  # left out of the table: every command has them
EVERY_COMMAND: Final = (
    InvalidType,
    InvalidText,
    IdempotencyConflict,
    MemberSuspended,
    StaleWrite,
    NotFound,
    PermissionDenied,
    StorageError,
)
"""What any command may raise (see the module's docstring for when)."""


@attrs.frozen
class Command(Generic[R]):
    """A use case's request; ``R`` is what running it returns.

    ``name`` is the command's name in the shell, the JSON API and the records of idempotency
    keys (``checkout``, ``publish_service``); ``actor`` says who asks; ``key``, given by
    keyword to any command, makes it idempotent for its actor (1–200 printable characters;
    ``None``: the command simply runs).
    """

    name: ClassVar[str]
    result: ClassVar[object]
    errors: ClassVar[tuple[type[MicrogigsError], ...]] = ()
    """What this command may raise besides what every command may (:data:`EVERY_COMMAND`)."""
    system_only: ClassVar[bool] = False
    """Only the system may run it (``tick``'s steps): anyone else is ``PermissionDenied``."""
    key_scope: ClassVar[str | None] = None
    """The namespace of this command's keys; ``None``: the actor's own."""
    if typing.TYPE_CHECKING:
        actor: Actor  # each command declares it where its fields put it
    key: str | None = attrs.field(default=None, kw_only=True)

    def scope(self) -> str | None:
        """The namespace of this command's key: :attr:`key_scope`, ``None`` for the actor's."""
        return self.key_scope

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            if isinstance(origin, type) and issubclass(origin, Command):
                cls.result = typing.get_args(base)[0]
                cls.name = "".join(
                    f"_{c.lower()}" if c.isupper() else c for c in cls.__name__
                ).lstrip("_")
        if cls.errors and cls.__doc__ and _RAISES not in cls.__doc__:
            # attrs makes a slotted copy of the class: the sentence is added once
            names = ", ".join(f"``{error.__name__}``" for error in cls.errors)
            cls.__doc__ = f"{cls.__doc__.rstrip()}\n\n    {_RAISES} {names}.\n"


@attrs.frozen
class NewUpgrade:
    """An upgrade (تطوير) a seller offers with a service: a title, a price, extra days.

    >>> NewUpgrade("تسليم خلال يوم", Money.of(5, "USD"), 0).extra_days
    0
    """

    title: str
    price: Money
    extra_days: int = 0


@attrs.frozen
class OrderCommand(Command[R]):
    """A command about one order: who acts, on which order."""

    actor: Actor
    order_id: OrderId


@attrs.frozen
class ServiceCommand(Command[R]):
    """A command about one service: who acts, on which service."""

    actor: Actor
    service_id: ServiceId


# --- members -------------------------------------------------------------------------------


@attrs.frozen
class RegisterMember(Command[MemberId]):
    """A new member (the host has verified identity and stored the password).

    The host registers on a visitor's behalf: its keys live in the namespace of the e-mail
    address registered, apart from the system's, every member's and other visitors': a
    visitor can neither block nor learn of a key sent to register another address.
    """

    errors = (
        InvalidUsername,
        InvalidEmail,
        InvalidPhone,
        InvalidText,
        ReservedName,
        UsernameTaken,
        EmailTaken,
    )

    username: str = attrs.field(kw_only=True)
    email: str = attrs.field(kw_only=True)
    first_name: str = attrs.field(kw_only=True)
    family_name: str = attrs.field(kw_only=True)
    phone: str | None = attrs.field(default=None, kw_only=True)
    actor: Actor = attrs.field(factory=Actor.system, kw_only=True)

    key_scope: ClassVar[str | None] = "guest"

    def scope(self) -> str:
        """The e-mail address registered (hashed, case and spaces folded) names the keys."""
        email: object = self.email  # a wrong type is the handler's to refuse, typed
        address = email.strip().casefold() if isinstance(email, str) else ""
        return f"guest:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


@attrs.frozen
class UpdateProfile(Command[None]):
    """A member changes the parts of their profile given (each checked first).

    A full name that reads as the site's team (``فريق الموقع``, ``admin`` …), a name given
    checked with the other: ``ReservedName``.
    """

    errors = (InvalidText, InvalidPhone, ContactDetailsNotAllowed, ReservedName)

    actor: Actor
    first_name: str | None = attrs.field(default=None, kw_only=True)
    family_name: str | None = attrs.field(default=None, kw_only=True)
    bio: str | None = attrs.field(default=None, kw_only=True)
    avatar: str | None = attrs.field(default=None, kw_only=True)
    phone: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class VerifyEmail(Command[None]):
    """Record that the host confirmed a member's address (its activation link).

    ``actor`` is the system (the host, on the member's click) or an admin.
    """

    errors = (PermissionDenied,)

    member_id: MemberId
    actor: Actor = attrs.field(factory=Actor.system, kw_only=True)


@attrs.frozen
class AcknowledgeEvents(Command[None]):
    """Mark domain events delivered: ``events()`` no longer returns them.

    A host's notifier reads ``events(actor)``, tells each event's people, then acknowledges
    what it told. ``actor`` is the system (the notifier) or an admin; at most 1,000 ids a
    call; an id of no event, or of one delivered already, is passed over.
    """

    errors = (PermissionDenied, InvalidType, OutOfRange)

    actor: Actor
    event_ids: tuple[str, ...] = attrs.field(converter=_texts)


@attrs.frozen
class SuspendMember(Command[None]):
    """An admin stops a member from buying and selling; their services leave the index."""

    errors = (PermissionDenied, InvalidText)

    actor: Actor
    member_id: MemberId
    reason: str


@attrs.frozen
class ReinstateMember(Command[None]):
    """An admin lets a suspended member trade again; their active services return."""

    errors = (PermissionDenied, MemberNotSuspended)

    actor: Actor
    member_id: MemberId


@attrs.frozen
class SetPayoutMethods(Command[None]):
    """Where the member's withdrawals go (PayPal first, as on Khamsat, if you like)."""

    errors = (InvalidEmail, InvalidIban, OutOfRange, ValidationError)

    actor: Actor
    methods: tuple[PayoutMethod, ...] = attrs.field(converter=_payout_methods)


@attrs.frozen
class AddPayoutMethod(Command[None]):
    """One more place the member's withdrawals may go, last in their list.

    Read and written in one unit of work: two added at once from two tabs are both kept
    (or the second is ``StaleWrite``), never one lost, as a read list written back loses it.
    """

    errors = (InvalidEmail, InvalidIban, InvalidType, OutOfRange, StaleWrite)

    actor: Actor
    method: PayoutMethod


@attrs.frozen
class RemovePayoutMethod(Command[None]):
    """Remove one of the member's payout methods, named by itself (kind and account).

    Not by its place in the list, which another tab's change moves. One the member no longer
    has is ``NotFound``.
    """

    errors = (NotFound, InvalidEmail, InvalidIban, InvalidType, StaleWrite)

    actor: Actor
    method: PayoutMethod


# --- the catalogue --------------------------------------------------------------------------


@attrs.frozen
class PublishService(Command[Service]):
    """A seller's new service, sent to review; returns it, with its upgrades' ids."""

    errors = (InvalidText, PriceNotAllowed, OutOfRange, TooManyUpgrades, NotFound, UnitPriceTooHigh)

    actor: Actor
    category_id: CategoryId = attrs.field(kw_only=True)
    title: str = attrs.field(kw_only=True)
    description: str = attrs.field(kw_only=True)
    instructions: str = attrs.field(kw_only=True)
    base_price: Money = attrs.field(kw_only=True)
    delivery_days: int = attrs.field(kw_only=True)
    upgrades: tuple[NewUpgrade, ...] = attrs.field(default=(), converter=_upgrades, kw_only=True)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)
    gallery: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)
    """References to the service's images or samples (a host's file addresses)."""


@attrs.frozen
class ModerateService(ServiceCommand[None]):
    """An admin approves a service (``reason=None``) or rejects it with a reason."""

    errors = (PermissionDenied, ServiceStatusConflict)

    reason: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class EditService(ServiceCommand[None]):
    """The seller changes a service; a published one leaves the index until reviewed.

    A rejected one, edited, goes back to review (its rejection reason cleared).

    Orders already placed keep their snapshot. ``upgrades`` replaces every upgrade; one
    sent back the same (title, price, days) keeps its id, so carts that chose it keep it. An
    edit that changes nothing leaves the service as it is, still listed. Errors: as
    :class:`PublishService`, and ``PermissionDenied`` (not the seller).
    """

    errors = (
        PermissionDenied,
        InvalidText,
        PriceNotAllowed,
        OutOfRange,
        TooManyUpgrades,
        ServiceStatusConflict,
        UnitPriceTooHigh,
    )

    title: str | None = attrs.field(default=None, kw_only=True)
    description: str | None = attrs.field(default=None, kw_only=True)
    instructions: str | None = attrs.field(default=None, kw_only=True)
    base_price: Money | None = attrs.field(default=None, kw_only=True)
    delivery_days: int | None = attrs.field(default=None, kw_only=True)
    upgrades: tuple[NewUpgrade, ...] | None = attrs.field(
        default=None, converter=_some_upgrades, kw_only=True
    )
    tags: tuple[str, ...] | None = attrs.field(default=None, converter=_some_texts, kw_only=True)
    gallery: tuple[str, ...] | None = attrs.field(default=None, converter=_some_texts, kw_only=True)


@attrs.frozen
class PauseService(ServiceCommand[None]):
    """The seller (or an admin) stops taking orders: the service leaves the index.

    An admin says why (``reason``, shown to the seller until the pause ends).
    """

    errors = (PermissionDenied, ServiceStatusConflict, InvalidText)

    reason: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class ResumeService(ServiceCommand[None]):
    """The seller takes orders again; an admin ends an admin's pause. Back in the index."""

    errors = (PermissionDenied, ServiceStatusConflict)


# --- money in, the cart and checkout -------------------------------------------------------------


@attrs.frozen
class TopUp(Command[None]):
    """Money paid in through a gateway onto the member's balance."""

    errors = (
        InvalidAmount,
        CurrencyMismatch,
        PaymentFailed,
        NotPositive,
        OutOfRange,
        EmailNotVerified,
    )

    actor: Actor
    amount: Money
    method: Gateway


@attrs.frozen
class AddToCart(ServiceCommand[None]):
    """Put a service in the buyer's cart with chosen upgrades and a quantity."""

    errors = (
        OwnService,
        ServiceNotAvailable,
        UnknownUpgrade,
        DuplicateUpgrade,
        OutOfRange,
        UnitPriceTooHigh,
    )

    upgrade_ids: tuple[UpgradeId, ...] = attrs.field(
        default=(), converter=_upgrade_ids, kw_only=True
    )
    quantity: int = attrs.field(default=1, kw_only=True)


@attrs.frozen
class ChangeQuantity(ServiceCommand[None]):
    """Order a cart line more or fewer times, its upgrades kept, in one step.

    An upgrade the seller has replaced since is ``UnknownUpgrade``: the line is chosen
    again from the service (``add_to_cart``).
    """

    errors = (
        NotFound,
        OwnService,
        ServiceNotAvailable,
        UnknownUpgrade,
        OutOfRange,
        UnitPriceTooHigh,
    )

    quantity: int


@attrs.frozen
class RemoveFromCart(ServiceCommand[None]):
    """Take a service out of the buyer's cart."""

    errors = (NotFound,)


@attrs.frozen
class AddFavourite(ServiceCommand[None]):
    """Save another seller's active service to the member's favourites."""

    errors = (OwnService, ServiceNotAvailable)


@attrs.frozen
class RemoveFavourite(ServiceCommand[None]):
    """Forget a saved service."""

    errors = (NotFound,)


@attrs.frozen
class Checkout(Command[list[OrderId]]):
    """Pay for the whole cart (balance, or a gateway) and place one order per line.

    A gateway is charged the total once per key; if it declines, nothing is written. Exactly
    one of several checkouts racing on one cart wins; the others get ``StaleWrite`` and their
    gateway charge is voided. ``expected_total``, the total the buyer was shown (the
    ``cart`` query's), makes a checkout whose total has changed since (a seller's new
    price) ``PriceChanged``, charging and writing nothing.
    """

    errors = (
        EmptyCart,
        NotFound,
        ServiceNotAvailable,
        UnknownUpgrade,
        InsufficientFunds,
        PaymentFailed,
        PriceChanged,
        EmailNotVerified,
    )

    actor: Actor
    method: Gateway | None = None
    expected_total: Money | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class OrderNow(ServiceCommand[OrderId]):
    """Buy one service at once, without the cart (balance, or a gateway).

    ``expected_total``, the total the buyer was shown, makes a purchase whose price has
    changed since ``PriceChanged``, charging and writing nothing.
    """

    errors = (
        OwnService,
        ServiceNotAvailable,
        UnknownUpgrade,
        DuplicateUpgrade,
        OutOfRange,
        UnitPriceTooHigh,
        InsufficientFunds,
        PaymentFailed,
        PriceChanged,
        EmailNotVerified,
    )

    upgrade_ids: tuple[UpgradeId, ...] = attrs.field(
        default=(), converter=_upgrade_ids, kw_only=True
    )
    quantity: int = attrs.field(default=1, kw_only=True)
    method: Gateway | None = attrs.field(default=None, kw_only=True)
    expected_total: Money | None = attrs.field(default=None, kw_only=True)


# --- the order -----------------------------------------------------------------------------------


@attrs.frozen
class SendMessage(OrderCommand[None]):
    """Write in the order; the buyer's first message carries the instructions."""

    errors = (
        ContactDetailsNotAllowed,
        InvalidText,
        OutOfRange,
        TransitionNotAllowed,
        PermissionDenied,
    )

    body: str
    attachments: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen
class Deliver(OrderCommand[None]):
    """The seller delivers, with a message and files."""

    errors = (
        TransitionNotAllowed,
        PermissionDenied,
        ContactDetailsNotAllowed,
        InvalidText,
        OutOfRange,
    )

    body: str
    attachments: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen
class RequestModification(OrderCommand[None]):
    """The buyer asks for changes to a delivery."""

    errors = (TransitionNotAllowed, PermissionDenied, InvalidText, ContactDetailsNotAllowed)

    reason: str


@attrs.frozen
class ReportProblem(OrderCommand[None]):
    """The buyer reports a problem: the order is disputed until an admin decides."""

    errors = (TransitionNotAllowed, PermissionDenied, InvalidText, ContactDetailsNotAllowed)

    reason: str


@attrs.frozen
class Accept(OrderCommand[None]):
    """The buyer accepts the delivery: the order completes and the money is released."""

    errors = (TransitionNotAllowed, PermissionDenied)


@attrs.frozen
class CancelLate(OrderCommand[None]):
    """The buyer cancels an order whose seller is late: the money goes back."""

    errors = (ConditionNotMet, TransitionNotAllowed, PermissionDenied)


@attrs.frozen
class Decline(OrderCommand[None]):
    """The seller declines an order: all the money goes back to the buyer.

    While it awaits instructions or is in progress, a round of modifications included.
    """

    errors = (TransitionNotAllowed, PermissionDenied, InvalidText, ContactDetailsNotAllowed)

    reason: str | None = None


@attrs.frozen
class RequestCancellation(OrderCommand[None]):
    """Either side asks to cancel by agreement (accepted by ``tick`` if left unanswered)."""

    errors = (ConditionNotMet, TransitionNotAllowed, PermissionDenied, ContactDetailsNotAllowed)

    reason: str | None = None


@attrs.frozen
class AnswerCancellation(OrderCommand[None]):
    """The other side agrees (the money goes back) or refuses (the work goes on)."""

    errors = (ConditionNotMet, TransitionNotAllowed, PermissionDenied)

    agree: bool = attrs.field(kw_only=True)


@attrs.frozen
class ResolveDispute(OrderCommand[None]):
    """An admin closes a dispute: complete it, refund it all, or refund ``refund`` of it.

    ``outcome`` is ``RESOLVE_COMPLETE``, ``RESOLVE_FULL_REFUND`` or
    ``RESOLVE_PARTIAL_REFUND`` (any other event is ``InvalidType``, whoever sends it); a
    partial refund releases the rest to the seller, with commission on the rest only.
    ``reason``, if given, is the decision's text in the order's history, which both parties
    read (1–2,000 characters, else ``InvalidText``). Anyone but an admin:
    ``PermissionDenied``.
    """

    errors = (
        InvalidRefund,
        RefundNotExpected,
        TransitionNotAllowed,
        PermissionDenied,
        InvalidType,
        InvalidText,
    )

    outcome: OrderEvent
    refund: Money | None = None
    reason: str | None = None


# --- requests for services that don't exist, inquiries, reviews ------------------------------


@attrs.frozen
class PostRequest(Command[RequestId]):
    """A buyer asks for a service nobody offers yet (reviewed before it is shown)."""

    errors = (InvalidText, PriceNotAllowed, NotFound, ContactDetailsNotAllowed)

    actor: Actor
    category_id: CategoryId = attrs.field(kw_only=True)
    title: str = attrs.field(kw_only=True)
    description: str = attrs.field(kw_only=True)
    budget: Money | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class ModerateRequest(Command[None]):
    """An admin shows a request (``reason=None``) or rejects it with a reason."""

    errors = (PermissionDenied, ServiceStatusConflict, InvalidText)

    actor: Actor
    request_id: RequestId
    reason: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class MakeOffer(Command[OfferId]):
    """A seller offers one of their active services, or a custom price and delivery."""

    errors = (
        RequestClosed,
        OfferExists,
        ServiceNotAvailable,
        PriceNotAllowed,
        ContactDetailsNotAllowed,
        OwnService,
        OutOfRange,
    )

    actor: Actor
    request_id: RequestId
    message: str
    service_id: ServiceId | None = attrs.field(default=None, kw_only=True)
    price: Money | None = attrs.field(default=None, kw_only=True)
    delivery_days: int | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class AcceptOffer(Command[OrderId]):
    """The buyer takes an offer: it becomes an order, paid into escrow (balance, or a gateway).

    ``expected_total``, the total the buyer was shown, makes an acceptance whose total has
    changed since ``PriceChanged``, charging and writing nothing.
    """

    errors = (
        RequestClosed,
        InsufficientFunds,
        PaymentFailed,
        PriceChanged,
        ServiceNotAvailable,
        EmailNotVerified,
    )

    actor: Actor
    request_id: RequestId
    offer_id: OfferId
    method: Gateway | None = attrs.field(default=None, kw_only=True)
    expected_total: Money | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class CloseRequest(Command[None]):
    """The buyer withdraws a request."""

    errors = (PermissionDenied, RequestClosed, ServiceStatusConflict)

    actor: Actor
    request_id: RequestId


@attrs.frozen
class Ask(ServiceCommand[InquiryId]):
    """A buyer's question about a service before buying (the same inquiry if asked again)."""

    errors = (OwnService, ServiceNotAvailable, ContactDetailsNotAllowed, InvalidText, OutOfRange)

    body: str


@attrs.frozen
class AnswerInquiry(Command[None]):
    """The seller's (or the buyer's) next message in an inquiry."""

    errors = (PermissionDenied, ContactDetailsNotAllowed, InvalidText, OutOfRange)

    actor: Actor
    inquiry_id: InquiryId
    body: str


@attrs.frozen
class Review(OrderCommand[ReviewId]):
    """The buyer's review of a completed order; the service's rating moves at once."""

    errors = (ReviewNotAllowed, OutOfRange, InvalidText, PermissionDenied, ContactDetailsNotAllowed)

    stars: int = attrs.field(kw_only=True)
    comment: str = attrs.field(kw_only=True)


@attrs.frozen
class Reply(Command[None]):
    """The seller's one reply to a review."""

    errors = (AlreadyReplied, PermissionDenied, InvalidText, ContactDetailsNotAllowed)

    actor: Actor
    review_id: ReviewId
    text: str


# --- payouts and levels ------------------------------------------------------------------------


@attrs.frozen
class RequestWithdrawal(Command[WithdrawalId]):
    """The seller sets available earnings aside for a payout (at least the minimum).

    The money goes to ``method``, one of the seller's payout methods (``None``: the first
    of them); the withdrawal waits in the payout queue until :class:`SettleWithdrawal`.
    """

    errors = (
        NoPayoutMethod,
        NotFound,
        InvalidEmail,
        InvalidIban,
        EmailNotVerified,
        WithdrawalTooSmall,
        NotPositive,
        CurrencyMismatch,
        InsufficientFunds,
    )

    actor: Actor
    amount: Money
    method: PayoutMethod | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class CancelWithdrawal(Command[None]):
    """The seller takes back a withdrawal not yet paid out: the money is available again.

    A stolen or closed payout account is stopped this way; once the payout provider has
    answered, it is settled and cannot be cancelled.
    """

    errors = (PermissionDenied, NotFound, WithdrawalSettled)

    actor: Actor
    withdrawal_id: WithdrawalId


@attrs.frozen
class SettleWithdrawal(Command[None]):
    """The payout provider's answer to a withdrawal, recorded by an admin or the system.

    Paid, the money leaves the platform; failed, it is available to the seller again. A
    withdrawal is settled once.
    """

    errors = (PermissionDenied, NotFound, WithdrawalSettled)

    actor: Actor
    withdrawal_id: WithdrawalId
    paid: bool = attrs.field(kw_only=True)


@attrs.frozen
class GrantProfessional(Command[None]):
    """An admin grants a seller the professional level."""

    errors = (PermissionDenied,)

    actor: Actor
    seller_id: MemberId


@attrs.frozen
class RemoveProfessional(Command[None]):
    """An admin removes the professional level.

    The seller falls to the level their latest evaluation earned (level 1 if never
    evaluated).
    """

    errors = (PermissionDenied,)

    actor: Actor
    seller_id: MemberId


# --- project mode (RULES.md §11) -----------------------------------------------------------------


@attrs.frozen
class ProjectCommand(Command[R]):
    """A command about one project: who acts, on which project."""

    actor: Actor
    project_id: ProjectId


@attrs.frozen
class ContractCommand(Command[R]):
    """A command about one contract: who acts, on which contract."""

    moves_work: ClassVar[bool] = False
    """It moves the work or its money on (funding, submitting, approving, changing the
    milestones, writing): a suspended member may not send it (``MemberSuspended``). The rest
    unwind or judge the contract (answering an offer, ending, cancelling, disputing,
    reviewing), which a suspended party still may."""
    actor: Actor
    contract_id: ContractId


_PROJECT_TERMS: Final = (InvalidText, OutOfRange, ContactDetailsNotAllowed)


@attrs.frozen
class PostProject(Command[ProjectId]):
    """A client's new project: a draft, or (``submit``) sent to review at once.

    ``bracket`` is the index of the budget bracket in the policy's ``projects.brackets``;
    a private project (``visibility``) takes bids from the ``invited`` freelancers only.
    """

    errors = (*_PROJECT_TERMS, NotFound)
    actor: Actor
    category_id: CategoryId = attrs.field(kw_only=True)
    title: str = attrs.field(kw_only=True)
    description: str = attrs.field(kw_only=True)
    bracket: int = attrs.field(kw_only=True)
    duration_days: int = attrs.field(kw_only=True)
    skills: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)
    questions: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)
    visibility: Visibility = attrs.field(default=Visibility.PUBLIC, kw_only=True)
    invited: tuple[MemberId, ...] = attrs.field(default=(), converter=_members, kw_only=True)
    hires_allowed: int = attrs.field(default=1, kw_only=True)
    attachments: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)
    submit: bool = attrs.field(default=True, kw_only=True)


@attrs.frozen
class EditProject(ProjectCommand[None]):
    """The client rewrites a draft or rejected project (the fields given; then submit it)."""

    errors = (*_PROJECT_TERMS, ProjectStatusConflict, PermissionDenied)
    title: str | None = attrs.field(default=None, kw_only=True)
    description: str | None = attrs.field(default=None, kw_only=True)
    category_id: CategoryId | None = attrs.field(default=None, kw_only=True)
    bracket: int | None = attrs.field(default=None, kw_only=True)
    duration_days: int | None = attrs.field(default=None, kw_only=True)
    skills: tuple[str, ...] | None = attrs.field(default=None, converter=_some_texts, kw_only=True)
    questions: tuple[str, ...] | None = attrs.field(
        default=None, converter=_some_texts, kw_only=True
    )
    visibility: Visibility | None = attrs.field(default=None, kw_only=True)
    invited: tuple[MemberId, ...] | None = attrs.field(
        default=None, converter=_some_members, kw_only=True
    )
    hires_allowed: int | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class SubmitProject(ProjectCommand[None]):
    """The client sends a draft, or a rejected project after editing it, to review."""

    errors = (ProjectStatusConflict, PermissionDenied)


@attrs.frozen
class ModerateProject(ProjectCommand[None]):
    """An admin opens a project for bids (``reason=None``) or rejects it with a reason."""

    errors = (ProjectStatusConflict, PermissionDenied, InvalidText)
    reason: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class CloseProject(ProjectCommand[None]):
    """The client stops taking bids (in progress if it hired someone, closed if not)."""

    errors = (ProjectStatusConflict, PermissionDenied)


@attrs.frozen
class CancelProject(ProjectCommand[None]):
    """The client gives the project up before hiring; every live bid's credit goes back."""

    errors = (ProjectStatusConflict, PermissionDenied)


@attrs.frozen
class PlaceBid(ProjectCommand[BidId]):
    """A freelancer's bid (one live bid per project), paid with one of the month's credits."""

    errors = (
        BidExists,
        NoBidCredits,
        OutsideBracket,
        ProjectStatusConflict,
        ContactDetailsNotAllowed,
        InvalidText,
        OutOfRange,
    )
    amount: Money = attrs.field(kw_only=True)
    delivery_days: int = attrs.field(kw_only=True)
    text: str = attrs.field(kw_only=True)
    answers: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)
    attachments: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)


@attrs.frozen
class EditBid(ProjectCommand[None]):
    """The freelancer rewrites a pending bid while the project is open."""

    errors = (
        OutsideBracket,
        ProjectStatusConflict,
        ContactDetailsNotAllowed,
        InvalidText,
        OutOfRange,
    )
    bid_id: BidId
    amount: Money = attrs.field(kw_only=True)
    delivery_days: int = attrs.field(kw_only=True)
    text: str = attrs.field(kw_only=True)
    answers: tuple[str, ...] = attrs.field(default=(), converter=_texts, kw_only=True)


@attrs.frozen
class WithdrawBid(ProjectCommand[None]):
    """The freelancer takes a pending bid back (its credit stays spent)."""

    errors = (ProjectStatusConflict,)
    bid_id: BidId


@attrs.frozen
class RemoveBid(ProjectCommand[None]):
    """Moderation removes a pending bid; the freelancer gets the credit back."""

    errors = (ProjectStatusConflict,)
    bid_id: BidId


@attrs.frozen
class HireBid(ProjectCommand[ContractId]):
    """The client offers a contract on a bid's terms, in milestones (none: one, the whole).

    ``expected_amount`` and ``expected_days``, the bid's terms the client was shown, make a
    hire on a bid its freelancer edited since ``BidChanged``, offering nothing.
    """

    errors = (
        ProjectStatusConflict,
        ContractExists,
        MilestonesMismatch,
        BidChanged,
        InvalidText,
        ContactDetailsNotAllowed,
    )
    bid_id: BidId
    milestones: tuple[MilestonePlan, ...] = attrs.field(
        default=(), converter=_milestones, kw_only=True
    )
    expected_amount: Money | None = attrs.field(default=None, kw_only=True)
    expected_days: int | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class SendOffer(ProjectCommand[ContractId]):
    """The client offers a freelancer a contract directly (a private offer)."""

    errors = (
        ProjectStatusConflict,
        ContractExists,
        MilestonesMismatch,
        OutsideBracket,
        OutOfRange,
        InvalidText,
        ContactDetailsNotAllowed,
    )
    freelancer_id: MemberId
    amount: Money = attrs.field(kw_only=True)
    delivery_days: int = attrs.field(kw_only=True)
    milestones: tuple[MilestonePlan, ...] = attrs.field(
        default=(), converter=_milestones, kw_only=True
    )


@attrs.frozen
class AnswerOffer(ContractCommand[None]):
    """The freelancer accepts the offered contract (it starts) or declines it."""

    errors = (ProjectStatusConflict,)
    accept: bool = attrs.field(kw_only=True)


@attrs.frozen
class WithdrawOffer(ContractCommand[None]):
    """The client takes back an offer the freelancer has not answered yet.

    The contract is withdrawn (nothing was paid: offers hold no money); a hired bid is
    pending again, so the client may hire it or another while the project takes bids; a
    private offer may be sent again. Past the offer's lifetime it has lapsed: refused.
    """

    errors = (ProjectStatusConflict,)


@attrs.frozen
class FundMilestone(ContractCommand[None]):
    """The client pays a milestone into its escrow (balance, or a gateway): work may start."""

    moves_work = True
    errors = (ProjectStatusConflict, InsufficientFunds, PaymentFailed, EmailNotVerified)
    number: int
    method: Gateway | None = None


@attrs.frozen
class SubmitMilestone(ContractCommand[None]):
    """The freelancer submits a funded milestone's work, with files."""

    moves_work = True
    errors = (ProjectStatusConflict, ContactDetailsNotAllowed, InvalidText, OutOfRange)
    number: int
    note: str
    attachments: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen
class RequestChanges(ContractCommand[None]):
    """The client asks for changes to a submission (its approval timer stops).

    Before its days for an answer are over, at most ``CHANGE_REQUESTS_MAX`` (10) times a
    milestone: then it is approved or disputed.
    """

    moves_work = True
    errors = (ProjectStatusConflict, ContactDetailsNotAllowed, InvalidText, OutOfRange)
    number: int
    note: str


@attrs.frozen
class ApproveMilestone(ContractCommand[None]):
    """The client approves a milestone: it is released to the freelancer, less commission."""

    moves_work = True
    errors = (ProjectStatusConflict,)
    number: int


@attrs.frozen
class DisputeMilestone(ContractCommand[None]):
    """Either side disputes a milestone holding money; an admin decides it."""

    errors = (ProjectStatusConflict, InvalidText, ContactDetailsNotAllowed)
    number: int
    reason: str


@attrs.frozen
class AddDisputeNote(ContractCommand[None]):
    """Either side adds its word, with files, to a disputed milestone, for the admin to read.

    The other side's answer, or more from the side that opened the dispute: at most
    ``DISPUTE_NOTES_MAX`` (10) notes a side in one dispute. The milestone stays disputed.
    """

    errors = (ProjectStatusConflict, InvalidText, ContactDetailsNotAllowed, OutOfRange)
    number: int
    note: str
    attachments: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen
class ResolveMilestone(ContractCommand[None]):
    """An admin releases a disputed milestone, refunds it, or refunds ``refund`` of it.

    ``reason``, optional, says why: both sides read it in the milestone's history.
    """

    errors = (
        ProjectStatusConflict,
        InvalidRefund,
        RefundNotExpected,
        InvalidText,
        ContactDetailsNotAllowed,
    )
    number: int
    resolution: Resolution
    refund: Money | None = None
    reason: str = ""


@attrs.frozen
class ProposeMilestones(ContractCommand[None]):
    """Either side proposes new unfunded milestones, for the other to agree to."""

    moves_work = True
    errors = (ProjectStatusConflict, MilestonesMismatch, InvalidText, ContactDetailsNotAllowed)
    milestones: tuple[MilestonePlan, ...] = attrs.field(converter=_milestones)


@attrs.frozen
class AnswerProposal(ContractCommand[None]):
    """The other side agrees to the proposed milestones, or turns them down."""

    moves_work = True
    errors = (ProjectStatusConflict,)
    agree: bool = attrs.field(kw_only=True)


@attrs.frozen
class EndContract(ContractCommand[None]):
    """The client ends the contract early; the money held goes back once settled."""

    errors = (ProjectStatusConflict, InvalidText, ContactDetailsNotAllowed)
    reason: str


@attrs.frozen
class AnswerEnd(ContractCommand[None]):
    """The freelancer agrees to the early end (refunds) or disputes what is held.

    A dispute says why (``reason``, required with ``agree=False``): it is noted on each
    milestone disputed, for the admin who decides.
    """

    errors = (ProjectStatusConflict, ContactDetailsNotAllowed, InvalidText)
    agree: bool = attrs.field(kw_only=True)
    reason: str | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class AskToCancelContract(ContractCommand[None]):
    """Either side asks to cancel the contract by agreement."""

    errors = (ProjectStatusConflict,)


@attrs.frozen
class TakeBackCancellation(ContractCommand[None]):
    """The side who asked to cancel takes the request back.

    The other side taking it is ``PermissionDenied``; none open, ``ProjectStatusConflict``.
    """

    errors = (PermissionDenied, ProjectStatusConflict)


@attrs.frozen
class AnswerContractCancellation(ContractCommand[None]):
    """The other side agrees to cancel (the money held goes back) or refuses.

    Answering one's own request is ``PermissionDenied``; none open, ``ProjectStatusConflict``.
    """

    errors = (ProjectStatusConflict, PermissionDenied)
    agree: bool = attrs.field(kw_only=True)


@attrs.frozen
class SendContractMessage(ContractCommand[None]):
    """Either party writes in the contract's conversation, with files, at any time."""

    moves_work = True
    errors = (ContactDetailsNotAllowed, InvalidText, OutOfRange, PermissionDenied)

    body: str
    attachments: tuple[str, ...] = attrs.field(default=(), converter=_texts)


@attrs.frozen
class ReviewContract(ContractCommand[None]):
    """One side reviews the other after the contract (the client six aspects, 1–5 each).

    The two reviews are published together, or when the window closes.
    """

    errors = (
        ProjectStatusConflict,
        RatingsMismatch,
        OutOfRange,
        InvalidText,
        ContactDetailsNotAllowed,
    )
    ratings: tuple[AspectRating, ...] = attrs.field(converter=_ratings)
    comment: str = ""


COMMANDS: Final[Mapping[str, type[Command[Any]]]] = {  # type: ignore[explicit-any]
    command.name: command
    for command in (
        RegisterMember,
        UpdateProfile,
        VerifyEmail,
        AcknowledgeEvents,
        SuspendMember,
        ReinstateMember,
        SetPayoutMethods,
        AddPayoutMethod,
        RemovePayoutMethod,
        PublishService,
        ModerateService,
        EditService,
        PauseService,
        ResumeService,
        TopUp,
        AddToCart,
        ChangeQuantity,
        RemoveFromCart,
        AddFavourite,
        RemoveFavourite,
        Checkout,
        OrderNow,
        SendMessage,
        Deliver,
        RequestModification,
        ReportProblem,
        Accept,
        CancelLate,
        Decline,
        RequestCancellation,
        AnswerCancellation,
        ResolveDispute,
        PostRequest,
        ModerateRequest,
        MakeOffer,
        AcceptOffer,
        CloseRequest,
        Ask,
        AnswerInquiry,
        Review,
        Reply,
        RequestWithdrawal,
        CancelWithdrawal,
        SettleWithdrawal,
        GrantProfessional,
        RemoveProfessional,
        PostProject,
        EditProject,
        SubmitProject,
        ModerateProject,
        CloseProject,
        CancelProject,
        PlaceBid,
        EditBid,
        WithdrawBid,
        RemoveBid,
        HireBid,
        SendOffer,
        AnswerOffer,
        WithdrawOffer,
        FundMilestone,
        SubmitMilestone,
        RequestChanges,
        ApproveMilestone,
        DisputeMilestone,
        AddDisputeNote,
        ResolveMilestone,
        ProposeMilestones,
        AnswerProposal,
        EndContract,
        AnswerEnd,
        AskToCancelContract,
        TakeBackCancellation,
        AnswerContractCancellation,
        SendContractMessage,
        ReviewContract,
    )
}
"""Every command a member or an admin sends, by name (``tick`` is the system's own)."""


converter = _converter
"""The library's one cattrs converter (``microgigs.storage.codec``'s), for hosts: it reads
commands with :func:`structure_command` and writes results (``converter.unstructure``).
"""


_UNSTRUCTURED: Final = (TypeError, ValueError, KeyError, AttributeError, RecursionError,
                        ArithmeticError)  # fmt: skip
"""What the converter raises on a value it cannot read (besides microgigs' own errors)."""


def structure_command(name: str, fields: Mapping[str, object]) -> Command[Any]:  # type: ignore[explicit-any]
    """The command ``name`` built from plain values (JSON, a form, the shell's ``key=value``).

    Money is ``{"minor": 500, "currency": "USD"}``, an actor ``{"role": "member",
    "member_id": "..."}``, enums by value. A field of the wrong type or an unknown field:
    :class:`~microgigs.errors.InvalidType`; a missing field: its subclass
    :class:`~microgigs.errors.MissingField`, naming every missing one; an unknown name:
    :class:`~microgigs.errors.NotFound` (its key says the nearest names).
    """
    if not isinstance(name, str):
        raise InvalidType(field=_("command"), expected=_("a name"), actual=type(name).__name__)
    kind = COMMANDS.get(name)
    if kind is None:
        near = difflib.get_close_matches(name, COMMANDS, n=3)
        raise NotFound(kind=_("command"), key=f"{name[:60]} ({', '.join(near) or '-'})")
    if not isinstance(fields, Mapping):
        raise InvalidType(field=name, expected=_("an object"), actual=type(fields).__name__)
    known = attrs.fields_dict(kind)
    unknown = sorted(str(key)[:40] for key in fields if key not in known)
    if unknown:
        raise InvalidType(field=name, expected=_describe(kind), actual=", ".join(unknown[:5]))
    missing = [
        field.name
        for field in known.values()
        if field.default is attrs.NOTHING and field.name not in fields
    ]
    if missing:
        raise MissingField(field=name, expected=_describe(kind), actual=", ".join(missing))
    try:
        _refuse_unknown_inside(name, kind, fields)
    except RecursionError as error:  # nested deeper than any record: the field that is
        raise _refused_field(name, kind, fields, error) from None
    try:
        return _converter.structure(dict(fields), kind)
    except MicrogigsError as error:
        if not isinstance(error, InvalidType):
            raise  # a value's own typed refusal (an unknown currency, an amount): as it is
        raise _refused_field(name, kind, fields, error) from None
    except _UNSTRUCTURED as error:
        raise _refused_field(name, kind, fields, error) from None


def _refuse_unknown_inside(name: str, kind: type, fields: Mapping[str, object]) -> None:
    """``InvalidType`` for a field unknown to a record inside a command's fields.

    The converter would leave it out, and a misspelt field would be lost without a word.
    """
    for field in attrs.fields(attrs.resolve_types(kind)):
        found = _unknown_inside(fields.get(field.name), field.type)
        if found is not None:
            record, unknown = found
            where = f"{name}.{field.name}"
            raise InvalidType(field=where, expected=_describe(record), actual=", ".join(unknown))


def _unknown_inside(value: object, kind: object) -> tuple[type, list[str]] | None:
    """A record inside ``value`` (of type ``kind``) with fields its class does not have.

    Its class and those fields' names, or ``None``: records are looked for in objects, lists
    of them, and the records' own fields (a list of milestones, an amount as an object).
    """
    args = typing.get_args(kind)
    if isinstance(value, Mapping):
        record = next((t for t in (kind, *args) if isinstance(t, type) and attrs.has(t)), None)
        if record is None:
            return None  # an object that is no record (none of the commands' fields today)
        fields = attrs.fields(attrs.resolve_types(record))
        known = {field.alias or field.name: field for field in fields}
        unknown = sorted(str(key)[:40] for key in value if key not in known)
        if unknown:
            return record, unknown[:5]
        for key, inner in value.items():
            found = _unknown_inside(inner, known[key].type)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            for inner_kind in args or (kind,):
                found = _unknown_inside(item, inner_kind)
                if found is not None:
                    return found
    return None


def _refused_field(
    name: str, kind: type, fields: Mapping[str, object], error: BaseException
) -> InvalidType:
    """The error naming the field whose value did not structure: ``hire_bid.milestones``."""
    for field in attrs.fields(attrs.resolve_types(kind)):
        if field.name not in fields or field.type is None:
            continue
        where = f"{name}.{field.name}"
        nested = next((t for t in (field.type, *typing.get_args(field.type)) if attrs.has(t)), None)
        expected = _describe(nested) if nested is not None else str(field.type)
        try:
            _converter.structure(fields[field.name], field.type)
        except InvalidType as inner:  # the same error (UnknownChoice keeps its choices)
            # inside a record (a milestone's amount), the part it names too: "…: minor units"
            # (not a whole value's own name, nor an enum's class: the field says those)
            inside = (
                nested is not None
                and inner.field not in (DOCUMENT, MONEY)
                and not isinstance(inner, UnknownChoice)
            )
            return attrs.evolve(inner, field=FieldPath.of(where, inner.field) if inside else where)
        except MicrogigsError:
            continue  # the whole command's structuring would have raised it as it is
        except KeyError as inner:  # of the record inside that lacks it (an amount's currency)
            missing = str(inner.args[0])
            holder = _holding(field.type, missing)
            described = expected if holder is None else _describe(holder)
            return MissingField(field=where, expected=described, actual=missing)
        except _UNSTRUCTURED:
            return InvalidType(field=where, expected=expected, actual=_shape(fields[field.name]))
    return InvalidType(field=name, expected=_describe(kind), actual=str(error)[:200])


def _holding(kind: object, name: str, seen: frozenset[object] = frozenset()) -> type | None:
    """The record inside ``kind`` (itself, an item's, a field's, at any depth) with ``name``."""
    for inner in (kind, *typing.get_args(kind)):
        if not (isinstance(inner, type) and attrs.has(inner)) or inner in seen:
            continue
        fields = attrs.fields(attrs.resolve_types(inner))
        if any((f.alias or f.name) == name for f in fields):
            return inner
        for f in fields:
            found = _holding(f.type, name, seen | {inner})
            if found is not None:
                return found
    return None


def _shape(value: object) -> str:
    """What a caller sent, as a message says it: "a list of int", "an object", "str".

    Python's own words for a value that did not structure ("'int' object is not
    subscriptable") say nothing to the caller, and nothing in Arabic.
    """
    if isinstance(value, list | tuple):
        kinds = sorted({type(item).__name__ for item in value})
        return f"a list of {', '.join(kinds[:3])}" if kinds else "an empty list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _describe(kind: type) -> str:
    return ", ".join(
        f"{field.name}" + ("" if field.default is attrs.NOTHING else "?")
        for field in attrs.fields(kind)
        if field.name != "key"  # the caller's idempotency key, sent beside the fields
    )


def render_commands() -> str:
    """The commands as a Markdown table: name, fields, what each may raise.

    A field is written ``name=`` when it is given by keyword, and ends in ``?`` when it is
    optional.

    ``docs/marketplace.md`` holds this table; a test keeps the two the same.
    """
    lines = ["| command | fields | may raise, besides every command's |", "|---|---|---|"]
    for name, kind in COMMANDS.items():
        fields = " ".join(
            f.name + ("=" if f.kw_only else "") + ("" if f.default is attrs.NOTHING else "?")
            for f in attrs.fields(kind)
            if f.name not in _EVERY_FIELD
        )
        raises = ", ".join(f"`{error.__name__}`" for error in kind.errors)
        lines.append(f"| `{name}` | {fields} | {raises} |")
    return "\n".join(lines)
