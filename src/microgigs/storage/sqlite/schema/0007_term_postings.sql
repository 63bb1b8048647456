-- microgigs schema 7 (SQLite): search terms as postings in a B-tree instead of FTS5.
--
-- FTS5 returns every service holding a term, which SQLite then sorts: at a million services
-- a common word («شعار») matched tens of thousands and the first page cost 50 times what it
-- cost among ten thousand (P6). A posting per (term, score, service) walks one term's
-- services best rated first and stops at the page. The terms are the ones microgigs.ranking
-- computes in Python, stored space-separated in listings.terms (tokens of word characters
-- only, so they split into a JSON array safely); triggers keep the postings and their scores
-- in step with the listings.

DROP TRIGGER listings_terms_insert;
DROP TRIGGER listings_terms_delete;
DROP TRIGGER listings_terms_update;
DROP TABLE listing_terms;

CREATE TABLE listing_terms (
    term       TEXT NOT NULL,
    score      INTEGER NOT NULL,
    service_id TEXT NOT NULL,
    PRIMARY KEY (term, score, service_id)
) WITHOUT ROWID;
CREATE INDEX listing_terms_by_service ON listing_terms (service_id, term);

INSERT INTO listing_terms (term, score, service_id)
SELECT DISTINCT j.value, l.score, l.service_id
FROM listings l, json_each('["' || replace(l.terms, ' ', '","') || '"]') j
WHERE j.value <> '';

CREATE TRIGGER listings_terms_insert AFTER INSERT ON listings
BEGIN
    INSERT INTO listing_terms (term, score, service_id)
    SELECT DISTINCT value, NEW.score, NEW.service_id
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> '';
END;
CREATE TRIGGER listings_terms_delete AFTER DELETE ON listings
BEGIN
    DELETE FROM listing_terms WHERE service_id = OLD.service_id;
END;
CREATE TRIGGER listings_terms_update AFTER UPDATE OF terms, score ON listings
BEGIN
    DELETE FROM listing_terms WHERE service_id = OLD.service_id;
    INSERT INTO listing_terms (term, score, service_id)
    SELECT DISTINCT value, NEW.score, NEW.service_id
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> '';
END;
