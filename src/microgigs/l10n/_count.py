"""Counted things in a language's grammar: "يومان", "3 أيام", "11 يومًا", "2 days"."""

from __future__ import annotations

import decimal
import enum

from babel.numbers import format_decimal

from microgigs._checks import whole_number
from microgigs._text import _, n_
from microgigs.errors import InvalidType
from microgigs.l10n._format import parse_locale
from microgigs.l10n._translate import translations
from microgigs.money import _CONTEXT

_MOST: int = 10**15


class Unit(enum.Enum):
    """What a marketplace counts; each value is the pair of English forms (a msgid)."""

    DAY = n_("{count} day", "{count} days")
    HOUR = n_("{count} hour", "{count} hours")
    UPGRADE = n_("{count} upgrade", "{count} upgrades")
    REVIEW = n_("{count} review", "{count} reviews")
    ORDER = n_("{count} order", "{count} orders")
    OFFER = n_("{count} offer", "{count} offers")


def format_count(count: int, unit: Unit, locale: str) -> str:
    """``count`` of ``unit`` with the plural form ``locale``'s grammar asks for.

    Arabic has six forms (CLDR: zero, one, two, few, many, other); the number is written
    with Latin digits and the locale's grouping, as money is:

    >>> [format_count(n, Unit.DAY, "ar") for n in (1, 2, 3, 11, 100)]
    ['يوم واحد', 'يومان', '3 أيام', '11 يومًا', '100 يوم']
    >>> format_count(1, Unit.UPGRADE, "en"), format_count(1200, Unit.ORDER, "en-US")
    ('1 upgrade', '1,200 orders')
    """
    if not isinstance(unit, Unit):
        raise InvalidType(field=_("unit"), expected="Unit", actual=type(unit).__name__)
    whole_number(_("count"), count, 0, _MOST)
    where = parse_locale(locale)
    singular, plural = unit.value
    text = translations(where.language).ngettext(singular, plural, count)
    with decimal.localcontext(_CONTEXT):  # babel works in the current context: ours
        shown = format_decimal(count, locale=where, numbering_system="latn")
    return str(text).format(count=shown)
