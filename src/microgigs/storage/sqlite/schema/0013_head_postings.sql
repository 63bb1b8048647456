-- microgigs schema 13 (SQLite): a posting's score weighs its term's place in the title
-- (issue 20).
--
-- A title names its service first («تصميم شعار احترافي لشركتك»): a posting for one of a
-- listing's first two terms scores the listing's score plus 1,000 (more than any score),
-- so inside a tier the services whose title is about the term come before those that
-- mention it on the way («تعديل صور المنتجات للمتاجر» for «متجر»), each best rated first.
-- microgigs.ranking.posting_score computes the same number; the terms are stored in the
-- listing's order (its title's first), so the place is the index in that list.

DROP TRIGGER listings_terms_insert;
DROP TRIGGER listings_terms_update;

DELETE FROM listing_terms;
INSERT INTO listing_terms (term, score, service_id)
SELECT j.value, l.score + CASE WHEN min(j.key) < 2 THEN 1000 ELSE 0 END, l.service_id
FROM listings l, json_each('["' || replace(l.terms, ' ', '","') || '"]') j
WHERE j.value <> ''
GROUP BY l.service_id, j.value;

CREATE TRIGGER listings_terms_insert AFTER INSERT ON listings
BEGIN
    INSERT INTO listing_terms (term, score, service_id)
    SELECT value, NEW.score + CASE WHEN min(key) < 2 THEN 1000 ELSE 0 END, NEW.service_id
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> ''
    GROUP BY value;
END;
CREATE TRIGGER listings_terms_update AFTER UPDATE OF terms, score ON listings
BEGIN
    DELETE FROM listing_terms WHERE service_id = OLD.service_id;
    INSERT INTO listing_terms (term, score, service_id)
    SELECT value, NEW.score + CASE WHEN min(key) < 2 THEN 1000 ELSE 0 END, NEW.service_id
    FROM json_each('["' || replace(NEW.terms, ' ', '","') || '"]') WHERE value <> ''
    GROUP BY value;
END;
