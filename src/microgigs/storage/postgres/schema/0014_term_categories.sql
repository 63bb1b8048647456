-- microgigs schema 14 (PostgreSQL): how many listings of each category hold each term
-- (issue 20), as SQLite's schema 15 does.
--
-- A text search finds the query's category (microgigs.ranking.query_category): each of the
-- query's terms votes for the categories of the listings holding it, in proportion. The
-- counts are kept here by the listings' trigger, as term_counts are, so a search reads a
-- few rows by key for its terms instead of counting postings (P6).

CREATE TABLE term_categories (
    term        text NOT NULL,
    category_id text NOT NULL,
    services    integer NOT NULL CHECK (services >= 0),
    PRIMARY KEY (term, category_id)
);

INSERT INTO term_categories (term, category_id, services)
SELECT t.term, l.category_id, count(*)
FROM listing_terms t JOIN listings l ON l.service_id = t.service_id
GROUP BY t.term, l.category_id;

CREATE OR REPLACE FUNCTION listings_index_terms() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    recount boolean := TG_OP = 'UPDATE' AND (
        OLD.terms IS DISTINCT FROM NEW.terms OR OLD.category_id IS DISTINCT FROM NEW.category_id
    );
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM listing_terms WHERE service_id = OLD.service_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO listing_terms (term, score, service_id)
        SELECT t, NEW.score + CASE WHEN min(n) <= 2 THEN 1000 ELSE 0 END, NEW.service_id
        FROM unnest(NEW.terms) WITH ORDINALITY AS u(t, n) GROUP BY t;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.terms IS DISTINCT FROM NEW.terms) THEN
        UPDATE term_counts SET services = services - 1
        WHERE term IN (SELECT DISTINCT unnest(OLD.terms));
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.terms IS DISTINCT FROM NEW.terms) THEN
        -- in term order, so two writers never wait on each other's counts in a cycle
        INSERT INTO term_counts (term, services)
        SELECT DISTINCT t, 1 FROM unnest(NEW.terms) AS t ORDER BY 1
        ON CONFLICT (term) DO UPDATE SET services = term_counts.services + 1;
    END IF;
    IF TG_OP = 'DELETE' OR recount THEN
        UPDATE term_categories SET services = services - 1
        WHERE category_id = OLD.category_id AND term IN (SELECT DISTINCT unnest(OLD.terms));
    END IF;
    IF TG_OP = 'INSERT' OR recount THEN
        INSERT INTO term_categories (term, category_id, services)
        SELECT DISTINCT t, NEW.category_id, 1 FROM unnest(NEW.terms) AS t ORDER BY 1
        ON CONFLICT (term, category_id) DO UPDATE SET services = term_categories.services + 1;
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER listings_index_terms ON listings;
CREATE TRIGGER listings_index_terms AFTER INSERT OR DELETE OR UPDATE OF terms, score, category_id
ON listings FOR EACH ROW EXECUTE FUNCTION listings_index_terms();
