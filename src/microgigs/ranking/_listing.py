"""Listings: what the catalogue index holds for each active service, and how queries read it.

A :class:`Listing` is the searchable, sortable summary of one active service, kept by the
storage adapters in indexes of their own (memory: a dict; SQLite: B-trees and FTS5;
PostgreSQL: B-trees and a GIN index over the same search terms). Every ordering is a
keyset: a sort value and the service id, so pages are stable and each costs a walk down
an index, never a scan.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs

from microgigs._checks import plain_text, whole_number
from microgigs._labels import LabelledEnum, label_members
from microgigs._text import _
from microgigs.catalog import Service
from microgigs.errors import InvalidType, NotPositive, OutOfRange
from microgigs.ids import CategoryId, MemberId, ServiceId
from microgigs.money import _CONTEXT, Money
from microgigs.policy import ReviewPolicy, SellerLevel
from microgigs.ranking._reviews import Rating
from microgigs.ranking._search import (
    CANDIDATES,
    Relevance,
    analyzed,
    query_category,
    query_terms,
    query_text,
    ranked,
    without_marks,
)
from microgigs.ranking._thesaurus import Thesaurus, marketplace_thesaurus

_PAGE_MAX: Final = 100
_STARS_MAX: Final = 5  # a rating is 1 to 5 stars: a minimum past 5 finds nothing, ever
_SCORE_SCALE: Final = 100  # Bayesian averages to two places, stored as whole numbers


class Ordering(LabelledEnum):
    """How a listing query sorts its results."""

    NEWEST = "newest"
    TOP_RATED = "top_rated"
    BEST_SELLING = "best_selling"
    TRENDING = "trending"
    RELEVANCE = "relevance"


label_members(
    {
        Ordering.NEWEST: _("newest"),
        Ordering.TOP_RATED: _("top rated"),
        Ordering.BEST_SELLING: _("best selling"),
        Ordering.TRENDING: _("best selling lately"),
        Ordering.RELEVANCE: _("most relevant"),
    }
)


@attrs.frozen
class Listing:
    """The indexed summary of one active service.

    ``score`` is the Bayesian average rating × 100, what "top rated" sorts on; ``average``
    is the plain average a service's page shows (``rating_total`` ÷ ``rating_count``), so a
    card and its page show the same stars. ``sales`` counts completed orders ever,
    ``recent_sales`` those bought within the policy's ``catalog.trending_window`` (recounted
    daily by ``Marketplace.tick``).
    """

    service_id: ServiceId
    seller_id: MemberId
    category_id: CategoryId
    section_id: CategoryId
    title: str
    price: Money
    delivery_days: int
    seller_level: SellerLevel
    rating_count: int
    score: int
    sales: int
    recent_sales: int
    created_at: datetime
    terms: tuple[str, ...]
    rating_total: int | None = None
    """The stars' sum (``None`` in a listing indexed before it was kept: re-index)."""

    @property
    def average(self) -> Decimal | None:
        """The plain average of the ratings, as the service's page shows it (two places)."""
        if not self.rating_count or self.rating_total is None:
            return None
        return Rating(self.rating_count, self.rating_total).average

    def sort_value(self, ordering: Ordering) -> int:
        """The value an ordering sorts on, largest first (ties: the larger service id)."""
        if ordering is Ordering.NEWEST:
            return int(self.created_at.timestamp() * 1_000_000)
        if ordering is Ordering.BEST_SELLING:
            return self.sales
        if ordering is Ordering.TRENDING:
            return self.recent_sales
        return self.score  # top rated, and relevance among the services that match


def listing_for(
    service: Service,
    *,
    section_id: CategoryId,
    seller_level: SellerLevel,
    rating: Rating,
    sales: int,
    recent_sales: int,
    policy: ReviewPolicy,
) -> Listing:
    """The listing of an active service."""
    return Listing(
        service_id=service.id,
        seller_id=service.seller_id,
        category_id=service.category_id,
        section_id=section_id,
        title=service.title,
        price=service.base_price,
        delivery_days=service.delivery_days,
        seller_level=seller_level,
        rating_count=rating.count,
        rating_total=rating.total,
        score=rating.score(policy),
        sales=sales,
        recent_sales=recent_sales,
        created_at=service.created_at,
        terms=terms_of(service.title, service.tags),
    )


def terms_of(title: str, tags: Iterable[str] = ()) -> tuple[str, ...]:
    """The search terms a listing is indexed by: those of its title and tags."""
    return analyzed(" ".join((title, *tags)))


def _check_price(field: str, amount: object) -> None:
    """A price filter: ``None``, or an amount more than zero (no service costs less)."""
    if amount is None:
        return
    if not isinstance(amount, Money):
        raise InvalidType(field=field, expected="Money", actual=type(amount).__name__)
    if not amount.is_positive():
        raise NotPositive(field=field, value=amount)


@attrs.frozen
class ListingQuery:
    """A page of listings: optional text, filters, an ordering and a cursor.

    Text finds the services holding any of the query's terms (after the same analysis as
    the index): by relevance, those holding every term first (see :class:`Relevance`);
    sorted otherwise, the :data:`CANDIDATES` most relevant. ``min_rating`` filters on the
    Bayesian average. ``thesaurus`` expands the text's words to their synonyms (the
    marketplace's own vocabulary unless given; ``NO_SYNONYMS`` for none).
    """

    text: str | None = attrs.field(default=None, converter=without_marks)
    section_id: CategoryId | None = None
    category_id: CategoryId | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    max_delivery_days: int | None = None
    seller_levels: frozenset[SellerLevel] | None = None
    min_rating: Decimal | None = None
    ordering: Ordering = attrs.field(
        default=attrs.Factory(
            lambda query: Ordering.RELEVANCE if query.text else Ordering.NEWEST, takes_self=True
        )
    )
    """Relevance when there is text to search for, newest first otherwise, unless given."""
    limit: int = 20
    cursor: str | None = None
    thesaurus: Thesaurus = attrs.field(factory=marketplace_thesaurus, repr=False)

    def __attrs_post_init__(self) -> None:
        whole_number(_("page size"), self.limit, 1, _PAGE_MAX)
        if self.text is not None:
            query_text(self.text)
        if self.max_delivery_days is not None:
            whole_number(_("delivery days"), self.max_delivery_days, 1, 10_000)
        _check_price(_("lowest price"), self.min_price)
        _check_price(_("highest price"), self.max_price)
        if self.min_rating is not None and not isinstance(self.min_rating, Decimal):
            raise InvalidType(
                field=_("minimum rating"),
                expected=_("a Decimal"),
                actual=type(self.min_rating).__name__,
            )
        if self.min_rating is not None and not (
            self.min_rating.is_finite() and 0 <= self.min_rating <= _STARS_MAX
        ):
            raise OutOfRange(
                field=_("minimum rating"), value=self.min_rating, minimum=0, maximum=_STARS_MAX
            )
        if not isinstance(self.ordering, Ordering):
            raise InvalidType(
                field=_("ordering"), expected=_("an Ordering"), actual=type(self.ordering).__name__
            )
        levels: object = self.seller_levels  # whatever a caller put there
        if levels is not None and (
            not isinstance(levels, frozenset | set | tuple | list)
            or not all(isinstance(level, SellerLevel) for level in levels)
        ):
            raise InvalidType(
                field=_("seller levels"),
                expected=_("one of the seller levels"),
                actual=repr(levels)[:60],
            )
        decode_cursor(self.cursor)
        if not isinstance(self.thesaurus, Thesaurus):
            raise InvalidType(
                field=_("thesaurus"),
                expected=_("a Thesaurus"),
                actual=type(self.thesaurus).__name__,
            )

    @property
    def finds_nothing(self) -> bool:
        """Text whose every word is a stop word or a sign («من», «🙂»): no service holds it.

        Such a search finds nothing (it is no browse of the whole catalogue).
        """
        return bool(self.text and self.text.strip()) and not self.terms

    @functools.cached_property
    def terms(self) -> tuple[str, ...]:
        """The analysed terms of the text that rank (empty without text)."""
        return query_terms(self.text)

    @functools.cached_property
    def synonyms(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """For each term, the synonym phrases (as terms) the thesaurus expands it to."""
        return self.thesaurus.synonyms(self.terms)

    @functools.cached_property
    def searched_terms(self) -> tuple[str, ...]:
        """The terms and their synonyms' terms: whose document frequencies a search needs."""
        found = dict.fromkeys(self.terms)
        found.update((t, None) for phrases in self.synonyms for phrase in phrases for t in phrase)
        return tuple(found)

    def relevance(
        self,
        frequencies: Mapping[str, int],
        categories: Mapping[str, Mapping[str, int]] | None = None,
    ) -> Relevance:
        """How this query ranks, given the document frequencies of its searched terms.

        ``categories[term]`` says how many listings of each category hold each of the
        query's terms (:func:`~microgigs.ranking.query_category`); without it, or with a
        category filter, the query has no category.
        """
        category = (
            query_category(self.terms, categories)
            if categories is not None and self.asks_category
            else None
        )
        return Relevance.of(self.terms, frequencies, self.synonyms, category)

    @property
    def asks_category(self) -> bool:
        """Whether the query's category orders this search: text, and no category filter.

        (A category filter says the category already.) An adapter reads the counts by
        category (:func:`query_category`) only then.
        """
        return bool(self.terms) and self.category_id is None

    @property
    def min_score(self) -> int | None:
        """The minimum rating as a stored score."""
        if self.min_rating is None:
            return None
        return int(_CONTEXT.multiply(self.min_rating, _SCORE_SCALE))

    def after(self) -> tuple[int, str] | None:
        """The sort value and service id the page starts after."""
        return decode_cursor(self.cursor)


def encode_cursor(listing: Listing, ordering: Ordering) -> str:
    """The opaque cursor that continues after ``listing``."""
    return f"{listing.sort_value(ordering)}:{listing.service_id}"


def decode_cursor(cursor: str | None) -> tuple[int, str] | None:
    """The keyset of a cursor (``None`` for the first page); anything else is refused."""
    if cursor is None:
        return None
    value, _sep, service_id = str(cursor).partition(":")
    try:
        return int(value), plain_text(_("cursor"), service_id, 1, 100)
    except ValueError:
        raise InvalidType(
            field=_("cursor"), expected=_("a cursor from a page"), actual="text"
        ) from None


def matches(listing: Listing, query: ListingQuery) -> bool:
    """Whether ``listing`` passes every filter and matches the text (if it has one).

    It matches by holding a term of the query or the whole of a synonym phrase of one. (A
    search also finds its query's category's best rated other services, after the
    matches: :attr:`~microgigs.ranking.Relevance.levels`.)
    """
    held = set(listing.terms)
    return passes_filters(listing, query) and (
        not query.terms
        or not held.isdisjoint(query.terms)
        or any(held.issuperset(phrase) for phrases in query.synonyms for phrase in phrases)
    )


def passes_filters(listing: Listing, query: ListingQuery) -> bool:
    """Whether ``listing`` passes every filter of ``query`` (its text aside)."""
    return (
        (query.section_id is None or listing.section_id == query.section_id)
        and (query.category_id is None or listing.category_id == query.category_id)
        and (query.min_price is None or listing.price >= query.min_price)
        and (query.max_price is None or listing.price <= query.max_price)
        and (query.max_delivery_days is None or listing.delivery_days <= query.max_delivery_days)
        and (query.seller_levels is None or listing.seller_level in query.seller_levels)
        and (query.min_score is None or listing.score >= query.min_score)
    )


@attrs.frozen
class ListingPage:
    """One page of results, in order, and the cursor of the next page.

    ``suggestion`` is a "did you mean" query when a text search found nothing (and some
    word of it, one edit away, is in the catalogue). ``highlight(title, query.text)``
    marks the matched words of each title.
    """

    listings: tuple[Listing, ...]
    next_cursor: str | None
    suggestion: str | None = None


def page_of(found: Sequence[Listing], query: ListingQuery) -> ListingPage:
    """Order matching listings (largest first), keep the page after the cursor."""
    keyed = sorted(
        ((listing.sort_value(query.ordering), listing.service_id, listing) for listing in found),
        key=lambda item: (item[0], item[1]),
        reverse=True,
    )
    after = query.after()
    if after is not None:
        keyed = [item for item in keyed if (item[0], item[1]) < after]
    rows = [listing for _value, _id, listing in keyed[: query.limit + 1]]
    return finish_page(rows, query)


def finish_page(rows: Sequence[Listing], query: ListingQuery) -> ListingPage:
    """A page from up to ``limit + 1`` ordered rows (the extra one says more exist)."""
    page = tuple(rows[: query.limit])
    more = len(rows) > query.limit
    return ListingPage(page, encode_cursor(page[-1], query.ordering) if more and page else None)


def finish_ranked(rows: Sequence[tuple[int, Listing]], query: ListingQuery) -> ListingPage:
    """A relevance page from up to ``limit + 1`` rows with their ranks, best first."""
    page = rows[: query.limit]
    more = len(rows) > query.limit and page
    cursor = f"{page[-1][0]}:{page[-1][1].service_id}" if more else None
    return ListingPage(tuple(listing for _rank, listing in page), cursor)


def search_listings(
    listings: Iterable[Listing],
    query: ListingQuery,
    frequencies: Mapping[str, int],
    categories: Mapping[str, Mapping[str, int]] | None = None,
) -> ListingPage:
    """The reference search: a page of ``listings`` for ``query``.

    ``frequencies`` says how many listings hold each of the query's searched terms (its
    own and its synonyms'), ``categories`` how many of each category hold each of its own
    terms (:func:`term_categories`; ``None``: rank without the query's category). Every
    adapter returns the same pages (the contract suite checks it).
    """
    if query.finds_nothing:
        return ListingPage((), None)
    everything = list(listings)
    passing = [listing for listing in everything if passes_filters(listing, query)]
    if not query.terms:
        return page_of(passing, query)
    relevance = query.relevance(frequencies, categories)
    by_id = {listing.service_id: listing for listing in passing}
    # the reach of a level is counted down all the postings, then the filters apply
    order = [
        (rank, sid)
        for rank, sid in ranked(
            ((v.terms, v.score, v.service_id, v.category_id) for v in everything), relevance
        )
        if sid in by_id
    ]
    if query.ordering is not Ordering.RELEVANCE:  # among the matches: no related services
        matched = [sid for rank, sid in order if relevance.matches_at(rank)]
        return page_of([by_id[ServiceId(sid)] for sid in matched[:CANDIDATES]], query)
    after = query.after()
    if after is not None:
        order = [(rank, sid) for rank, sid in order if (rank, sid) < after]
    return finish_ranked(
        [(rank, by_id[ServiceId(sid)]) for rank, sid in order[: query.limit + 1]], query
    )


def term_categories(
    listings: Iterable[Listing], terms: Collection[str]
) -> dict[str, dict[str, int]]:
    """How many of ``listings`` of each category hold each of ``terms`` (those held).

    >>> from types import SimpleNamespace as Indexed  # a listing's category and terms
    >>> found = [Indexed(category_id="logo-design", terms=terms_of("شعار", ())),
    ...          Indexed(category_id="motion", terms=terms_of("تحريك الشعار", ()))]
    >>> term_categories(found, ["شعار", "ترجم"])
    {'شعار': {'logo-design': 1, 'motion': 1}}
    """
    wanted = set(terms)
    counts: dict[str, dict[str, int]] = {}
    for listing in listings:
        for term in wanted.intersection(listing.terms):
            held = counts.setdefault(term, {})
            held[listing.category_id] = held.get(listing.category_id, 0) + 1
    return counts


def explain(listing: Listing, query: ListingQuery) -> dict[str, object]:
    """Why a service sits where it does: the sort value, the filters, the matched terms."""
    return {
        "ordering": query.ordering.value,
        "sort_value": listing.sort_value(query.ordering),
        "tie_break": listing.service_id,
        "matches_filters": passes_filters(listing, query),
        "matched_terms": [term for term in query.terms if term in listing.terms],
        "matched_synonyms": [
            " ".join(phrase)
            for term, phrases in zip(query.terms, query.synonyms, strict=True)
            if term not in listing.terms
            for phrase in phrases
            if set(phrase) <= set(listing.terms)
        ],
        "holds_every_term": set(query.terms) <= set(listing.terms),
        "score": _CONTEXT.divide(listing.score, _SCORE_SCALE),
        "sales": listing.sales,
        "recent_sales": listing.recent_sales,
    }
