-- microgigs schema 10 (SQLite): ranked search over any term (issue 20).
--
-- A text search now ranks every service holding any of the query's terms: those holding all
-- of them first, then the best partial matches by BM25's inverse document frequency. The
-- document frequency of each term is counted here, kept by triggers, so a search reads it
-- by key instead of counting postings (which would grow with the catalogue: P6).
--
-- The terms themselves change with this version (the analyser of microgigs.ranking folds
-- broken plurals and verb forms): Python computes them, so the migration cannot. Existing
-- listings keep their old terms until `microgigs.storage.reindex_listings(storage)` runs
-- once (docs/storage.md); the postings and these counts follow the listings by triggers.

CREATE TABLE term_counts (
    term     TEXT PRIMARY KEY,
    services INTEGER NOT NULL CHECK (services >= 0)
) WITHOUT ROWID;

INSERT INTO term_counts (term, services)
SELECT term, count(*) FROM listing_terms GROUP BY term;

CREATE TRIGGER listings_counts_insert AFTER INSERT ON listings
BEGIN
    INSERT INTO term_counts (term, services)
    SELECT DISTINCT value, 1
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> ''
    ON CONFLICT (term) DO UPDATE SET services = services + 1;
END;
CREATE TRIGGER listings_counts_delete AFTER DELETE ON listings
BEGIN
    UPDATE term_counts SET services = services - 1
    WHERE term IN (
        SELECT value FROM json_each('["' || replace(OLD.terms, ' ', '","') || '"]')
        WHERE value <> ''
    );
END;
CREATE TRIGGER listings_counts_update AFTER UPDATE OF terms ON listings
WHEN OLD.terms <> NEW.terms
BEGIN
    UPDATE term_counts SET services = services - 1
    WHERE term IN (
        SELECT value FROM json_each('["' || replace(OLD.terms, ' ', '","') || '"]')
        WHERE value <> ''
    );
    INSERT INTO term_counts (term, services)
    SELECT DISTINCT value, 1
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> ''
    ON CONFLICT (term) DO UPDATE SET services = services + 1;
END;
