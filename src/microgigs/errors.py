"""Every error microgigs raises, one tree under :class:`MicrogigsError`.

Each error keeps its context as typed attributes, has a stable machine-readable ``code``
(safe to match on in a host, safe to send to a client) and an English message template whose
Arabic translation lives in the gettext catalogs (:func:`microgigs.l10n.translate_error`).
``str(error)`` is the English message. Where an error is also a builtin kind of error
(``ValueError``, ``TypeError``, ``LookupError``, ``PermissionError``) it subclasses that
builtin too, so ``except ValueError`` keeps working in a host.

The tree (``tests/test_errors.py`` checks that it matches the classes)::

    MicrogigsError
    ├── CatalogError (ValueError)
    │   ├── EmptyCart
    │   ├── OfferExists
    │   ├── OwnService
    │   ├── RequestClosed
    │   ├── ServiceNotAvailable
    │   └── ServiceStatusConflict
    ├── ConflictError
    │   ├── BidChanged
    │   ├── IdempotencyConflict (ValueError)
    │   ├── PriceChanged
    │   └── StaleWrite
    ├── LedgerError (ValueError)
    │   ├── InsufficientFunds
    │   ├── TransactionExists
    │   ├── UnbalancedTransaction
    │   ├── UnknownAccount
    │   ├── WithdrawalSettled
    │   └── WithdrawalTooSmall
    ├── MemberError (ValueError)
    │   ├── EmailNotVerified
    │   ├── EmailTaken
    │   ├── InvalidEmail
    │   ├── InvalidIban
    │   ├── InvalidPhone
    │   ├── InvalidUsername
    │   ├── MemberNotSuspended
    │   ├── MemberSuspended
    │   ├── NoPayoutMethod
    │   ├── ReservedName
    │   └── UsernameTaken
    ├── MoneyError (ValueError)
    │   ├── CurrencyMismatch
    │   ├── InvalidAmount
    │   ├── InvalidRatios
    │   └── UnknownCurrency
    ├── NotFound (LookupError)
    ├── OrderError (ValueError)
    │   ├── ConditionNotMet
    │   ├── ContactDetailsNotAllowed
    │   ├── InvalidRefund
    │   └── TransitionNotAllowed
    ├── PaymentError
    │   └── PaymentFailed
    ├── PermissionDenied (PermissionError)
    ├── PricingError (ValueError)
    │   ├── DuplicateUpgrade
    │   ├── PriceNotAllowed
    │   ├── TooManyUpgrades
    │   ├── UnitPriceTooHigh
    │   └── UnknownUpgrade
    ├── ProjectError (ValueError)
    │   ├── BidExists
    │   ├── ContractExists
    │   ├── MilestonesMismatch
    │   ├── NoBidCredits
    │   ├── OutsideBracket
    │   ├── ProjectStatusConflict
    │   └── RatingsMismatch
    ├── ReviewError (ValueError)
    │   ├── AlreadyReplied
    │   └── ReviewNotAllowed
    ├── StorageError
    │   ├── StorageBusy
    │   └── StorageUnavailable
    └── ValidationError (ValueError)
        ├── EmptyNarrowerEntry
        ├── EmptySynonymEntry
        ├── InvalidPolicy
        ├── InvalidText
        ├── InvalidType (TypeError)
        │   ├── MissingField
        │   └── UnknownChoice
        ├── NaiveDatetime
        ├── NarrowerWithoutTerms
        ├── NotPositive
        ├── OutOfRange
        ├── RefundNotExpected
        ├── SynonymWithoutTerms
        └── UnknownLocale
"""

from __future__ import annotations

import enum
from typing import ClassVar, Final

import attrs
from babel.lists import format_list

from microgigs._text import _

__all__ = [
    "AlreadyReplied",
    "BidChanged",
    "BidExists",
    "CatalogError",
    "ConditionNotMet",
    "ConflictError",
    "ContactDetailsNotAllowed",
    "ContractExists",
    "CurrencyMismatch",
    "DuplicateUpgrade",
    "EmailNotVerified",
    "EmailTaken",
    "EmptyCart",
    "EmptyNarrowerEntry",
    "EmptySynonymEntry",
    "IdempotencyConflict",
    "InsufficientFunds",
    "InvalidAmount",
    "InvalidEmail",
    "InvalidIban",
    "InvalidPhone",
    "InvalidPolicy",
    "InvalidRatios",
    "InvalidRefund",
    "InvalidText",
    "InvalidType",
    "InvalidUsername",
    "LedgerError",
    "MemberError",
    "MemberNotSuspended",
    "MemberSuspended",
    "MicrogigsError",
    "MilestonesMismatch",
    "MissingField",
    "MoneyError",
    "NaiveDatetime",
    "NarrowerWithoutTerms",
    "NoBidCredits",
    "NoPayoutMethod",
    "NotFound",
    "NotPositive",
    "OfferExists",
    "OrderError",
    "OutOfRange",
    "OutsideBracket",
    "OwnService",
    "PaymentError",
    "PaymentFailed",
    "PermissionDenied",
    "PriceChanged",
    "PriceNotAllowed",
    "PricingError",
    "ProjectError",
    "ProjectStatusConflict",
    "RatingsMismatch",
    "RefundNotExpected",
    "RequestClosed",
    "ReservedName",
    "ReviewError",
    "ReviewNotAllowed",
    "ServiceNotAvailable",
    "ServiceStatusConflict",
    "StaleWrite",
    "StorageBusy",
    "StorageError",
    "StorageUnavailable",
    "SynonymWithoutTerms",
    "TooManyUpgrades",
    "TransactionExists",
    "TransitionNotAllowed",
    "UnbalancedTransaction",
    "UnitPriceTooHigh",
    "UnknownAccount",
    "UnknownChoice",
    "UnknownCurrency",
    "UnknownLocale",
    "UnknownUpgrade",
    "UsernameTaken",
    "ValidationError",
    "WithdrawalSettled",
    "WithdrawalTooSmall",
]


class MicrogigsError(Exception):
    """The root of every error this library raises on purpose.

    Subclasses are attrs classes: their fields are the error's context.
    """

    code: ClassVar[str] = "microgigs.error"
    template: ClassVar[str] = _("Something went wrong in the marketplace.")

    def context(self) -> dict[str, object]:
        """The error's fields by name: what a host logs or sends to a client."""
        fields: tuple[attrs.Attribute[object], ...] = getattr(self, "__attrs_attrs__", ())
        return {field.name: getattr(self, field.name) for field in fields}

    def wording(self) -> str:
        """The message's msgid for this error's values: :attr:`template`, or a plainer one.

        ``OutOfRange`` of one allowed value says "must be 1", not "between 1 and 1".
        """
        return self.template

    def __str__(self) -> str:
        english = {name: _english(value) for name, value in self.context().items()}
        return self.wording().format(**english)


TOO_LARGE_TO_WRITE: Final = _("a number too large to write")
"""What a message says for an int of more than 30 digits (Python refuses to write one of
4,300), such as the quantity of ``usd(5) * 10**5000``."""


def too_large_to_write(value: object) -> bool:
    """``value`` is an int too long to show in a message."""
    return type(value) is int and value.bit_length() > _LONGEST_INT_BITS


_LONGEST_INT_BITS: Final = 100


def _english(value: object) -> object:
    """A context value as the English message says it: labels, lists of them in words."""
    if too_large_to_write(value):
        return TOO_LARGE_TO_WRITE
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value)
    if isinstance(value, tuple):
        return format_list([str(_english(item)) for item in value], locale="en")
    return value


# --- invalid input ---------------------------------------------------------------------


class ValidationError(MicrogigsError, ValueError):
    """Input that breaks a rule; nothing was changed."""

    code = "validation.invalid"
    template = _("The input is not valid.")


_NOTHING: Final = _("nothing")
"""What a message says for a value left out (``None``), not Python's ``NoneType``."""


def _said_type(actual: str) -> str:
    return _NOTHING if actual == "NoneType" else actual


@attrs.define(auto_exc=True)
class InvalidType(ValidationError, TypeError):
    """A value of the wrong Python type, such as a float given as money."""

    code = "validation.invalid_type"
    template = _("{field} must be {expected}, not {actual}.")

    field: str
    expected: str
    actual: str = attrs.field(converter=_said_type)


@attrs.define(auto_exc=True)
class UnknownChoice(InvalidType):
    """A value that is none of the choices a field takes, such as an enum's values.

    ``choices`` lists them (a message says them in the reader's language, a list in words);
    ``expected`` is the phrase "one of the choices", for a host that reads only that.
    """

    code = "validation.unknown_choice"
    template = _("{field} must be {expected} ({choices}), not {actual}.")

    choices: tuple[object, ...] = ()


@attrs.define(auto_exc=True)
class MissingField(InvalidType):
    """A command built from plain values without a field it needs.

    ``field`` is the command's name, ``actual`` the fields that are missing and ``expected``
    all the fields it takes (``?``: optional).
    """

    code = "validation.missing_field"
    template = _("{field} needs {actual}; its fields are {expected}.")


@attrs.define(auto_exc=True)
class OutOfRange(ValidationError):
    """A number outside the range a rule allows."""

    code = "validation.out_of_range"
    template = _("{field} must be between {minimum} and {maximum}; {value} is not.")
    only: ClassVar[str] = _("{field} must be {minimum}; {value} is not.")

    field: str
    value: object
    minimum: object
    maximum: object

    def wording(self) -> str:
        """One allowed value is said as one."""
        return self.only if self.minimum == self.maximum else self.template


@attrs.define(auto_exc=True)
class RefundNotExpected(ValidationError):
    """A refund amount given with a decision that takes none: only a partial refund does.

    Resolving a dispute by completing the order or refunding it all (an order), by
    releasing or refunding the milestone (a contract), ``refund`` must be left out: an
    amount there was refused, not silently ignored.
    """

    code = "validation.refund_not_expected"
    template = _(
        "A refund amount ({amount}) goes only with a partial refund, not with «{decision}»."
    )

    amount: object
    decision: object


@attrs.define(auto_exc=True)
class NotPositive(ValidationError):
    """An amount that must be more than zero."""

    code = "validation.not_positive"
    template = _("{field} must be more than zero, not {value}.")

    field: str
    value: object


@attrs.define(auto_exc=True)
class NaiveDatetime(ValidationError):
    """A datetime without a timezone: the library only works with aware UTC times."""

    code = "validation.naive_datetime"
    template = _("The time {value} has no timezone; give an aware time (UTC).")

    value: str


@attrs.define(auto_exc=True)
class InvalidPolicy(ValidationError):
    """A marketplace policy whose settings contradict each other or a rule."""

    code = "validation.invalid_policy"
    template = _("The policy setting {setting} is not valid: {problem}.")

    setting: str
    problem: str


@attrs.define(auto_exc=True)
class InvalidText(ValidationError):
    """Text that is too short, too long, or holds control characters such as NUL."""

    code = "validation.invalid_text"
    template = _("{field} must be {minimum} to {maximum} characters of plain text.")
    at_most: ClassVar[str] = _("{field} must be at most {maximum} characters of plain text.")
    holds: ClassVar[str] = _(
        "{field} may not hold {character}: no line break where one line is asked for, and no "
        "control or direction character."
    )

    field: str
    minimum: int
    maximum: int
    character: str | None = attrs.field(default=None, kw_only=True)
    """The first character it may not hold, as ``U+000A``, when that is what is wrong."""

    def wording(self) -> str:
        """What is wrong: a character it may not hold, else its length (a most, from 0)."""
        if self.character is not None:
            return self.holds
        return self.at_most if self.minimum == 0 else self.template


@attrs.define(auto_exc=True)
class EmptySynonymEntry(ValidationError):
    """A thesaurus entry with fewer than two phrases: nothing to expand a query to."""

    code = "validation.empty_synonym_entry"
    template = _("Thesaurus entry {entry} must hold at least two phrases, not {count}.")

    entry: int
    count: int


@attrs.define(auto_exc=True)
class SynonymWithoutTerms(ValidationError):
    """A thesaurus phrase that analyses to no search term (only stop words or signs)."""

    code = "validation.synonym_without_terms"
    template = _(
        'The phrase "{phrase}" of thesaurus entry {entry} holds no search term,'
        " only stop words or signs."
    )

    entry: int
    phrase: str


@attrs.define(auto_exc=True)
class EmptyNarrowerEntry(ValidationError):
    """A broader-to-narrower thesaurus entry with no narrower phrase besides its broader."""

    code = "validation.empty_narrower_entry"
    template = _(
        'Narrower entry {entry} ("{broader}") must hold at least one narrower phrase'
        " other than its broader phrase."
    )

    entry: int
    broader: str


@attrs.define(auto_exc=True)
class NarrowerWithoutTerms(ValidationError):
    """A phrase of a broader-to-narrower entry that analyses to no search term."""

    code = "validation.narrower_without_terms"
    template = _(
        'The phrase "{phrase}" of narrower entry {entry} holds no search term,'
        " only stop words or signs."
    )

    entry: int
    phrase: str


@attrs.define(auto_exc=True)
class UnknownLocale(ValidationError):
    """A locale or timezone name that CLDR does not know."""

    code = "validation.unknown_locale"
    template = _("{locale} is not a known locale.")

    locale: str


# --- money -------------------------------------------------------------------------------


class MoneyError(MicrogigsError, ValueError):
    """Money used in a way that would lose, create or confuse value."""

    code = "money.invalid"
    template = _("The amount of money is not valid.")


@attrs.define(auto_exc=True)
class UnknownCurrency(MoneyError):
    """A currency code that is not an ISO 4217 code known to CLDR."""

    code = "money.unknown_currency"
    template = _("{currency} is not a known ISO 4217 currency code.")

    currency: str


@attrs.define(auto_exc=True)
class CurrencyMismatch(MoneyError):
    """Two amounts in different currencies combined or compared."""

    code = "money.currency_mismatch"
    template = _("Cannot combine an amount in {left} with one in {right}.")

    left: str
    right: str


@attrs.define(auto_exc=True)
class InvalidAmount(MoneyError):
    """A decimal amount that is not a finite number with at most the currency's decimals."""

    code = "money.invalid_amount"
    template = _(
        "{amount} is not a valid amount of {currency}: a number with at most {places} decimals."
    )

    amount: str
    currency: str
    places: int


@attrs.define(auto_exc=True)
class InvalidRatios(MoneyError):
    """Ratios for a split that are empty, negative or all zero."""

    code = "money.invalid_ratios"
    template = _("Cannot split money by the ratios {ratios}: give non-negative ratios, not all 0.")

    ratios: str


# --- members ---------------------------------------------------------------------------


class MemberError(MicrogigsError, ValueError):
    """A member's profile or standing stops what was asked."""

    code = "members.invalid"
    template = _("The member cannot do this.")


@attrs.define(auto_exc=True)
class InvalidUsername(MemberError):
    """A username that breaks the username rules."""

    code = "members.invalid_username"
    template = _(
        "The username {username} is not valid: use 3 to 30 Latin letters, digits or _, "
        "starting with a letter, and not a reserved word."
    )

    username: str


@attrs.define(auto_exc=True)
class ReservedName(MemberError):
    """A member's name that reads as the site's team («فريق الموقع», "admin" …)."""

    code = "members.reserved_name"
    template = _("The name {name} reads as the site's team: choose a name of your own.")

    name: str


@attrs.define(auto_exc=True)
class InvalidEmail(MemberError):
    """An e-mail address that cannot be one."""

    code = "members.invalid_email"
    template = _("{email} is not a valid e-mail address.")

    email: str


@attrs.define(auto_exc=True)
class InvalidIban(MemberError):
    """A bank account that is not an IBAN: its shape, or its check digits (ISO 13616)."""

    code = "members.invalid_iban"
    template = _(
        "{iban} is not a valid IBAN: two letters of the country, two check digits that must "
        "agree with the rest, then up to 30 letters or digits; a character may be mistyped."
    )

    iban: str


@attrs.define(auto_exc=True)
class InvalidPhone(MemberError):
    """A mobile number that is not in international (E.164) form."""

    code = "members.invalid_phone"
    template = _("{phone} is not a valid mobile number; write it with its country code, +9665…")

    phone: str


@attrs.define(auto_exc=True)
class UsernameTaken(MemberError):
    """Another member already has this username."""

    code = "members.username_taken"
    template = _("The username {username} is taken.")

    username: str


@attrs.define(auto_exc=True)
class EmailTaken(MemberError):
    """Another member already registered this e-mail address."""

    code = "members.email_taken"
    template = _("The e-mail address {email} is already registered.")

    email: str


@attrs.define(auto_exc=True)
class NoPayoutMethod(MemberError):
    """A withdrawal needs a payout method (a PayPal account or a bank account) first."""

    code = "members.no_payout_method"
    template = _("Add a payout method to the account {member_id} before withdrawing.")

    member_id: str


@attrs.define(auto_exc=True)
class EmailNotVerified(MemberError):
    """The policy moves no money for a member whose e-mail address is not verified yet."""

    code = "members.email_not_verified"
    template = _("Confirm the e-mail address of {member_id} before money moves.")

    member_id: str


@attrs.define(auto_exc=True)
class MemberSuspended(MemberError):
    """A suspended member can neither buy nor sell."""

    code = "members.suspended"
    template = _("The account {member_id} is suspended.")

    member_id: str


@attrs.define(auto_exc=True)
class MemberNotSuspended(MemberError):
    """Reinstating a member who is not suspended: nothing to lift."""

    code = "members.not_suspended"
    template = _("The account {member_id} is not suspended.")

    member_id: str


# --- catalogue ---------------------------------------------------------------------------


class CatalogError(MicrogigsError, ValueError):
    """A service, favourite or cart request that the catalogue rules refuse."""

    code = "catalog.invalid"
    template = _("The catalogue cannot do this.")


@attrs.define(auto_exc=True)
class ServiceNotAvailable(CatalogError):
    """Only active services can be bought, favourited or put in a cart."""

    code = "catalog.service_not_available"
    template = _("The service {service_id} is not available to buy (it is {status}).")

    service_id: str
    status: object


@attrs.define(auto_exc=True)
class OwnService(CatalogError):
    """A member acting on their own service or request; ``action`` says what was tried.

    A member never buys, favourites or asks about their own service, nor offers on their own
    request (``service_id`` is then the request's id).
    """

    code = "catalog.own_service"
    template = _("You cannot {action} ({service_id}).")

    service_id: str
    action: str = _("buy your own service")


@attrs.define(auto_exc=True)
class ServiceStatusConflict(CatalogError):
    """A step asked of a service (or a request) in a status where it makes no sense."""

    code = "catalog.status_conflict"
    template = _("Cannot {action} a {subject} that is {status}.")

    status: object
    action: str
    subject: str = _("service")


@attrs.define(auto_exc=True)
class EmptyCart(CatalogError):
    """A checkout of a cart that holds nothing."""

    code = "catalog.empty_cart"
    template = _("The cart is empty: add a service to it first.")


@attrs.define(auto_exc=True)
class RequestClosed(CatalogError):
    """A request that is not open (in review, fulfilled, closed, expired) takes no offer."""

    code = "catalog.request_closed"
    template = _("The request {request_id} is not open for offers.")

    request_id: str


@attrs.define(auto_exc=True)
class OfferExists(CatalogError):
    """A seller makes one offer per request."""

    code = "catalog.offer_exists"
    template = _("You already made an offer on the request {request_id}.")

    request_id: str


# --- pricing -------------------------------------------------------------------------------


class PricingError(MicrogigsError, ValueError):
    """A price, upgrade or quantity outside what the policy allows."""

    code = "pricing.invalid"
    template = _("The price is not valid.")


@attrs.define(auto_exc=True)
class PriceNotAllowed(PricingError):
    """A base or upgrade price outside its range, or not a multiple of its step."""

    code = "pricing.price_not_allowed"
    template = _(
        "The {field} {price} is not allowed: it must be from {minimum} to {maximum} "
        "in steps of {step}."
    )
    any_amount: ClassVar[str] = _(
        "The {field} {price} is not allowed: it must be from {minimum} to {maximum}."
    )

    field: str
    price: object
    minimum: object
    maximum: object
    step: object

    def wording(self) -> str:
        """Any amount to the cent (a request's budget) says its range alone."""
        step = self.step
        return self.any_amount if getattr(step, "minor", None) == 1 else self.template


@attrs.define(auto_exc=True)
class TooManyUpgrades(PricingError):
    """More upgrades than a service may have."""

    code = "pricing.too_many_upgrades"
    template = _("A service may have at most {maximum} upgrades, not {count}.")

    count: int
    maximum: int


@attrs.define(auto_exc=True)
class UnitPriceTooHigh(PricingError):
    """One unit (the base and every upgrade) would cost more than the cap."""

    code = "pricing.unit_price_too_high"
    template = _("One unit would cost {price}, more than the {maximum} allowed.")

    price: object
    maximum: object


@attrs.define(auto_exc=True)
class UnknownUpgrade(PricingError):
    """An upgrade that does not belong to the service it was chosen for."""

    code = "pricing.unknown_upgrade"
    template = _("The service {service_id} has no upgrade {upgrade_id}.")

    service_id: str
    upgrade_id: str


@attrs.define(auto_exc=True)
class DuplicateUpgrade(PricingError):
    """The same upgrade chosen twice (order more units instead)."""

    code = "pricing.duplicate_upgrade"
    template = _("The upgrade {upgrade_id} was chosen twice; raise the quantity instead.")

    upgrade_id: str


# --- orders ---------------------------------------------------------------------------------


class OrderError(MicrogigsError, ValueError):
    """An order cannot do what was asked, in its present state."""

    code = "orders.invalid"
    template = _("The order cannot do this now.")


@attrs.define(auto_exc=True)
class TransitionNotAllowed(OrderError):
    """The event has no transition from the order's status (it is off the table)."""

    code = "orders.transition_not_allowed"
    template = _("An order that is {status} cannot {event}.")

    event: object
    status: object


@attrs.define(auto_exc=True)
class ConditionNotMet(OrderError):
    """The transition exists but its condition does not hold yet (or any more)."""

    code = "orders.condition_not_met"
    template = _("Cannot {event} now: {condition}.")

    event: object
    condition: str


@attrs.define(auto_exc=True)
class InvalidRefund(OrderError):
    """A partial refund must be more than nothing and less than what was paid for the work."""

    code = "orders.invalid_refund"
    template = _("A partial refund must be more than zero and less than {maximum}, not {amount}.")

    amount: object
    maximum: object


@attrs.define(auto_exc=True)
class ContactDetailsNotAllowed(OrderError):
    """Texts members write to each other may not carry phone numbers, e-mails or links.

    ``field`` names the text (a message, a bid, a project's title, a review's comment…).
    """

    code = "orders.contact_details"
    template = _(
        "The {field} may not contain contact details ({found}); keep the conversation on the "
        "platform."
    )

    found: str
    field: str = attrs.field(default=_("message"), kw_only=True)


# --- project mode ------------------------------------------------------------------------------


class ProjectError(MicrogigsError, ValueError):
    """A project, bid, contract or milestone cannot do what was asked (RULES.md §11)."""

    code = "projects.invalid"
    template = _("The project cannot do this.")


@attrs.define(auto_exc=True)
class ProjectStatusConflict(ProjectError):
    """A project, bid, contract or milestone whose status does not allow the action."""

    code = "projects.status_conflict"
    template = _("Cannot {action} a {subject} that is {status}.")
    numbered: ClassVar[str] = _("Cannot {action} {subject} {number}: it is {status}.")

    subject: str
    status: object
    action: str
    number: int | None = attrs.field(default=None, kw_only=True)
    """Which milestone, for a milestone's status (``None`` for anything else)."""

    def wording(self) -> str:
        """A milestone is named by its number."""
        return self.template if self.number is None else self.numbered


@attrs.define(auto_exc=True)
class RatingsMismatch(ProjectError):
    """A contract's review rates each of its aspects once: the client six, the freelancer one."""

    code = "projects.ratings_mismatch"
    template = _("A review rates each of these once: {aspects}.")

    aspects: tuple[object, ...]


@attrs.define(auto_exc=True)
class BidExists(ProjectError):
    """A freelancer has one live bid per project."""

    code = "projects.bid_exists"
    template = _("You already have a live bid on the project {project_id}.")

    project_id: str


@attrs.define(auto_exc=True)
class ContractExists(ProjectError):
    """A freelancer has one contract per project: offered (waiting) or going on."""

    code = "projects.contract_exists"
    template = _(
        "The freelancer {freelancer_id} already has a contract offered or going on in the"
        " project {project_id}."
    )

    freelancer_id: str
    project_id: str


@attrs.define(auto_exc=True)
class NoBidCredits(ProjectError):
    """A freelancer whose bids of the month are spent."""

    code = "projects.no_bid_credits"
    template = _("You have no bids left this month; they refill on {refills_at}.")

    refills_at: object


@attrs.define(auto_exc=True)
class OutsideBracket(ProjectError):
    """A bid or an offer outside the project's budget bracket."""

    code = "projects.outside_bracket"
    template = _("{amount} is outside the project's budget of {minimum} to {maximum}.")

    amount: object
    minimum: object
    maximum: object


@attrs.define(auto_exc=True)
class MilestonesMismatch(ProjectError):
    """Milestones that do not add up to the contract's total, or too many or too small."""

    code = "projects.milestones_mismatch"
    template = _(
        "The milestones must be 1 to {count} amounts of at least {minimum} each adding up to "
        "{total}."
    )
    one: ClassVar[str] = _(
        "A contract here has one milestone, of the whole {total} (at least {minimum})."
    )
    short: ClassVar[str] = _(
        "The milestones add up to {given}; they must add up to {total} (1 to {count} amounts"
        " of at least {minimum} each)."
    )

    total: object
    count: int
    minimum: object
    given: object = None
    """What the milestones add up to, when their sum is what is wrong (else ``None``)."""

    def wording(self) -> str:
        """A policy of one milestone says so, not "1 to 1 amounts"; a wrong sum says the sum."""
        if self.count == 1:
            return self.one
        return self.template if self.given is None else self.short


# --- reviews and levels --------------------------------------------------------------------


class ReviewError(MicrogigsError, ValueError):
    """A review or reply that the review rules refuse."""

    code = "reviews.invalid"
    template = _("The review cannot be written.")


@attrs.define(auto_exc=True)
class ReviewNotAllowed(ReviewError):
    """Only a completed order's buyer reviews it, once, within the review window."""

    code = "reviews.not_allowed"
    template = _("The order {order_id} cannot be reviewed: {reason}.")

    order_id: str
    reason: str


@attrs.define(auto_exc=True)
class AlreadyReplied(ReviewError):
    """The seller replies to a review once."""

    code = "reviews.already_replied"
    template = _("The review {review_id} already has a reply.")

    review_id: str


# --- ledger ----------------------------------------------------------------------------------


class LedgerError(MicrogigsError, ValueError):
    """A posting that would break the ledger's rules; nothing was written."""

    code = "ledger.invalid"
    template = _("The ledger refused this posting.")


@attrs.define(auto_exc=True)
class UnbalancedTransaction(LedgerError):
    """A transaction whose entries do not sum to zero in some currency."""

    code = "ledger.unbalanced"
    template = _("The transaction {transaction_id} is off by {imbalance}; entries must sum to 0.")

    transaction_id: str
    imbalance: object


@attrs.define(auto_exc=True)
class TransactionExists(LedgerError):
    """A transaction whose id is already in the ledger (under another key): ids are unique."""

    code = "ledger.transaction_exists"
    template = _("The ledger already holds a transaction {transaction_id}.")

    transaction_id: str


@attrs.define(auto_exc=True)
class InsufficientFunds(LedgerError):
    """Paying or withdrawing more than an account holds.

    ``kind`` is what the account holds (an ``AccountKind``), which the message names in
    words ("the balance", «الرصيد»), never by its id.
    """

    code = "ledger.insufficient_funds"
    template = _("There is {balance} in the {kind}, not enough for {amount}.")

    kind: object
    balance: object
    amount: object


@attrs.define(auto_exc=True)
class WithdrawalTooSmall(LedgerError):
    """A withdrawal below the policy's minimum."""

    code = "ledger.withdrawal_too_small"
    template = _("The smallest withdrawal is {minimum}, not {amount}.")

    amount: object
    minimum: object


@attrs.define(auto_exc=True)
class WithdrawalSettled(LedgerError):
    """A withdrawal the payout provider's answer already settled: it is settled once."""

    code = "ledger.withdrawal_settled"
    template = _("The withdrawal {withdrawal_id} is already settled: {status}.")

    withdrawal_id: str
    status: object


@attrs.define(auto_exc=True)
class UnknownAccount(LedgerError):
    """An account name outside the ledger's naming scheme."""

    code = "ledger.unknown_account"
    template = _("{account} is not an account of this ledger.")

    account: str


# --- payments ----------------------------------------------------------------------------------


class PaymentError(MicrogigsError):
    """The payment gateway did not take the money; nothing was charged or written."""

    code = "payments.failed"
    template = _("The payment did not go through.")


@attrs.define(auto_exc=True)
class PaymentFailed(PaymentError):
    """A gateway declined a charge or could not be reached."""

    code = "payments.declined"
    template = _("The payment by {method} did not go through: {reason}.")

    method: object
    reason: str


# --- conflicts ---------------------------------------------------------------------------------


class ConflictError(MicrogigsError):
    """The request collides with one already handled or with a newer state."""

    code = "conflict"
    template = _("The request conflicts with another one.")


@attrs.define(auto_exc=True)
class IdempotencyConflict(ConflictError, ValueError):
    """An idempotency key reused for a different request."""

    code = "conflict.idempotency_key"
    template = _("The key {key} was already used for a different request.")

    key: str


@attrs.define(auto_exc=True)
class PriceChanged(ConflictError):
    """The total to pay is no longer the one the buyer was shown (a price changed since)."""

    code = "conflict.price_changed"
    template = _(
        "The total is now {total}, not the {expected} you were shown: nothing was paid; "
        "look at the new prices and pay again."
    )

    expected: object
    total: object


@attrs.define(auto_exc=True)
class BidChanged(ConflictError):
    """The bid is no longer the one the client was shown (its freelancer edited it since)."""

    code = "conflict.bid_changed"
    template = _(
        "The bid is now {amount} in {days} days, not the {expected_amount} in "
        "{expected_days} days you were shown: no contract was offered; read the bid again."
    )

    amount: object
    days: object
    expected_amount: object
    expected_days: object


@attrs.define(auto_exc=True)
class StaleWrite(ConflictError):
    """Someone else changed the record since it was read; read it again and retry."""

    code = "conflict.stale_write"
    template = _("The {kind} {key} was changed by someone else; load it again and retry.")

    kind: str
    key: str


# --- storage --------------------------------------------------------------------------------


class StorageError(MicrogigsError):
    """The storage could not do what was asked (the driver's error is the cause)."""

    code = "storage.failed"
    template = _("The data could not be stored or read; nothing was changed.")


@attrs.define(auto_exc=True)
class StorageBusy(StorageError):
    """The database stayed locked by other writers longer than the retries allow."""

    code = "storage.busy"
    template = _("The marketplace is busy; try again in a moment ({attempts} attempts).")

    attempts: int


@attrs.define(auto_exc=True)
class StorageUnavailable(StorageError):
    """The database cannot be reached or opened."""

    code = "storage.unavailable"
    template = _("The database is unavailable: {reason}.")

    reason: str


# --- lookups and permissions -------------------------------------------------------------


@attrs.define(auto_exc=True)
class NotFound(MicrogigsError, LookupError):
    """Nothing of this kind exists under this key."""

    code = "not_found"
    template = _("No {kind} with the key {key} exists.")

    kind: str
    key: str


@attrs.define(auto_exc=True)
class PermissionDenied(MicrogigsError, PermissionError):
    """The actor may not do this; nothing was changed."""

    code = "permission_denied"
    template = _("{actor} may not {action}.")

    actor: str
    action: str
