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

-- A trigger of its own beside listings_index_terms (postings and term counts), so neither
-- repeats the other.
CREATE FUNCTION listings_count_categories() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE term_categories SET services = services - 1
        WHERE category_id = OLD.category_id AND term IN (SELECT DISTINCT unnest(OLD.terms));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        -- in term order, so two writers never wait on each other's counts in a cycle
        INSERT INTO term_categories (term, category_id, services)
        SELECT DISTINCT t, NEW.category_id, 1 FROM unnest(NEW.terms) AS t ORDER BY 1
        ON CONFLICT (term, category_id) DO UPDATE SET services = term_categories.services + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER listings_count_categories AFTER INSERT OR DELETE ON listings
FOR EACH ROW EXECUTE FUNCTION listings_count_categories();
CREATE TRIGGER listings_recount_categories AFTER UPDATE OF terms, category_id ON listings
FOR EACH ROW
WHEN (OLD.terms IS DISTINCT FROM NEW.terms OR OLD.category_id IS DISTINCT FROM NEW.category_id)
EXECUTE FUNCTION listings_count_categories();
