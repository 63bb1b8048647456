-- microgigs schema 3 (SQLite): reviews, one per order, with ratings summed by the database.

CREATE TABLE reviews (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL UNIQUE,
    service_id TEXT NOT NULL,
    seller_id  TEXT NOT NULL,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    created_at TEXT NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL
);
CREATE INDEX reviews_by_service ON reviews (service_id, created_at DESC, id DESC);
CREATE INDEX reviews_by_seller ON reviews (seller_id);
