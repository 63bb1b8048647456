"""The marketplace thesaurus: query-time synonym expansion of a text search.

A :class:`Thesaurus` is data a marketplace owns: entries of phrases that mean the same
service to a buyer (مونتاج, تحرير فيديو; سي في, سيرة ذاتية). Each phrase is analysed like a
title (:func:`~microgigs.ranking.analyze`), so plurals, clitics and spellings fold as they
do in the index. A query that holds every term of one phrase of an entry is expanded at
query time to the entry's other phrases, as Lucene's SynonymGraphFilter does at search
time: nothing is re-indexed when the thesaurus changes. How an expanded term ranks is
:class:`~microgigs.ranking.Relevance`'s business (``docs/ranking.md``).

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
from microgigs.errors import EmptySynonymEntry, InvalidType, SynonymWithoutTerms
from microgigs.ranking._text import analyze

MAX_SYNONYMS: Final = 4
"""Synonym phrases a query term is expanded to at most (the entries' first)."""
PHRASE_LENGTH: Final = 100
"""The longest phrase of an entry, in characters."""

Phrase = tuple[str, ...]
"""A phrase's distinct terms, in order."""


def _entries(value: object) -> tuple[tuple[str, ...], ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidType(
            field=_("thesaurus"), expected="entries of phrases", actual=type(value).__name__
        )
    entries = []
    for entry in value:
        if isinstance(entry, str) or not isinstance(entry, Iterable):
            raise InvalidType(
                field=_("thesaurus entry"), expected="phrases", actual=type(entry).__name__
            )
        entries.append(tuple(entry))
    return tuple(entries)


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
    """

    entries: tuple[tuple[str, ...], ...] = attrs.field(converter=_entries)
    _phrases: tuple[tuple[Phrase, ...], ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _by_term: Mapping[str, tuple[int, ...]] = attrs.field(
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
                        field=_("synonym"), expected="a str", actual=type(text).__name__
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

    @classmethod
    def by_section(cls, sections: Mapping[str, Iterable[Sequence[str]]]) -> Thesaurus:
        """A thesaurus from entries grouped by catalogue section (as ``thesaurus.json``)."""
        return cls([tuple(entry) for entries in sections.values() for entry in entries])

    @property
    def phrases(self) -> tuple[tuple[Phrase, ...], ...]:
        """Each entry's distinct phrases as terms (what a query is matched and expanded by)."""
        return self._phrases

    def synonyms(self, terms: Sequence[str]) -> tuple[tuple[Phrase, ...], ...]:
        """For each of a query's ``terms``, the phrases it is expanded to (maybe none).

        A phrase of an entry all of whose terms the query holds is found, and each of its
        terms is expanded to the entry's phrases the query does not hold, except those
        holding the term itself (they add nothing); at most :data:`MAX_SYNONYMS` a term,
        in the entries' order.
        """
        held = set(terms)
        found: list[dict[Phrase, None]] = [{} for _ in terms]
        place = {term: index for index, term in reversed(list(enumerate(terms)))}
        for number in sorted({n for term in held for n in self._by_term.get(term, ())}):
            phrases = self._phrases[number]
            sources = [phrase for phrase in phrases if held.issuperset(phrase)]
            others = [phrase for phrase in phrases if not held.issuperset(phrase)]
            for term in dict.fromkeys(term for source in sources for term in source):
                for other in others:
                    if term not in other:
                        found[place[term]][other] = None
        return tuple(tuple(phrases)[:MAX_SYNONYMS] for phrases in found)


@functools.cache
def marketplace_thesaurus() -> Thesaurus:
    """The default thesaurus: the marketplace's own vocabulary, by section."""
    text = resources.files("microgigs.ranking").joinpath("thesaurus.json").read_text("utf-8")
    return Thesaurus.by_section(json.loads(text)["sections"])


NO_SYNONYMS: Final = Thesaurus(())
"""A thesaurus that expands nothing (a search by the query's own words only)."""
