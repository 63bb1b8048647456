-- microgigs schema 2 (SQLite): the catalogue index. One row per active service, with a
-- column per sort order, B-tree indexes for every ordering (overall, per section, per
-- category), and FTS5 over the search terms microgigs.ranking computes in Python.

CREATE TABLE listings (
    service_id    TEXT PRIMARY KEY,
    seller_id     TEXT NOT NULL,
    category_id   TEXT NOT NULL,
    section_id    TEXT NOT NULL,
    price_minor   INTEGER NOT NULL,
    delivery_days INTEGER NOT NULL,
    seller_level  TEXT NOT NULL,
    score         INTEGER NOT NULL,
    sales         INTEGER NOT NULL,
    recent_sales  INTEGER NOT NULL,
    newest        INTEGER NOT NULL,
    terms         TEXT NOT NULL,
    doc           TEXT NOT NULL
);
CREATE INDEX listings_newest ON listings (newest DESC, service_id DESC);
CREATE INDEX listings_score ON listings (score DESC, service_id DESC);
CREATE INDEX listings_sales ON listings (sales DESC, service_id DESC);
CREATE INDEX listings_recent ON listings (recent_sales DESC, service_id DESC);
CREATE INDEX listings_category_newest ON listings (category_id, newest DESC, service_id DESC);
CREATE INDEX listings_category_score ON listings (category_id, score DESC, service_id DESC);
CREATE INDEX listings_category_sales ON listings (category_id, sales DESC, service_id DESC);
CREATE INDEX listings_category_recent ON listings (category_id, recent_sales DESC, service_id DESC);
CREATE INDEX listings_section_newest ON listings (section_id, newest DESC, service_id DESC);
CREATE INDEX listings_section_score ON listings (section_id, score DESC, service_id DESC);
CREATE INDEX listings_section_sales ON listings (section_id, sales DESC, service_id DESC);
CREATE INDEX listings_section_recent ON listings (section_id, recent_sales DESC, service_id DESC);

CREATE VIRTUAL TABLE listing_terms USING fts5 (
    terms, content = 'listings', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER listings_terms_insert AFTER INSERT ON listings
BEGIN
    INSERT INTO listing_terms (rowid, terms) VALUES (NEW.rowid, NEW.terms);
END;
CREATE TRIGGER listings_terms_delete AFTER DELETE ON listings
BEGIN
    INSERT INTO listing_terms (listing_terms, rowid, terms) VALUES ('delete', OLD.rowid, OLD.terms);
END;
CREATE TRIGGER listings_terms_update AFTER UPDATE ON listings
BEGIN
    INSERT INTO listing_terms (listing_terms, rowid, terms) VALUES ('delete', OLD.rowid, OLD.terms);
    INSERT INTO listing_terms (rowid, terms) VALUES (NEW.rowid, NEW.terms);
END;
