"""A listing written by the SQL adapters: only its changed columns, or whole, the same rows.

An adapter that knows a listing's row (it read or wrote it last) writes only the columns
that changed, on the condition that every other column still holds the new value; a row
that changed meanwhile (another process wrote it) is written whole. Either way the row, its
search postings and every query over them end as the whole upsert would leave them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import attrs
import pytest

from microgigs.ids import CategoryId, MemberId, ServiceId
from microgigs.money import Money
from microgigs.ranking import Listing, ListingQuery, Ordering, SellerLevel, terms_of
from microgigs.storage.ports import Storage
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

Opener = Callable[[], Storage]


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def open_database(request, tmp_path) -> Opener:
    """A function opening the same database again: each storage a process of its own."""
    if request.param == "postgres":
        dsn, schema = request.getfixturevalue("postgres_schemas")
        name = schema()
        return lambda: PostgresStorage(dsn, currency="USD", schema=name, pool_size=2)
    return lambda: SQLiteStorage(tmp_path / "listings.db", currency="USD")


def listing(title: str = "تصميم شعار احترافي لشركتك") -> Listing:
    return Listing(
        service_id=ServiceId("S1"),
        seller_id=MemberId("M1"),
        category_id=CategoryId("logo-design"),
        section_id=CategoryId("design"),
        title=title,
        price=Money(500, "USD"),
        delivery_days=2,
        seller_level=SellerLevel.LEVEL_1,
        rating_count=0,
        score=400,
        sales=0,
        recent_sales=0,
        created_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        terms=terms_of(title),
    )


def put(storage: Storage, value: Listing) -> None:
    with storage.unit_of_work() as uow:
        uow.listings.put(value)
        uow.commit()


def found(storage: Storage, query: ListingQuery) -> list[Listing]:
    with storage.unit_of_work() as uow:
        return list(uow.listings.search(query).listings)


def by_level(level: SellerLevel) -> ListingQuery:
    return ListingQuery(seller_levels=frozenset({level}), ordering=Ordering.BEST_SELLING)


def test_a_listing_changed_elsewhere_since_it_was_known_is_written_whole(
    open_database: Opener,
) -> None:
    here, elsewhere = open_database(), open_database()
    try:
        put(here, listing())  # here knows the row: level 1, no sale
        promoted = attrs.evolve(listing(), seller_level=SellerLevel.LEVEL_2)
        put(elsewhere, promoted)
        sold = attrs.evolve(listing(), sales=1, recent_sales=1)  # here's level 1 again

        put(here, sold)

        fresh = open_database()
        try:
            assert [sold] == found(fresh, by_level(SellerLevel.LEVEL_1))
            assert [] == found(fresh, by_level(SellerLevel.LEVEL_2))
        finally:
            fresh.close()
    finally:
        here.close()
        elsewhere.close()


def test_a_sale_and_a_new_title_written_by_their_columns_leave_the_search_right(
    open_database: Opener,
) -> None:
    storage = open_database()
    try:
        put(storage, listing())
        sold = attrs.evolve(listing(), sales=3, recent_sales=2)
        put(storage, sold)
        renamed = attrs.evolve(
            sold, title="ترجمة مقالات", terms=terms_of("ترجمة مقالات"), score=450
        )
        put(storage, renamed)

        fresh = open_database()
        try:
            assert [renamed] == found(fresh, ListingQuery(text="ترجمة"))
            assert [] == found(fresh, ListingQuery(text="شعار"))
            assert [renamed] == found(
                fresh, ListingQuery(text="مقالات", ordering=Ordering.RELEVANCE)
            )
            assert [renamed] == found(fresh, by_level(SellerLevel.LEVEL_1))
        finally:
            fresh.close()
    finally:
        storage.close()
