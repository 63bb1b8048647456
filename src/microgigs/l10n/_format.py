"""Locale parsing and CLDR formatting of money and times (babel)."""

from __future__ import annotations

import decimal
import functools
from datetime import datetime, tzinfo
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import format_time, get_datetime_format, get_timezone
from babel.numbers import format_currency

from microgigs._text import _
from microgigs.clock import utc
from microgigs.errors import InvalidType, UnknownLocale
from microgigs.money import _CONTEXT, Money

DateFormat = Literal["short", "medium", "long", "full"]
Digits = Literal["latn", "locale"]
_NUMBERING = {"latn": "latn", "locale": "default"}

_LONGEST_LOCALE = 35
# babel applies a numbering system's separators but writes Latin digit glyphs; CLDR's
# digits for the two Arabic systems are these.
_GLYPHS = {
    "arab": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "arabext": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
}


def _with_digits(text: str, locale: Locale, digits: Digits) -> str:
    if digits == "latn":
        return text
    return text.translate(_GLYPHS.get(locale.default_numbering_system, {}))


def parse_locale(identifier: str) -> Locale:
    """The babel ``Locale`` for ``"ar"``, ``"ar-EG"``, ``"ar_SA"``, ``"en"`` and the like."""
    if not isinstance(identifier, str):
        raise InvalidType(field=_("locale"), expected=_("a str"), actual=type(identifier).__name__)
    if not identifier or len(identifier) > _LONGEST_LOCALE:
        raise UnknownLocale(locale=identifier[:_LONGEST_LOCALE])
    return _parse(identifier)


@functools.cache
def _parse(identifier: str) -> Locale:
    try:
        return Locale.parse(identifier.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UnknownLocale(locale=identifier) from None


def format_money(money: Money, locale: str, *, digits: Digits = "latn") -> str:
    r"""``money`` as a reader of ``locale`` expects it, with the currency's own decimals.

    The calling thread's decimal context plays no part (its precision or rounding would
    change the text babel writes, or make it raise). Digits are Latin by default (as on
    Khamsat); ``digits="locale"`` writes the locale's own digits, Arabic-Indic for ``ar-EG``:

    >>> format_money(Money.of("5", "USD"), "ar-EG", digits="locale")
    '\u200f٥٫٠٠\xa0US$'
    """
    if not isinstance(money, Money):
        raise InvalidType(field=_("amount"), expected="Money", actual=type(money).__name__)
    if digits not in _NUMBERING:
        raise InvalidType(field=_("digits"), expected=_("latn or locale"), actual=str(digits)[:20])
    where = parse_locale(locale)
    with decimal.localcontext(
        _CONTEXT
    ):  # babel rounds in the current context: ours, not the caller's
        text = format_currency(
            money.amount,
            money.currency,
            locale=where,
            currency_digits=True,
            numbering_system=_NUMBERING[digits],
        )
    return _with_digits(str(text), where, digits)


def _zone_and_locale(timezone: str, locale: str) -> tuple[tzinfo, Locale]:
    """The time zone and the locale named, or ``UnknownLocale`` naming the one unknown."""
    try:
        zone = get_timezone(timezone)
    except LookupError:
        raise UnknownLocale(locale=f"timezone {timezone}") from None
    return zone, parse_locale(locale)


def format_day(
    when: datetime,
    locale: str,
    *,
    timezone: str = "UTC",
    date_format: DateFormat = "medium",
    digits: Digits = "latn",
) -> str:
    """The day of ``when`` (aware) in ``timezone``, the way ``locale`` writes dates: no time.

    >>> from datetime import UTC
    >>> format_day(datetime(2026, 11, 7, 22, tzinfo=UTC), "en-GB", timezone="Asia/Riyadh")
    '8 Nov 2026'
    """
    zone, where = _zone_and_locale(timezone, locale)
    text = _babel_format_date(utc(when).astimezone(zone), date_format, locale=where)
    return _with_digits(str(text), where, digits)


def format_datetime(
    when: datetime,
    locale: str,
    *,
    timezone: str = "UTC",
    date_format: DateFormat = "medium",
    time_format: DateFormat | None = None,
    digits: Digits = "latn",
) -> str:
    """``when`` (aware) shown in ``timezone`` the way ``locale`` writes dates.

    ``time_format`` sets the time's length apart from the date's (``"short"``: no seconds),
    joined the way the locale joins them:

    >>> from datetime import UTC
    >>> nine = datetime(2026, 1, 1, 9, tzinfo=UTC)
    >>> format_datetime(nine, "en-GB", timezone="Asia/Riyadh")
    '1 Jan 2026, 12:00:00'
    >>> format_datetime(nine, "en-GB", time_format="short")
    '1 Jan 2026, 09:00'
    """
    zone, where = _zone_and_locale(timezone, locale)
    moment = utc(when)
    if time_format is None:
        text = _babel_format_datetime(moment, date_format, tzinfo=zone, locale=where)
    else:
        text = (
            str(get_datetime_format(date_format, locale=where))
            .replace("'", "")
            .replace("{0}", format_time(moment, time_format, tzinfo=zone, locale=where))
            .replace("{1}", _babel_format_date(moment.astimezone(zone), date_format, locale=where))
        )
    return _with_digits(str(text), where, digits)
