"""Looking up messages in the gettext catalogs and rendering errors and labels."""

from __future__ import annotations

import enum
import functools
from datetime import datetime
from pathlib import Path
from typing import Final, Protocol

from babel.lists import format_list
from babel.support import NullTranslations, Translations

from microgigs._text import FieldPath, Verbatim, _
from microgigs.errors import TOO_LARGE_TO_WRITE, InvalidType, MicrogigsError, too_large_to_write
from microgigs.l10n._format import format_datetime, format_money, parse_locale
from microgigs.money import Money

DOMAIN: Final = "microgigs"
LOCALE_DIR: Final = Path(__file__).parent / "locale"
SUPPORTED_LANGUAGES: Final = ("ar", "en")
"""Languages that have a catalog; every message has a translation in each."""


class _Labelled(Protocol):
    @property
    def label(self) -> str: ...


@functools.cache
def translations(language: str) -> NullTranslations:
    if language not in SUPPORTED_LANGUAGES:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def gettext(message: str, locale: str) -> str:
    """``message`` (an English msgid) in the language of ``locale``."""
    if not message:  # the empty msgid is the catalog's header, not a translation of ""
        return message
    language = parse_locale(locale).language
    return str(translations(language).gettext(message))


def label(value: _Labelled, locale: str) -> str:
    """The translated label of an enum member that has one (statuses, events, levels)."""
    return gettext(value.label, locale)


def _render(value: object, locale: str) -> str:
    if too_large_to_write(value):
        return gettext(TOO_LARGE_TO_WRITE, locale)
    if isinstance(value, Money):
        return format_money(value, locale)
    if isinstance(value, datetime):
        return format_datetime(value, locale)
    if isinstance(value, enum.Enum) and hasattr(value, "label"):
        return label(value, locale)
    if isinstance(value, tuple):  # a list in words: «أ وب وج», "a, b, and c"
        return format_list([_render(item, locale) for item in value], locale=locale)
    return _said(value, locale)


def _said(value: object, locale: str) -> str:
    """A value as text: a message translated, a path part by part, a Verbatim as it is.

    Field names and actions are msgids marked at the raise site; anything else (a username,
    an amount as typed) is not in the catalog and comes back unchanged.
    """
    if isinstance(value, Verbatim):
        return str(value)
    if isinstance(value, FieldPath):
        return FieldPath.SEPARATOR.join(gettext(part, locale) for part in value.parts)
    return gettext(str(value), locale)


def translate_error(error: MicrogigsError, locale: str) -> str:
    """The message of ``error`` in ``locale``'s language, its values formatted for it."""
    if not isinstance(error, MicrogigsError):
        raise InvalidType(
            field=_("error"), expected=_("a MicrogigsError"), actual=type(error).__name__
        )
    context = {name: _render(value, locale) for name, value in error.context().items()}
    return gettext(error.wording(), locale).format(**context)
