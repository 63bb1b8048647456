"""Every error microgigs raises, one tree under :class:`MicrogigsError`.

Each error keeps its context as typed attributes, has a stable machine-readable ``code``
(safe to match on in a host, safe to send to a client) and an English message template whose
Arabic translation lives in the gettext catalogs (:func:`microgigs.l10n.translate_error`).
``str(error)`` is the English message. Where an error is also a builtin kind of error
(``ValueError``, ``TypeError``, ``LookupError``, ``PermissionError``) it subclasses that
builtin too, so ``except ValueError`` keeps working in a host.

The tree (``tests/test_errors.py`` checks that it matches the classes)::

    MicrogigsError
    ├── MoneyError (ValueError)
    │   ├── CurrencyMismatch
    │   ├── InvalidAmount
    │   ├── InvalidRatios
    │   └── UnknownCurrency
    ├── NotFound (LookupError)
    ├── PermissionDenied (PermissionError)
    └── ValidationError (ValueError)
        ├── InvalidPolicy
        ├── InvalidType (TypeError)
        ├── NaiveDatetime
        ├── OutOfRange
        └── UnknownLocale
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from microgigs._text import _

__all__ = [
    "CurrencyMismatch",
    "InvalidAmount",
    "InvalidPolicy",
    "InvalidRatios",
    "InvalidType",
    "MicrogigsError",
    "MoneyError",
    "NaiveDatetime",
    "NotFound",
    "OutOfRange",
    "PermissionDenied",
    "UnknownCurrency",
    "UnknownLocale",
    "ValidationError",
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

    def __str__(self) -> str:
        return self.template.format(**self.context())


# --- invalid input ---------------------------------------------------------------------


class ValidationError(MicrogigsError, ValueError):
    """Input that breaks a rule; nothing was changed."""

    code = "validation.invalid"
    template = _("The input is not valid.")


@attrs.define(auto_exc=True)
class InvalidType(ValidationError, TypeError):
    """A value of the wrong Python type, such as a float given as money."""

    code = "validation.invalid_type"
    template = _("{field} must be {expected}, not {actual}.")

    field: str
    expected: str
    actual: str


@attrs.define(auto_exc=True)
class OutOfRange(ValidationError):
    """A number outside the range a rule allows."""

    code = "validation.out_of_range"
    template = _("{field} must be between {minimum} and {maximum}; {value} is not.")

    field: str
    value: object
    minimum: object
    maximum: object


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
    template = _("{amount} is not a valid amount of {currency} (at most {places} decimals).")

    amount: str
    currency: str
    places: int


@attrs.define(auto_exc=True)
class InvalidRatios(MoneyError):
    """Ratios for a split that are empty, negative or all zero."""

    code = "money.invalid_ratios"
    template = _("Cannot split money by the ratios {ratios}: give non-negative ratios, not all 0.")

    ratios: str


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
