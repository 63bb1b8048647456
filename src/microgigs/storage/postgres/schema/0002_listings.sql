-- microgigs schema 2 (PostgreSQL): the catalogue index. One row per active service, with
-- a column per sort order, B-tree indexes for every ordering (overall, per section, per
-- category), and a GIN index over the search terms microgigs.ranking computes in Python
-- (a text array: no dependence on the database's text parser or locale).

CREATE TABLE listings (
    service_id    text PRIMARY KEY,
    seller_id     text NOT NULL,
    category_id   text NOT NULL,
    section_id    text NOT NULL,
    price_minor   bigint NOT NULL,
    delivery_days integer NOT NULL,
    seller_level  text NOT NULL,
    score         integer NOT NULL,
    sales         integer NOT NULL,
    recent_sales  integer NOT NULL,
    newest        bigint NOT NULL,
    terms         text[] NOT NULL,
    doc           text NOT NULL
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
CREATE INDEX listings_terms ON listings USING gin (terms);
