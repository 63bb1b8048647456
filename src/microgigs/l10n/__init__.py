"""Arabic and English: labels, error messages, money and dates for a locale.

Messages live in gettext catalogs (``locale/<lang>/LC_MESSAGES/microgigs.po``, compiled to
``.mo`` with babel's tooling by ``python3 dev.py l10n``). Money and dates are formatted from
CLDR data through babel. A locale is a string such as ``"ar"``, ``"ar-EG"``, ``"ar_SA"`` or
``"en"``; languages without a catalog fall back to English text with their own formats.

>>> from microgigs.money import Money
>>> from microgigs.errors import CurrencyMismatch
>>> format_money(Money.of("1234.50", "USD"), "en")
'$1,234.50'
>>> translate_error(CurrencyMismatch(left="USD", right="SAR"), "ar")
'لا يمكن الجمع بين مبلغ بعملة USD ومبلغ بعملة SAR.'
"""

from microgigs.l10n._count import Unit, format_count
from microgigs.l10n._format import format_datetime, format_day, format_money, parse_locale
from microgigs.l10n._translate import SUPPORTED_LANGUAGES, gettext, label, translate_error

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Unit",
    "format_count",
    "format_datetime",
    "format_day",
    "format_money",
    "gettext",
    "label",
    "parse_locale",
    "translate_error",
]
