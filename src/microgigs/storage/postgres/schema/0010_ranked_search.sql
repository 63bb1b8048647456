-- microgigs schema 9 (PostgreSQL): ranked search over any term (issue 20), the same shape
-- as SQLite's: postings (term, score, service) in a B-tree, so a search walks one term's
-- services best rated first and stops at the page, and the document frequency of each term,
-- both kept by triggers. The GIN index answered "holds every term" and left the sorting to
-- the planner; it has no use once search ranks partial matches, so it goes.
--
-- The terms themselves change with this version (the analyser of microgigs.ranking folds
-- broken plurals and verb forms): Python computes them, so the migration cannot. Existing
-- listings keep their old terms until `microgigs.storage.reindex_listings(storage)` runs
-- once (docs/storage.md); the postings and the counts follow the listings by triggers.

DROP INDEX listings_terms;

CREATE TABLE listing_terms (
    term       text NOT NULL,
    score      integer NOT NULL,
    service_id text NOT NULL,
    PRIMARY KEY (term, score, service_id)
);
CREATE INDEX listing_terms_by_service ON listing_terms (service_id, term);
-- A search walks a few postings and stops: parallel workers would cost more to start (10 ms
-- at a million services, P6) than the walk itself.
ALTER TABLE listing_terms SET (parallel_workers = 0);

CREATE TABLE term_counts (
    term     text PRIMARY KEY,
    services integer NOT NULL CHECK (services >= 0)
);

INSERT INTO listing_terms (term, score, service_id)
SELECT DISTINCT t.term, l.score, l.service_id FROM listings l, unnest(l.terms) AS t(term);

INSERT INTO term_counts (term, services)
SELECT term, count(*) FROM listing_terms GROUP BY term;

CREATE FUNCTION listings_index_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM listing_terms WHERE service_id = OLD.service_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO listing_terms (term, score, service_id)
        SELECT DISTINCT t, NEW.score, NEW.service_id FROM unnest(NEW.terms) AS t;
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
    RETURN NULL;
END;
$$;

CREATE TRIGGER listings_index_terms AFTER INSERT OR DELETE OR UPDATE OF terms, score
ON listings FOR EACH ROW EXECUTE FUNCTION listings_index_terms();
