"""P6: top 20 best selling in one category, and an Arabic text search, at 1,000,000 services
÷ the same at 10,000, on SQLite and PostgreSQL.

The catalogues are generated from the titles of ``bench/data/search_dev.json`` (each service
gets one of them plus a few words, in the category the set gives the title), and bulk-loaded
into the adapters' listing tables (SQLite: through the triggers that keep the postings and
term counts, as for any insert; PostgreSQL: ``COPY`` with those triggers off, then the
postings and counts built in three statements, as the migrations do). The queries go through
the adapters' ``uow.listings.search``: ranked search over any term, one word and two.

Run: .venv/bin/python bench/p6_catalog.py [--services 1000000] [--postgres DSN] [--keep DIR]

With ``--keep`` the SQLite files stay in DIR and are reused by the next run, as the
PostgreSQL schemas are; either is rebuilt when its size or its terms (the analyser's) differ.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from harness import measure, report
from search_recall import categories, load

from microgigs.catalog import default_categories
from microgigs.ids import CategoryId, MemberId, ServiceId
from microgigs.money import Money
from microgigs.policy import SellerLevel
from microgigs.ranking import NO_SYNONYMS, Listing, ListingQuery, Ordering, terms_of
from microgigs.storage import Storage
from microgigs.storage.codec import encode
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage

START = datetime(2025, 1, 1, tzinfo=UTC)
CATEGORY = CategoryId("logo-design")
QUERIES = {
    "best selling in a category": ListingQuery(
        category_id=CATEGORY, ordering=Ordering.BEST_SELLING
    ),
    "Arabic search «شعار»": ListingQuery(text="شعار", ordering=Ordering.RELEVANCE),
    "Arabic search «تصميم شعار»": ListingQuery(text="تصميم شعار", ordering=Ordering.RELEVANCE),
    "Arabic search «عروض تقديمية»": ListingQuery(text="عروض تقديمية", ordering=Ordering.RELEVANCE),
    # the worst case: two common words no title holds together (their tier is empty)
    "Arabic search «شعار ترجمة»": ListingQuery(text="شعار ترجمة", ordering=Ordering.RELEVANCE),
    # the marketplace thesaurus at work: مونتاج → تحرير فيديو, تعديل فيديو, video editing;
    # سوشيال ميديا → تواصل اجتماعي, مواقع التواصل …, and the worst case with synonyms
    "Arabic search «مونتاج فيديو» (synonyms)": ListingQuery(
        text="مونتاج فيديو", ordering=Ordering.RELEVANCE
    ),
    "Arabic search «سوشيال ميديا» (synonyms)": ListingQuery(
        text="سوشيال ميديا", ordering=Ordering.RELEVANCE
    ),
    "Arabic search «مونتاج شعار» (synonyms, no title holds both)": ListingQuery(
        text="مونتاج شعار", ordering=Ordering.RELEVANCE
    ),
    # the same without the thesaurus: مونتاج is held by 2% of the services, below REACH
    # among 10,000, so its empty tier's walk grows with the catalogue up to REACH
    "Arabic search «مونتاج شعار» (no thesaurus)": ListingQuery(
        text="مونتاج شعار", ordering=Ordering.RELEVANCE, thesaurus=NO_SYNONYMS
    ),
}


def listings(count: int, seed: int = 6) -> Iterator[Listing]:
    """``count`` realistic listings, the same for the same seed."""
    rng = random.Random(seed)
    titles = [title for _, title in load()[0]]
    tree = default_categories()
    kinds = [tree.category(CategoryId(kind)) for kind in categories()]
    extras = ["احترافي", "سريع", "بجودة عالية", "للشركات", "بأفضل سعر", "خلال يوم", "مميز"]
    analysed = functools.cache(terms_of)
    for number in range(count):
        chosen = rng.randrange(len(titles))
        category = kinds[chosen]
        title = f"{titles[chosen]} {rng.choice(extras)}"
        yield Listing(
            service_id=ServiceId(f"S{number:08d}"),
            seller_id=MemberId(f"M{rng.randrange(count // 10 + 1)}"),
            category_id=category.id,
            section_id=category.section_id,
            title=title,
            price=Money(500 * rng.randint(1, 20), "USD"),
            delivery_days=rng.randint(1, 30),
            seller_level=rng.choice(list(SellerLevel)),
            rating_count=rng.randint(0, 300),
            score=rng.randint(300, 500),
            sales=int(rng.paretovariate(1.2)),
            recent_sales=rng.randint(0, 20),
            created_at=START + timedelta(minutes=number),
            terms=analysed(title),
        )


def _row(listing: Listing, terms: object) -> tuple[object, ...]:
    return (
        listing.service_id, listing.seller_id, listing.category_id, listing.section_id,
        listing.price.minor, listing.delivery_days, listing.seller_level.value, listing.score,
        listing.sales, listing.recent_sales, listing.sort_value(Ordering.NEWEST), terms,
        encode(listing),
    )  # fmt: skip


COLUMNS = (
    "service_id, seller_id, category_id, section_id, price_minor, delivery_days, seller_level,"
    " score, sales, recent_sales, newest, terms, doc"
)


def _current(count: int, rows: list[tuple[object, object]]) -> bool:
    """Whether a kept catalogue holds ``count`` listings indexed by today's analyser."""
    (total, terms), sample = rows[0], next(listings(1))
    return total == count and str(terms) == " ".join(sample.terms)


def load_sqlite(count: int, folder: Path) -> Storage:
    path = folder / f"p6-{count}.db"
    if path.exists():
        with sqlite3.connect(path) as connection:
            kept = connection.execute(
                "SELECT (SELECT count(*) FROM listings),"
                " (SELECT terms FROM listings WHERE service_id = 'S00000000')"
            ).fetchall()
        if _current(count, kept):
            print(f"  reusing {path}")
            return SQLiteStorage(path, currency="USD")
        path.unlink()
    SQLiteStorage(path, currency="USD").close()
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            f"INSERT INTO listings ({COLUMNS}) VALUES ({', '.join('?' * 13)})",  # noqa: S608
            (_row(listing, " ".join(listing.terms)) for listing in listings(count)),
        )
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
    return SQLiteStorage(path, currency="USD")


def load_postgres(count: int, dsn: str) -> Storage:
    schema = f"bench_p6_{count}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = %s AND table_name = 'listings'",
            (schema,),
        ).fetchall()
        if found:
            kept = connection.execute(
                f'SELECT (SELECT count(*) FROM "{schema}".listings),'  # noqa: S608
                f" (SELECT array_to_string(terms, ' ') FROM \"{schema}\".listings"
                " WHERE service_id = 'S00000000')"
            ).fetchall()
            if _current(count, kept):
                print(f"  reusing schema {schema}")
                return PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1).close()
    with psycopg.connect(dsn, options=f"-c search_path={schema}") as connection:
        connection.execute("ALTER TABLE listings DISABLE TRIGGER USER")  # the index's triggers
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY listings ({COLUMNS}) FROM STDIN") as copy,
        ):
            for listing in listings(count):
                copy.write_row(_row(listing, list(listing.terms)))
        connection.execute(  # as PostgreSQL migration 11 does
            "INSERT INTO listing_terms (term, score, service_id) SELECT u.t, l.score"
            " + CASE WHEN min(u.n) <= 2 THEN 1000 ELSE 0 END, l.service_id"
            " FROM listings l, unnest(l.terms) WITH ORDINALITY AS u(t, n)"
            " GROUP BY l.service_id, l.score, u.t"
        )
        connection.execute(
            "INSERT INTO term_counts (term, services)"
            " SELECT term, count(*) FROM listing_terms GROUP BY term"
        )
        connection.execute(  # as PostgreSQL migration 14 does
            "INSERT INTO term_categories (term, category_id, services)"
            " SELECT t.term, l.category_id, count(*)"
            " FROM listing_terms t JOIN listings l ON l.service_id = t.service_id"
            " GROUP BY t.term, l.category_id"
        )
        connection.execute("ALTER TABLE listings ENABLE TRIGGER USER")
        connection.commit()
    # VACUUM as autovacuum would after a bulk load: it sets the visibility map, so the
    # postings' index answers alone (without it every posting read visits the table too)
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        for table in ("listings", "listing_terms", "term_counts", "term_categories"):
            connection.execute(f"VACUUM (ANALYZE) {table}")
    return PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)


def searcher(storage: Storage, query: ListingQuery) -> Callable[[int], None]:
    def search(loops: int) -> None:
        with storage.unit_of_work() as uow:
            for _ in range(loops):
                assert len(uow.listings.search(query).listings) == query.limit

    return search


def run(
    name: str, load_small: Callable[[], Storage], load_big: Callable[[], Storage], big: int
) -> tuple[list[tuple[str, float, str]], dict[str, float]]:
    started = time.perf_counter()
    small, large = load_small(), load_big()
    print(f"  loaded {name} in {time.perf_counter() - started:.0f} s")
    rows, timings = [], {}
    for label, query in QUERIES.items():
        found = measure(
            {
                f"{name} {label} @ 10,000": searcher(small, query),
                f"{name} {label} @ {big:,}": searcher(large, query),
            },
            loops=50,
        )
        timings.update(found)
        little, lots = found.values()
        rows.append((f"{name}: {label}, {big:,} ÷ 10,000", lots / little, "≤ 2"))
    small.close()
    large.close()
    return rows, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("MICROGIGS_TEST_POSTGRES_DSN"))
    parser.add_argument(
        "--keep",
        type=Path,
        help="a folder to keep the SQLite catalogues in and reuse (PostgreSQL keeps its"
        " schemas): a catalogue is rebuilt when its size or its terms are not today's",
    )
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="microgigs-p6-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows, timings = run(
        "sqlite",
        lambda: load_sqlite(10_000, folder),
        lambda: load_sqlite(options.services, folder),
        options.services,
    )
    if options.postgres:
        more_rows, more = run(
            "postgres",
            lambda: load_postgres(10_000, options.postgres),
            lambda: load_postgres(options.services, options.postgres),
            options.services,
        )
        rows += more_rows
        timings.update(more)
    report("P6 catalogue", rows, timings)


def smoke() -> None:
    """Tiny catalogues on SQLite, both queries: for the test suite."""
    folder = Path(tempfile.mkdtemp(prefix="microgigs-p6-smoke-"))
    storage = load_sqlite(3_000, folder)
    for query in QUERIES.values():
        searcher(storage, query)(1)
    storage.close()


if __name__ == "__main__":
    main()
