"""The marketplace thesaurus: query-time synonym expansion of a text search.

A :class:`Thesaurus` is data a marketplace owns: entries of phrases that mean the same
service to a buyer (مونتاج, تحرير فيديو; سي في, سيرة ذاتية). Each phrase is analysed like a
title (:func:`~microgigs.ranking.analyze`), so plurals, clitics and spellings fold as they
do in the index. A query that holds every term of one phrase of an entry is expanded at
query time to the entry's other phrases, as Lucene's SynonymGraphFilter does at search
time: nothing is re-indexed when the thesaurus changes. How an expanded term ranks is
:class:`~microgigs.ranking.Relevance`'s business (``docs/ranking.md``).

It also holds **one-way** entries, a broader phrase and its narrower phrases (SKOS's
``narrower``, Elasticsearch's ``social media => instagram, facebook``): a query holding the
broader phrase («سوشيال ميديا») also finds the services holding a narrower one («انستقرام»),
never the reverse (a query «انستقرام» does not find Facebook's services).

The default, :func:`marketplace_thesaurus`, is written from the catalogue's categories and
the common vocabulary of freelance services (``thesaurus.json``, by section).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Final

import attrs

from microgigs._checks import plain_text
from microgigs._text import _
from microgigs.errors import (
    EmptyNarrowerEntry,
    EmptySynonymEntry,
    InvalidType,
    NarrowerWithoutTerms,
    SynonymWithoutTerms,
)
from microgigs.ranking._text import analyze

MAX_SYNONYMS: Final = 4
"""Synonym phrases a query term is expanded to at most (the entries' first)."""
MAX_NARROWER: Final = 12
"""Narrower phrases a query term is expanded to at most (after its synonyms)."""
PHRASE_LENGTH: Final = 100
"""The longest phrase of an entry, in characters."""

_PAIR: Final = "a broader phrase and its narrower phrases"
Phrase = tuple[str, ...]
"""A phrase's distinct terms, in order."""


def _entries(value: object) -> tuple[tuple[str, ...], ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidType(
            field=_("thesaurus"), expected=_("entries of phrases"), actual=type(value).__name__
        )
    entries = []
    for entry in value:
        if isinstance(entry, str) or not isinstance(entry, Iterable):
            raise InvalidType(
                field=_("thesaurus entry"), expected=_("phrases"), actual=type(entry).__name__
            )
        entries.append(tuple(entry))
    return tuple(entries)


def _narrower(value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidType(
            field=_("thesaurus"), expected=_("narrower entries"), actual=type(value).__name__
        )
    entries = []
    for entry in value:
        pair = (
            (entry.get("broader"), entry.get("narrower")) if isinstance(entry, Mapping) else entry
        )
        if isinstance(pair, str) or not isinstance(pair, Iterable):
            raise InvalidType(
                field=_("narrower entry"), expected=_PAIR, actual=type(entry).__name__
            )
        match tuple(pair):
            case (broader, narrower) if isinstance(narrower, Iterable) and not isinstance(
                narrower, str
            ):
                entries.append((broader, tuple(narrower)))
            case _:
                raise InvalidType(
                    field=_("narrower entry"), expected=_PAIR, actual=type(entry).__name__
                )
    return tuple(entries)


def _terms(field: str, text: object) -> Phrase:
    if not isinstance(text, str):
        raise InvalidType(field=field, expected=_("a str"), actual=type(text).__name__)
    return tuple(dict.fromkeys(analyze(plain_text(field, text, 1, PHRASE_LENGTH))))


def _hyponyms(
    entries: Iterable[tuple[str, tuple[str, ...]]],
) -> Mapping[Phrase, tuple[Phrase, ...]]:
    """Each broader phrase's narrower phrases, analysed (checked as :class:`Thesaurus` says)."""
    hyponyms: dict[Phrase, dict[Phrase, None]] = {}
    for number, (broader, narrower) in enumerate(entries, 1):
        top = _terms(_("broader phrase"), broader)
        if not top:
            raise NarrowerWithoutTerms(entry=number, phrase=str(broader))
        below: dict[Phrase, None] = {}
        for text in narrower:
            terms = _terms(_("narrower phrase"), text)
            if not terms:
                raise NarrowerWithoutTerms(entry=number, phrase=str(text))
            if terms != top:
                below[terms] = None
        if not below:
            raise EmptyNarrowerEntry(entry=number, broader=str(broader))
        hyponyms.setdefault(top, {}).update(below)
    return {t: tuple(b) for t, b in hyponyms.items()}


@attrs.frozen
class Thesaurus:
    """Entries of equivalent phrases, expanded at query time.

    >>> thesaurus = Thesaurus([("مونتاج", "تحرير فيديو"), ("سي في", "السيرة الذاتية")])
    >>> thesaurus.synonyms(("مونتاج", "احتراف"))
    ((('حرر', 'فيديو'),), ())
    >>> thesaurus.synonyms(("سير", "ذات"))  # «سيرتك الذاتية»: each term gets the other phrase
    ((('سي',),), (('سي',),))

    An entry needs two phrases (:class:`~microgigs.errors.EmptySynonymEntry`), each with a
    search term (:class:`~microgigs.errors.SynonymWithoutTerms`: «عن بعد» is stop words).

    ``narrower`` entries are one-way: a broader phrase and the narrower phrases a query
    holding it is expanded to as well (after its synonyms, at most :data:`MAX_NARROWER`
    a term), never the reverse. A query holding a phrase equivalent to the broader one
    (an entry of ``entries`` holding it) is expanded to them too.

    >>> from microgigs.ranking import query_terms
    >>> social = Thesaurus(
    ...     [("سوشيال ميديا", "تواصل اجتماعي")],
    ...     narrower=[("سوشيال ميديا", ("انستقرام", "فيسبوك"))],
    ... )
    >>> social.synonyms(query_terms("سوشيال ميديا"))  # doctest: +NORMALIZE_WHITESPACE
    ((('تواصل', 'اجتماع'), ('انستقرام',), ('فيسبوك',)),
     (('تواصل', 'اجتماع'), ('انستقرام',), ('فيسبوك',)))
    >>> social.synonyms(("انستقرام",))  # never the reverse
    ((),)

    A narrower entry needs a narrower phrase other than its broader one
    (:class:`~microgigs.errors.EmptyNarrowerEntry`), and each phrase a search term
    (:class:`~microgigs.errors.NarrowerWithoutTerms`).
    """

    entries: tuple[tuple[str, ...], ...] = attrs.field(converter=_entries)
    narrower: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(
        default=(), converter=_narrower, kw_only=True
    )
    _phrases: tuple[tuple[Phrase, ...], ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _by_term: Mapping[str, tuple[int, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _hyponyms: Mapping[Phrase, tuple[Phrase, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        phrases: list[tuple[Phrase, ...]] = []
        by_term: dict[str, list[int]] = {}
        for number, entry in enumerate(self.entries, 1):
            if len(entry) < 2:  # noqa: PLR2004 (a pair is the least that says anything)
                raise EmptySynonymEntry(entry=number, count=len(entry))
            analysed: dict[Phrase, None] = {}
            for text in entry:
                if not isinstance(text, str):
                    raise InvalidType(
                        field=_("synonym"), expected=_("a str"), actual=type(text).__name__
                    )
                terms = tuple(
                    dict.fromkeys(analyze(plain_text(_("synonym"), text, 1, PHRASE_LENGTH)))
                )
                if not terms:
                    raise SynonymWithoutTerms(entry=number, phrase=text)
                analysed[terms] = None
            for term in {term for terms in analysed for term in terms}:
                by_term.setdefault(term, []).append(len(phrases))
            phrases.append(tuple(analysed))
        object.__setattr__(self, "_phrases", tuple(phrases))
        object.__setattr__(self, "_by_term", {t: tuple(e) for t, e in by_term.items()})
        object.__setattr__(self, "_hyponyms", _hyponyms(self.narrower))

    @classmethod
    def by_section(
        cls, sections: Mapping[str, Iterable[Sequence[str] | Mapping[str, object]]]
    ) -> Thesaurus:
        """A thesaurus from entries grouped by catalogue section (as ``thesaurus.json``).

        An entry is a list of equivalent phrases, or ``{"broader": phrase, "narrower":
        [phrase, ...]}`` for a one-way entry.
        """
        entries: list[tuple[str, ...]] = []
        narrower: list[Mapping[str, object]] = []
        for section in sections.values():
            for entry in section:
                if isinstance(entry, Mapping):
                    narrower.append(entry)
                else:
                    entries.append(tuple(entry))
        return cls(entries, narrower=narrower)

    @property
    def phrases(self) -> tuple[tuple[Phrase, ...], ...]:
        """Each entry's distinct phrases as terms (what a query is matched and expanded by)."""
        return self._phrases

    def synonyms(self, terms: Sequence[str]) -> tuple[tuple[Phrase, ...], ...]:
        """For each of a query's ``terms``, the phrases it is expanded to (maybe none).

        A phrase of an entry all of whose terms the query holds is found, and each of its
        terms is expanded to the entry's phrases the query does not hold, except those
        holding the term itself (they add nothing); at most :data:`MAX_SYNONYMS` a term,
        in the entries' order. Then, the same way, the narrower phrases of each broader
        phrase the query holds (or holds a phrase equivalent to): at most
        :data:`MAX_NARROWER` more a term, in the entries' order.
        """
        held = set(terms)
        found: list[dict[Phrase, None]] = [{} for _ in terms]
        below: list[dict[Phrase, None]] = [{} for _ in terms]
        place = {term: index for index, term in reversed(list(enumerate(terms)))}

        def expand(
            sources: Iterable[Phrase], others: Iterable[Phrase], into: list[dict[Phrase, None]]
        ) -> None:
            targets = [other for other in others if not held.issuperset(other)]
            for term in dict.fromkeys(term for source in sources for term in source):
                for other in targets:
                    if term not in other:
                        into[place[term]][other] = None

        for number in sorted({n for term in held for n in self._by_term.get(term, ())}):
            phrases = self._phrases[number]
            sources = [phrase for phrase in phrases if held.issuperset(phrase)]
            expand(sources, phrases, found)
            for phrase in phrases:
                if sources and phrase in self._hyponyms:
                    expand(sources, self._hyponyms[phrase], below)
        for broader, narrower in self._hyponyms.items():
            if held.issuperset(broader):
                expand([broader], narrower, below)
        return tuple(
            (
                *tuple(synonyms)[:MAX_SYNONYMS],
                *tuple(n for n in more if n not in synonyms)[:MAX_NARROWER],
            )
            for synonyms, more in zip(found, below, strict=True)
        )


@functools.cache
def marketplace_thesaurus() -> Thesaurus:
    """The default thesaurus: the marketplace's own vocabulary, by section."""
    text = resources.files("microgigs.ranking").joinpath("thesaurus.json").read_text("utf-8")
    return Thesaurus.by_section(json.loads(text)["sections"])


NO_SYNONYMS: Final = Thesaurus(())
"""A thesaurus that expands nothing (a search by the query's own words only)."""
