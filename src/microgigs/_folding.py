"""Text as every comparison of words reads it: search, and names that pass for the team.

NFKC, lower case, no diacritics or tatweel, one alef, ya for alef maqsura, ha for ta
marbuta, ASCII digits; then the words.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Harakat, tanween, shadda, sukun, dagger alef, Quranic marks: they change no word's identity.
_DIACRITICS: Final = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL: Final = "\u0640"
_FOLD: Final = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    }
)
_WORD: Final = re.compile(r"\w+")
_LONGEST_TEXT: Final = 20_000


def normalize(text: str) -> str:
    """Text as search compares it.

    NFKC, lower case, no diacritics or tatweel, one alef, ya for alef maqsura, ha for ta
    marbuta, ASCII digits.

    >>> normalize("شِعارٌ أفضـــل ١٢٣")
    'شعار افضل 123'
    """
    folded = unicodedata.normalize("NFKC", text[:_LONGEST_TEXT]).lower()
    return _DIACRITICS.sub("", folded).replace(_TATWEEL, "").translate(_FOLD)


def tokens(text: str) -> list[str]:
    r"""The words of ``text`` after normalisation.

    Normalising first matters: ``\w`` does not match combining marks, so diacritics
    would otherwise split words.
    """
    return _WORD.findall(normalize(text))
