"""Checks of raw input shared by the domain: whole numbers, plain text, an id among many.

Hosts may pass anything (a JSON body, a form field): these checks turn wrong types, ranges
and characters into typed errors before any state changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Final, Protocol, TypeVar

from microgigs._text import _
from microgigs.errors import InvalidText, InvalidType, MicrogigsError, NotFound, OutOfRange

# Never in text: control characters (NUL …; newlines and tabs are allowed in long text);
# bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069), which let one name or
# title pass for another; and lone surrogates (U+D800–DFFF: half of a UTF-16 pair, which a
# JSON "\ud800" decodes to and no UTF-8 can hold). On one line (names, titles, tags), the
# invisible marks and spaces (U+061C, U+200B–200F, U+2060–2064, U+FEFF) as well, and the
# characters that draw nothing while being no space (a soft hyphen, a grapheme joiner, the
# Hangul and Khmer fillers, a Mongolian separator, the line and paragraph separators, a
# Braille blank, interlinear marks, tag characters, the deprecated format characters, the
# Mongolian and musical format marks): one name passed for another with them.
_FORBIDDEN_LINE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\ud800-\udfff\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u2028\u2029\u2800\u3164"
    "\uffa0\ufff0-\ufffb\U000e0000-\U000e0fff\u180b-\u180d\u180f\u206a-\u206f"
    "\U0001d173-\U0001d17a\U0001d159\ufe00-\ufe0e\u2000-\u200a\u202f\u205f"
    "\U0001bca0-\U0001bca3\U00013430-\U0001343f\U00016fe4]"
)
"""Characters no one-line text holds; and any other format character (Unicode's Cf: a
Syriac or Kaithi mark, an Arabic sign that draws nothing alone), found by its category.
U+FE0F, the emoji presentation selector, stays: a phone's keyboard writes it after
many an emoji."""
_FORBIDDEN_MULTILINE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)

T = TypeVar("T")


class _HasId(Protocol):
    @property
    def id(self) -> object: ...


Item = TypeVar("Item", bound=_HasId)


def yes_or_no(field: str, value: object) -> bool:
    """``value`` if it is a plain ``bool``: "no", 0 or None is not an answer."""
    if type(value) is not bool:
        raise InvalidType(field=field, expected=_("true or false"), actual=type(value).__name__)
    return value


def of_kind(field: str, value: object, kind: type[T]) -> T:
    """``value`` if it is a ``kind`` (a policy of the part a check takes, say)."""
    if not isinstance(value, kind):
        raise InvalidType(field=field, expected=kind.__name__, actual=type(value).__name__)
    return value


def page_cursor(value: T | None) -> T | None:
    """A page's cursor (``starting_after``: the last item's id of the page before) or None."""
    if value is not None and not isinstance(value, str):
        raise InvalidType(field=_("page cursor"), expected=_("a str"), actual=type(value).__name__)
    return value


def whole_number(field: str, value: int, minimum: int, maximum: int) -> int:
    """``value`` if it is a plain ``int`` (not bool, not float) from minimum to maximum."""
    if type(value) is not int:
        raise InvalidType(field=field, expected=_("an int"), actual=type(value).__name__)
    if not minimum <= value <= maximum:
        raise OutOfRange(field=field, value=value, minimum=minimum, maximum=maximum)
    return value


def plain_text(
    field: str,
    value: str,
    minimum: int,
    maximum: int,
    *,
    multiline: bool = False,
) -> str:
    """``value`` NFC-normalised and stripped, if its length and characters are allowed."""
    if not isinstance(value, str):
        raise InvalidType(field=field, expected=_("a str"), actual=type(value).__name__)
    if len(value) > 4 * maximum + 64:  # refuse 10 MB before normalising it
        raise InvalidText(field=field, minimum=minimum, maximum=maximum)
    text = unicodedata.normalize("NFC", value).strip()
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_LINE).search(text)
    unseen = None if multiline or text.isascii() else _format_character(text)
    if found is not None or unseen is not None:
        character = f"U+{ord(found.group() if found is not None else str(unseen)):04X}"
        raise InvalidText(field=field, minimum=minimum, maximum=maximum, character=character)
    if not minimum <= seen_length(text) <= maximum:
        raise InvalidText(field=field, minimum=minimum, maximum=maximum)
    return text


def _format_character(text: str) -> str | None:
    """The first format character (Cf) of a one-line text, but the emoji selector."""
    return next((c for c in text if c != "\ufe0f" and unicodedata.category(c) == "Cf"), None)


def seen_length(text: str) -> int:
    """How many characters a reader sees (the text's length, less its marks and formats).

    The marks written above or below a letter (the harakat of vocalised Arabic, accents)
    are part of it, not characters of their own; the format characters (the zero-width
    joiners and spaces, the soft hyphen, the Arabic letter mark) draw nothing at all, so
    ten of them are no ten-character text.

    >>> seen_length("شَعَارٌ"), len("شَعَارٌ")
    (4, 7)
    >>> seen_length("\u200b" * 10)
    0
    """
    if text.isascii():
        return len(text)
    if _HIGH.search(text) is None:  # Latin to Arabic and Syriac: marks of one small class
        marked = _LOW_MARKS.search(text)  # most texts have none
        return len(text) if marked is None else len(text) - len(_LOW_MARKS.findall(text))
    return sum(1 for c in text if unicodedata.category(c) not in _MARK_KINDS)


_HIGH: Final = re.compile("[^\x00-\u08ff]")  # a script past Syriac's (Devanagari …)
_MARK_KINDS: Final = frozenset({"Mn", "Me", "Cf"})


def unicode_class(kinds: Collection[str], first: int, last: int) -> str:
    """A regular expression's class of the characters of ``kinds``, ``first`` to ``last``.

    ``kinds`` are Unicode's general categories. The class is of the ranges they make: a
    class of ranges is searched fast, one of single characters is not.
    """
    spans: list[list[int]] = []
    for code in range(first, last):
        if unicodedata.category(chr(code)) in kinds:
            if spans and spans[-1][1] == code - 1:
                spans[-1][1] = code
            else:
                spans.append([code, code])
    return "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans) + "]"


_LOW_MARKS: Final = re.compile(unicode_class(_MARK_KINDS, 0xA0, 0x900))


def short_list(field: str, values: Sequence[T], most: int) -> Sequence[T]:
    """``values`` if it is a list or tuple (not a str) of at most ``most`` items."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise InvalidType(field=field, expected=_("a list"), actual=type(values).__name__)
    if len(values) > most:
        raise OutOfRange(field=field, value=len(values), minimum=0, maximum=most)
    return values


def one_with_id(kind: str, items: Iterable[Item], item_id: object) -> Item:
    """The item of ``items`` whose ``id`` is ``item_id``, else ``NotFound`` of ``kind``."""
    for item in items:
        if item.id == item_id:
            return item
    raise NotFound(kind=kind, key=str(item_id)[:100])


def refusals(checks: Iterable[tuple[str, Callable[[], object]]]) -> dict[str, MicrogigsError]:
    """Each field whose check refuses it, by name, with its error, in the checks' order.

    What a form's every refusal is made of (``registration_refusals``,
    ``service_refusals``, ``ProjectTerms.refusals``): each check runs, the first error
    of none stops the others.
    """
    return checked_fields(checks)[1]


def checked_fields(
    checks: Iterable[tuple[str, Callable[[], object]]],
) -> tuple[dict[str, object], dict[str, MicrogigsError]]:
    """What each check returns (a field's value, normalised), and what each refuses.

    Each check runs once: a value checked for a form's refusals is the value kept.
    """
    values: dict[str, object] = {}
    found: dict[str, MicrogigsError] = {}
    for field, check in checks:
        try:
            values[field] = check()
        except MicrogigsError as error:
            found[field] = error
    return values, found
