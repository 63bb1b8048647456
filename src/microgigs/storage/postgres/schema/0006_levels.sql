-- microgigs schema 6 (PostgreSQL): seller level evaluations, an append-only history
-- (one per seller and round), and the indexes the level metrics read.

CREATE TABLE level_evaluations (
    seller_id text NOT NULL,
    at        timestamptz NOT NULL,
    level     text NOT NULL,
    doc       text NOT NULL,
    PRIMARY KEY (seller_id, at)
);

DROP INDEX reviews_by_seller;
CREATE INDEX reviews_by_seller ON reviews (seller_id, created_at, id);
