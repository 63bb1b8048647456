"""Ranked text search: which listings a text query finds, in which order, and what to show.

A query's terms (at most :data:`MAX_TERMS`) make **tiers**: every non-empty set of the
terms the catalogue holds, the larger sets first and, among sets of one size, the rarer
terms first (BM25's inverse document frequency). A listing belongs to the tier of exactly
the query terms it holds; inside a tier listings go by their pivot's posting score (the
titles that begin with the term first, each best rated first: :func:`posting_score`). So
services holding every term come first, then the best partial matches. The rank of a
listing is one whole number, ``tier × TIER_SPAN + posting score``, and a page is a keyset
over it like any other
ordering: each adapter walks one tier at a time down its postings index and stops at the
page, whatever the size of the catalogue.

A tier is looked for among the first :data:`REACH` postings of its rarest term (its
**pivot**) only, a tier matching by a synonym among the first :data:`SYNONYM_REACH`: a
service further down that term's postings is not found in that tier. This bounds the work
of a search whatever the catalogue holds (a tier of two common terms that no title holds
together would otherwise be walked to its end: P6).

The **query's category** (:func:`query_category`: the category most of the services
holding the query's words are in, when it has at least :data:`CATEGORY_SHARE` of their
votes) orders the partial matches: after the services holding every word, those of the
query's category come first (tier by tier), then the category's other services (its
first :data:`CATEGORY_REACH` by rating, holding none of the words), then the partial
matches elsewhere. Each of these is a **level**; a query without a category has one level
a tier, as before.

Everything here is pure: the adapters give the document frequencies and the rows, this
module decides. See ``docs/ranking.md`` for the scoring with a worked example.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Final

import attrs

from microgigs._checks import plain_text
from microgigs._folding import tokens
from microgigs._text import _
from microgigs.errors import InvalidType
from microgigs.ranking._text import analyze
from microgigs.ranking._thesaurus import Thesaurus, marketplace_thesaurus

QUERY_LENGTH: Final = 200
"""The longest search text, in characters."""
MAX_TERMS: Final = 5
"""Terms of a query that rank (the first five distinct ones): 31 tiers without synonyms."""
SUGGEST_LETTERS_MAX: Final = 15
"""The longest word a "did you mean" corrects: longer ones are left as typed."""
SUGGEST_EDITS_MAX: Final = 2_000
"""Edits a "did you mean" analyses at most per query (about 0.1 s; a search is anonymous):
the first unknown-looking words are corrected, those after the budget left as typed."""
MAX_TIERS: Final = 64
"""Tiers of a query at most: every tier of its words, then synonyms' tiers up to this."""
REACH: Final = 250
"""How far down its pivot's postings (by posting score) a tier of the words is looked for."""
SYNONYM_REACH: Final = 100
"""How far down its pivot's postings a tier matching by a synonym is looked for (P6)."""
CATEGORY_REACH: Final = SYNONYM_REACH
"""How far down its category's services (best rated first) the category's level looks."""
CATEGORY_SHARE: Final = Fraction(3, 10)
"""The share of the query words' votes a category needs to be the query's category."""
CANDIDATES: Final = REACH
"""A text search sorted otherwise than by relevance sorts this many most relevant matches."""
HEAD_TERMS: Final = 2
"""A title's first terms, which name its service: «تصميم شعار احترافي لشركتك»."""
HEAD_WEIGHT: Final = 1_000
"""What a term among a title's head adds to its posting's score (more than any score)."""
TIER_SPAN: Final = 10_000
"""Larger than any posting's score (a Bayesian average × 100 is at most 500, plus the head)."""

_WORD_IN_TITLE: Final = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_ARABIC_EDITS: Final = "ءابتثجحخدذرزسشصضطظعغفقكلمنهويؤئ"
_LATIN_EDITS: Final = "abcdefghijklmnopqrstuvwxyz"


@attrs.frozen
class Tier:
    """One tier of a text query: the query terms its listings match, and how.

    A listing is in the tier when it holds every ``present`` term and, of each ``absent``
    group, not every term (a synonym phrase is a group of several).
    """

    matched: frozenset[str]
    """The query terms the tier's listings match, by the term itself or a synonym."""
    present: frozenset[str]
    """The terms each of its listings holds."""
    absent: tuple[tuple[str, ...], ...]
    """Groups of terms none of its listings holds all of (sorted)."""
    synonyms: int
    """How many of the matched terms are matched by a synonym rather than the word."""


@attrs.frozen
class Level:
    """One step of a ranked search's order: a tier (or part of one), or the category's own.

    ``tier`` is the number of the tier the level's listings are in, ``None`` for the
    query's category's services that hold none of its terms. ``in_category`` says whether
    the level keeps the listings of the query's category (``True``), the others
    (``False``) or both (``None``: a query without a category, or the tier holding every
    word).
    """

    tier: int | None
    in_category: bool | None = attrs.field(default=None, kw_only=True)


def query_category(terms: Sequence[str], categories: Mapping[str, Mapping[str, int]]) -> str | None:
    """The category a query is about, or ``None`` when no category stands out.

    ``categories[term]`` says how many listings of each category hold ``term``. Each of the
    query's terms the catalogue holds votes for the categories of its listings, one vote
    shared in proportion; the category with the most votes is the query's when it has at
    least :data:`CATEGORY_SHARE` of them and more than any other (a tie: none).

    >>> query_category(["شعار", "شرك"], {
    ...     "شعار": {"logo-design": 9, "motion-graphics": 1},
    ...     "شرك": {"logo-design": 2, "wordpress": 2, "business-cards": 2, "presentations": 2},
    ... })
    'logo-design'
    >>> query_category(["صمم"], {"صمم": {"logo-design": 2, "book-covers": 2, "ui-ux": 2,
    ...                                 "business-cards": 2, "presentations": 2}}) is None
    True
    """
    held = {
        term: {c: n for c, n in categories.get(term, {}).items() if n > 0}
        for term in dict.fromkeys(terms)
    }
    totals = {term: sum(counts.values()) for term, counts in held.items() if counts}
    # each term's vote shared in whole numbers: over the product of the terms' holders
    scale = math.prod(totals.values())
    votes: dict[str, int] = {}
    for term, total in totals.items():
        for category, count in held[term].items():
            votes[category] = votes.get(category, 0) + count * (scale // total)
    ranked_votes = sorted(votes.values(), reverse=True)
    if not ranked_votes or ranked_votes[1:2] == ranked_votes[:1]:
        return None  # no votes, or a tie: no category stands out
    best = max(votes, key=votes.__getitem__)
    share = CATEGORY_SHARE
    enough = votes[best] * share.denominator >= share.numerator * sum(votes.values())
    return best if enough else None


@attrs.frozen
class Relevance:
    """How one text query ranks listings: its terms and their tiers, best first.

    ``frequencies`` are the document frequencies of the terms (how many listings hold
    each); terms no listing holds make no tier.

    >>> relevance = Relevance.of(("تصميم", "شعار"), {"تصميم": 90, "شعار": 12})
    >>> [sorted(tier.present) for tier in relevance.tiers]
    [['تصميم', 'شعار'], ['شعار'], ['تصميم']]
    >>> relevance.rank(("شعار", "احتراف"), score=450)  # شعار heads the title
    21450
    >>> relevance.rank(("احتراف", "خط", "شعار"), score=450)  # شعار comes later
    20450

    With ``synonyms`` (what :meth:`Thesaurus.synonyms` gives), a query term is matched by
    its own word or by a whole synonym phrase. A set of matched query terms makes a tier
    for each way of matching them, the words themselves first, then by fewer synonyms: a
    listing matching through a synonym ranks just below those holding the words, above
    those matching fewer of the query's terms.

    >>> frequencies = {"مونتاج": 30, "حرر": 50, "فيديو": 80}
    >>> relevance = Relevance.of(("مونتاج",), frequencies, ((("حرر", "فيديو"),),))
    >>> [sorted(tier.present) for tier in relevance.tiers]
    [['مونتاج'], ['حرر', 'فيديو']]
    >>> relevance.tiers[1].absent  # no listing of it holds مونتاج (it is in the first)
    (('مونتاج',),)
    >>> relevance.reach(0), relevance.reach(1)  # a synonym's tier is looked for less deep
    (250, 100)
    """

    terms: tuple[str, ...]
    tiers: tuple[Tier, ...]
    frequencies: Mapping[str, int]
    alternatives: Mapping[str, tuple[tuple[str, ...], ...]] = attrs.field(factory=dict)
    """Each matched query term's ways of being matched: its word first, then synonyms."""
    category: str | None = None
    """The query's category (:func:`query_category`), which orders the partial matches."""
    levels: tuple[Level, ...] = ()
    """The order of a search, best first: the tiers, split by the query's category."""
    _index: Mapping[tuple[tuple[str, int], ...], int] = attrs.field(
        factory=dict, repr=False, eq=False, hash=False
    )
    _level_index: Mapping[tuple[int | None, bool | None], int] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    @_level_index.default
    def _index_levels(self) -> Mapping[tuple[int | None, bool | None], int]:
        return {(level.tier, level.in_category): n for n, level in enumerate(self.levels)}

    @classmethod
    def of(
        cls,
        terms: Sequence[str],
        frequencies: Mapping[str, int],
        synonyms: Sequence[Sequence[tuple[str, ...]]] = (),
        category: str | None = None,
    ) -> Relevance:
        """The tiers of ``terms`` given how many listings hold each term.

        ``synonyms[i]`` are the phrases ``terms[i]`` is expanded to (each a tuple of
        terms); a phrase is used when the catalogue holds each of its terms. ``category``
        is the query's category (:func:`query_category`), ``None`` for none.
        """
        alternatives: dict[str, tuple[tuple[str, ...], ...]] = {}
        for number, term in enumerate(terms):
            ways = [(term,), *(synonyms[number] if number < len(synonyms) else ())]
            known = [way for way in ways if all(frequencies.get(t, 0) > 0 for t in way)]
            if known:
                alternatives[term] = tuple(dict.fromkeys(known))
        concepts = list(alternatives)
        position = {term: index for index, term in enumerate(concepts)}
        weight = {
            term: idf(sum(min(frequencies[t] for t in way) for way in ways))
            for term, ways in alternatives.items()
        }
        keys = [
            (subset, variant)
            for size in range(len(concepts), 0, -1)
            for subset in itertools.combinations(concepts, size)
            for variant in itertools.product(*(range(len(alternatives[t])) for t in subset))
        ]
        keys.sort(
            key=lambda key: (
                -len(key[0]),
                round(-sum(weight[term] for term in key[0]), 9),
                sorted(position[term] for term in key[0]),
                sum(1 for way in key[1] if way),
                key[1],
            )
        )
        plain = [
            tier
            for subset, variant in keys
            if not any(variant)
            for tier in [_tier(subset, variant, alternatives)]
            if tier is not None
        ]
        budget = MAX_TIERS - len(plain)
        tiers: list[Tier] = []
        index: dict[tuple[tuple[str, int], ...], int] = {}
        for subset, variant in keys:
            if any(variant) and budget <= 0:
                continue
            tier = _tier(subset, variant, alternatives)
            if tier is None:
                continue
            budget -= 1 if any(variant) else 0
            index[
                tuple(sorted(zip(subset, variant, strict=True), key=lambda i: position[i[0]]))
            ] = len(tiers)
            tiers.append(tier)
        return cls(
            tuple(terms),
            tuple(tiers),
            dict(frequencies),
            alternatives,
            category,
            _levels(tuple(terms), tiers, category),
            index,
        )

    @property
    def known(self) -> frozenset[str]:
        """The terms some tier asks for (the query's and its synonyms')."""
        return frozenset(t for ways in self.alternatives.values() for way in ways for t in way)

    def tier_of(self, listing_terms: Collection[str]) -> int | None:
        """The index of the tier a listing with these terms falls in (``None``: no match)."""
        held = set(listing_terms)
        key = tuple(
            (term, way)
            for term, ways in self.alternatives.items()
            for way in [next((n for n, w in enumerate(ways) if held.issuperset(w)), -1)]
            if way >= 0
        )
        return self._index.get(key) if key else None

    def level_of(self, listing_terms: Collection[str], category: str | None = None) -> int | None:
        """The number of the level a listing of ``category`` with these terms falls in.

        ``None``: the search does not find it.
        """
        tier = self.tier_of(listing_terms)
        in_category = self.category is not None and category == self.category
        if tier is None:  # the category's level: its services holding no way of any term
            if not in_category or not self._holds_no_way(listing_terms):
                return None  # (a way whose tier did not fit in MAX_TIERS is a match)
            return self._level_index.get((None, True))
        found = self._level_index.get((tier, None))
        return found if found is not None else self._level_index.get((tier, in_category))

    def _holds_no_way(self, listing_terms: Collection[str]) -> bool:
        held = set(listing_terms)
        return not any(held.issuperset(way) for way in self.every_way)

    def rank(
        self, listing_terms: Sequence[str], score: int, category: str | None = None
    ) -> int | None:
        """The whole number a listing sorts on, largest first (``None``: no match).

        ``listing_terms`` in the listing's order (its title's first); ``score`` its rating;
        ``category`` its category (which matters when the query has one).
        """
        level = self.level_of(listing_terms, category)
        if level is None:
            return None
        pivot = self.pivot(level)
        return self.rank_in(
            level, score if pivot is None else posting_score(listing_terms, pivot, score)
        )

    def matches_at(self, rank: int) -> bool:
        """Whether the listings at ``rank`` hold the query's words (not its category's level)."""
        level = self.split(rank)[0]
        return 0 <= level < len(self.levels) and self.levels[level].tier is not None

    def rank_in(self, level: int, score: int) -> int:
        """The rank of a listing in level number ``level`` whose posting has ``score``."""
        return (len(self.levels) - level) * TIER_SPAN + score

    def split(self, rank: int) -> tuple[int, int]:
        """The level number and posting score of a rank (from a cursor)."""
        level, score = divmod(rank, TIER_SPAN)
        return len(self.levels) - level, score

    def reach(self, level: int) -> int:
        """How far down its pivot's postings level number ``level`` is looked for.

        :data:`REACH` for a tier of the query's own words, :data:`SYNONYM_REACH` for one
        matching a term by a synonym (which bounds what synonyms add to a search's walk),
        :data:`CATEGORY_REACH` down the category's services for the category's level.
        """
        tier = self.levels[level].tier
        if tier is None:
            return CATEGORY_REACH
        return SYNONYM_REACH if self.tiers[tier].synonyms else REACH

    def pivot(self, level: int) -> str | None:
        """The rarest term a level's listings hold: the shortest postings list to walk.

        ``None`` for the category's level (its listings hold no term of the query: the
        walk goes down the category's services, best rated first).
        """
        tier = self.levels[level].tier
        if tier is None:
            return None
        return min(self.tiers[tier].present, key=lambda term: (self.frequencies[term], term))

    @functools.cached_property
    def every_way(self) -> tuple[tuple[str, ...], ...]:
        """Every way of matching every term: what the category's level holds none of."""
        return tuple(sorted({way for ways in self.alternatives.values() for way in ways}))


def _levels(
    terms: tuple[str, ...], tiers: Sequence[Tier], category: str | None
) -> tuple[Level, ...]:
    """The order of a search: each tier, or, with a category, the tiers split by it.

    With a category: the tier holding every word of a query of several (whole), the other
    tiers within the category, the category's services holding no term, the other tiers
    outside the category.
    """
    if category is None:
        return tuple(Level(number) for number in range(len(tiers)))
    every = bool(tiers) and len(terms) > 1 and tiers[0].present == frozenset(terms)
    whole = every and not tiers[0].synonyms
    rest = range(1 if whole else 0, len(tiers))
    return (
        *((Level(0),) if whole else ()),
        *(Level(number, in_category=True) for number in rest),
        Level(None, in_category=True),
        *(Level(number, in_category=False) for number in rest),
    )


def _tier(
    subset: Sequence[str],
    variant: Sequence[int],
    alternatives: Mapping[str, tuple[tuple[str, ...], ...]],
) -> Tier | None:
    """The tier matching ``subset`` by way ``variant`` of each, or ``None`` if none can."""
    chosen = dict(zip(subset, variant, strict=True))
    present = frozenset(t for term, way in chosen.items() for t in alternatives[term][way])
    groups = {
        frozenset(way) - present
        for term, ways in alternatives.items()
        for way in ways[: chosen.get(term, len(ways))]  # the earlier ways, or all of them
    }
    if frozenset() in groups:
        return None  # a listing holding these terms matches more, or an earlier way
    kept = sorted(tuple(sorted(g)) for g in groups if not any(o < g for o in groups))
    return Tier(frozenset(subset), present, tuple(kept), sum(1 for way in variant if way))


def posting_score(listing_terms: Sequence[str], term: str, score: int) -> int:
    """The score of a listing's posting for ``term``: its rating, and the head's weight.

    Inside a tier listings go by their pivot's posting: those whose title names the term
    among its first :data:`HEAD_TERMS` terms (the service the title offers) first, then
    those that mention it later («... لمتجرك»), each best rated first. The SQL adapters'
    triggers store the same number in their postings.

    >>> posting_score(("متجر", "كترون"), "متجر", 420)
    1420
    >>> posting_score(("صور", "عدل", "متجر"), "متجر", 420)
    420
    """
    return score + HEAD_WEIGHT if term in listing_terms[:HEAD_TERMS] else score


def idf(frequency: int) -> float:
    """BM25's inverse document frequency, less the part every term of a query shares.

    BM25 gives a term held by ``df`` of ``N`` listings ``ln((N + 1) / (df + 0.5))``; among
    sets of as many terms, ``ln(N + 1)`` adds the same to each, so only this part orders them.
    """
    return -math.log(frequency + 0.5)


def highlight(
    title: str, text: str, thesaurus: Thesaurus | None = None
) -> tuple[tuple[str, bool], ...]:
    """The title in pieces, each with whether it is a word the query ``text`` asked for.

    The pieces join back to the title exactly; a host wraps the marked ones (``<mark>``).

    >>> [piece for piece, marked in highlight("سأصمم لك الشِّعار", "شعارات") if marked]
    ['الشِّعار']

    A synonym phrase (``thesaurus``, the marketplace's unless given) is marked when the
    title holds all of it, as the search matched it:

    >>> [piece for piece, marked in highlight("تحرير الفيديوهات باحتراف", "مونتاج") if marked]
    ['تحرير', 'الفيديوهات']

    A title that is no ``str`` is :class:`~microgigs.errors.InvalidType`; the text is
    checked as a search's is.
    """
    if not isinstance(title, str):
        raise InvalidType(field=_("title"), expected=_("a str"), actual=type(title).__name__)
    asked = query_text(text)
    wanted = set(analyze(asked))
    held = set(analyze(title))
    expansion = (thesaurus or marketplace_thesaurus()).synonyms(query_terms(asked))
    wanted.update(t for phrases in expansion for p in phrases if held.issuperset(p) for t in p)
    pieces: list[tuple[str, bool]] = []
    end = 0
    for word in _WORD_IN_TITLE.finditer(title):
        if word.start() > end:
            pieces.append((title[end : word.start()], False))
        terms = analyze(word.group())
        pieces.append((word.group(), bool(terms) and terms[0] in wanted))
        end = word.end()
    if end < len(title):
        pieces.append((title[end:], False))
    return tuple(pieces)


_INVISIBLE: Final = re.compile(
    r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
"""The marks a pasted Arabic text carries unseen (joiners, direction marks): a title may
not hold them, but a search reads as without them."""


def query_text(text: str, field: str = _("search")) -> str:
    """What a search box sent, its invisible marks taken out, checked as plain text.

    More than :data:`QUERY_LENGTH` characters, a line break or a control character is
    :class:`~microgigs.errors.InvalidText` (of ``field``).
    """
    if isinstance(text, str):
        text = _INVISIBLE.sub("", text)
    return plain_text(field, text, 0, QUERY_LENGTH)


def without_marks(text: str | None) -> str | None:
    """``text`` without its invisible marks (a value that is no text, as it is)."""
    return _INVISIBLE.sub("", text) if isinstance(text, str) else text


def suggest(text: str, frequencies: Callable[[Collection[str]], Mapping[str, int]]) -> str | None:
    """A "did you mean" for ``text``, or ``None`` when no word of it changes.

    Each word no listing holds is replaced by the most common word one edit away that the
    catalogue holds (one deletion, transposition, replacement or insertion). A search box
    is anonymous, so the work is bounded: words of up to :data:`SUGGEST_LETTERS_MAX` letters,
    each distinct word once, and :data:`SUGGEST_EDITS_MAX` edits for the whole query.

    ``frequencies`` gives, for some terms, how many listings hold each (as the adapters'
    term counts do).

    >>> counts = {"صمم": 40, "شعار": 12}  # terms: تصميم is indexed as صمم
    >>> suggest("تصمبم شعار", lambda terms: {t: counts[t] for t in terms if t in counts})
    'تصميم شعار'
    """
    words = tokens(query_text(text))
    options: dict[str, dict[str, str]] = {}  # by word: its term first, then its edits'
    budget = SUGGEST_EDITS_MAX
    for word in dict.fromkeys(words):
        own = analyze(word) if len(word) <= SUGGEST_LETTERS_MAX else []
        edits = _edits(word) if own else set()
        if not own or len(edits) > budget:
            continue
        budget -= len(edits)
        variants: dict[str, str] = {}  # by term, its edit: the shortest, then the first
        for edit in sorted(edits, key=lambda edit: (len(edit), edit)):  # not a set's order
            for term in analyze(edit)[:1]:
                variants.setdefault(term, edit)
        options[word] = {own[0]: word, **{t: e for t, e in variants.items() if t != own[0]}}
    wanted = {term for choice in options.values() for term in choice}
    found = frequencies(wanted) if wanted else {}
    better: dict[str, str] = {}
    for word, choice in options.items():
        asked = next(iter(choice))
        if found.get(asked, 0) > 0:
            continue
        held = [(found[term], edit) for term, edit in choice.items() if found.get(term, 0) > 0]
        if held:
            better[word] = max(held, key=lambda item: (item[0], [-ord(c) for c in item[1]]))[1]
    return " ".join(better.get(word, word) for word in words) if better else None


def _edits(word: str) -> set[str]:
    """Every word one deletion, transposition, replacement or insertion from ``word``."""
    letters = _LATIN_EDITS if word.isascii() else _ARABIC_EDITS
    splits = [(word[:cut], word[cut:]) for cut in range(len(word) + 1)]
    return {
        *(left + right[1:] for left, right in splits if right),
        *(left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1),
        *(left + letter + right[1:] for left, right in splits if right for letter in letters),
        *(left + letter + right for left, right in splits for letter in letters),
    } - {word}


def analyzed(text: str) -> tuple[str, ...]:
    """The distinct terms of ``text`` in order (what an index and a query hold)."""
    return tuple(dict.fromkeys(analyze(text)))


def query_terms(text: str | None) -> tuple[str, ...]:
    """The terms of a query that rank: its first :data:`MAX_TERMS` distinct ones."""
    return analyzed(text or "")[:MAX_TERMS]


def ranked(
    found: Iterable[tuple[Sequence[str], int, str, str]], relevance: Relevance
) -> list[tuple[int, str]]:
    """``(rank, service id)`` of every match among ``(terms, score, service id, category)``.

    Best first. ``found`` is the whole catalogue (before any filter), each listing's terms
    in its order: a level holds only the services among the first
    :meth:`Relevance.reach` postings of its pivot (by :func:`posting_score`, then service
    id; the category's level: among the category's first services by score, then id), and
    which those are does not depend on a query's filters (the adapters cap the postings
    before filtering).
    """
    everything = list(found)
    postings: dict[str | None, list[tuple[int, str]]] = {}
    reach: dict[tuple[str | None, int], set[tuple[int, str]]] = {}
    for number in range(len(relevance.levels)):
        term, depth = relevance.pivot(number), relevance.reach(number)
        if term not in postings:
            postings[term] = sorted(
                (
                    (posting_score(terms, term, score), service_id)
                    if term is not None
                    else (score, service_id)
                    for terms, score, service_id, category in everything
                    if (term in terms if term is not None else category == relevance.category)
                ),
                reverse=True,
            )
        reach.setdefault((term, depth), set(postings[term][:depth]))
    keyed = []
    for terms, score, service_id, category in everything:
        level = relevance.level_of(terms, category)
        if level is None:
            continue
        pivot = relevance.pivot(level)
        posting = score if pivot is None else posting_score(terms, pivot, score)
        if (posting, service_id) in reach[pivot, relevance.reach(level)]:
            keyed.append((relevance.rank_in(level, posting), service_id))
    return sorted(keyed, reverse=True)
