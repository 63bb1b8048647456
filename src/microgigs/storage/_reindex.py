"""Recompute the search terms of every listing, after the analyser of search changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs

from microgigs.ranking import Listing, ListingQuery, Ordering, terms_of
from microgigs.storage.ports import Storage

_BATCH: Final = 100


def reindex_listings(storage: Storage) -> int:
    """Give every listing the terms today's analyser computes; return how many changed.

    Run once after upgrading to a version whose search analyser differs (schema 10 on SQLite,
    9 on PostgreSQL): the adapters' postings and term counts follow by triggers. Safe to run
    again, and while the marketplace runs (one short unit of work per 100 listings, newest
    first; a listing written meanwhile gets today's terms from the façade anyway).
    """
    changed = 0
    cursor: str | None = None
    while True:
        with storage.unit_of_work() as uow:
            page = uow.listings.search(
                ListingQuery(ordering=Ordering.NEWEST, limit=_BATCH, cursor=cursor)
            )
            for listing in page.listings:
                terms = terms_of(listing.title, uow.services.get(listing.service_id).tags)
                if terms != listing.terms:
                    uow.listings.change(listing.service_id, _with_terms(terms))
                    changed += 1
            uow.commit()
        if page.next_cursor is None:
            return changed
        cursor = page.next_cursor


def _with_terms(terms: tuple[str, ...]) -> Callable[[Listing], Listing]:
    """A listing's change: these search terms."""
    return lambda listing: attrs.evolve(listing, terms=terms)
