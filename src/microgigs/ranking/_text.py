"""Arabic-first text analysis for search: normalise, tokenise, stem. Done once, in Python.

The same terms feed every adapter's index (memory, SQLite FTS5, PostgreSQL GIN), so a
search finds the same services everywhere. See ``docs/ranking.md`` for how the stemmer
was chosen (recall@10 on our own set of titles and queries).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Final

import snowballstemmer

from microgigs._folding import tokens

_ARABIC_LETTER: Final = re.compile("[\u0621-\u064a]")

STOP_WORDS: Final = frozenset(
    [
        "من",
        "الى",
        "الي",
        "في",
        "على",
        "علي",
        "عن",
        "مع",
        "او",
        "ثم",
        "حتى",
        "لك",
        "لي",
        "لنا",
        "لكم",
        "لكي",
        "له",
        "لها",
        "به",
        "بها",
        "هو",
        "هي",
        "هذا",
        "هذه",
        "ذلك",
        "التي",
        "الذي",
        "الذين",
        "كل",
        "اي",
        "بعد",
        "قبل",
        "عند",
        "دون",
        "حسب",
        "خلال",
        "بين",
        "لدي",
        "ما",
        "لا",
        "لم",
        "لن",
        "قد",
        "كما",
        "مثل",
        # what a buyer says before the service they want: أريد، أبحث عن، محتاج، أبغى
        "اريد",
        "نريد",
        "ابحث",
        "احتاج",
        "محتاج",
        "ابغي",
        "عايز",
        "بدي",
        "the",
        "a",
        "an",
        "of",
        "for",
        "to",
        "in",
        "on",
        "and",
        "or",
        "with",
        "by",
        "your",
        "you",
        "my",
        "from",
        "at",
    ]
)
"""Words that say nothing of a service (normalised): neither indexed nor asked for."""

# Lucene's Arabic light stemmer (Larkey et al.'s light10), on normalised text.
_PREFIXES: Final = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_SHORTEST: Final = 3  # "و" is a conjunction only before three more letters
_SUFFIXES: Final = ("ها", "ان", "ات", "ون", "ين", "يه", "يه", "ه", "ي")


def light_stem(word: str) -> str:
    """Strip one article or conjunction prefix and the common suffixes (Lucene's rules).

    >>> [light_stem(w) for w in tokens("الشعارات والتصميم بالترجمة")]
    ['شعار', 'تصميم', 'ترجم']
    """
    if not _ARABIC_LETTER.match(word):
        return word
    return _light_suffixes(_light_prefix(word))


def _light_prefix(word: str) -> str:
    for prefix in _PREFIXES:
        if (
            word.startswith(prefix)
            and len(word) >= len(prefix) + 2
            and (len(prefix) > 1 or len(word) > _SHORTEST)
        ):
            return word[len(prefix) :]
    return word


def _light_suffixes(word: str, *, stem_ha: bool = False) -> str:
    """Lucene's suffixes; with ``stem_ha``, a ha left by ات stays (microgigs' analyser)."""
    plural = False
    for suffix in _SUFFIXES:
        if suffix == "ه" and plural and stem_ha and not word.endswith("وه"):
            continue  # a ha before ات is the stem's own (واجهات), or a loanword's (فيديوهات)
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
            plural = plural or suffix == "ات"
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


# Loanwords and their Latin spellings, and a few words a buyer uses for the same thing: each
# folds to one term. Keys are normalised words or stems; values are terms.
_CANONICAL: Final = {
    **dict.fromkeys(("لوجو", "logo"), "شعار"),
    # PowerPoint is what a buyer calls a presentation (عرض تقديمي): the term of تقديمي
    **dict.fromkeys(("باوربوينت", "بوربوينت", "باور", "powerpoint"), "قدم"),
    **dict.fromkeys(("الكترون",), "كترون"),
    **dict.fromkeys(("ووردبريس", "وردبريس", "wordpress"), "ووردبريس"),
    **dict.fromkeys(("اكسل", "اكسيل", "excel"), "اكسل"),
    **dict.fromkeys(("سيو", "seo"), "سيو"),
    **dict.fromkeys(("فوتوشوب", "photoshop"), "فوتوشوب"),
    **dict.fromkeys(("انستقرام", "انستغرام", "انستجرام", "instagram"), "انستقرام"),
    **dict.fromkeys(("تليجرام", "تيليجرام", "تلغرام", "تلجرام", "telegram"), "تليجرام"),
    **dict.fromkeys(("يوتيوب", "youtub"), "يوتيوب"),
    **dict.fromkeys(("فيسبوك", "فيس", "facebook"), "فيسبوك"),
    **dict.fromkeys(("جرافيك", "جرافك", "جرافكس", "graphic"), "جرافيك"),
    **dict.fromkeys(("انيميشن", "انميشن", "animat"), "متحرك"),
    **dict.fromkeys(("سكربت", "سكريبت", "script"), "سكربت"),
    **dict.fromkeys(("بايثون", "python"), "بايثون"),
    **dict.fromkeys(("فلاتر", "flutter"), "فلاتر"),
    **dict.fromkeys(("كرت", "كارت", "كارد"), "بطاق"),
    **dict.fromkeys(("فويس",), "صوت"),
    **dict.fromkeys(("بزنس",), "عمل"),
}
_KEPT_TERMS: Final = frozenset(_CANONICAL.values())
"""Terms the table above gives: no rule changes them (متحرك is no doer of تحرك here)."""
_PRONOUNS: Final = ("كم", "هم", "ك", "نا")
_ARTICLED: Final = ("ال", "بال", "كال", "فال", "لل")  # what «and» (و) may stand before
_LONG_ENOUGH: Final = 5
# Words ending in ك that is no pronoun (متحرك is not «your متحر»)
_OWN_KAF: Final = frozenset(
    [
        "متحرك",
        "تحريك",
        "محرك",
        "مشترك",
        "اشتراك",
        "فيسبوك",
        "تيك",
        "توك",
        "بنك",
        "لينك",
        "بلوك",
        "كلاسيك",
        "ماك",
        "سناك",
        "شباك",
        "مبارك",
        "ديناميك",
        "تكتيك",
    ]
)
_CLITIC_BEFORE_MASDAR: Final = ("ب", "ل")
# after ل, a letter that makes it no preposition, or that the light stemmer would strip
# again: للـ is the article's (للشركة), لو and لا begin words of their own (لوحة, لاعب)
_NOT_AFTER_LAM: Final = frozenset("لواي")
# four letters in ات before a pronoun: a singular's own alef and ta marbuta (قناتك is قناة's),
# where most such words are plurals of two-letter stems (صفاتك, جهاتك, فئاتك)
_OWN_ALEF: Final = frozenset({"قنات", "حيات", "زكات", "فتات", "نوات"})


# Broken plurals and derived forms, on light stems (first match wins): each folds the
# forms a reader means alike to one term.
_PATTERNS: Final = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ا([^ا])(.)\2", r"\1\2\2"),  # a doubled verb in the first person: أصمم → صمم
        (r"م([^ا])(.)\2", r"\1\2\2"),  # its doer (مفعّل): مصمم → صمم, مدقق → دقق
        (r"ا([^ا])([^ا])([^ا])", r"\1\2\3"),  # a verb's first person: أسجل → سجل
        (r"ا(.)(.)ا(.)", r"\1\2\3"),  # أفعال → فعل: أعمال → عمل
        (r"ا([^ا]{4})", r"\1"),  # the first person of a four-letter verb: أترجم → ترجم
        (r"ت(.)ا(.)ي(.)", r"\1\2\3"),  # تفاعيل → root: تصاميم → صمم
        (r"ت(.)(.)ي(.)", r"\1\2\3"),  # تفعيل → root: تصميم → صمم (and سأصمم → صمم)
        (r"(.)(.)او(.)", r"\1\2\3"),  # فعاول → فعل: جداول → جدل
        (r"([^م])(.)و(.)", r"\1\2\3"),  # فعول → فعل: عروض → عرض, جدول → جدل
        (r"م(.)ا(.)(.)", r"م\1\2\3"),  # مفاعل → مفعل: متاجر → متجر
    )
)
_MASDAR: Final = re.compile(r"ت..ي.")
_DOER: Final = re.compile(r"م[^اوي]{4}")  # مُفَعْلِل, the doer of a four-letter verb
_MASDAR_TAFILA: Final = re.compile(r"ت[^ا]{3}ه")  # تفعلة: تجربة, تكملة
_PLURAL_AFILA: Final = re.compile(r"ا[^ا]{3}ه")  # أفعلة, told from أفعل by its ة
_PLURAL_AFAAL: Final = re.compile(r"ا..ا.")  # أفعال: ألوان, إعلان
# و before an alef: «and» before أفعال (وأعمال), or a word of its own whose ات is a suffix
# (واجهات); the second is far the likelier in a title, so أفعال is not read there
_CONJOINED_ALEF: Final = re.compile(r"وا(?!ل)")


def _broken_plural_or_form(stem: str) -> str:
    """Fold a light stem's broken plural or derived form to the term its singular has."""
    for pattern, replacement in _PATTERNS:
        if pattern.fullmatch(stem):
            stem = pattern.sub(replacement, stem)
            break
    if _DOER.fullmatch(stem) and stem not in _KEPT_TERMS:
        return stem[1:]  # مترجم → ترجم (ترجمة), مبرمج → برمج (برمجة)
    return stem


def arabic_stem(word: str) -> str:
    """The term of a normalised Arabic word: light stemming, then the pattern rules.

    Beyond Lucene's light stemmer: the future prefix سأ, possessive pronouns (ك كم نا,
    with the ta marbuta they reveal: شركتك), ل or ب before a possessed noun, a noun in م,
    a verbal noun or a loanword (لشركتك, لمقالات, بتصميم), the tanween alef (شعاراً), and
    the pattern rules (``_PATTERNS``); a verbal noun (تفعيل) goes to its root before the
    suffixes are stripped, which would take ين from تحسين.

    >>> [arabic_stem(w) for w in tokens("أغلفة غلاف تصاميم سأصمم عروض عرض لشركتك تحسين")]
    ['غلاف', 'غلاف', 'صمم', 'صمم', 'عرض', 'عرض', 'شرك', 'حسن']
    """
    word = _clitics(word)
    bare = _light_prefix(word)
    if word.startswith("ال") and len(word) - len(bare) == len("ال"):
        bare = _without_for(bare)  # اللباس is لباس's, whose ل is read as the bare word's
    if len(word) - len(bare) == 1 and bare.startswith(_ARTICLED):  # only و was taken
        bare = _light_prefix(bare)  # «and» before «with the»: وبالشعار, وللمصممين
    if bare in _CANONICAL:  # a loanword after its article or preposition: بالبايثون
        return bare
    if _is_masdar(bare) or (_PLURAL_AFAAL.fullmatch(bare) and not _CONJOINED_ALEF.match(word)):
        return bare[1] + bare[2] + bare[4]  # تفعيل and أفعال, whose ين and ان are no suffix
    light = _light_suffixes(bare, stem_ha=True)
    if light in _CANONICAL or len(light) <= _SHORTEST:
        return light
    if _PLURAL_AFILA.fullmatch(bare):
        return light[1] + light[2] + "ا" + light[3]  # أفعلة → فعال: أغلفة → غلاف
    return _broken_plural_or_form(light)


def _clitics(word: str) -> str:
    """The word without the clitics light10 leaves (a future, a pronoun, a preposition)."""
    rest = word[1:]
    if word.startswith("سا") and len(word) >= _LONG_ENOUGH:
        word = word[2:]  # the future: سأصمم
    elif word[:1] in _CLITIC_BEFORE_MASDAR and (
        (word.endswith("ك") and len(word) >= _LONG_ENOUGH)  # لشركتك
        or (rest.startswith("م") and len(rest) >= _LONG_ENOUGH - 1)  # لمقالات, بمونتاج
        or _is_masdar(rest)  # بتصميم
        or _is_masdar(_light_suffixes(rest, stem_ha=True))  # لتطبيقات, بتصميمها
        or _MASDAR_TAFILA.fullmatch(rest) is not None  # بتجربة
        or rest in _CANONICAL  # بفلاتر
    ):
        word = rest
    else:
        word = _without_for(word)
    if word not in _OWN_KAF:
        for pronoun in _PRONOUNS:
            if word.endswith(pronoun) and len(word) - len(pronoun) >= _SHORTEST:
                word = word[: -len(pronoun)]
                if word.endswith("ت") and (not word.endswith("ات") or word in _OWN_ALEF):
                    # the ta marbuta before a pronoun: شركتك, and قناتك (not صفاتك, a plural)
                    word = word[:-1] + "ه"
                break
    if word.endswith("ا") and len(word) >= _LONG_ENOUGH:
        word = word[:-1]  # tanween alef: شعاراً, احترافياً
    return word


def _without_for(word: str) -> str:
    """``word`` without ل «for» before a noun (لعيادة, لغرف), or as it is.

    Not before ل, و, ا or ي, nor where the rest is too short once its endings are set
    aside (:func:`_core`): لغة, لغات, لعبة and لوحة keep their ل. The same is read after
    the article (اللباس as لباس), so a word is one term with it and without it.
    """
    rest = word[1:]
    if word.startswith("ل") and rest[:1] not in _NOT_AFTER_LAM and len(_core(rest)) >= _SHORTEST:
        return rest
    return word


def _core(word: str) -> str:
    """A word without the endings of a plural, a feminine or an adjective of relation.

    What is left of لغويات or لغات is one or two letters, too few for a noun after «for»:
    their ل is their own.
    """
    for pronoun in _PRONOUNS:  # لغاتك: «your languages»
        if word.endswith(pronoun):
            word = word.removesuffix(pronoun)
            break
    for ending in ("ا", "ات", "ون", "ين", "ه", "ي"):
        word = word.removesuffix(ending)
    return word


def _is_masdar(word: str) -> bool:
    """Whether a word has the shape تفعيل (تصميم)."""
    return _MASDAR.fullmatch(word) is not None


def stem(word: str) -> str:
    """The term of one normalised word (the stemmer docs/ranking.md chose)."""
    if word in _CANONICAL:
        return _CANONICAL[word]
    if not _ARABIC_LETTER.match(word):
        found = english_stem(word)
        return _CANONICAL.get(found, found)
    found = arabic_stem(word)
    return _CANONICAL.get(found, found)


def analyze(text: str) -> list[str]:
    """The terms that index ``text`` and query it: its words, less stop words, stemmed.

    >>> analyze("أفضل الشعارات لك") == analyze("افضل شِعار")
    True
    """
    return [stem(word) for word in tokens(text) if word not in STOP_WORDS]


def search_terms(text: str) -> list[str]:
    """The terms of ``text`` (the name the catalogue and its callers know)."""
    return analyze(text)


STEMMERS: Final[dict[str, Callable[[str], str]]] = {
    "none": english_stem,
    "snowball": snowball_stem,
    "light": lambda word: english_stem(light_stem(word)),
}
"""The candidates measured in docs/ranking.md."""
