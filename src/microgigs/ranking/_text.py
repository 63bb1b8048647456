"""Arabic-first text analysis for search: normalise, tokenise, stem. Done once, in Python.

The same terms feed every adapter's index (memory, SQLite FTS5, PostgreSQL GIN), so a
search finds the same services everywhere. See ``docs/ranking.md`` for how the stemmer
was chosen (recall@10 on our own set of titles and queries).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Final

import snowballstemmer

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
_ARABIC_LETTER: Final = re.compile("[\u0621-\u064a]")
_LONGEST_TEXT: Final = 20_000

# Lucene's Arabic light stemmer (Larkey et al.'s light10), on normalised text.
_PREFIXES: Final = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_SHORTEST: Final = 3  # "و" is a conjunction only before three more letters
_SUFFIXES: Final = ("ها", "ان", "ات", "ون", "ين", "يه", "يه", "ه", "ي")


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


def light_stem(word: str) -> str:
    """Strip one article or conjunction prefix and the common suffixes (Lucene's rules).

    >>> [light_stem(w) for w in tokens("الشعارات والتصميم بالترجمة")]
    ['شعار', 'تصميم', 'ترجم']
    """
    if not _ARABIC_LETTER.match(word):
        return word
    for prefix in _PREFIXES:
        if (
            word.startswith(prefix)
            and len(word) >= len(prefix) + 2
            and (len(prefix) > 1 or len(word) > _SHORTEST)
        ):
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
    return word


@functools.cache
def _snowball(language: str) -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer(language)


def snowball_stem(word: str) -> str:
    """Snowball's Arabic stemmer (PostgreSQL's ``arabic`` configuration) or its English one."""
    language = "arabic" if _ARABIC_LETTER.match(word) else "english"
    return str(_snowball(language).stemWord(word))


def english_stem(word: str) -> str:
    """Snowball's English stemmer for Latin words; other words unchanged."""
    return word if _ARABIC_LETTER.match(word) else str(_snowball("english").stemWord(word))


def search_terms(text: str) -> list[str]:
    """The terms that index ``text`` and query it: normalised words, light-stemmed.

    The light stemmer won the measurement of docs/ranking.md (recall@10 0.671, Snowball
    0.547, none 0.395).

    >>> search_terms("أفضل الشعارات") == search_terms("افضل شِعار")
    True
    """
    return [STEMMERS["light"](word) for word in tokens(text)]


STEMMERS: Final[dict[str, Callable[[str], str]]] = {
    "none": english_stem,
    "snowball": snowball_stem,
    "light": lambda word: english_stem(light_stem(word)),
}
"""The candidates measured in docs/ranking.md."""
