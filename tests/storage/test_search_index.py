"""The search index of the SQL adapters: plans pinned, counts kept, old terms re-indexed."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import timedelta

import attrs
import psycopg
import pytest
from migrating import postgres_before

from microgigs.ids import CategoryId, MemberId, ServiceId
from microgigs.money import Money
from microgigs.policy import SellerLevel
from microgigs.ranking import (
    CANDIDATES,
    REACH,
    SYNONYM_REACH,
    Listing,
    ListingQuery,
    Ordering,
    light_stem,
    posting_score,
    terms_of,
    tokens,
)
from microgigs.storage import reindex_listings
from microgigs.storage.postgres import PostgresStorage
from microgigs.storage.sqlite import SQLiteStorage
from microgigs.testing.examples import EPOCH, make_service

TITLES = (
    "تصميم شعار احترافي لشركتك",
    "تصاميم شعارات عصرية للمتاجر",
    "سأصمم لك الشِّعار الذي تحلم به",
    "ترجمة مقال من الإنجليزية إلى العربية",
    "مونتاج فيديو احترافي",
    "إنشاء متجر إلكتروني على سلة",
    "تصميم غلاف كتاب",
)


def catalogue(count: int) -> list[Listing]:
    scores = [300 + (number * 7919) % 200 for number in range(count)]
    return [
        Listing(
            service_id=ServiceId(f"S{number:05d}"),
            seller_id=MemberId(f"M{number % 50}"),
            category_id=CategoryId("logo-design"),
            section_id=CategoryId("design"),
            title=(title := TITLES[number % len(TITLES)]),
            price=Money.of(5, "USD"),
            delivery_days=3,
            seller_level=SellerLevel.LEVEL_1,
            rating_count=3,
            score=scores[number],
            sales=number % 17,
            recent_sales=0,
            created_at=EPOCH + timedelta(minutes=number),
            terms=terms_of(title),
        )
        for number in range(count)
    ]


def edits(count: int) -> list[Listing]:
    """Services that say «تحرير الفيديوهات», the marketplace thesaurus's synonym of مونتاج."""
    title = "تحرير الفيديوهات وقصها"
    return [
        attrs.evolve(
            catalogue(1)[0],
            service_id=ServiceId(f"E{number:05d}"),
            title=title,
            score=300 + number,
            terms=terms_of(title),
        )
        for number in range(count)
    ]


# with synonyms: «مونتاج شعار» walks a tier of «تحرير فيديو» and شعار (empty), «مونتاج مقال»
# the tier of مقال alone (the rarer), which probes that phrase absent: NOT (… AND …)
SYNONYM_QUERIES = ["مونتاج شعار", "مونتاج مقال"]


def fill(storage, listings):
    with storage.unit_of_work() as uow:
        for listing in listings:
            uow.listings.put(listing)
        uow.commit()


def analysed_postgres(postgres_schemas, listings):
    """A PostgreSQL storage in a new schema holding ``listings``, its statistics taken.

    The storage, the DSN and the schema's name.
    """
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    fill(storage, listings)
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        connection.execute("ANALYZE")
    return storage, dsn, schema


def spy_reads(monkeypatch, storage):
    backend = storage._backend
    sent = []
    original = backend._read

    def spy(sql, params=()):
        sent.append((sql, params))
        return original(sql, params)

    monkeypatch.setattr(backend, "_read", spy)
    return sent


@pytest.mark.parametrize("text", ["شعار", "تصميم شعار", "تصاميم شعارات مونتاج", *SYNONYM_QUERIES])
def test_sqlite_walks_each_tier_down_the_postings_without_sorting(tmp_path, monkeypatch, text):
    path = tmp_path / "catalogue.db"
    storage = SQLiteStorage(path, currency="USD")
    fill(storage, catalogue(700) + edits(REACH + 100))
    sent = spy_reads(monkeypatch, storage)
    with storage.unit_of_work() as uow:
        found = uow.listings.search(ListingQuery(text=text, ordering=Ordering.RELEVANCE))
    storage.close()
    assert 20 == len(found.listings)
    walks = [(sql, params) for sql, params in sent if "ORDER BY t.score DESC" in sql]
    counts = [(sql, params) for sql, params in sent if "FROM term_counts" in sql]
    assert walks
    if text in SYNONYM_QUERIES:  # a synonym's tier is walked, or its phrase probed absent
        assert any("حرر" in params for _sql, params in walks)
        assert text == "مونتاج شعار" or any("NOT (" in sql for sql, _params in walks)
    if text == "مونتاج شعار":  # the synonym's tier's pivot is bounded at SYNONYM_REACH
        bounds = [params for sql, params in sent if "OFFSET" in sql]
        assert any(params[1] == SYNONYM_REACH - 1 for params in bounds), bounds
    assert 1 == len(counts)
    with sqlite3.connect(path) as connection:
        for sql, params in walks:
            plan = " | ".join(
                row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            if "(t.score, t.service_id) >= (?, ?)" in sql:  # within the reach: a range seek
                assert "SEARCH t USING PRIMARY KEY (term=? AND (score,service_id)>(?,?))" in plan
            else:
                assert "SEARCH t USING PRIMARY KEY (term=?)" in plan
            assert "TEMP B-TREE" not in plan
        ((sql, params),) = counts
        plan = " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "SEARCH term_counts USING PRIMARY KEY (term=?)" in plan


@pytest.mark.postgres
@pytest.mark.parametrize("text", ["شعار", "تصميم شعار", *SYNONYM_QUERIES])
def test_postgres_walks_each_tier_down_the_postings_without_sorting(
    postgres_schemas, monkeypatch, text
):
    listings = catalogue(3_000) + edits(REACH + 100)
    storage, dsn, schema = analysed_postgres(postgres_schemas, listings)
    sent = spy_reads(monkeypatch, storage)
    with storage.unit_of_work() as uow:
        found = uow.listings.search(ListingQuery(text=text, ordering=Ordering.RELEVANCE))
    storage.close()
    assert 20 == len(found.listings)
    walks = [(sql, params) for sql, params in sent if "ORDER BY t.score DESC" in sql]
    assert walks
    if text == "مونتاج شعار":  # a synonym's tier reads at most SYNONYM_REACH postings
        assert any(params[1] == SYNONYM_REACH for _sql, params in walks), walks
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        for sql, params in walks:
            rows = connection.execute(f"EXPLAIN {sql.replace('?', '%s')}", params).fetchall()
            plan = " | ".join(str(row[0]) for row in rows)
            assert "Scan Backward using listing_terms_pkey" in plan, plan
            assert "Sort" not in plan, plan
            assert "Gather" not in plan, plan
            # the plan of the statement once prepared (psycopg prepares it after five runs)
            numbered = sql.split("?")
            prepared = "".join(f"{part}${n}" for n, part in enumerate(numbered[:-1], 1))
            connection.execute("DEALLOCATE ALL")
            connection.execute(f"PREPARE walk AS {prepared}{numbered[-1]}")
            connection.execute("SET plan_cache_mode = force_generic_plan")
            marks = ", ".join("%s" for _ in params)
            explain = psycopg.ClientCursor(connection)  # literals: EXECUTE takes no $n
            rows = explain.execute(f"EXPLAIN EXECUTE walk({marks})", params).fetchall()
            connection.execute("RESET plan_cache_mode")
            generic = " | ".join(str(row[0]) for row in rows)
            assert "Scan Backward using listing_terms_pkey" in generic, generic
            assert "Materialize" not in generic, generic
            assert "Sort" not in generic, generic


def test_the_migration_counts_the_terms_of_listings_already_indexed(tmp_path):
    path = tmp_path / "before.db"
    SQLiteStorage(path, currency="USD").close()
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("DELETE FROM schema_migrations WHERE version = 11")
        for name in ("insert", "delete", "update"):
            connection.execute(f"DROP TRIGGER listings_counts_{name}")
        connection.execute("DROP TABLE term_counts")
    storage = SQLiteStorage(path, currency="USD")
    fill(storage, catalogue(30))  # through the triggers of schema 11, now back
    storage.close()
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("DELETE FROM schema_migrations WHERE version = 11")
        for name in ("insert", "delete", "update"):
            connection.execute(f"DROP TRIGGER listings_counts_{name}")
        connection.execute("DROP TABLE term_counts")
    storage = SQLiteStorage(path, currency="USD")  # migrates again: counts from the postings
    storage.close()
    expected = Counter(term for listing in catalogue(30) for term in listing.terms)
    with sqlite3.connect(path) as connection:
        assert expected == dict(connection.execute("SELECT term, services FROM term_counts"))


def expected_postings(listings):
    """The postings of ``listings`` as microgigs.ranking.posting_score scores them."""
    return {
        (term, posting_score(listing.terms, term, listing.score), listing.service_id)
        for listing in listings
        for term in listing.terms
    }


def test_sqlite_postings_weigh_a_title_s_head_and_the_migration_rebuilds_them(tmp_path):
    path = tmp_path / "head.db"
    listings = catalogue(40)
    storage = SQLiteStorage(path, currency="USD")
    fill(storage, listings)
    moved = [attrs.evolve(listing, score=listing.score - 7) for listing in listings[:5]]
    fill(storage, moved)  # an update of the score re-scores the postings
    storage.close()
    listings[:5] = moved
    with sqlite3.connect(path, isolation_level=None) as connection:
        assert expected_postings(listings) == set(
            connection.execute("SELECT term, score, service_id FROM listing_terms")
        )
        # the postings as schema 11 left them: the listing's score alone (schema 13 rebuilds)
        connection.execute("UPDATE listing_terms SET score = score % 1000")
        connection.execute("DELETE FROM schema_migrations WHERE version = 13")
    SQLiteStorage(path, currency="USD").close()  # migrates again
    with sqlite3.connect(path) as connection:
        assert expected_postings(listings) == set(
            connection.execute("SELECT term, score, service_id FROM listing_terms")
        )


def old_terms(title):
    """The terms of the analyser before issue 20 (light stemming only)."""
    return tuple(dict.fromkeys(light_stem(word) for word in tokens(title)))


def test_reindexing_gives_old_listings_todays_terms(make_storage):
    storage = make_storage()
    services = [
        attrs.evolve(make_service(service_id=f"S{number:05d}"), title=title, tags=("بسعر",))
        for number, title in enumerate(TITLES)
    ]
    stale = [
        attrs.evolve(listing, terms=old_terms(listing.title)) for listing in catalogue(len(TITLES))
    ]
    with storage.unit_of_work() as uow:
        for service in services:
            uow.services.add(service)
        uow.commit()
    fill(storage, stale)
    # within the category, which holds them all: the holders of the term alone
    query = ListingQuery(
        text="تصاميم", category_id=CategoryId("logo-design"), ordering=Ordering.RELEVANCE
    )
    with storage.unit_of_work() as uow:
        assert () == uow.listings.search(query).listings
    assert len(TITLES) == reindex_listings(storage)
    assert 0 == reindex_listings(storage)
    with storage.unit_of_work() as uow:
        found = {v.service_id for v in uow.listings.search(query).listings}
        assert {"S00000", "S00001", "S00002", "S00006"} == found
        assert terms_of(TITLES[0], ("بسعر",)) == uow.listings.get(ServiceId("S00000")).terms
    storage.close()


def test_other_orderings_sort_the_most_relevant_candidates(make_storage):
    storage = make_storage()
    listings = [
        attrs.evolve(listing, title="شعار", terms=terms_of("شعار"), score=300 + number % 200)
        for number, listing in enumerate(catalogue(CANDIDATES + 1))
    ]
    fill(storage, listings)
    least = min(listings, key=lambda v: (v.score, v.service_id))
    query = ListingQuery(text="شعارات", ordering=Ordering.NEWEST, limit=100)
    found = []
    with storage.unit_of_work() as uow:
        page = uow.listings.search(query)
        while True:
            found += [v.service_id for v in page.listings]
            if page.next_cursor is None:
                break
            page = uow.listings.search(attrs.evolve(query, cursor=page.next_cursor))
    storage.close()
    assert CANDIDATES == len(found) == len(set(found))
    assert least.service_id not in found
    newest_first = sorted(
        (v for v in listings if v.service_id != least.service_id),
        key=lambda v: (v.created_at, v.service_id),
        reverse=True,
    )
    assert [v.service_id for v in newest_first] == found


@pytest.mark.postgres
def test_the_postgres_migration_indexes_the_listings_already_there(postgres_schemas):
    dsn, make_schema = postgres_schemas
    schema = make_schema()
    listings = catalogue(40)
    with postgres_before(dsn, schema, 10) as connection:  # postings, counts: migration 10
        for listing in listings:
            connection.execute(
                "INSERT INTO listings (service_id, seller_id, category_id, section_id,"
                " price_minor, delivery_days, seller_level, score, sales, recent_sales, newest,"
                " terms, doc) VALUES (%s, '', '', '', 0, 1, '', %s, 0, 0, 0, %s, '')",
                (listing.service_id, listing.score, list(listing.terms)),
            )
    PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1).close()
    expected = Counter(term for listing in listings for term in listing.terms)
    with psycopg.connect(dsn, options=f"-c search_path={schema}") as connection:
        counts = dict(connection.execute("SELECT term, services FROM term_counts").fetchall())
        postings = connection.execute("SELECT count(*) FROM listing_terms").fetchone()
    assert expected == counts
    assert (sum(expected.values()),) == postings
    with psycopg.connect(dsn, options=f"-c search_path={schema}") as connection:
        found = connection.execute("SELECT term, score, service_id FROM listing_terms")
        assert expected_postings(listings) == set(found.fetchall())
    storage = PostgresStorage(dsn, currency="USD", schema=schema, pool_size=1)
    moved = [attrs.evolve(listing, score=listing.score - 7) for listing in listings[:5]]
    fill(storage, moved)  # through the trigger of schema 11
    storage.close()
    with psycopg.connect(dsn, options=f"-c search_path={schema}") as connection:
        found = connection.execute("SELECT term, score, service_id FROM listing_terms")
        assert expected_postings(moved + listings[5:]) == set(found.fetchall())


def sqlite_steps(storage, text):
    """The virtual machine instructions SQLite runs for one search (deterministic work)."""
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    connection = storage._backend._connection()
    connection.set_progress_handler(count, 10)
    with storage.unit_of_work() as uow:
        found = uow.listings.search(ListingQuery(text=text, ordering=Ordering.RELEVANCE))
    connection.set_progress_handler(None, 0)
    assert 20 == len(found.listings)
    return steps[0]


def test_sqlite_bounds_a_tier_of_two_common_terms_no_title_holds_together(tmp_path, monkeypatch):
    # شعار and ترجمة are each held by more than REACH listings, never together: the tier of
    # both is empty, and without the bound it was walked down the rarer term's whole list
    text = "شعار ترجمة"
    storage = SQLiteStorage(tmp_path / "small.db", currency="USD")
    fill(storage, catalogue(5_000))
    small = sqlite_steps(storage, text)
    storage.close()
    storage = SQLiteStorage(tmp_path / "large.db", currency="USD")
    fill(storage, catalogue(15_000))
    large = sqlite_steps(storage, text)
    sent = spy_reads(monkeypatch, storage)
    with storage.unit_of_work() as uow:
        uow.listings.search(ListingQuery(text=text, ordering=Ordering.RELEVANCE))
    storage.close()
    assert large < 1.2 * small, (small, large)  # three times the catalogue, the same work
    walks = [(sql, params) for sql, params in sent if "ORDER BY t.score DESC" in sql]
    bounds = [(sql, params) for sql, params in sent if "OFFSET" in sql]
    assert 2 == len(walks)  # both terms, then ترجمة alone (the rarer) fills the page
    assert 1 == len(bounds)  # the one pivot (ترجم, the rarer), read once
    with sqlite3.connect(tmp_path / "large.db") as connection:
        for sql, params in walks:
            plan = " | ".join(
                row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            assert "SEARCH t USING PRIMARY KEY (term=? AND (score,service_id)>(?,?))" in plan
            assert "TEMP B-TREE" not in plan
        ((sql, params),) = bounds
        plan = " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "SEARCH listing_terms USING PRIMARY KEY (term=?)" in plan
        assert "TEMP B-TREE" not in plan


def plan_nodes(node, index):
    """The nodes of a PostgreSQL plan (JSON) that scan ``index``."""
    if node.get("Index Name") == index:
        yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child, index)


@pytest.mark.postgres
def test_postgres_bounds_a_tier_of_two_common_terms_no_title_holds_together(
    postgres_schemas, monkeypatch
):
    storage, dsn, schema = analysed_postgres(postgres_schemas, catalogue(5_000))
    sent = spy_reads(monkeypatch, storage)
    with storage.unit_of_work() as uow:
        found = uow.listings.search(ListingQuery(text="شعار ترجمة", ordering=Ordering.RELEVANCE))
    storage.close()
    assert 20 == len(found.listings)
    walks = [(sql, params) for sql, params in sent if "ORDER BY t.score DESC" in sql]
    assert 2 == len(walks)
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        for sql, params in walks:
            rows = connection.execute(
                f"EXPLAIN (ANALYZE, FORMAT JSON) {sql.replace('?', '%s')}", params
            ).fetchall()
            scans = list(plan_nodes(rows[0][0][0]["Plan"], "listing_terms_pkey"))
            (scan,) = scans  # the pivot's postings, read in the subquery capped at REACH
            assert "Backward" == scan["Scan Direction"]
            assert 0 < scan["Actual Rows"] <= REACH
            assert "Sort" not in str(rows[0][0][0]["Plan"])


def categorised(count: int) -> list[Listing]:
    """Five logo services holding شعار, two motion ones, and ``count`` logo ones without it."""
    base = catalogue(1)[0]

    def made(prefix: str, number: int, title: str, category: str) -> list[Listing]:
        return [
            attrs.evolve(
                base,
                service_id=ServiceId(f"{prefix}{n:05d}"),
                title=title,
                category_id=CategoryId(category),
                score=300 + n % 150,
                terms=terms_of(title),
            )
            for n in range(number)
        ]

    return [
        *made("A", 5, "شعار بسيط", "logo-design"),
        *made("M", 2, "تحريك الشعار", "motion-graphics"),
        *made("H", count, "هوية بصرية كاملة", "logo-design"),
        *made("T", count, "ترجمة مقال", "translation"),
    ]


def test_sqlite_walks_the_querys_category_down_its_index(tmp_path, monkeypatch):
    path = tmp_path / "categories.db"
    storage = SQLiteStorage(path, currency="USD")
    fill(storage, categorised(3_000))
    sent = spy_reads(monkeypatch, storage)
    with storage.unit_of_work() as uow:
        found = uow.listings.search(ListingQuery(text="شعار", ordering=Ordering.RELEVANCE))
    storage.close()
    # شعار's logo holders, then logo-design's best rated others (its level fills the page)
    assert [f"A{n:05d}" for n in range(4, -1, -1)] == [v.service_id for v in found.listings[:5]]
    assert all(v.service_id.startswith("H") for v in found.listings[5:])
    (votes,) = [(sql, params) for sql, params in sent if "FROM term_categories" in sql]
    (level,) = [(sql, params) for sql, params in sent if "FROM listings c" in sql]
    with sqlite3.connect(path) as connection:
        connection.execute("ANALYZE")

        def plan(sql: str, params: object) -> str:
            return " | ".join(
                row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            )

        assert "SEARCH term_categories USING PRIMARY KEY (term=?)" in plan(*votes)
        walked = plan(*level)
        # at most CATEGORY_REACH entries of the category's index, sorted among themselves
        assert "SEARCH c USING COVERING INDEX listings_category_score (category_id=?)" in walked
        assert "MATERIALIZE t" in walked
        assert "SCAN c" not in walked
        assert "SCAN l" not in walked


@pytest.mark.postgres
def test_postgres_walks_the_querys_category_down_its_index(postgres_schemas, monkeypatch):
    storage, dsn, schema = analysed_postgres(postgres_schemas, categorised(3_000))
    sent = spy_reads(monkeypatch, storage)
    with storage.unit_of_work() as uow:
        found = uow.listings.search(ListingQuery(text="شعار", ordering=Ordering.RELEVANCE))
    storage.close()
    assert [f"A{n:05d}" for n in range(4, -1, -1)] == [v.service_id for v in found.listings[:5]]
    (level,) = [(sql, params) for sql, params in sent if "FROM listings c" in sql]
    with psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}") as connection:
        sql, params = level
        rows = connection.execute(f"EXPLAIN {sql.replace('?', '%s')}", params).fetchall()
        plan = " | ".join(str(row[0]) for row in rows)
        assert "Index Only Scan using listings_category_score on listings c" in plan, plan
        assert "Sort" not in plan, plan
        assert "Seq Scan" not in plan, plan
