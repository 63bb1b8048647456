"""Money: an integer count of a currency's minor units, exact in every operation.

* The exponent of each currency (2 for USD, 3 for KWD, 0 for JPY) comes from CLDR through
  babel; an unknown code is :class:`~microgigs.errors.UnknownCurrency`.
* Arithmetic only combines amounts of one currency (:class:`~microgigs.errors.CurrencyMismatch`).
* A float anywhere is :class:`~microgigs.errors.InvalidType` (a ``TypeError``): binary floats
  cannot hold cents exactly.
* A rate (a ``Decimal``) applied to an amount comes back to minor units in one place,
  :func:`to_minor`, with one rounding mode, :data:`ROUNDING` (half to even).
* :meth:`Money.allocate` splits an amount by ratios into parts that always sum to the whole.

>>> price = Money.of("12.50", "USD")
>>> price
Money(minor=1250, currency='USD')
>>> str(price * 3)
'37.50 USD'
>>> fee = price.percentage(Decimal("0.20"))
>>> str(fee), str(price - fee)
('2.50 USD', '10.00 USD')
"""

from __future__ import annotations

import decimal
import functools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final, NoReturn, Self, cast

import attrs
from babel.numbers import get_currency_precision, list_currencies

from microgigs._text import _
from microgigs.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidRatios,
    InvalidType,
    OutOfRange,
    UnknownCurrency,
)

__all__ = [
    "MAX_MINOR",
    "ROUNDING",
    "Money",
    "allocate",
    "currency_exponent",
    "known_currencies",
    "round_minor",
    "to_minor",
]

ROUNDING: Final = decimal.ROUND_HALF_EVEN
"""The one rounding mode for turning a rate's exact result back into minor units.

Half to even ("banker's rounding") is unbiased: over many amounts it rounds up as often as
down, so neither the platform nor the sellers gain from the rounding itself.
"""

_PLAIN_AMOUNT: Final = re.compile(
    "|".join(
        rf"[+-]?({digit}+(\.{digit}*)?|\.{digit}+)"
        for digit in ("[0-9]", "[\u0660-\u0669]", "[\u06f0-\u06f9]")
    )
)
"""An amount as people write it: digits, a point, more digits. The digits are Western,
Arabic-Indic or Persian, all of one script: "1٠" (whose Arabic zero looks like a point) and
another script's digits that look like ours (Bengali "৪" is a four) are no amount. Decimal
also reads "1_000" and "1e3" (as Python source), and "NaN" and "Infinity": none is one."""

MAX_MINOR: Final = 10**15
"""The largest magnitude of any amount, in minor units ($10 trillion in cents).

Every amount and every sum the library keeps fits a signed 64-bit database column, with room
to add 9,000 amounts of this size (millions of everyday ones); anything larger is refused as
input, not stored wrong.
"""

_LONGEST_AMOUNT_TEXT: Final = 40
_MOST_DIGITS: Final = len(str(MAX_MINOR))  # an amount's adjusted exponent past this is too big
_CONTEXT: Final = decimal.Context(prec=60, rounding=ROUNDING, traps=[decimal.InvalidOperation])
_new: Final = object.__new__


@functools.cache
def known_currencies() -> frozenset[str]:
    """Every ISO 4217 code CLDR knows (through babel)."""
    return frozenset(list_currencies())


@functools.cache
def currency_exponent(currency: str) -> int:
    """The number of decimal places of ``currency``'s minor unit (USD 2, KWD 3, JPY 0)."""
    if currency not in known_currencies():
        raise UnknownCurrency(currency=currency)
    exponent: int = get_currency_precision(currency)
    return exponent


def _check_int(value: int, field: str) -> int:
    # bool is an int to Python, never an amount to a marketplace; hosts may pass anything.
    if type(value) is not int:
        raise InvalidType(field=field, expected=_("an int"), actual=type(value).__name__)
    return value


def _check_currency(_instance: object, _attribute: object, currency: str) -> None:
    if type(currency) is not str:
        raise InvalidType(field=_("currency"), expected=_("a str"), actual=type(currency).__name__)
    currency_exponent(currency)


def _check_minor(_instance: object, _attribute: object, minor: int) -> None:
    # _check_int written out: every amount read from storage passes here (P8)
    if type(minor) is not int:
        raise InvalidType(field=_("minor units"), expected=_("an int"), actual=type(minor).__name__)
    if not -MAX_MINOR <= minor <= MAX_MINOR:
        raise OutOfRange(field=_("minor"), value=minor, minimum=-MAX_MINOR, maximum=MAX_MINOR)


def _decimal_places(value: Decimal) -> int:
    """How many digits ``value`` has after the point; no finite amount has NaN's places."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": NaN, sNaN, Infinity
        return 10**9
    return max(0, -exponent)


def round_minor(exact: Decimal) -> int:
    """Round an exact count of minor units to a whole one with :data:`ROUNDING`.

    This is the only place in the library where a value is rounded.

    >>> round_minor(Decimal("200.5")), round_minor(Decimal("201.5")), round_minor(Decimal("-0.5"))
    (200, 202, 0)
    """
    return int(exact.to_integral_value(rounding=ROUNDING, context=_CONTEXT))


def to_minor(major: Decimal, currency: str) -> int:
    """Turn an exact decimal amount of major units into minor units (see :func:`round_minor`).

    >>> to_minor(Decimal("2.005"), "USD"), to_minor(Decimal("2.015"), "USD")
    (200, 202)
    """
    if not isinstance(major, Decimal):
        raise InvalidType(field=_("amount"), expected=_("a Decimal"), actual=type(major).__name__)
    exponent = currency_exponent(currency)
    if not major.is_finite():
        raise InvalidAmount(amount=str(major), currency=currency, places=exponent)
    minor = round_minor(_CONTEXT.multiply(major, Decimal(10) ** exponent))
    if not -MAX_MINOR <= minor <= MAX_MINOR:
        raise OutOfRange(field=_("minor units"), value=minor, minimum=-MAX_MINOR, maximum=MAX_MINOR)
    return minor


def _read_amount(amount: str, currency: str, exponent: int) -> Decimal:
    """The amount written in ``amount`` (digits, a point, digits), or a typed refusal."""
    # Arabic-Indic digits are digits to Decimal; the Arabic decimal separator is ours.
    text = amount.strip().replace("\u066b", ".")
    if len(text) > _LONGEST_AMOUNT_TEXT:
        # never parsed: an amount this long is too large when its whole part is (a new
        # user: 41 nines read "a number with at most 2 decimals"), else it has more
        # decimals than any currency
        whole = text.lstrip("+-").split(".")[0].lstrip("0\u0660\u06f0")
        if _PLAIN_AMOUNT.fullmatch(text) and len(whole) > _MOST_DIGITS:
            raise _too_large(text[:30] + "…", currency)
        raise InvalidAmount(amount=text[:20] + "…", currency=currency, places=exponent)
    if not _PLAIN_AMOUNT.fullmatch(text):  # not "1_000" nor "1e3", as Decimal reads
        raise InvalidAmount(amount=amount, currency=currency, places=exponent)
    try:
        return Decimal(text)
    except decimal.InvalidOperation:
        raise InvalidAmount(amount=amount, currency=currency, places=exponent) from None


def _too_large(amount: object, currency: str) -> OutOfRange:
    """An amount past what the library holds, said in the currency as it was typed."""
    most = Money(MAX_MINOR, currency)
    return OutOfRange(field=_("amount"), value=amount, minimum=-most, maximum=most)


@attrs.frozen(order=False)
class Money:
    """An exact amount: ``minor`` units (cents, fils …) of an ISO 4217 ``currency``."""

    minor: int = attrs.field(validator=_check_minor)
    currency: str = attrs.field(validator=_check_currency)

    # --- construction ------------------------------------------------------------------

    @classmethod
    def of(cls, amount: str | Decimal | int, currency: str) -> Self:
        """An amount in major units: ``"12.50"``, ``Decimal("1.250")`` or ``5`` (whole units).

        More decimals than the currency has is an error, never a silent rounding. Arabic-Indic
        digits and the Arabic decimal separator are read too (``"١٢٫٥٠"`` is 12.50).

        >>> Money.of("1.250", "KWD").minor, Money.of("500", "JPY").minor, Money.of(5, "USD").minor
        (1250, 500, 500)
        """
        _check_currency(None, None, currency)
        exponent = currency_exponent(currency)
        if type(amount) is int:
            if not -MAX_MINOR <= amount * 10**exponent <= MAX_MINOR:
                raise _too_large(amount, currency)
            return cls(amount * 10**exponent, currency)
        if isinstance(amount, str):
            value = _read_amount(amount, currency, exponent)
        elif isinstance(amount, Decimal):
            value = amount
        else:
            raise InvalidType(
                field=_("amount"), expected=_("a str, Decimal or int"), actual=type(amount).__name__
            )
        if not value.is_finite() or _decimal_places(value) > exponent:
            raise InvalidAmount(amount=str(amount), currency=currency, places=exponent)
        if (
            value.adjusted() > _MOST_DIGITS
            or value.copy_abs().scaleb(exponent, context=_CONTEXT) > MAX_MINOR
        ):  # said in the amount's own units, not in minor ones (no rounding: exact digits)
            raise _too_large(str(amount).strip()[:30], currency)
        return cls(int(value.scaleb(exponent, context=_CONTEXT)), currency)

    @staticmethod
    def _result(minor: int, currency: str) -> Money:
        """An amount computed from valid amounts: only its size can be wrong."""
        if not -MAX_MINOR <= minor <= MAX_MINOR:
            raise OutOfRange(
                field=_("minor units"), value=minor, minimum=-MAX_MINOR, maximum=MAX_MINOR
            )
        result = _new(Money)
        _set_minor(result, minor)
        _set_currency(result, currency)
        return result

    @classmethod
    def zero(cls, currency: str) -> Self:
        """No money in ``currency``."""
        # A frozen value may be shared: each class's zero of each currency is made once. A
        # currency that is not a str skips the cache, so the constructor refuses it as ever.
        zero = _ZEROS.get((cls, currency)) if type(currency) is str else None
        if zero is None:
            zero = cls(0, currency)
            _ZEROS[cls, currency] = zero
        return cast("Self", zero)

    # --- reading -----------------------------------------------------------------------

    @property
    def amount(self) -> Decimal:
        """The amount in major units, exact: ``Decimal('12.50')``."""
        return Decimal(self.minor).scaleb(-currency_exponent(self.currency), context=_CONTEXT)

    def is_zero(self) -> bool:
        """True for no money at all."""
        return self.minor == 0

    def is_positive(self) -> bool:
        """True for more than zero."""
        return self.minor > 0

    def is_negative(self) -> bool:
        """True for less than zero."""
        return self.minor < 0

    def __str__(self) -> str:
        exponent = currency_exponent(self.currency)
        return f"{self.amount:.{exponent}f} {self.currency}"

    # --- arithmetic (same currency only) ---------------------------------------------------

    def _same(self, other: object) -> None:
        """``other`` is money in this currency: else ``InvalidType``, ``CurrencyMismatch``."""
        if not isinstance(other, Money):
            _not_money(other)
        if other.currency != self.currency:
            raise CurrencyMismatch(left=self.currency, right=other.currency)

    def __add__(self, other: Money) -> Money:
        # the hottest arithmetic of a posting: _same and _result written out, one call less
        if other.__class__ is not Money:
            self._same(other)  # not money: InvalidType (Python's TypeError would be untyped)
        currency = self.currency
        if other.currency != currency:
            raise CurrencyMismatch(left=currency, right=other.currency)
        minor = self.minor + other.minor
        if not -MAX_MINOR <= minor <= MAX_MINOR:
            return Money._result(minor, currency)  # raises OutOfRange
        result = _new(Money)
        _set_minor(result, minor)
        _set_currency(result, currency)
        return result

    def __radd__(self, other: int) -> Money:
        # sum() starts from the int 0; any other int is not money.
        if type(other) is not int or other != 0:
            _not_money(other)
        return self

    def __rsub__(self, other: object) -> Money:
        _not_money(other)  # ``5 - money``

    def __sub__(self, other: Money) -> Money:
        self._same(other)  # not money: InvalidType
        return Money._result(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money._result(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money._result(abs(self.minor), self.currency)

    def __mul__(self, quantity: int) -> Money:
        return Money._result(self.minor * _check_int(quantity, _("quantity")), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.minor >= other.minor

    # --- rates and splits ------------------------------------------------------------------

    def percentage(self, rate: Decimal) -> Money:
        """``rate`` of this amount (``Decimal("0.20")`` is 20%), rounded by :data:`ROUNDING`."""
        if not isinstance(rate, Decimal):
            raise InvalidType(field=_("rate"), expected=_("a Decimal"), actual=type(rate).__name__)
        if not rate.is_finite():
            raise InvalidType(field=_("rate"), expected=_("a finite Decimal"), actual=str(rate))
        return Money._result(
            round_minor(_CONTEXT.multiply(Decimal(self.minor), rate)), self.currency
        )

    def allocate(self, ratios: Sequence[int | Decimal]) -> list[Money]:
        """Split into parts proportional to ``ratios`` that sum exactly to this amount.

        Each part gets its floor share; the units left over go one each to the parts with
        the largest remainders (the earlier part first on a tie).

        >>> [str(part) for part in Money.of("10.00", "USD").allocate([1, 1, 1])]
        ['3.34 USD', '3.33 USD', '3.33 USD']
        """
        return allocate(self, ratios)


def _not_money(other: object) -> NoReturn:
    """A plain number where an amount belongs: ``InvalidType`` (Python's would be untyped)."""
    raise InvalidType(field=_("the other amount"), expected="Money", actual=type(other).__name__)


def _ratio(value: object) -> Decimal:
    if type(value) is int or isinstance(value, Decimal):
        ratio = Decimal(value)
        if ratio.is_finite() and ratio >= 0:
            return ratio
        raise InvalidRatios(ratios=str(value))
    raise InvalidType(
        field=_("ratio"), expected=_("an int or Decimal"), actual=type(value).__name__
    )


# frozen attrs: results of valid amounts are built past __init__, their slots set directly
_set_minor: Final = Money.__dict__["minor"].__set__
_set_currency: Final = Money.__dict__["currency"].__set__
_ZEROS: Final[dict[tuple[type[Money], str], Money]] = {}
"""``Money.zero``'s made values, by class and currency."""


def allocate(total: Money, ratios: Iterable[int | Decimal]) -> list[Money]:
    """Split ``total`` by non-negative ``ratios``; the parts always sum to ``total``."""
    weights = [_ratio(r) for r in ratios]
    whole = Decimal(0)
    for weight in weights:  # in the library's context, as below, never the caller's thread's
        whole = _CONTEXT.add(whole, weight)
    if not weights or whole == 0:
        raise InvalidRatios(ratios=str([str(w) for w in weights]))
    sign = -1 if total.minor < 0 else 1
    units = abs(total.minor)
    shares = [_CONTEXT.divide(_CONTEXT.multiply(Decimal(units), w), whole) for w in weights]
    floors = [int(share) for share in shares]
    leftover = units - sum(floors)
    # each part's remainder, as floor - share: the largest remainder sorts first (the
    # earlier part on a tie), and no negation rounds it in the caller's decimal context
    short = [_CONTEXT.subtract(floor, share) for share, floor in zip(shares, floors, strict=True)]
    by_remainder = sorted(range(len(shares)), key=lambda i: (short[i], i))
    for index in by_remainder[:leftover]:
        floors[index] += 1
    return [Money._result(sign * part, total.currency) for part in floors]  # noqa: SLF001 (same module)


def _stored(minor: object, currency: object) -> Money:
    """``Money(minor, currency)`` for an amount a storage kept: the same checks and errors.

    Written out at about half the constructor's cost (every amount the storage codec reads
    passes here: an order holds eleven; P8); a currency is looked up once, then remembered.

    >>> _stored(2500, "USD") == Money(2500, "USD")
    True
    >>> _stored(True, "USD")
    Traceback (most recent call last):
    ...
    microgigs.errors.InvalidType: minor units must be an int, not bool.
    """
    if (
        minor.__class__ is int
        and -MAX_MINOR <= minor <= MAX_MINOR
        and currency.__class__ is str
        and currency in _ACCEPTED
    ):
        result = _new(Money)
        _set_minor(result, minor)
        _set_currency(result, currency)
        return result
    money = Money(minor, currency)  # type: ignore[arg-type]  # refused as the constructor refuses
    _ACCEPTED.add(money.currency)
    return money


_ACCEPTED: Final[set[str]] = set()
