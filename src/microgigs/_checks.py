"""Checks of raw input shared by the domain: whole numbers and plain text.

Hosts may pass anything (a JSON body, a form field): these checks turn wrong types, ranges
and characters into typed errors before any state changes.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from microgigs.errors import InvalidText, InvalidType, OutOfRange

# Control characters (NUL …) never belong in text; overrides (U+202D/U+202E) can make a
# title read differently from what is stored. Newlines and tabs are allowed in long text.
_FORBIDDEN_LINE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202d\u202e]")
_FORBIDDEN_MULTILINE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202d\u202e]")


def whole_number(field: str, value: int, minimum: int, maximum: int) -> int:
    """``value`` if it is a plain ``int`` (not bool, not float) from minimum to maximum."""
    if type(value) is not int:
        raise InvalidType(field=field, expected="an int", actual=type(value).__name__)
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
        raise InvalidType(field=field, expected="a str", actual=type(value).__name__)
    if len(value) > 4 * maximum + 64:  # refuse 10 MB before normalising it
        raise InvalidText(field=field, minimum=minimum, maximum=maximum)
    text = unicodedata.normalize("NFC", value).strip()
    forbidden = _FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_LINE
    if not minimum <= len(text) <= maximum or forbidden.search(text):
        raise InvalidText(field=field, minimum=minimum, maximum=maximum)
    return text
