-- microgigs schema 12 (PostgreSQL): a posting's score weighs its term's place in the title
-- (issue 20), as SQLite's schema 13 does.
--
-- A title names its service first («تصميم شعار احترافي لشركتك»): a posting for one of a
-- listing's first two terms scores the listing's score plus 1,000 (more than any score),
-- so inside a tier the services whose title is about the term come before those that
-- mention it on the way, each best rated first. microgigs.ranking.posting_score computes
-- the same number; the terms are stored in the listing's order (its title's first).

CREATE OR REPLACE FUNCTION listings_index_terms() RETURNS trigger LANGUAGE plpgsql AS $$
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
    RETURN NULL;
END;
$$;

TRUNCATE listing_terms;
INSERT INTO listing_terms (term, score, service_id)
SELECT u.t, l.score + CASE WHEN min(u.n) <= 2 THEN 1000 ELSE 0 END, l.service_id
FROM listings l, unnest(l.terms) WITH ORDINALITY AS u(t, n)
GROUP BY l.service_id, l.score, u.t;
