-- microgigs schema 15 (SQLite): how many listings of each category hold each term (issue 20).
--
-- A text search finds the query's category (microgigs.ranking.query_category): each of the
-- query's terms votes for the categories of the listings holding it, in proportion. The
-- counts are kept here by triggers, as term_counts are, so a search reads a few rows by key
-- for its terms instead of counting postings (which would grow with the catalogue: P6).

CREATE TABLE term_categories (
    term        TEXT NOT NULL,
    category_id TEXT NOT NULL,
    services    INTEGER NOT NULL CHECK (services >= 0),
    PRIMARY KEY (term, category_id)
) WITHOUT ROWID;

INSERT INTO term_categories (term, category_id, services)
SELECT t.term, l.category_id, count(*)
FROM listing_terms t JOIN listings l ON l.service_id = t.service_id
GROUP BY t.term, l.category_id;

CREATE TRIGGER listings_categories_insert AFTER INSERT ON listings
BEGIN
    INSERT INTO term_categories (term, category_id, services)
    SELECT DISTINCT value, NEW.category_id, 1
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> ''
    ON CONFLICT (term, category_id) DO UPDATE SET services = services + 1;
END;
CREATE TRIGGER listings_categories_delete AFTER DELETE ON listings
BEGIN
    UPDATE term_categories SET services = services - 1
    WHERE category_id = OLD.category_id AND term IN (
        SELECT value FROM json_each('["' || replace(OLD.terms, ' ', '","') || '"]')
        WHERE value <> ''
    );
END;
CREATE TRIGGER listings_categories_update AFTER UPDATE OF terms, category_id ON listings
WHEN OLD.terms <> NEW.terms OR OLD.category_id <> NEW.category_id
BEGIN
    UPDATE term_categories SET services = services - 1
    WHERE category_id = OLD.category_id AND term IN (
        SELECT value FROM json_each('["' || replace(OLD.terms, ' ', '","') || '"]')
        WHERE value <> ''
    );
    INSERT INTO term_categories (term, category_id, services)
    SELECT DISTINCT value, NEW.category_id, 1
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> ''
    ON CONFLICT (term, category_id) DO UPDATE SET services = services + 1;
END;
