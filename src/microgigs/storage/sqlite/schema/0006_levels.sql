-- microgigs schema 6 (SQLite): seller level evaluations, an append-only history
-- (one per seller and round), and the indexes the level metrics read.

CREATE TABLE level_evaluations (
    seller_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    level     TEXT NOT NULL,
    doc       TEXT NOT NULL,
    PRIMARY KEY (seller_id, at)
);

DROP INDEX reviews_by_seller;
CREATE INDEX reviews_by_seller ON reviews (seller_id, created_at, id);
